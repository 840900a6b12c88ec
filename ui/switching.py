"""Putting another library under the window: File ▸ Open Library…, Open Recent, Restore.

:class:`SessionSwitcher` holds the running session. To switch it closes the session the
way quitting does — the note being typed is stored, queued writes finish, the watcher,
writer and reader threads stop, the library is closed and its lock released — and then
starts a session on the new file. If the new file cannot be opened, the old library is
opened again: the user is never left without a window. A restore runs (off the GUI
thread) between the two, on the closed library, so that no connection of ours holds it.
Every library opened is remembered for File ▸ Open Recent (app-wide).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from ui.appwide import remember_library

if TYPE_CHECKING:
    from reader.library.restore import RestoreResult
    from ui.window import MainWindow

log = logging.getLogger(__name__)


class SessionLike(Protocol):
    """What the switcher needs of :class:`ui.app.Session`."""

    window: MainWindow

    def close(self) -> None: ...


Start = Callable[[Path], "SessionLike | int"]


class SessionSwitcher:
    """The current session, and switching it to another library (module docstring)."""

    def __init__(self, app: QApplication, session: SessionLike, start: Start) -> None:
        self._app = app
        self._start = start
        self.session: SessionLike | None = None
        self.last_result: str = ""
        """What the last switch or restore said (for the log and tests)."""
        self._adopt(session)

    @property
    def library_path(self) -> Path | None:
        """The library open now."""
        return None if self.session is None else self.session.window.library.path

    def _adopt(self, session: SessionLike) -> None:
        self.session = session
        actions = session.window.library_file
        actions.open_requested.connect(self.switch, Qt.ConnectionType.QueuedConnection)
        actions.restore_requested.connect(self.restore, Qt.ConnectionType.QueuedConnection)
        remember_library(session.window.library.path)

    def close(self) -> None:
        """Close the current session (idempotent)."""
        session, self.session = self.session, None
        if session is not None:
            session.close()

    def switch(self, path: Path) -> bool:
        """Open ``path`` in place of the current library; False if the old one came back
        (or stayed: a library in a folder that does not exist is refused, no folder made)."""
        path = Path(path)
        if not path.parent.is_dir():
            self.last_result = f"The folder {path.parent} does not exist"
            if self.session is not None:
                self.session.window.statusBar().showMessage(self.last_result, 10000)
            return False
        return self._replace(path, between=None)

    def restore(self, backup: Path) -> bool:
        """Replace the current library with ``backup`` (the current one is backed up
        first by :func:`reader.library.restore.restore`) and open it again."""
        current = self.library_path
        if current is None:
            return False
        return self._replace(current, between=lambda: self._restore(current, Path(backup)))

    def _replace(self, path: Path, between: Callable[[], str | None] | None) -> bool:
        old = self.library_path
        quit_on_close = self._app.quitOnLastWindowClosed()
        self._app.setQuitOnLastWindowClosed(False)  # the window closes; the app stays
        try:
            self.close()
            said = between() if between is not None else None
            opened = self._start(path)
            if isinstance(opened, int) and old is not None and old != path:
                self.last_result = f"{path} could not be opened; {old.name} is open again"
                opened = self._start(old)
            if isinstance(opened, int):
                self.last_result = f"no library could be opened ({path})"
                log.error("switching libraries: %s", self.last_result)
                self._app.quit()
                return False
            self._adopt(opened)
            if said:
                self.last_result = said
                self._tell(opened, "Library restored", said)
            elif opened.window.library.path == path:
                self.last_result = f"Opened {path}"
            opened.window.statusBar().showMessage(self.last_result, 10000)
            return opened.window.library.path == path
        finally:
            self._app.setQuitOnLastWindowClosed(quit_on_close)

    def _restore(self, library: Path, backup: Path) -> str:
        """Run the restore on a thread while a progress dialog keeps the app responsive."""
        from reader.library.restore import restore

        with ThreadPoolExecutor(1, thread_name_prefix="papershelf-restore") as pool:
            future: Future[RestoreResult] = pool.submit(restore, library, backup)
            progress = QProgressDialog("Restoring the library from the backup…", "", 0, 0)
            progress.setCancelButton(None)
            progress.setWindowTitle("Papershelf")
            progress.setMinimumDuration(300)
            loop = QEventLoop()
            timer = QTimer()
            timer.setInterval(30)
            timer.timeout.connect(lambda: loop.quit() if future.done() else None)
            timer.start()
            if not future.done():
                loop.exec()
            timer.stop()
            progress.close()
            try:
                result = future.result()
            except Exception as exc:  # a bad backup, the library locked: nothing changed
                log.warning("restore of %s from %s failed: %s", library, backup, exc)
                return f"The backup was not restored: {exc}. The library is as it was."
        kept = (
            f" The library it replaced is kept as {result.previous.path}."
            if result.previous is not None
            else ""
        )
        return f"Restored {result.papers:,} papers from {result.source.name}.{kept}"

    def _tell(self, session: SessionLike, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=session.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        session.window.restore_box = box  # type: ignore[attr-defined]
        box.open()
