"""File ▸ Trash…: the papers moved to the trash, to restore or delete for good.

:class:`TrashDialog` only shows and asks. :class:`TrashControl` reads the trash off the
GUI thread (again whenever papers are trashed or restored), restores through the undo stack
(so Ctrl+Z trashes them again) and empties the trash on the writer thread after asking —
the one step that cannot be undone.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.library import Changes, Library, TrashedPaper
from ui.edits import Confirm, PaperEdits
from ui.operations import OperationRunner, QueryRunner

SHOWN = 5000
"""The most trashed papers listed (the newest); emptying still deletes them all."""


class TrashDialog(QDialog):
    """The trash: restore the selected papers, or empty it."""

    restore_requested = Signal(object)
    """The ids of the papers to bring back."""
    empty_requested = Signal()
    """The user wants the trash emptied (the window asks first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trash")
        self.label = QLabel("Reading the trash…")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore = self.buttons.addButton("Restore", QDialogButtonBox.ButtonRole.ActionRole)
        self.empty = self.buttons.addButton(
            "Empty Trash…", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.restore.setEnabled(False)
        self.empty.setEnabled(False)
        self.restore.clicked.connect(self._restore)
        self.empty.clicked.connect(self.empty_requested)
        self.buttons.rejected.connect(self.reject)
        self.list.itemSelectionChanged.connect(
            lambda: self.restore.setEnabled(bool(self.list.selectedItems()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.resize(560, 420)

    def show_papers(self, papers: Sequence[TrashedPaper]) -> None:
        """List ``papers`` (newest first), keeping the selection of those still there."""
        selected = set(self.selected_ids())
        self.list.clear()
        for paper in papers[:SHOWN]:
            when = paper.trashed_at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{paper.title}  —  trashed {when}")
            item.setData(Qt.ItemDataRole.UserRole, paper.id)
            item.setToolTip(paper.title)
            self.list.addItem(item)
            item.setSelected(paper.id in selected)
        count = len(papers)
        if count == 0:
            self.label.setText("The trash is empty.")
        else:
            many = f"More than {SHOWN:,} papers (the newest are listed)"
            what = many if count > SHOWN else f"{count:,} paper{'' if count == 1 else 's'}"
            self.label.setText(f"{what} in the trash. Restored papers come back as they were.")
        self.empty.setEnabled(count > 0)
        self.restore.setEnabled(bool(self.list.selectedItems()))

    def selected_ids(self) -> list[int]:
        """The ids of the selected papers."""
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in self.list.selectedItems()]

    def _restore(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.restore_requested.emit(ids)


class TrashControl(QObject):
    """The window's trash: the dialog, its reads, its restores and emptying."""

    message = Signal(str, int)
    """A status-bar message and how long to show it (ms)."""

    def __init__(
        self,
        runner: OperationRunner,
        queries: QueryRunner,
        edits: PaperEdits,
        confirm: Confirm,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._queries = queries
        self._edits = edits
        self._confirm = confirm
        self._parent = parent
        self.dialog: TrashDialog | None = None
        runner.bus.changed.connect(self._on_changes)

    def show(self) -> TrashDialog:
        """Open (or raise) the trash dialog and read the trash."""
        if self.dialog is None:
            self.dialog = TrashDialog(self._parent)
            self.dialog.restore_requested.connect(self._edits.restore)
            self.dialog.empty_requested.connect(self.empty)
        self.dialog.show()
        self.dialog.raise_()
        self.refresh()
        return self.dialog

    def refresh(self) -> None:
        """Read the trash again (newest first) into the open dialog."""
        dialog = self.dialog
        if dialog is None or not dialog.isVisible():
            return
        self._queries.run(
            "trash",
            lambda library: library.trashed(limit=SHOWN + 1),
            dialog.show_papers,
            lambda exc: self.message.emit(f"Could not read the trash: {exc}", 10000),
        )

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.touches("deleted"):
            self.refresh()

    def empty(self) -> None:
        """Delete every paper in the trash for good, after asking."""
        if not self._confirm(
            "Empty Trash",
            "Delete every paper in the trash for good? This cannot be undone.",
        ):
            return

        def op(library: Library) -> Changes:
            return library.empty_trash()

        def done(_: Changes) -> None:
            self.message.emit("The trash was emptied", 6000)
            self.refresh()

        self._runner.run(op, initiator=self, on_success=done, title="The trash was not emptied")
