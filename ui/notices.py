"""What the window tells the user without being asked: waiting for a lock, damage met while
reading, the library's warnings at start-up, the daily backup.

:class:`Notices` speaks through the window's status bar and, for what needs attention, one
window-modal message (never a dialog per repaint). Every text shown is plain text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox

from ui.tasks import TaskRunner


class Notices(QObject):
    """The window's unprompted messages."""

    def __init__(self, window: QMainWindow, tasks: TaskRunner, library_path: Path) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._library_path = library_path
        self._told_damage = False

    def waiting(self, waiting: bool) -> None:
        """A write waits for another program's lock (or no longer does)."""
        if waiting:
            self._window.statusBar().showMessage(
                "Waiting for another program to release the library… your edits are kept "
                "and applied when it does."
            )
        else:
            self._window.statusBar().showMessage(
                "The library is free again; your edits are saved.", 6000
            )

    def read_failure(self, message: str) -> None:
        """Rows could not be read: the status bar says so, and one message (once)."""
        self._window.statusBar().showMessage(f"Some papers cannot be read: {message}", 20000)
        if not self._told_damage:
            self._told_damage = True
            box = QMessageBox(QMessageBox.Icon.Warning, "Papershelf", "", parent=self._window)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setText(f"Some papers cannot be read: {message}. The list shows the others.")
            box.setInformativeText("Run “papershelf check --repair”, or restore a backup.")
            box.setWindowModality(Qt.WindowModality.WindowModal)
            box.open()

    def back_up_if_due(self) -> None:
        """Make today's backup (with the full integrity check) on a thread of its own."""
        from reader.library.backup import backup_if_due

        def done(made: object) -> None:
            if made is not None:
                self._window.statusBar().showMessage(
                    "Today's backup of the library is made and checked", 5000
                )

        def failed(exc: BaseException) -> None:
            from reader.library import LibraryDamagedError

            if isinstance(exc, LibraryDamagedError):
                from reader.library.opening import damage_warning

                self.show_library_warnings([damage_warning(self._library_path, exc.reason)])
            else:
                self._window.statusBar().showMessage(f"Today's backup was not made: {exc}", 10000)

        if self._tasks.worker.closed:  # the window closed before the backup's turn came
            return
        path = self._library_path
        # Aside, not on the writer: the copy reads through its own connection, and no edit
        # waits minutes behind it (ui.tasks).
        stop = self._tasks.stopping
        self._tasks.run_aside(lambda: backup_if_due(path, stop=stop), done, failed)

    def show_library_warnings(self, warnings: list[str]) -> None:
        """Say what is wrong with the library (damaged: read-only, with backups to restore)."""
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowTitle("Papershelf — the library needs attention")
        box.setText(warnings[0][:1].upper() + warnings[0][1:])
        if len(warnings) > 1:
            box.setInformativeText("\n\n".join(warnings[1:]))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
