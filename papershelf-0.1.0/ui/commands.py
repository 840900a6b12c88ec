"""Undoable edits: :class:`QUndoCommand` subclasses that call the library.

Each command records the old values when it is constructed (orange-canvas-core's pattern),
so undo restores exactly what each paper had — a bulk "rate 5" over papers rated 1, 3 and
unrated puts back 1, 3 and unrated. The first :meth:`redo` (run by ``QUndoStack.push``) is
done by :meth:`EditCommand.apply` before pushing, so a write the machine refuses (a full
disk) raises where the window can show it and leaves nothing on the stack.

Notes are not here: the note editor has its own text undo.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from PySide6.QtGui import QUndoCommand

from reader.library import Changes, Library, PaperRow, Status, clean_tag_name

Notify = Callable[[Changes], None]
"""Told what each do/undo changed, so the window refreshes those rows."""
ReportError = Callable[[Exception], None]
"""Told when an undo or redo could not be written."""


def _papers(count: int) -> str:
    return "1 paper" if count == 1 else f"{count} papers"


class EditCommand(QUndoCommand):
    """Base of the library edits: runs :meth:`do`/:meth:`undo_change`, reports the changes."""

    def __init__(self, library: Library, notify: Notify, on_error: ReportError, text: str) -> None:
        super().__init__(text)
        self._library = library
        self._notify = notify
        self._on_error = on_error
        self._applied = False

    def apply(self) -> Changes:
        """Do the edit now (before pushing); raises what the library raises."""
        changes = self.do()
        self._applied = True
        self._notify(changes)
        return changes

    def redo(self) -> None:
        if self._applied:  # done by apply(); QUndoStack.push calls redo once more
            self._applied = False
            return
        self._run(self.do)

    def undo(self) -> None:
        self._run(self.undo_change)

    def _run(self, step: Callable[[], Changes]) -> None:
        try:
            changes = step()
        except Exception as exc:  # a full disk during undo must not crash the window
            self._on_error(exc)
            return
        self._notify(changes)

    def do(self) -> Changes:
        """Make the edit."""
        raise NotImplementedError

    def undo_change(self) -> Changes:
        """Put the old values back."""
        raise NotImplementedError

    @property
    def changes_anything(self) -> bool:
        """False when the edit would change nothing (not worth an undo step)."""
        return True


V = TypeVar("V", int, Status)


class _SetFieldCommand(EditCommand, Generic[V]):
    """Set one field of many papers; undo puts each paper's own old value back."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        on_error: ReportError,
        ids: Sequence[int],
        value: V,
        what: str,
    ) -> None:
        if len(ids) > 1:
            what += f" ({_papers(len(ids))})"
        super().__init__(library, notify, on_error, what)
        self._value: V = value
        self._old: dict[V, list[int]] = defaultdict(list)
        for row in library.rows(ids):
            self._old[self.current(row)].append(row.id)
        self._ids = [i for group in self._old.values() for i in group]

    def current(self, row: PaperRow) -> V:
        """The field's value in ``row``."""
        raise NotImplementedError

    def write(self, ids: list[int], value: V) -> Changes:
        """Set the field of ``ids`` to ``value``."""
        raise NotImplementedError

    @property
    def changes_anything(self) -> bool:
        return any(old != self._value for old in self._old)

    def do(self) -> Changes:
        return self.write(self._ids, self._value)

    def undo_change(self) -> Changes:
        changes = Changes()
        for old, ids in self._old.items():
            changes |= self.write(ids, old)
        return changes


class SetRatingCommand(_SetFieldCommand[int]):
    """Rate papers (0 clears); undo restores each paper's previous rating."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        on_error: ReportError,
        ids: Sequence[int],
        stars: int,
    ) -> None:
        what = "Clear rating" if stars == 0 else f"Rate {stars} star{'s' if stars != 1 else ''}"
        super().__init__(library, notify, on_error, ids, stars, what)

    def current(self, row: PaperRow) -> int:
        return row.rating

    def write(self, ids: list[int], value: int) -> Changes:
        return self._library.set_rating(ids, value)


class SetStatusCommand(_SetFieldCommand[Status]):
    """Move papers to a status; undo restores each paper's previous status."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        on_error: ReportError,
        ids: Sequence[int],
        status: Status,
    ) -> None:
        super().__init__(library, notify, on_error, ids, status, f"Move to {status.label}")

    def current(self, row: PaperRow) -> Status:
        return row.status

    def write(self, ids: list[int], value: Status) -> Changes:
        return self._library.set_status(ids, value)


class AddTagsCommand(EditCommand):
    """Tag papers; undo takes each tag off only the papers that did not have it."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        on_error: ReportError,
        ids: Sequence[int],
        names: Iterable[str],
    ) -> None:
        cleaned = list(dict.fromkeys(clean_tag_name(n) for n in names))
        label = ", ".join(f"#{n}" for n in cleaned)
        what = f"Add {label}" + (f" to {_papers(len(ids))}" if len(ids) > 1 else "")
        super().__init__(library, notify, on_error, what)
        self._names = cleaned
        rows = library.rows(ids)
        self._ids = [r.id for r in rows]
        self._lacking: dict[str, list[int]] = {
            name: [r.id for r in rows if name.casefold() not in {t.casefold() for t in r.tags}]
            for name in cleaned
        }

    @property
    def changes_anything(self) -> bool:
        return any(self._lacking.values())

    def do(self) -> Changes:
        return self._library.add_tags(self._ids, self._names)

    def undo_change(self) -> Changes:
        changes = Changes(tags=True)
        for name, ids in self._lacking.items():
            if ids:
                changes |= self._library.remove_tags(ids, [name])
        return changes


class RemoveTagsCommand(EditCommand):
    """Take tags off papers; undo puts each tag back on the papers that had it."""

    def __init__(
        self,
        library: Library,
        notify: Notify,
        on_error: ReportError,
        ids: Sequence[int],
        names: Iterable[str],
    ) -> None:
        cleaned = list(dict.fromkeys(clean_tag_name(n) for n in names))
        label = ", ".join(f"#{n}" for n in cleaned)
        what = f"Remove {label}" + (f" from {_papers(len(ids))}" if len(ids) > 1 else "")
        super().__init__(library, notify, on_error, what)
        self._names = cleaned
        rows = library.rows(ids)
        self._ids = [r.id for r in rows]
        self._having: dict[str, list[int]] = {}
        for name in cleaned:
            for row in rows:
                match = next((t for t in row.tags if t.casefold() == name.casefold()), None)
                if match is not None:
                    self._having.setdefault(match, []).append(row.id)

    @property
    def changes_anything(self) -> bool:
        return bool(self._having)

    def do(self) -> Changes:
        return self._library.remove_tags(self._ids, self._names)

    def undo_change(self) -> Changes:
        changes = Changes(tags=True)
        for name, ids in self._having.items():
            changes |= self._library.add_tags(ids, [name])
        return changes
