"""Edit ▸ Merge Two Papers…: fold one of two selected papers into the other, undoable.

The dialog shows both papers and asks which one to keep (its title, key and details win;
:mod:`reader.library.paper_merge` says what is combined). The merge runs on the writer
thread through :class:`~ui.edits.PaperEdits`; Ctrl+Z splits the papers back as they were.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reader.library import Changes, Library, Paper
from reader.library.paper_merge import PaperMerge, merge_papers, split_papers
from ui.commands import EditCommand


class MergePapersCommand(EditCommand):
    """Merge ``other`` into ``keep``; undo splits them back."""

    def __init__(self, keep: int, other: int) -> None:
        super().__init__("Merge Two Papers")
        self.keep, self.other = keep, other
        self.merge: PaperMerge | None = None

    def write_do(self, library: Library) -> Changes:
        self.merge = merge_papers(library, self.keep, self.other)
        return self.merge.changes

    def write_undo(self, library: Library) -> Changes:
        return split_papers(library, self.merge) if self.merge is not None else Changes()


def _describe(paper: Paper) -> str:
    ids = " · ".join(
        part
        for part in (
            f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else "",
            f"DOI {paper.doi}" if paper.doi else "",
            paper.journal or "",
            f"in {len(paper.appearances)} digest{'' if len(paper.appearances) == 1 else 's'}",
        )
        if part
    )
    return f"{paper.title}\n{ids}"


class PaperMergeDialog(QDialog):
    """Which of two papers to keep; :meth:`command` is the merge the user chose."""

    def __init__(self, first: Paper, second: Paper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge Two Papers")
        self.setMinimumWidth(520)
        self.papers = (first, second)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Keep which paper? The other is merged into it: its digests, tags, note, rating "
            "and ids are added, nothing is lost, and Edit ▸ Undo splits them again.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.choices = QButtonGroup(self)
        for index, paper in enumerate(self.papers):
            button = QRadioButton(_describe(paper), self)
            button.setObjectName(f"keep-{paper.id}")
            self.choices.addButton(button, index)
            layout.addWidget(button)
        self.choices.button(0).setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.merge = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def command(self) -> MergePapersCommand:
        """The merge: the checked paper kept, the other folded into it."""
        keep = self.papers[max(self.choices.checkedId(), 0)]
        other = self.papers[1] if keep is self.papers[0] else self.papers[0]
        return MergePapersCommand(keep.id, other.id)
