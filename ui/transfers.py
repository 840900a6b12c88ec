"""Imports and exports of one window: the tasks, the status-bar progress, the messages.

Everything here runs on the library worker through :mod:`ui.tasks`; the GUI thread only
shows progress and results. Reports from File ▸ Import, drops and the folder watcher all
arrive at :meth:`Transfers.handle_report`; their changes go out on the change bus together
after a short pause, so a burst of files refreshes the window once. :class:`Transfers` gets
what it needs (the task runner, the bus, the settings, the selection and the view) from the
window that builds it, and speaks through signals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressBar, QPushButton, QWidget

from reader.importer import ImportOutcome, ImportReport
from reader.library import Changes, LibraryError, PaperFilter
from reader.settings import Settings
from ui.errors import show_error
from ui.exportresult import ExportResultDialog
from ui.operations import OperationRunner
from ui.tasks import ExportTask, ImportTask, ProgressTask, TaskRunner
from ui.vaultcommands import ResolveConflictCommand
from ui.vaultwatch import VaultWatch

if TYPE_CHECKING:
    from reader.export import ExportOptions, ExportReport, NoteConflict

IMPORT_FILTER = (
    "Digests (*.txt *.md *.markdown *.json *.html *.htm *.xml *.rss *.atom *.eml *.bib *.ris)"
    ";;All files (*)"
)
"""File ▸ Import…'s choices: every kind of file a digest format reads, or anything."""

CHANGES_DELAY_MS = 120
"""Import reports arriving close together are applied in one refresh."""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Transfers(QObject):
    """Runs imports and exports for the window and reports on them in its status bar."""

    message = Signal(str, int)
    """A status-bar message and how long to show it (ms, 0: until replaced)."""
    imported = Signal(object)
    """The :class:`Changes` of imports, published on the bus just before."""
    notes_pulled = Signal(object)
    """An export brought notes back from the vault: the :class:`PulledNote` list (for undo)."""
    resolved = Signal(object)
    """A conflict was resolved: the done :class:`ResolveConflictCommand` (for undo)."""
    settings_changed = Signal()
    """The export folder or template was remembered in the settings (save them)."""

    def __init__(
        self,
        tasks: TaskRunner,
        runner: OperationRunner,
        settings: Callable[[], Settings],
        selection: Callable[[], list[int]],
        view: Callable[[], tuple[PaperFilter, str]],
        tags: Callable[[], list[str]],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._runner = runner
        self._bus = runner.bus
        self._settings = settings
        self._selection = selection
        self._view = view
        self._tags = tags
        self._parent = parent
        self._pending = Changes()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHANGES_DELAY_MS)
        self._timer.timeout.connect(self.apply_pending)
        self._task: ProgressTask | None = None
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setMaximumHeight(16)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setFlat(True)
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        self.watch_box: QMessageBox | None = None
        """The message that the watcher stopped for good, once it did."""
        self.result_box: ExportResultDialog | None = None
        """The last export's result message (kept for tests and for the user to read)."""
        self.vault_watch = VaultWatch(
            runner, lambda: settings().export_folder, lambda: settings().watch_vault, self
        )
        self.vault_watch.pulled.connect(self.notes_pulled)  # one undo step per pull
        self.vault_watch.message.connect(self.message)
        QTimer.singleShot(0, self.watch_vault)

    def watch_vault(self) -> bool:
        """Watch the export folder as the settings now say (restarted only if that changed)."""
        settings = self._settings()
        wanted = settings.export_folder if settings.watch_vault else None
        if wanted is not None and self.vault_watch.watching == wanted:
            return True
        if wanted is None:
            self.vault_watch.stop()
            return False
        return self.vault_watch.start()

    def close(self) -> None:
        """Stop watching the vault (the window is closing)."""
        self.vault_watch.stop()

    def _say(self, text: str, ms: int = 0) -> None:
        self.message.emit(text, ms)

    # ------------------------------------------------------------------ imports

    def choose_import(self) -> None:
        """File ▸ Import…: pick digest files (from the folder last imported from)."""
        from ui.appwide import import_folder, remember_import_folder

        paths, _ = QFileDialog.getOpenFileNames(
            self._parent, "Import Digests", str(import_folder()), IMPORT_FILTER
        )
        if paths:
            remember_import_folder(Path(paths[0]).parent)
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: Sequence[Path]) -> ImportTask:
        """Import files and folders on the worker; several files show progress and Cancel."""
        task = ImportTask(
            self._tasks, list(paths), recursive=self._settings().recursive, parent=self
        )
        task.report.connect(self.handle_report)
        task.finished.connect(lambda reports, t=task: self._import_finished(t, reports))
        task.failed.connect(lambda exc, t=task: self._failed(t, "Import", exc))
        if len(paths) > 1 or any(Path(p).is_dir() for p in paths):
            self._begin(task, "Importing…")
        task.start()
        return task

    def handle_report(self, report: ImportReport) -> None:
        """One file was imported (File ▸ Import, a drop, the watcher): say so, refresh soon."""
        name = report.path.name
        if report.outcome is ImportOutcome.IMPORTED:
            updated = f", {report.updated} updated" if report.updated else ""
            self._say(f"Imported {_plural(report.new, 'new paper')}{updated} from {name}", 10000)
        elif report.outcome is ImportOutcome.FAILED:
            self._say(f"Could not import {name}: {report.message}", 20000)
        elif report.outcome is ImportOutcome.ALREADY_IMPORTED:
            self._say(f"{name} was already imported", 6000)
        if not report.changes.empty:
            self._pending = self._pending | report.changes
            self._timer.start()

    def apply_pending(self) -> None:
        """Refresh the window for the reports received so far."""
        self._timer.stop()
        changes, self._pending = self._pending, Changes()
        if not changes.empty:
            self._bus.publish(changes, self)
            self.imported.emit(changes)

    def _import_finished(self, task: ImportTask, reports: list[ImportReport]) -> None:
        self._end(task)
        self.apply_pending()
        if len(reports) <= 1 and not task.cancelled:
            if not reports:
                self._say("No digest files found there", 6000)
            return
        imported = [r for r in reports if r.outcome is ImportOutcome.IMPORTED]
        failed = [r for r in reports if r.outcome is ImportOutcome.FAILED]
        text = (
            f"Imported {_plural(len(imported), 'file')}: "
            f"{_plural(sum(r.new for r in imported), 'new paper')}"
        )
        if failed:
            text += f" ({len(failed)} could not be imported — see Digests)"
        if task.cancelled:
            text += f"; cancelled after {len(reports)} of {task.total} files"
        self._say(text, 15000)

    def watch_error(self, message: str) -> None:
        """A problem the folder watcher met, shown without interrupting."""
        self._say(f"Watched folders: {message}", 15000)

    def watch_failed(self, message: str) -> None:
        """The watcher stopped for good: said once, in the status bar and a message."""
        self._say(f"Watched folders are not watched any more: {message}")
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Watching stopped",
            f"Papershelf stopped watching your folders: {message}",
            parent=self._parent,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(
            "Nothing more is imported. Restore the library from a backup (papershelf restore) "
            "or choose another one, then start Papershelf again."
        )
        self.watch_box = box
        box.open()

    # ------------------------------------------------------------------ export

    def export_markdown(self, *, selected: bool = False) -> None:
        """File ▸ Export to Markdown… (or the selection, from the list's menu)."""
        from ui.dialogs import ExportDialog

        view, title = self._view()
        dialog = ExportDialog(
            self._settings(),
            tags=self._tags(),
            selection=self._selection(),
            view=view,
            view_title=title,
            parent=self._parent,
        )
        if selected and dialog.selected.isEnabled():
            dialog.selected.setChecked(True)
        self.export_dialog = dialog
        dialog.accepted.connect(lambda: self.run_export(dialog.options()))
        dialog.open()

    def run_export(self, options: ExportOptions) -> ExportTask:
        """Export on the worker with progress; the folder and template are remembered."""
        settings = self._settings()
        if options.folder != settings.export_folder or options.template != settings.export_template:
            settings.export_folder = options.folder
            settings.export_template = options.template
            self.settings_changed.emit()
        task = ExportTask(self._tasks, options, parent=self)
        task.finished.connect(lambda report, t=task: self._export_finished(t, report))
        task.failed.connect(lambda exc, t=task: self._failed(t, "Export", exc))
        self._begin(task, "Exporting notes…")
        task.start()
        return task

    def _export_finished(self, task: ExportTask, report: ExportReport) -> None:
        self._end(task)
        self._say(f"Export: {report.summary()}", 15000)
        if report.pulled:
            self.notes_pulled.emit(list(report.pulled))  # one undo for the whole pull
        self._bus.publish(report.changes, self)
        self.watch_vault()  # the folder may be new, or created by this export
        box = ExportResultDialog(report, Path(task.options.folder), self._parent)
        box.resolve_requested.connect(lambda c, text, b=box: self.resolve(b, c, text))
        self.result_box = box
        box.open()

    def resolve(self, box: ExportResultDialog, conflict: NoteConflict, text: str) -> None:
        """Keep ``text`` for a conflicting note, in the library and the vault (the writer);
        undoable: the command goes on the undo stack once written (:attr:`resolved`)."""
        from reader.export import ExportError

        command = ResolveConflictCommand(conflict, text, library_side=text == conflict.library_text)
        command.stepped = lambda undone: box.undone(conflict) if undone else box.resolved(conflict)

        def done(_: Changes) -> None:
            box.resolved(conflict)
            self.resolved.emit(command)
            self._say(f"Resolved {conflict.path.name} (Edit ▸ Undo puts both back)", 6000)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, ExportError | LibraryError | OSError):
                raise exc
            box.resolve_failed(conflict, str(exc))

        self._runner.run(command.do, initiator=self, on_success=done, on_failure=failed)

    # ------------------------------------------------------------------ progress

    def _failed(self, task: ProgressTask, what: str, exc: BaseException) -> None:
        from reader.export import ExportError

        self._end(task)
        self.apply_pending()
        if not isinstance(exc, LibraryError | OSError | ExportError):
            raise exc
        show_error(self._parent, f"{what} failed", exc)

    def _begin(self, task: ProgressTask, label: str) -> None:
        self._task = task
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self._say(label)
        task.progress.connect(self._progress_changed)

    def _progress_changed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setToolTip(f"{done} of {total}")

    def _end(self, task: ProgressTask) -> None:
        if self._task is task:
            self._task = None
            self.progress.hide()
            self.cancel_button.hide()

    @property
    def busy(self) -> bool:
        """Whether an import or export with progress is running."""
        return self._task is not None

    def cancel(self) -> None:
        """The status bar's Cancel: stop after the file being handled."""
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self._say("Cancelling…")
