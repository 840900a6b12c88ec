"""Where typed notes wait until the library has them: no note the user typed is ever lost.

The note editor hands each text to :class:`NoteKeeper`, which saves it on the writer thread
(a write that meets another program's lock waits there until it is released). Until the
library confirms a text, the keeper holds it: the editor shows the kept text, not the
stored one, when the user comes back to that paper. A save the library refuses (damaged,
read-only, a full disk) is kept too, written to a recovery copy at once, shown with its
reason, and retried every :data:`RETRY_MS`; the copy is removed when the note is stored.
When the window closes with notes not yet stored, every one of them gets a recovery copy.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from reader.library import Changes, Library
from ui.operations import OperationRunner

log = logging.getLogger(__name__)

RETRY_MS = 20_000
"""How often a refused note is tried again."""


class NoteKeeper(QObject):
    """Saves notes through the writer and keeps every text the library has not stored."""

    state_changed = Signal(int, str, bool)
    """A paper id, what its note's save is doing, and whether that is a warning."""

    def __init__(
        self, runner: OperationRunner, recovery_dir: Path, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.recovery_dir = recovery_dir
        self._pending: dict[int, str] = {}
        self._refused: dict[int, str] = {}
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.retry)
        runner.waiting_changed.connect(self._waiting)

    def kept(self, paper_id: int) -> str | None:
        """The newest text of ``paper_id`` the library has not stored yet, if any."""
        return self._pending.get(paper_id, self._refused.get(paper_id))

    def unsaved(self) -> dict[int, str]:
        """Every kept text by paper id (waiting or refused)."""
        return {**self._refused, **self._pending}

    def save(self, paper_id: int, text: str) -> None:
        """Store ``text`` as ``paper_id``'s note (on the writer thread)."""
        self._pending[paper_id] = text
        self._refused.pop(paper_id, None)
        self.state_changed.emit(paper_id, "Saving…", False)

        def op(library: Library) -> Changes:
            return library.set_note(paper_id, text)

        def stored(_changes: Changes) -> None:
            if self._pending.get(paper_id) == text:
                del self._pending[paper_id]
                self._remove_copy(paper_id)
                self.state_changed.emit(paper_id, "Saved", False)
            if not self._refused:
                self._retry.stop()

        def refused(exc: BaseException) -> None:
            if self._pending.get(paper_id) != text:
                return  # a newer text is on its way
            del self._pending[paper_id]
            self._refused[paper_id] = text
            copy = self.write_copy(paper_id, text)
            where = f" A copy is in {copy}." if copy is not None else ""
            self.state_changed.emit(
                paper_id, f"Not saved: {exc}. Kept here and retried.{where}", True
            )
            self._retry.start()

        if self._runner.run(op, initiator=self, on_success=stored, on_failure=refused) is None:
            refused(RuntimeError("the window is closing"))

    def wait(self, seconds: float) -> None:
        """Let the notes being stored arrive (the window is closing), at most ``seconds``."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop
        from PySide6.QtWidgets import QApplication

        deadline = QDeadlineTimer(int(seconds * 1000))
        while self._pending and not deadline.hasExpired():
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def retry(self) -> None:
        """Try every refused note again."""
        for paper_id, text in list(self._refused.items()):
            self.save(paper_id, text)

    def _waiting(self, waiting: bool) -> None:
        if waiting:
            for paper_id in self._pending:
                self.state_changed.emit(paper_id, "Waiting for the library…", True)

    # ------------------------------------------------------------------ recovery copies

    def _copy_path(self, paper_id: int) -> Path:
        return self.recovery_dir / f"note-of-paper-{paper_id}.md"

    def write_copy(self, paper_id: int, text: str) -> Path | None:
        """Write ``text`` to the recovery folder (atomically); ``None`` if that failed too."""
        path = self._copy_path(paper_id)
        try:
            self.recovery_dir.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8", errors="surrogatepass")
            temporary.replace(path)
        except OSError as exc:
            log.error("the recovery copy of the note of paper %s failed: %s", paper_id, exc)
            return None
        log.warning("note of paper %s kept in %s", paper_id, path)
        return path

    def write_copies(self) -> list[Path]:
        """A recovery copy of every note not stored yet (the window is closing)."""
        return [
            path
            for paper_id, text in self.unsaved().items()
            if (path := self.write_copy(paper_id, text)) is not None
        ]

    def _remove_copy(self, paper_id: int) -> None:
        try:
            self._copy_path(paper_id).unlink(missing_ok=True)
        except OSError as exc:
            log.debug("recovery copy of paper %s not removed: %s", paper_id, exc)
