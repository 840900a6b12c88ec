"""The import log's context menu actions: retry a failed file, show it, forget its entry.

None of them ever changes, moves or deletes the user's file: "Remove from Log" forgets the
failed entry only, and "Retry Import" forgets it and imports the file again (through the
window's import, with its report in the status bar).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from reader.library import Changes, DigestRecord, DigestStatus, Library
from reader.library.log_entries import forget_failed_digest, forget_failures_of
from ui.operations import OperationRunner
from ui.places import Places
from ui.transfers import Transfers


class DigestLogActions(QObject):
    """Carries out :attr:`SidebarView.digest_action_requested` (see the module docstring)."""

    message = Signal(str, int)
    """A line for the status bar (text, milliseconds)."""

    def __init__(
        self,
        runner: OperationRunner,
        transfers: Transfers,
        places: Places,
        record: Callable[[int], DigestRecord | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._transfers = transfers
        self._places = places
        self._record = record

    def act(self, action: str, digest_id: int) -> None:
        """``retry``, ``show`` or ``forget`` the digest ``digest_id``."""
        record = self._record(digest_id)
        if record is None:
            self.message.emit("That digest is not in the import log any more", 6000)
            return
        if action == "show":
            self._places.show_file(Path(record.path))
        elif action == "retry":
            self.retry(record)
        elif action == "forget":
            self.forget(record)

    def retry(self, record: DigestRecord) -> None:
        """Import a failed file again, now (it is read again even if it did not change)."""
        path = Path(record.path)
        if not path.is_file():
            self.message.emit(f"{record.name} is not at {path.parent} any more", 8000)
            return
        if record.status is not DigestStatus.FAILED:
            self.message.emit(f"{record.name} is imported already", 6000)
            return

        def op(library: Library) -> Changes:
            return forget_failures_of(library, record.path, record.sha256)

        def again(_changes: Changes) -> None:
            self._transfers.import_paths([path])

        self._runner.run(op, on_success=again, title="The file could not be imported again")

    def forget(self, record: DigestRecord) -> None:
        """Forget a failed file's entry (the file stays where it is)."""

        def op(library: Library) -> Changes:
            return forget_failed_digest(library, record.id)

        self._runner.run(
            op,
            on_success=lambda _changes: self.message.emit(
                f"Removed {record.name} from the import log (the file is kept)", 6000
            ),
            title="The import log was not changed",
        )
