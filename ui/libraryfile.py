"""File ▸ Open Library…, Open Recent, Backup Now…, Restore from Backup…, Check Library….

Backups and checks run on the writer thread (``reader.library.backup`` and ``checkup``,
as ``papershelf backup`` and ``check`` do) and end in a message that says what was done
and where the copy is. Opening another library and restoring a backup replace the
library under the window, so they are asked for (:attr:`LibraryFileActions.open_requested`,
:attr:`LibraryFileActions.restore_requested`) and carried out by the session
(:mod:`ui.switching`), which closes this window first: pending notes are stored, the writer
and reader threads stop, and a window on the new file takes its place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from reader.library import Library
from ui.appwide import forget_recent_libraries, recent_libraries
from ui.tagdialogs import ask
from ui.tasks import TaskRunner

LIBRARY_FILTER = "Papershelf libraries (*.sqlite *.db);;All files (*)"


def _box(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, more: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # paths are the user's text
    box.setInformativeText(more)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box


class LibraryFileActions(QObject):
    """The library file's actions of the File menu (see the module docstring)."""

    open_requested = Signal(object)
    """Open the library at this :class:`~pathlib.Path` in place of the current one."""
    restore_requested = Signal(object)
    """Replace the current library with this backup (confirmed by the user)."""
    message = Signal(str, int)

    def __init__(self, window: QWidget, tasks: TaskRunner, library_path: Path) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._path = Path(library_path)
        self.box: QMessageBox | None = None
        """The last result shown (for tests)."""
        self.open_library = QAction("Open &Library…", self)
        self.open_library.setShortcut(QKeySequence("Ctrl+Alt+O"))
        self.open_library.triggered.connect(self.choose_library)
        self.recent = QMenu("Open &Recent", window)
        self.recent.aboutToShow.connect(self._fill_recent)
        self.backup = QAction("&Backup Now…", self)
        self.backup.setShortcut(QKeySequence("Ctrl+Alt+B"))
        self.backup.triggered.connect(self.back_up)
        self.restore = QAction("Restore from Bac&kup…", self)
        self.restore.setShortcut(QKeySequence("Ctrl+Alt+R"))
        self.restore.triggered.connect(self.choose_backup)
        self.check = QAction("&Check Library…", self)
        self.check.setShortcut(QKeySequence("Ctrl+Alt+K"))
        self.check.triggered.connect(self.check_library)

    def fill_menu(self, menu: QObject | None, before: QAction) -> None:
        """Put the actions into ``menu`` (the File menu) before ``before`` (Quit)."""
        if not isinstance(menu, QMenu):
            return
        menu.insertAction(before, self.open_library)
        menu.insertMenu(before, self.recent)
        menu.insertSeparator(before)
        for action in (self.backup, self.restore, self.check):
            menu.insertAction(before, action)
        menu.insertSeparator(before)
        self._fill_recent()

    # ------------------------------------------------------------------ open

    def choose_library(self) -> None:
        """File ▸ Open Library…: pick a library file (a new name makes a new library)."""
        path, _ = QFileDialog.getSaveFileName(
            self._window,
            "Open Library",
            str(self._path.parent),
            LIBRARY_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.request_open(Path(path))

    def request_open(self, path: Path) -> None:
        """Ask the session to switch to ``path`` (nothing happens for the current one)."""
        if path.absolute() == self._path.absolute():
            self.message.emit(f"{path.name} is the library open now", 5000)
            return
        if not path.parent.is_dir():
            self.message.emit(f"The folder {path.parent} does not exist", 8000)
            return
        self.open_requested.emit(path)

    def _fill_recent(self) -> None:
        self.recent.clear()
        others = [p for p in recent_libraries() if p.absolute() != self._path.absolute()]
        for path in others:
            action = self.recent.addAction(str(path).replace("&", "&&"))
            action.triggered.connect(lambda _checked=False, p=path: self.request_open(p))
        if not others:
            self.recent.addAction("No other libraries yet").setEnabled(False)
        else:
            self.recent.addSeparator()
            self.recent.addAction("Clear Menu", forget_recent_libraries)

    # ------------------------------------------------------------------ backup and check

    def back_up(self) -> None:
        """File ▸ Backup Now…: a checked copy in the backup folder, made on the writer."""
        from reader.library.backup import MANUAL, make_backup

        path = self._path
        self.message.emit("Backing up the library…", 0)

        def done(backup: object) -> None:
            target = Path(str(getattr(backup, "path", "")))
            self.message.emit(f"Backed up to {target}", 8000)
            box = _box(
                self._window,
                QMessageBox.Icon.Information,
                "Backup made",
                f"The library is backed up and the copy checked:\n{target}",
                "Restore it with File ▸ Restore from Backup… (or papershelf restore).",
            )
            show = box.addButton("Show in Folder", QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Close)
            show.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(target.parent)))
            )
            self._show(box)

        self._tasks.run(lambda _library: make_backup(path, MANUAL), done, self._failed("Backup"))

    def check_library(self) -> None:
        """File ▸ Check Library…: integrity, search index, orphans and text, on the writer."""
        from reader.library import checkup

        self.message.emit("Checking the library…", 0)

        def job(library: Library) -> checkup.HealthReport:
            return checkup.check(library.connection)

        def done(report: checkup.HealthReport) -> None:
            self.message.emit("", 0)
            if report.ok:
                self._show(
                    _box(
                        self._window,
                        QMessageBox.Icon.Information,
                        "Library checked",
                        "The library is healthy.",
                        "Integrity, search index, orphan rows and stored text: all fine.",
                    )
                )
                return
            problems = "\n".join(f"• {line}" for line in report.problems[:8])
            advice = (
                "Restore a backup (File ▸ Restore from Backup…)."
                if report.damaged
                else "Quit Papershelf and run “papershelf check --repair” to repair it."
            )
            self._show(
                _box(
                    self._window,
                    QMessageBox.Icon.Warning,
                    "Library checked",
                    "The check found problems:\n" + problems,
                    advice,
                )
            )

        self._tasks.run(job, done, self._failed("The check"))

    # ------------------------------------------------------------------ restore

    def choose_backup(self) -> None:
        """File ▸ Restore from Backup…: pick a backup, confirm, hand it to the session."""
        from reader.library.backup import backup_folder

        folder = backup_folder(self._path)
        path, _ = QFileDialog.getOpenFileName(
            self._window, "Restore from Backup", str(folder), LIBRARY_FILTER
        )
        if path:
            self.confirm_restore(Path(path))

    def confirm_restore(self, backup: Path) -> bool:
        """Ask before replacing the library with ``backup``; True when it is to be done."""
        question = (
            f"Replace the library {self._path.name} with the backup {backup.name}?\n\n"
            "The library as it is now is backed up first, so nothing is lost; the window "
            "closes and opens again on the restored library."
        )
        if not ask(self._window, "Restore from Backup", question, "Restore"):
            return False
        self.restore_requested.emit(backup)
        return True

    def _failed(self, what: str) -> Callable[[BaseException], None]:
        def failed(exc: BaseException) -> None:
            self.message.emit(f"{what} failed: {exc}", 10000)
            self._show(
                _box(
                    self._window,
                    QMessageBox.Icon.Warning,
                    f"{what} failed",
                    f"{str(exc)[:1].upper()}{str(exc)[1:]}.",
                    "Nothing in the library was changed.",
                )
            )

        return failed

    def _show(self, box: QMessageBox) -> None:
        self.box = box
        box.open()
