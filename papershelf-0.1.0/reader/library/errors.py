"""Library errors, split the way qutebrowser's ``misc/sql.py`` does.

:class:`LibraryEnvironmentError` and its subclasses are things the user's machine did (a
locked file, a full disk, a read-only folder, a damaged file): the app shows them plainly
and keeps running. :class:`LibraryUsageError` subclasses are bad requests (no such paper,
a rating of 7). Anything else escaping the library is a bug.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path


class LibraryError(Exception):
    """Base class of every error the library raises on purpose. ``str()`` is for people."""


class LibraryEnvironmentError(LibraryError):
    """The machine stopped a library operation; nothing committed was lost."""


class LibraryLockedError(LibraryEnvironmentError):
    """Another program holds the library's write lock for too long."""


class LibraryReadOnlyError(LibraryEnvironmentError):
    """The library file or its folder cannot be written."""


class DiskFullError(LibraryEnvironmentError):
    """The disk holding the library is full."""


class LibraryCorruptError(LibraryEnvironmentError):
    """The library file is damaged or is not a Papershelf library."""


class LibraryOpenError(LibraryEnvironmentError):
    """The library file could not be opened or created."""


class LibraryDamagedError(LibraryCorruptError):
    """The library failed an integrity check: it is read, never written, until restored.

    ``reason`` is what the check found, in a few words.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"the library {path} is damaged ({reason}); it is kept read-only so nothing gets worse"
        )


class BackupError(LibraryEnvironmentError):
    """A backup could not be made, or a file to restore is no good Papershelf library."""


class LibraryUsageError(LibraryError, ValueError):
    """A request the library refuses: an unknown paper, an invalid rating or status."""


class PaperNotFoundError(LibraryUsageError, LookupError):
    """No paper has the given id."""


class TagNotFoundError(LibraryUsageError, LookupError):
    """No tag has the given name."""


_NEARLY_FULL = 256 * 1024
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT (and its extended codes), SQLITE_NOTADB
_CORRUPT_TEXTS = (
    "database disk image is malformed",
    "file is not a database",
    "malformed database schema",
)


def is_corruption(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is damaged (not that a query was wrong).

    Decided by SQLite's result code where Python gives it: a bad FTS5 query or bad JSON
    also say "malformed", and must not make a library look damaged.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPT_CODES
    text = str(exc).lower()
    return any(marker in text for marker in _CORRUPT_TEXTS)


def translate(exc: sqlite3.Error, path: str) -> LibraryError | None:
    """The environment error ``exc`` stands for, or ``None`` when it is a programming error."""
    if is_corruption(exc):
        return LibraryCorruptError(f"the library {path} is damaged or is not a Papershelf library")
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return LibraryLockedError(
            f"the library {path} is locked by another program; close it and try again"
        )
    if "readonly" in text or "read-only" in text:
        return LibraryReadOnlyError(
            f"the library {path} is read-only; check the file's and its folder's permissions"
        )
    if "disk is full" in text or "disk full" in text:
        return DiskFullError(f"the disk holding {path} is full; free some space, nothing was lost")
    if "unable to open" in text or "disk i/o error" in text:
        if _disk_is_full(path):
            # SQLite says "disk I/O error" when the -shm file cannot grow on a full disk.
            return DiskFullError(
                f"the disk holding {path} is full; free some space, nothing was lost"
            )
        return LibraryOpenError(f"the library {path} cannot be opened or written ({exc})")
    return None


def _disk_is_full(path: str) -> bool:
    """Whether the disk holding ``path`` has (almost) no room left."""
    try:
        return shutil.disk_usage(Path(path).absolute().parent).free < _NEARLY_FULL
    except OSError:
        return False
