"""Undoable vault edits: resolving a conflict, as a command on the window's undo stack.

"Keep Papershelf's" and "Keep the vault's" write one text into both the library note and
the vault file (:func:`reader.export.resolve.resolve`), on the writer thread through the
:class:`~ui.operations.OperationRunner`. The :class:`~reader.export.Resolution` keeps the
file's previous bytes and the library's previous note, so Edit ▸ Undo puts both back
(unless the file was edited in the vault since: then nothing is undone and the user is
told) and Redo resolves again.
"""

from __future__ import annotations

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


def _touched(paper_id: int) -> Changes:
    """The paper whose vault note changed (also when its library note stayed the same)."""
    return Changes(paper_ids=frozenset({paper_id}), fields=frozenset({"note"}))
