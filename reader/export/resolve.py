"""Resolving a note conflict: one text for both the library and the vault note.

An export that finds a note's section changed on both sides reports a
:class:`~reader.export.model.NoteConflict` with both texts and changes nothing. The user
picks or writes the text to keep (the window shows both side by side); then
:func:`resolve_conflict` puts that text into the library note and into the vault file's
note section, leaving every other line of the file as it is. The next export sees the
same text on both sides: no conflict, nothing lost. :func:`resolve` does the same and
returns a :class:`Resolution` holding both sides' old contents, which :func:`undo` puts
back (the window's Edit ▸ Undo) and :func:`redo` replaces again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reader.export import files
from reader.export.errors import ExportError
from reader.export.sections import NoteFormatError, NoteParts, decode_file, section_text, split_note
from reader.library.model import Changes
from reader.library.store import Library


@dataclass(frozen=True, slots=True)
class Resolution:
    """A resolved conflict, with what both sides held before: enough to undo and redo it."""

    paper_id: int
    path: Path
    text: str
    """The note text now on both sides."""
    old_note: str
    """The library's note before."""
    old_file: bytes
    """The vault file's bytes before."""
    new_file: bytes
    """The vault file's bytes after."""
    changes: Changes


def resolve_conflict(library: Library, path: Path, paper_id: int, text: str) -> Changes:
    """Make ``text`` the note of ``paper_id`` in the library and in the vault file ``path``.

    The file is rewritten atomically, only its note section changed (its line endings and
    BOM kept), and only if it is still a note whose section can be found; the library
    note is set after the file is written. Raises :class:`ExportError` with a sentence
    for people when the file cannot be read, parsed or written; the library is then
    unchanged. Returns the library's :class:`Changes` (empty when it already had ``text``).
    """
    return resolve(library, path, paper_id, text).changes


def resolve(library: Library, path: Path, paper_id: int, text: str) -> Resolution:
    """:func:`resolve_conflict`, returning the :class:`Resolution` that :func:`undo` takes."""
    path = Path(path)
    data, info = _read(path)
    try:
        file = decode_file(data)
        parts = split_note(file.text)
    except NoteFormatError as exc:
        raise ExportError(f"cannot resolve {path}: {exc}") from None
    new = NoteParts(parts.front_matter, parts.before, section_text(text), parts.after).join()
    encoded = file.encode(new)
    old_note = library.paper(paper_id).note
    if encoded != data:
        _write(path, info, encoded)
    changes = library.set_note(paper_id, text)
    return Resolution(paper_id, path, text, old_note, data, encoded, changes)


def undo(library: Library, resolution: Resolution) -> Changes:
    """Put back the vault file's old bytes and the library's old note.

    Only if the file still holds what the resolution wrote: a note edited in the vault
    since is not overwritten (:class:`ExportError`, nothing changed).
    """
    return _swap(library, resolution, resolution.new_file, resolution.old_file, undoing=True)


def redo(library: Library, resolution: Resolution) -> Changes:
    """Resolve again after :func:`undo` (only if the file is still as the undo left it)."""
    return _swap(library, resolution, resolution.old_file, resolution.new_file, undoing=False)


def _swap(
    library: Library, resolution: Resolution, expected: bytes, wanted: bytes, *, undoing: bool
) -> Changes:
    path = resolution.path
    data, info = _read(path)
    if data != expected:
        what = "undone" if undoing else "redone"
        raise ExportError(f"the note {path} was changed in the vault since; nothing was {what}")
    if data != wanted:
        _write(path, info, wanted)
    note = resolution.old_note if undoing else resolution.text
    changes = library.set_note(resolution.paper_id, note)
    return changes | Changes(paper_ids=frozenset({resolution.paper_id}), fields=frozenset({"note"}))


def _read(path: Path) -> tuple[bytes, os.stat_result]:
    try:
        found = files.read_note(path)
    except (files.NotARegularFile, files.NoteTooLarge, OSError) as exc:
        raise ExportError(f"cannot read the note {path}: {_why(exc)}") from None
    if found is None:
        raise ExportError(f"the note {path} is gone; nothing was changed")
    return found


def _write(path: Path, info: os.stat_result, data: bytes) -> None:
    if files.is_read_only(info):
        raise ExportError(f"the note {path} is read-only; nothing was changed")
    try:
        files.write_note(path.parent, path.name, data, replace=True)
    except OSError as exc:
        raise ExportError(f"cannot write the note {path}: {_why(exc)}") from None


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, files.NoteTooLarge):
        return f"it is larger than {files.MAX_NOTE_BYTES // 2**20} MB"
    return "it is not a regular file"
