"""Markdown note export: one note per paper in a vault folder, never destroying the user's edits.

``export_notes(library, ExportOptions(folder=...))`` writes one note per paper (YAML
front matter, the abstract, the user's note) and an index note, and returns an
:class:`ExportReport`. The vault works both ways: the user's edits are merged three ways
(:mod:`~reader.export.merge`), a note section edited only in the vault comes back into
the library (``report.pulled``, with ``report.changes``), and a note section changed on
both sides is a conflict (``report.note_conflicts``, both texts) that
:func:`resolve_conflict` settles with one text. See :mod:`reader.export.notes` for the
rules and ``resources/templates/note.md.j2`` for the template variables.

The parts: :mod:`~reader.export.names` (file names), :mod:`~reader.export.frontmatter`
(the YAML), :mod:`~reader.export.markdown` (escaping, safe links),
:mod:`~reader.export.templates` and :mod:`~reader.export.sandbox` (Jinja2 in a bounded
sandbox), :mod:`~reader.export.sections` (a note's parts and the note section's markers),
:mod:`~reader.export.merge`, :mod:`~reader.export.yamlmerge` and
:mod:`~reader.export.fastyaml` (the three-way merge), :mod:`~reader.export.vault`
(settling one note), :mod:`~reader.export.files` (atomic, no-clobber writes),
:mod:`~reader.export.index` (the index note), :mod:`~reader.export.model` and
:mod:`~reader.export.report` (options and report), :mod:`~reader.export.resolve`
(resolving a conflict) and :mod:`~reader.export.notes` (the run).
"""

from __future__ import annotations

from reader.export.errors import ExportError
from reader.export.model import (
    DEFAULT_INDEX_NAME,
    ExportOptions,
    ExportReport,
    LeftAlone,
    NoteConflict,
    PulledNote,
)
from reader.export.notes import export_notes
from reader.export.resolve import Resolution, resolve_conflict

__all__ = [
    "DEFAULT_INDEX_NAME",
    "ExportError",
    "ExportOptions",
    "ExportReport",
    "LeftAlone",
    "NoteConflict",
    "PulledNote",
    "Resolution",
    "export_notes",
    "resolve_conflict",
]
