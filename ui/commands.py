"""Undoable edits: :class:`QUndoCommand` subclasses whose writes run on the writer thread.

A command's :meth:`EditCommand.do` and :meth:`EditCommand.undo_change` are operations
(``(Library) -> Changes``) that :class:`~ui.edits.PaperEdits` hands to the
:class:`~ui.operations.OperationRunner`; each runs in ONE transaction
(:meth:`Library.batch`), so the undo of a bulk edit that puts back many different old
values is one ``COMMIT``, and so is its redo. The first :meth:`do` records the old values
on the writer thread, in the same transaction as the write (orange-canvas-core records them
at construction; reading 100,000 rows there would stall the GUI thread). A command enters
the undo stack only after its write succeeded; the stack's own ``redo()``/``undo()`` calls
change nothing, the runner has done (or will do) the write.

Tag rename, merge and delete are commands too, on the same stack: history is linear, so
an older "Add #nlp" can only be undone after the rename of ``nlp`` was undone, and never
brings back a tag that was renamed since.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtGui import QUndoCommand

from reader.library import Changes, Library, PaperFilter, Status, clean_tag_name
from reader.library.interest import not_interested_ids

if TYPE_CHECKING:
    from reader.export import PulledNote

TAGS_CHANGED = Changes(tags=True, fields=frozenset({"tags"}))


def papers_text(count: int) -> str:
    """``1 paper``, ``100,048 papers``."""
    return "1 paper" if count == 1 else f"{count:,} papers"


class EditCommand(QUndoCommand):
    """Base of the library edits: ``do``/``undo_change`` are operations for the writer."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.touched: frozenset[int] = frozenset()
        """The papers the last do or undo changed (selected after an undo or redo)."""

    def do(self, library: Library) -> Changes:
        """Make the edit (on the writer thread, one transaction)."""
        with library.batch():
            changes = self.write_do(library)
        self.touched = changes.paper_ids
        return changes

    def undo_change(self, library: Library) -> Changes:
        """Put the old values back (on the writer thread, one transaction)."""
        with library.batch():
            changes = self.write_undo(library)
        self.touched = changes.paper_ids
        return changes

    def write_do(self, library: Library) -> Changes:
        """The edit's writes."""
        raise NotImplementedError

    def write_undo(self, library: Library) -> Changes:
        """The undo's writes."""
        raise NotImplementedError

    def redo(self) -> None:
        """The runner writes; the stack only keeps the history."""

    def undo(self) -> None:
        """The runner writes; the stack only keeps the history."""


V = TypeVar("V", int, Status)


class _SetFieldCommand(EditCommand, Generic[V]):
    """Set one field of many papers; undo puts each paper's own old value back."""

    def __init__(self, ids: Sequence[int], value: V, what: str) -> None:
        if len(ids) > 1:
            what += f" ({papers_text(len(ids))})"
        super().__init__(what)
        self._value: V = value
        self._ids = list(ids)
        self._old: dict[V, list[int]] = {}

    field = ""
    """The library's name of the field (``"rating"``, ``"status"``)."""

    def value(self, stored: object) -> V:
        """The field's value as the library stores it, as this command's type."""
        raise NotImplementedError

    def write(self, library: Library, ids: list[int], value: V) -> Changes:
        """Set the field of ``ids`` to ``value``."""
        raise NotImplementedError

    def write_do(self, library: Library) -> Changes:
        groups = library.grouped_by(self._ids, self.field)
        self._old = {
            value: ids
            for stored, ids in groups.items()
            if (value := self.value(stored)) != self._value
        }
        changed = [i for group in self._old.values() for i in group]
        return self.write(library, changed, self._value) if changed else Changes()

    def write_undo(self, library: Library) -> Changes:
        changes = Changes()
        for old, ids in self._old.items():
            changes |= self.write(library, ids, old)
        return changes


class SetRatingCommand(_SetFieldCommand[int]):
    """Rate papers (0 clears); undo restores each paper's previous rating."""

    def __init__(self, ids: Sequence[int], stars: int) -> None:
        what = "Clear rating" if stars == 0 else f"Rate {stars} star{'s' if stars != 1 else ''}"
        super().__init__(ids, stars, what)

    field = "rating"

    def value(self, stored: object) -> int:
        return int(str(stored))

    def write(self, library: Library, ids: list[int], value: int) -> Changes:
        return library.set_rating(ids, value)


class SetStatusCommand(_SetFieldCommand[Status]):
    """Move papers to a status; undo restores each paper's previous status."""

    def __init__(self, ids: Sequence[int], status: Status) -> None:
        super().__init__(ids, status, f"Move to {status.label}")

    field = "status"

    def value(self, stored: object) -> Status:
        return Status(str(stored))

    def write(self, library: Library, ids: list[int], value: Status) -> Changes:
        return library.set_status(ids, value)


class NotInterestedCommand(EditCommand):
    """Mark papers "not interested" (a signal for the interest model) and archive them;
    undo takes the mark back (from the papers that did not have it) and restores each
    paper's previous status."""

    def __init__(self, ids: Sequence[int]) -> None:
        what = "Not interested"
        if len(ids) > 1:
            what += f" ({papers_text(len(ids))})"
        super().__init__(what)
        self._ids = list(ids)
        self._old: dict[Status, list[int]] = {}
        self._marked: list[int] = []

    def write_do(self, library: Library) -> Changes:
        already = not_interested_ids(library)
        self._marked = [i for i in self._ids if i not in already]
        self._old = {
            Status(str(stored)): ids
            for stored, ids in library.grouped_by(self._ids, "status").items()
            if stored != Status.ARCHIVED.value
        }
        return library.mark_not_interested(self._ids) if self._marked or self._old else Changes()

    def write_undo(self, library: Library) -> Changes:
        changes = library.unmark_not_interested(self._marked) if self._marked else Changes()
        for old, ids in self._old.items():
            changes |= library.set_status(ids, old)
        return changes


def _label(names: Iterable[str]) -> str:
    return ", ".join(f"#{n}" for n in names)


class AddTagsCommand(EditCommand):
    """Tag papers; undo takes each tag off only the papers that did not have it."""

    def __init__(self, ids: Sequence[int], names: Iterable[str]) -> None:
        cleaned = list(dict.fromkeys(clean_tag_name(n) for n in names))
        what = f"Add {_label(cleaned)}" + (f" to {papers_text(len(ids))}" if len(ids) > 1 else "")
        super().__init__(what)
        self._names = cleaned
        self._ids = list(ids)
        self._lacking: dict[str, list[int]] = {}

    def write_do(self, library: Library) -> Changes:
        rows = library.rows(self._ids)
        self._lacking = {
            name: [r.id for r in rows if name.casefold() not in {t.casefold() for t in r.tags}]
            for name in self._names
        }
        return library.add_tags([r.id for r in rows], self._names)

    def write_undo(self, library: Library) -> Changes:
        changes = TAGS_CHANGED
        for name, ids in self._lacking.items():
            if ids:
                changes |= library.remove_tags(ids, [name])
        return changes


class RemoveTagsCommand(EditCommand):
    """Take tags off papers; undo puts each tag back on the papers that had it."""

    def __init__(self, ids: Sequence[int], names: Iterable[str]) -> None:
        cleaned = list(dict.fromkeys(clean_tag_name(n) for n in names))
        what = f"Remove {_label(cleaned)}" + (
            f" from {papers_text(len(ids))}" if len(ids) > 1 else ""
        )
        super().__init__(what)
        self._names = cleaned
        self._ids = list(ids)
        self._having: dict[str, list[int]] = {}

    def write_do(self, library: Library) -> Changes:
        rows = library.rows(self._ids)
        self._having = {}
        for name in self._names:
            for row in rows:
                match = next((t for t in row.tags if t.casefold() == name.casefold()), None)
                if match is not None:
                    self._having.setdefault(match, []).append(row.id)
        return library.remove_tags([r.id for r in rows], self._names)

    def write_undo(self, library: Library) -> Changes:
        changes = TAGS_CHANGED
        for name, ids in self._having.items():
            changes |= library.add_tags(ids, [name])
        return changes


def tag_name(library: Library, name: str) -> str | None:
    """The stored spelling of the tag ``name`` (case-insensitive), or ``None``."""
    wanted = clean_tag_name(name).casefold()
    return next((t.name for t in library.tags() if t.name.casefold() == wanted), None)


class MoveTagCommand(EditCommand):
    """Rename a tag, or merge it into another: its papers carry the new name.

    Undo gives back the old tag to exactly the papers that had it, and takes the target
    off the papers that had only the old tag (a merge), or renames it back (a rename).
    """

    def __init__(self, old: str, new: str, *, merge: bool) -> None:
        super().__init__(f"Merge #{old} into #{new}" if merge else f"Rename #{old} to #{new}")
        self.old = old
        self.new = clean_tag_name(new)
        self._old_name = old
        self._new_name = self.new
        self._merged = False
        self._source: list[int] = []
        self._target: set[int] = set()

    def write_do(self, library: Library) -> Changes:
        old_name = tag_name(library, self.old)
        if old_name is None:
            from reader.library import TagNotFoundError

            raise TagNotFoundError(f"there is no tag named {self.old!r}")
        self._old_name = old_name
        target = tag_name(library, self.new)
        self._merged = target is not None and target.casefold() != old_name.casefold()
        self._source = library.paper_ids(PaperFilter(tag=old_name))
        self._target = set(library.paper_ids(PaperFilter(tag=target))) if self._merged else set()
        if self._merged:
            assert target is not None
            self._new_name = target
            return library.merge_tags([old_name], target)
        self._new_name = self.new
        return library.rename_tag(old_name, self.new)

    def write_undo(self, library: Library) -> Changes:
        if not self._merged:
            return library.rename_tag(self._new_name, self._old_name)
        changes = library.add_tags(self._source, [self._old_name]) | TAGS_CHANGED
        only_source = [i for i in self._source if i not in self._target]
        if only_source:
            changes |= library.remove_tags(only_source, [self._new_name])
        return changes

    @property
    def new_name(self) -> str:
        """The name the papers carry after the edit."""
        return self._new_name

    @property
    def old_name(self) -> str:
        """The old tag's stored spelling."""
        return self._old_name


class DeleteTagCommand(EditCommand):
    """Delete a tag (its papers stay); undo gives it back to the papers that had it."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Delete #{name}")
        self.name = name
        self._ids: list[int] = []

    def write_do(self, library: Library) -> Changes:
        stored = tag_name(library, self.name) or self.name
        self.name = stored
        self._ids = library.paper_ids(PaperFilter(tag=stored))
        return library.delete_tag(stored)

    def write_undo(self, library: Library) -> Changes:
        return library.add_tags(self._ids, [self.name]) | TAGS_CHANGED


class PullNotesCommand(EditCommand):
    """Notes an export brought back from the vault; undo puts the library's old notes back.

    The export already made the change, so the command enters the stack done; redo sets
    the vault's text again. ``pulled`` holds :class:`reader.export.PulledNote` records.
    """

    def __init__(self, pulled: Sequence[PulledNote]) -> None:
        count = len(pulled)
        super().__init__(
            "Bring back a note from the vault"
            if count == 1
            else f"Bring back {count:,} notes from the vault"
        )
        self._pulled = list(pulled)
        self.touched = frozenset(p.paper_id for p in pulled)

    def write_do(self, library: Library) -> Changes:
        changes = Changes()
        for pulled in self._pulled:
            changes |= library.set_note(pulled.paper_id, pulled.new)
        return changes

    def write_undo(self, library: Library) -> Changes:
        changes = Changes()
        for pulled in self._pulled:
            changes |= library.set_note(pulled.paper_id, pulled.old)
        return changes


class TrashCommand(EditCommand):
    """Move papers to the trash (every field, tag and appearance kept); undo restores them."""

    def __init__(self, ids: Sequence[int]) -> None:
        super().__init__(f"Move {papers_text(len(ids))} to the Trash")
        self._ids = list(ids)
        self._trashed: list[int] = []

    def write_do(self, library: Library) -> Changes:
        changes = library.trash_papers(self._ids)
        self._trashed = sorted(changes.paper_ids)
        return changes

    def write_undo(self, library: Library) -> Changes:
        return library.restore_papers(self._trashed) if self._trashed else Changes()


class RestoreCommand(EditCommand):
    """Bring papers back from the trash with their ids; undo moves them back to it."""

    def __init__(self, ids: Sequence[int]) -> None:
        super().__init__(f"Restore {papers_text(len(ids))} from the Trash")
        self._ids = list(ids)

    def write_do(self, library: Library) -> Changes:
        return library.restore_papers(self._ids)

    def write_undo(self, library: Library) -> Changes:
        return library.trash_papers(self._ids)
