"""Edit ▸ Edit Details…: a form for a paper's title, authors, year, ids, link and journal.

The form is filled from a read on the reader thread; Save runs the write
(:func:`reader.library.paper_edits.edit_details`) on the writer thread through the
window's :class:`~ui.edits.PaperEdits`, as one undoable step (Ctrl+Z puts the details back,
and which fields the user had edited too). A value the library refuses (an empty title,
"20250" as a year, an arXiv id another paper has) is said in the form, which stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reader.library import Changes, Library, LibraryUsageError, Paper
from reader.library.paper_edits import (
    EDITABLE,
    DetailsEdit,
    PaperDetails,
    edit_details,
    restore_details,
)
from ui.commands import EditCommand

if TYPE_CHECKING:
    from ui.edits import PaperEdits
    from ui.operations import QueryRunner

LABELS = {
    "title": "&Title",
    "authors": "&Authors",
    "year": "&Year",
    "arxiv_id": "ar&Xiv id",
    "doi": "&DOI",
    "url": "&Link",
    "journal": "&Journal",
}


class EditDetailsCommand(EditCommand):
    """Set a paper's details; undo puts back what it had (and what the user had edited)."""

    def __init__(self, paper_id: int, values: dict[str, object]) -> None:
        super().__init__("Edit Details")
        self.paper_id = paper_id
        self.values = dict(values)
        self.edit: DetailsEdit | None = None

    def write_do(self, library: Library) -> Changes:
        self.edit = edit_details(library, self.paper_id, **self.values)
        return self.edit.changes

    def write_undo(self, library: Library) -> Changes:
        return restore_details(library, self.edit) if self.edit is not None else Changes()


def details_of(paper: Paper) -> PaperDetails:
    """The editable details of a paper as the library hands it out."""
    year = paper.published.year if paper.published else None
    return PaperDetails(
        paper.title, paper.authors, year, paper.arxiv_id, paper.doi, paper.url, paper.journal
    )


def _shown(name: str, details: PaperDetails) -> str:
    value = getattr(details, name)
    if name == "authors":
        names = list(value)
        return ("; " if any("," in n for n in names) else ", ").join(names)
    return "" if value is None else str(value)


class PaperEditDialog(QDialog):
    """The form; :meth:`changed_values` says what the user changed."""

    def __init__(self, paper: Paper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Details")
        self.setMinimumWidth(520)
        self.paper_id = paper.id
        self._details = details_of(paper)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name in EDITABLE:
            line = QLineEdit(_shown(name, self._details), self)
            line.setObjectName(f"detail-{name}")
            line.setClearButtonEnabled(name != "title")
            self.fields[name] = line
            label = QLabel(LABELS[name], self)
            label.setBuddy(line)
            form.addRow(label, line)
        self.fields["authors"].setPlaceholderText("Ann One, Bob Two (or Smith, J.; Doe, A.)")
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setObjectName("error")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save = buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def changed_values(self) -> dict[str, object]:
        """The fields whose text differs from what the paper had."""
        return {
            name: line.text().strip()
            for name, line in self.fields.items()
            if line.text().strip() != _shown(name, self._details)
        }

    def show_error(self, message: str) -> None:
        """Say why the values were refused; the form stays open."""
        self.error.setText(message)
        self.error.show()


Apply = Callable[[EditCommand], bool]
"""Runs a command on the writer thread and puts it on the undo stack (PaperEdits.apply)."""


def run_dialog(dialog: PaperEditDialog, apply: Apply) -> bool:
    """Show ``dialog`` until the user saves values the library accepts or cancels.

    The values are checked on the GUI thread first (the same checks the write makes), so a
    refused value is said in the form; the write itself runs on the writer thread.
    """
    from reader.library.paper_edits import check_values

    while dialog.exec() == QDialog.DialogCode.Accepted:
        values = dialog.changed_values()
        if not values:
            return False
        try:
            check_values(values)
        except LibraryUsageError as exc:
            dialog.show_error(str(exc))
            continue
        return apply(EditDetailsCommand(dialog.paper_id, values))
    return False


class PaperDetailsControl:
    """Opens the Edit Details and Merge Two Papers dialogs for the list's selection."""

    def __init__(
        self,
        owner: QWidget,
        edits: PaperEdits,
        queries: QueryRunner,
        selected_ids: Callable[[], list[int]],
    ) -> None:
        self._owner = owner
        self._edits = edits
        self._queries = queries
        self._selected = selected_ids

    def edit_selected(self) -> None:
        """Edit the details of the one selected paper (read first on the reader thread)."""
        ids = self._selected()
        if len(ids) != 1:
            self._edits.message.emit("Select one paper to edit its details", 5000)
            return
        self._queries.run("paper-details", lambda lib: lib.paper(ids[0]), self._open_editor)

    def merge_selected(self) -> None:
        """Merge the two selected papers (the dialog asks which one to keep)."""
        ids = self._selected()
        if len(ids) != 2:
            self._edits.message.emit("Select exactly two papers to merge them", 5000)
            return
        self._queries.run("paper-merge", lambda lib: lib.papers_by_id(ids), self._open_merge)

    def _open_editor(self, paper: Paper) -> None:
        run_dialog(PaperEditDialog(paper, self._owner), self._edits.apply)

    def _open_merge(self, papers: list[Paper]) -> None:
        from ui.papermerge import PaperMergeDialog

        if len(papers) != 2:
            return  # one of them was deleted meanwhile
        dialog = PaperMergeDialog(papers[0], papers[1], self._owner)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._edits.apply(dialog.command())
