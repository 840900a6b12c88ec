"""The export vault, watched while the window is open: notes edited in Obsidian come back.

A watchdog observer watches the export folder (and its subfolders). Its thread only
collects the paths of Markdown files that changed and pokes the GUI thread; after a quiet
:data:`DEBOUNCE_MS` (an editor saving every keystroke or two makes one pull, not forty),
:func:`reader.export.pullback.pull_back` runs on the writer thread through the
:class:`~ui.operations.OperationRunner`. Only note sections are brought back, and only
where the library did not change the note too; notes changed on both sides are reported
(the next export shows both texts), never overwritten. The pulled notes go out as
:attr:`VaultWatch.pulled`, which the window records as one undoable step.

The setting ``watch_vault`` turns it off; the folder is read through the callable the
window gives (the export folder of the library's settings).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from reader.library import Changes, Library
from ui.operations import OperationRunner

if TYPE_CHECKING:  # watchdog and reader.export load when the vault is first watched
    from watchdog.events import FileSystemEvent
    from watchdog.observers.api import BaseObserver

    from reader.export.pullback import PullBack

log = logging.getLogger(__name__)

DEBOUNCE_MS = 1500
"""How long the vault must stay quiet before the changed notes are read."""


def _relay(note: Callable[[Path], None]) -> Any:
    """On the observer thread: hands the paths of changed ``.md`` files on, never raises."""
    from watchdog.events import FileSystemEventHandler

    class _Relay(FileSystemEventHandler):
        def dispatch(self, event: FileSystemEvent) -> None:
            _dispatch(note, event)

    return _Relay()


def _dispatch(note: Callable[[Path], None], event: FileSystemEvent) -> None:
    try:
        if event.is_directory or event.event_type not in {
            "created",
            "modified",
            "moved",
            "closed",
        }:
            return
        raw = event.dest_path if event.event_type == "moved" else event.src_path
        path = Path(os.fsdecode(raw))
        if path.suffix.lower() == ".md" and not path.name.startswith("."):
            note(path)
    except Exception:
        log.exception("could not hand on the vault event %r", event)


class VaultWatch(QObject):
    """Watches the export vault and brings edited note sections back into the library."""

    pulled = Signal(object)
    """Notes brought back: a list of :class:`reader.export.PulledNote` (for undo)."""
    conflicts = Signal(object)
    """Notes changed both here and in the vault: a list of :class:`reader.export.NoteConflict`."""
    message = Signal(str, int)
    """A status-bar message and how long to show it (ms)."""
    _poked = Signal()

    def __init__(
        self,
        runner: OperationRunner,
        folder: Callable[[], Path | None],
        enabled: Callable[[], bool],
        parent: QObject | None = None,
        *,
        delay_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._folder = folder
        self._enabled = enabled
        self._observer: BaseObserver | None = None
        self._watching: Path | None = None
        self._lock = threading.Lock()
        self._paths: set[Path] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.pull_now)
        self._poked.connect(self._timer.start, Qt.ConnectionType.QueuedConnection)
        self.last: PullBack | None = None
        """What the last pull did (for tests and the status bar)."""

    @property
    def watching(self) -> Path | None:
        """The folder being watched, if any."""
        return self._watching

    def start(self) -> bool:
        """Watch the export folder (again); ``False`` when off, unset or not a folder."""
        self.stop()
        folder = self._folder()
        if not self._enabled() or folder is None or not Path(folder).is_dir():
            return False
        from watchdog.observers import Observer

        observer = Observer()
        observer.daemon = True
        try:
            observer.schedule(_relay(self._note), str(folder), recursive=True)
            observer.start()
        except OSError as exc:  # inotify watches used up, the folder vanished
            log.warning("not watching the vault %s: %s", folder, exc)
            self.message.emit(f"The vault {folder} is not watched: {exc.strerror or exc}", 10000)
            return False
        self._observer = observer
        self._watching = Path(folder)
        return True

    def stop(self) -> None:
        """Stop watching (idempotent); changes not yet read are left to the next export."""
        observer, self._observer = self._observer, None
        self._watching = None
        self._timer.stop()
        with self._lock:
            self._paths.clear()
        if observer is not None:
            observer.stop()
            observer.join(5)

    def _note(self, path: Path) -> None:
        """On the observer thread: remember the path, (re)start the quiet period."""
        with self._lock:
            self._paths.add(path)
        with contextlib.suppress(RuntimeError):  # the window is being destroyed
            self._poked.emit()

    def pull_now(self) -> None:
        """Read the changed notes now, on the writer thread (the quiet period is over)."""
        folder = self._watching
        with self._lock:
            paths, self._paths = sorted(self._paths), set()
        if folder is None or not paths:
            return
        from reader.export.pullback import pull_back

        result: list[PullBack] = []

        def op(library: Library) -> Changes:
            result.append(pull_back(library, folder, paths))
            return result[0].changes

        def done(_: Changes) -> None:
            self._report(result[0])

        def failed(exc: BaseException) -> None:
            self.message.emit(f"Notes edited in the vault could not be read: {exc}", 15000)

        self._runner.run(op, initiator=self, on_success=done, on_failure=failed)

    def _report(self, result: PullBack) -> None:
        self.last = result
        if result.pulled:
            self.pulled.emit(list(result.pulled))
            names = ", ".join(p.path.stem for p in result.pulled[:3])
            more = f" and {len(result.pulled) - 3} more" if len(result.pulled) > 3 else ""
            self.message.emit(
                f"Brought back from the vault: {names}{more} (Edit ▸ Undo puts the old back)",
                10000,
            )
        if result.conflicts:
            self.conflicts.emit(list(result.conflicts))
            first = result.conflicts[0].path.stem
            self.message.emit(
                f"“{first}” was changed both here and in the vault; nothing was overwritten. "
                "Export to Markdown to choose the text to keep.",
                20000,
            )
        for alone in result.left_alone:
            self.message.emit(f"Vault: {alone}", 15000)
