"""The library: one SQLite file holding papers, tags, digests and the user's notes.

:class:`Library` is a façade over small parts, one module each: the connection and its
transactions (:mod:`~reader.library.connection`), reading papers and views
(:mod:`~reader.library.papers`, planned by :mod:`~reader.library.search`), the user's
edits (:mod:`~reader.library.edits`), tags (:mod:`~reader.library.tags`), the import log
(:mod:`~reader.library.import_log`) and export records
(:mod:`~reader.library.export_records`). Every write runs in one ``BEGIN IMMEDIATE``
transaction and returns the :class:`~reader.library.model.Changes` it made.
"""

from __future__ import annotations

from reader.library.connection import BUSY_TIMEOUT_MS, CACHE_KIB
from reader.library.edits import MAX_NOTE_CHARS, UserEdits
from reader.library.errors import LibraryError
from reader.library.export_records import ExportRecords
from reader.library.import_log import ImportLog
from reader.library.papers import PaperReads
from reader.library.rows import from_iso, now_utc, to_iso
from reader.library.tags import MAX_TAG_LENGTH, TagEdits, clean_tag_name


class Library(PaperReads, UserEdits, TagEdits, ImportLog, ExportRecords):
    """A Papershelf library file. Open with ``Library(path)``; close with :meth:`close`.

    ``before_migration(path, old_version, new_version)`` is called before the schema of an
    existing library is upgraded (the backup hook). With ``read_only`` the file is opened
    through SQLite's ``mode=ro``: it must exist and be current, and every write raises
    :class:`LibraryReadOnlyError`. Applications open libraries with
    :func:`reader.library.opening.open_library`, which adds backups and checks.
    """


__all__ = [
    "BUSY_TIMEOUT_MS",
    "CACHE_KIB",
    "MAX_NOTE_CHARS",
    "MAX_TAG_LENGTH",
    "Library",
    "LibraryError",
    "clean_tag_name",
    "from_iso",
    "now_utc",
    "to_iso",
]
