"""Markdown note export: one note per paper in a vault folder, never destroying the user's edits.

``export_notes(library, ExportOptions(folder=...))`` writes one note per paper (YAML
front matter, the abstract, the user's note) and an index note, and returns an
:class:`ExportReport`. A note edited or deleted in the vault since the last export is left
alone and reported; see :mod:`reader.export.notes` for the rules and
``resources/templates/note.md.j2`` for the template variables.

The parts: :mod:`~reader.export.names` (file names), :mod:`~reader.export.frontmatter`
(the YAML), :mod:`~reader.export.templates` (Jinja2 in a sandbox),
:mod:`~reader.export.files` (atomic, no-clobber writes), :mod:`~reader.export.index`
(the index note), :mod:`~reader.export.model` (options and report) and
:mod:`~reader.export.notes` (the run).
"""

from __future__ import annotations

from reader.export.errors import ExportError
from reader.export.model import DEFAULT_INDEX_NAME, ExportOptions, ExportReport
from reader.export.notes import export_notes

__all__ = ["DEFAULT_INDEX_NAME", "ExportError", "ExportOptions", "ExportReport", "export_notes"]
