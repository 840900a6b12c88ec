"""Resolving a note conflict: one text for both the library and the vault note.

An export that finds a note's section changed on both sides reports a
:class:`~reader.export.model.NoteConflict` with both texts and changes nothing. The user
picks or writes the text to keep (the window shows both side by side); then
:func:`resolve_conflict` puts that text into the library note and into the vault file's
note section, leaving every other line of the file as it is. The next export sees the
same text on both sides: no conflict, nothing lost.
"""

from __future__ import annotations

from pathlib import Path

from reader.export import files
from reader.export.errors import ExportError
from reader.export.sections import NoteFormatError, NoteParts, decode_file, section_text, split_note
from reader.library.model import Changes
from reader.library.store import Library


def resolve_conflict(library: Library, path: Path, paper_id: int, text: str) -> Changes:
    """Make ``text`` the note of ``paper_id`` in the library and in the vault file ``path``.

    The file is rewritten atomically, only its note section changed (its line endings and
    BOM kept), and only if it is still a note whose section can be found; the library
    note is set after the file is written. Raises :class:`ExportError` with a sentence
    for people when the file cannot be read, parsed or written; the library is then
    unchanged. Returns the library's :class:`Changes` (empty when it already had ``text``).
    """
    path = Path(path)
    try:
        found = files.read_note(path)
    except (files.NotARegularFile, files.NoteTooLarge, OSError) as exc:
        raise ExportError(f"cannot read the note {path}: {_why(exc)}") from None
    if found is None:
        raise ExportError(f"the note {path} is gone; nothing was changed")
    data, info = found
    try:
        file = decode_file(data)
        parts = split_note(file.text)
    except NoteFormatError as exc:
        raise ExportError(f"cannot resolve {path}: {exc}") from None
    new = NoteParts(parts.front_matter, parts.before, section_text(text), parts.after).join()
    encoded = file.encode(new)
    if encoded != data:
        if files.is_read_only(info):
            raise ExportError(f"the note {path} is read-only; nothing was changed")
        try:
            files.write_note(path.parent, path.name, encoded, replace=True)
        except OSError as exc:
            raise ExportError(f"cannot write the note {path}: {_why(exc)}") from None
    return library.set_note(paper_id, text)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, files.NoteTooLarge):
        return f"it is larger than {files.MAX_NOTE_BYTES // 2**20} MB"
    return "it is not a regular file"
