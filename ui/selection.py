"""What the keys, menus and detail pane do to the selected papers.

:class:`SelectionCommands` edits the selection (rate, move, tag, not interested, mark every
shown paper as read) through :class:`~ui.edits.PaperEdits`, and goes from it (More like
this, show a paper in the list). It receives callables for the selection and the list and
emits signals; the window wires them, so nothing here knows the window.

Triage — a status key, Not interested — says what it did, with the key that takes it back
("Moved to Queue — Ctrl+Z to undo"), and, while :attr:`SelectionCommands.advance` is on,
moves the selection on to the next paper at once (as mail clients do), before the write
has even reached the file. A rating never moves on: the user may want to write its note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from reader.library import Status
from ui.commands import papers_text
from ui.edits import PaperEdits

Ids = Callable[[], list[int]]
"""The selected papers' ids, in display order."""
Select = Callable[[list[int], "int | None"], bool]
"""Select these ids (the second one current); whether any was in the list."""


def _count(ids: Sequence[int]) -> str:
    return "" if len(ids) == 1 else f"{papers_text(len(ids))} "


def ask_mark_read(parent: QWidget | None, count: int) -> bool:
    """ "Mark 1,234 papers as read?" with a "Mark as Read" button; True when accepted."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Mark All Shown as Read",
        f"Mark {papers_text(count)} as read?",
        parent=parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText("Edit ▸ Undo puts each paper's status back.")
    mark = box.addButton("Mark as Read", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(mark)
    box.exec()
    return box.clickedButton() is mark


class SelectionCommands(QObject):
    """The commands on the selection (see the module docstring)."""

    message = Signal(str, int)
    """A status-bar message and how long to show it (ms)."""
    advance_requested = Signal()
    """Triage of one paper: select the next paper (the window's list does)."""
    similar_requested = Signal(int)
    """More like this: list the papers most like this one (a temporary view)."""
    show_in_all_requested = Signal(int)
    """A paper the current view does not hold: show All papers, starting at this paper."""

    def __init__(
        self,
        edits: PaperEdits,
        selected: Ids,
        current: Callable[[], int | None],
        select: Select,
        undo_key: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._edits = edits
        self._selected = selected
        self._current = current
        self._select = select
        self._undo_key = undo_key
        self.advance = True
        """Whether triage moves the selection on to the next paper (a setting)."""

    # ------------------------------------------------------------------ edits

    def _said(self, text: str) -> Callable[[], None]:
        def say() -> None:
            key = self._undo_key()
            self.message.emit(f"{text} — {key} to undo" if key else text, 8000)

        return say

    def _moved_on(self, ids: Sequence[int]) -> None:
        if self.advance and len(ids) == 1:
            self.advance_requested.emit()

    def rate(self, stars: int) -> None:
        """Rate the selected papers (0 clears); undoable."""
        ids = self._selected()
        many = f" {papers_text(len(ids))}" if len(ids) > 1 else ""
        if stars == 0:
            text = "Cleared the rating" + (f" of{many}" if many else "")
        else:
            text = f"Rated{many} {stars} star{'s' if stars != 1 else ''}"
        self._edits.rate(ids, stars, on_done=self._said(text))

    def set_status(self, status: Status) -> None:
        """Move the selected papers to ``status`` (the detail pane: no moving on)."""
        ids = self._selected()
        self._edits.set_status(
            ids, status, on_done=self._said(f"Moved {_count(ids)}to {status.label}")
        )

    def triage(self, status: Status) -> None:
        """A status key: move the selection to ``status``, say so, move on."""
        ids = self._selected()
        if self._edits.set_status(
            ids, status, on_done=self._said(f"Moved {_count(ids)}to {status.label}")
        ):
            self._moved_on(ids)

    def not_interested(self) -> None:
        """Mark the selected papers not interested and archive them; undoable."""
        ids = self._selected()
        if self._edits.not_interested(
            ids, on_done=self._said(f"Marked {_count(ids)}not interested and archived")
        ):
            self._moved_on(ids)

    def add_tags(self, names: Sequence[str]) -> None:
        """Tag the selected papers; undoable."""
        self._edits.add_tags(self._selected(), names)

    def remove_tag(self, name: str) -> None:
        """Take ``name`` off the selected papers; undoable."""
        self._edits.remove_tag(self._selected(), name)

    def rating_clicked(self, paper_id: int, stars: int) -> None:
        """Stars clicked in the list: that paper (or the selection it belongs to)."""
        ids = self._selected()
        self._edits.rate(ids if paper_id in ids else [paper_id], stars)

    def mark_all_read(self, shown: list[int], ask: Callable[[int], bool]) -> bool:
        """Mark every paper in ``shown`` as read, after ``ask(count)``; one undoable step."""
        if not shown:
            self.message.emit("No papers are shown.", 5000)
            return False
        if not ask(len(shown)):
            return False
        return self._edits.set_status(
            shown,
            Status.READ,
            confirmed=True,
            on_done=self._said(f"Marked {papers_text(len(shown))} as read"),
        )

    # ------------------------------------------------------------------ going from it

    def more_like_this(self) -> None:
        """List the papers most like the current one ("More like …", a temporary view)."""
        current = self._current()
        if current is not None:
            self.similar_requested.emit(current)

    def show_paper_in_list(self, paper_id: int) -> None:
        """Select ``paper_id`` (in All papers when the current view does not hold it)."""
        if not self._select([paper_id], paper_id):
            self.show_in_all_requested.emit(paper_id)
