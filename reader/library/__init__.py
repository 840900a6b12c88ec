"""The library: the SQLite store of papers, tags, digests and the user's notes.

``Library(path)`` opens (and creates or migrates) a library file; see :class:`Library`.
"""

from __future__ import annotations

from reader.library.errors import (
    BackupError,
    DiskFullError,
    LibraryCorruptError,
    LibraryDamagedError,
    LibraryEnvironmentError,
    LibraryError,
    LibraryGoneError,
    LibraryLockedError,
    LibraryOpenError,
    LibraryReadOnlyError,
    LibraryUsageError,
    PaperNotFoundError,
    TagNotFoundError,
)
from reader.library.model import (
    Appearance,
    Changes,
    DigestRecord,
    DigestStatus,
    Paper,
    PaperRow,
    SortKey,
    Status,
    TagCount,
    ViewCounts,
)
from reader.library.store import Library, clean_tag_name
from reader.library.trash import TrashedPaper
from reader.query import PaperFilter, QueryError

__all__ = [
    "Appearance",
    "BackupError",
    "Changes",
    "DigestRecord",
    "DigestStatus",
    "DiskFullError",
    "Library",
    "LibraryCorruptError",
    "LibraryDamagedError",
    "LibraryEnvironmentError",
    "LibraryError",
    "LibraryGoneError",
    "LibraryLockedError",
    "LibraryOpenError",
    "LibraryReadOnlyError",
    "LibraryUsageError",
    "Paper",
    "PaperFilter",
    "PaperNotFoundError",
    "PaperRow",
    "QueryError",
    "SortKey",
    "Status",
    "TagCount",
    "TagNotFoundError",
    "TrashedPaper",
    "ViewCounts",
    "clean_tag_name",
]
