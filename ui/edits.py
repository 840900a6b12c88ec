"""The user's edits of one window: undoable rating, status, tags and tag management; notes.

:class:`PaperEdits` receives what it needs — the :class:`~ui.operations.OperationRunner`,
the :class:`QUndoStack`, a way to ask the user — and emits signals; the window wires them.
Every write runs on the writer thread. A command enters the undo stack once its write has
succeeded; undo and redo are operations too, and the stack moves only when theirs has.
Undo or redo pressed while an edit is still being written waits for it, so Ctrl+Z always
undoes the last edit the user made.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from reader.library import Changes, LibraryUsageError, Status
from ui.commands import (
    AddTagsCommand,
    DeleteTagCommand,
    EditCommand,
    MoveTagCommand,
    NotInterestedCommand,
    PullNotesCommand,
    RemoveTagsCommand,
    RestoreCommand,
    SetRatingCommand,
    SetStatusCommand,
    TrashCommand,
    papers_text,
)
from ui.operations import OperationRunner
from ui.views import INBOX, ViewKey

if TYPE_CHECKING:  # reader.export (jinja2, YAML) loads when a note is first pulled
    from reader.export import PulledNote

log = logging.getLogger(__name__)

CONFIRM_ABOVE = 1000
"""An edit of more papers than this asks first ("Rate 100,048 papers 2 stars?")."""

Confirm = Callable[[str, str], bool]
"""Asks the user a yes/no question: a title and the question."""


class PaperEdits(QObject):
    """Edits of papers through the undo stack, and the tag operations."""

    message = Signal(str, int)
    """A status-bar message and how long to show it (ms, 0: until replaced)."""
    select_requested = Signal(object)
    """Paper ids to select (a frozenset): what an undo or redo changed."""
    view_requested = Signal(object)
    """A :class:`ViewKey` to show: the renamed or target tag, or Inbox after a delete."""
    working = Signal(bool)
    """True while a bulk edit is being written (the window shows progress)."""

    def __init__(
        self,
        runner: OperationRunner,
        undo_stack: QUndoStack,
        confirm: Confirm,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.undo_stack = undo_stack
        self._confirm = confirm
        self._in_flight = 0
        self._steps: deque[bool] = deque()  # True: undo, False: redo
        self._stepping = False
        self._recorded: list[EditCommand] = []

    # ------------------------------------------------------------------ undoable edits

    def _push(
        self, command: EditCommand, count: int, on_done: Callable[[], None] | None = None
    ) -> None:
        big = count > CONFIRM_ABOVE
        if big:
            self.working.emit(True)
            self.message.emit(f"{command.text()}…", 0)
        self._in_flight += 1

        def success(changes: Changes) -> None:
            self._in_flight -= 1
            if big:
                self.working.emit(False)
                self.message.emit(f"{command.text()}: done", 5000)
            if not changes.empty:
                self.undo_stack.push(command)
            if on_done is not None and not changes.empty:
                on_done()
            self._next_step()

        def failure(exc: BaseException) -> None:
            self._in_flight -= 1
            if big:
                self.working.emit(False)
            self._runner.failed.emit("The change was not saved", exc)
            self._next_step()

        if (
            self._runner.run(command.do, initiator=self, on_success=success, on_failure=failure)
            is None
        ):
            self._in_flight -= 1  # the window is closing: nothing more is written
            if big:
                self.working.emit(False)

    def _edit(
        self,
        make: Callable[[], EditCommand],
        ids: Sequence[int],
        question: str | None,
        on_done: Callable[[], None] | None = None,
    ) -> bool:
        """Push ``make()`` for ``ids`` (after asking ``question`` above
        :data:`CONFIRM_ABOVE` papers; ``None``: the caller has asked)."""
        if not ids:
            return False
        try:
            command = make()
        except LibraryUsageError as exc:  # a tag name that cannot be
            self.message.emit(str(exc), 6000)
            return False
        if (
            question is not None
            and len(ids) > CONFIRM_ABOVE
            and not self._confirm("Change many papers", question)
        ):
            return False
        self._push(command, len(ids), on_done)
        return True

    def rate(
        self, ids: Sequence[int], stars: int, on_done: Callable[[], None] | None = None
    ) -> bool:
        """Rate papers (0 clears); ``on_done`` once written."""
        what = "Clear the rating of" if stars == 0 else "Rate"
        stars_text = "" if stars == 0 else f" {stars} star{'s' if stars != 1 else ''}"
        return self._edit(
            lambda: SetRatingCommand(ids, stars),
            ids,
            f"{what} {papers_text(len(ids))}{stars_text}?",
            on_done,
        )

    def set_status(
        self,
        ids: Sequence[int],
        status: Status,
        *,
        confirmed: bool = False,
        on_done: Callable[[], None] | None = None,
    ) -> bool:
        """Move papers to ``status`` (``confirmed``: the caller has asked already)."""
        return self._edit(
            lambda: SetStatusCommand(ids, status),
            ids,
            None if confirmed else f"Move {papers_text(len(ids))} to {status.label}?",
            on_done,
        )

    def not_interested(self, ids: Sequence[int], on_done: Callable[[], None] | None = None) -> bool:
        """Mark papers "not interested" and archive them (the model learns from it)."""
        return self._edit(
            lambda: NotInterestedCommand(ids),
            ids,
            f"Mark {papers_text(len(ids))} not interested and archive them?",
            on_done,
        )

    def add_tags(self, ids: Sequence[int], names: Sequence[str]) -> bool:
        """Tag papers."""
        label = ", ".join(f"#{n}" for n in names)
        return bool(names) and self._edit(
            lambda: AddTagsCommand(ids, names), ids, f"Add {label} to {papers_text(len(ids))}?"
        )

    def remove_tag(self, ids: Sequence[int], name: str) -> bool:
        """Take a tag off papers."""
        return self._edit(
            lambda: RemoveTagsCommand(ids, [name]),
            ids,
            f"Remove #{name} from {papers_text(len(ids))}?",
        )

    def apply(self, command: EditCommand) -> bool:
        """Write one paper's edit made elsewhere (Edit Details, Merge) as an undoable step."""
        self._push(command, 1)
        return True

    def record_pull(self, pulled: Sequence[PulledNote]) -> None:
        """The notes an export brought back from the vault, as one undoable step."""
        self.record(PullNotesCommand(pulled))

    def record(self, command: EditCommand) -> None:
        """Put a command whose write is already done (an export's pull) on the stack."""
        if self._stepping or self._steps:
            self._recorded.append(command)  # after the undo or redo being written
        else:
            self.undo_stack.push(command)

    def trash(self, ids: Sequence[int]) -> bool:
        """Move papers to the trash (undo restores them)."""

        def done() -> None:
            self.message.emit(
                f"Moved {papers_text(len(ids))} to the Trash (Edit ▸ Undo brings "
                f"{'it' if len(ids) == 1 else 'them'} back)",
                8000,
            )

        return self._edit(
            lambda: TrashCommand(ids), ids, f"Move {papers_text(len(ids))} to the Trash?", done
        )

    def restore(self, ids: Sequence[int]) -> bool:
        """Bring papers back from the trash (undo moves them back)."""
        return self._edit(
            lambda: RestoreCommand(ids), ids, f"Restore {papers_text(len(ids))} from the Trash?"
        )

    # ------------------------------------------------------------------ undo and redo

    @property
    def pending(self) -> bool:
        """Whether an edit, undo or redo is still being written."""
        return self._in_flight > 0 or self._stepping or bool(self._steps)

    def undo(self) -> None:
        """Undo the last edit (after any edit still being written) and select its papers."""
        self._steps.append(True)
        self._next_step()

    def redo(self) -> None:
        """Redo the last undone edit."""
        self._steps.append(False)
        self._next_step()

    def _next_step(self) -> None:
        if self._stepping or self._in_flight:
            return
        if not self._steps:
            recorded, self._recorded = self._recorded, []
            for done in recorded:
                self.undo_stack.push(done)
            return
        undo = self._steps.popleft()
        stack = self.undo_stack
        index = stack.index() - 1 if undo else stack.index()
        if not 0 <= index < stack.count():
            self._next_step()
            return
        command = stack.command(index)
        assert isinstance(command, EditCommand)
        self._stepping = True
        step = command.undo_change if undo else command.do
        what = f"{'Undoing' if undo else 'Redoing'} “{command.text()}”"
        big = len(command.touched) > CONFIRM_ABOVE
        if big:  # minutes at 100,000 papers: say so while the writer works
            self.working.emit(True)
            self.message.emit(f"{what}…", 0)

        def success(changes: Changes) -> None:
            self._stepping = False
            if big:
                self.working.emit(False)
                self.message.emit(f"{what}: done", 5000)
            (stack.undo if undo else stack.redo)()
            if changes.paper_ids:
                self.select_requested.emit(changes.paper_ids)  # a set: no sort of 100,000
            self._after_tag_step(command, undo)
            self._next_step()

        def failure(exc: BaseException) -> None:
            self._stepping = False
            self._steps.clear()
            if big:
                self.working.emit(False)
            what = "undone" if undo else "redone"
            self._runner.failed.emit(f"“{command.text()}” was not {what}", exc)
            self._next_step()  # commands recorded meanwhile go on the stack

        if self._runner.run(step, initiator=self, on_success=success, on_failure=failure) is None:
            self._stepping = False
            self._steps.clear()
            if big:
                self.working.emit(False)

    # ------------------------------------------------------------------ tags in the sidebar

    def rename_tag(self, old: str, new: str, *, merge: bool = False) -> None:
        """Rename ``old`` (or merge it into ``new``); the sidebar then shows ``new``."""
        command = MoveTagCommand(old, new, merge=merge)

        def done() -> None:
            self.view_requested.emit(ViewKey("tag", command.new_name))
            self.message.emit(
                f"Merged “{command.old_name}” into “{command.new_name}”"
                if merge
                else f"Renamed “{command.old_name}” to “{command.new_name}”",
                6000,
            )

        self._push(command, 1, done)

    def delete_tag(self, name: str) -> None:
        """Delete a tag; its papers stay. The sidebar goes to Inbox."""
        command = DeleteTagCommand(name)

        def done() -> None:
            self.view_requested.emit(INBOX)
            self.message.emit(f"Deleted the tag “{command.name}”", 6000)

        self._push(command, 1, done)

    def _after_tag_step(self, command: EditCommand, undo: bool) -> None:
        if isinstance(command, MoveTagCommand):
            name = command.old_name if undo else command.new_name
            self.view_requested.emit(ViewKey("tag", name))
        elif isinstance(command, DeleteTagCommand):
            self.view_requested.emit(ViewKey("tag", command.name) if undo else INBOX)
