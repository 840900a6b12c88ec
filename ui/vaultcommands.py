"""Undoable vault edits: resolving a conflict, as a command on the window's undo stack.

"Keep Papershelf's" and "Keep the vault's" write one text into both the library note and
the vault file (:func:`reader.export.resolve.resolve`), on the writer thread through the
:class:`~ui.operations.OperationRunner`. The :class:`~reader.export.Resolution` keeps the
file's previous bytes and the library's previous note, so Edit ▸ Undo puts both back
(unless the file was edited in the vault since: then nothing is undone and the user is
told) and Redo resolves again.

The export's result dialog follows the stack: :attr:`ResolveConflictCommand.stepped` is
called on the GUI thread once an undo or a redo of the resolution is written (``True``:
undone, the conflict is open again; ``False``: resolved again), so the dialog reopens the
conflict with both texts, or marks it resolved.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.library import Changes, Library
from ui.commands import EditCommand

if TYPE_CHECKING:  # reader.export (jinja2, YAML) loads when a conflict is resolved
    from reader.export import NoteConflict, Resolution


class ResolveConflictCommand(EditCommand):
    """Keep one text for a conflicting note on both sides; undo restores both sides."""

    def __init__(self, conflict: NoteConflict, text: str, *, library_side: bool) -> None:
        side = "Papershelf's" if library_side else "the vault's"
        super().__init__(f"Keep {side} note for {Path(conflict.path).stem}")
        self.conflict = conflict
        self.kept = text
        self.resolution: Resolution | None = None
        self.stepped: Callable[[bool], None] | None = None
        """Told, on the GUI thread, when an undo (``True``) or redo (``False``) is written."""

    def write_do(self, library: Library) -> Changes:
        from reader.export.resolve import redo, resolve

        conflict = self.conflict
        if self.resolution is None:
            self.resolution = resolve(library, conflict.path, conflict.paper_id, self.kept)
            return self.resolution.changes | _touched(conflict.paper_id)
        return redo(library, self.resolution)

    def write_undo(self, library: Library) -> Changes:
        from reader.export.resolve import undo

        assert self.resolution is not None, "undone before it was done"
        return undo(library, self.resolution)

    def undo(self) -> None:
        """The stack moved back: the undo is written (see :attr:`stepped`)."""
        if self.stepped is not None:
            self.stepped(True)

    def redo(self) -> None:
        """The stack moved on (also when pushed, after the first write): see :attr:`stepped`."""
        if self.stepped is not None:
            self.stepped(False)


def _touched(paper_id: int) -> Changes:
    """The paper whose vault note changed (also when its library note stayed the same)."""
    return Changes(paper_ids=frozenset({paper_id}), fields=frozenset({"note"}))
