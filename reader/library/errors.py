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
    """Another connection held the library's lock past the busy timeout.

    That may be another program, or Papershelf itself in another window or command.
    """


class LibraryReadOnlyError(LibraryEnvironmentError):
    """The library file or its folder cannot be written."""


class DiskFullError(LibraryEnvironmentError):
    """The disk holding the library is full."""


class LibraryCorruptError(LibraryEnvironmentError):
    """The library file is damaged or is not a Papershelf library."""


class LibraryOpenError(LibraryEnvironmentError):
    """The library file could not be opened or created."""


class LibraryGoneError(LibraryOpenError):
    """The library file was deleted or replaced while it was open."""


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

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
_CORRUPT_CODES = {SQLITE_CORRUPT, SQLITE_NOTADB}

LOCKED_MESSAGE = (
    "the library {path} is busy: another Papershelf window or command, or another "
    "program, is writing to it; try again in a moment"
)
"""What a lock held past the busy timeout is called. The holder may be Papershelf itself."""


def error_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code for ``exc``, or ``None`` when Python raised it itself.

    Errors Python's ``sqlite3`` raises on its own (text that does not decode, a closed
    connection, a bad parameter) carry no code: they are never environment errors.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_corruption(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is damaged (not that a query was wrong).

    Decided by SQLite's result code alone: a bad FTS5 query or bad JSON also say
    "malformed" in their message, and must not make a library look damaged.
    """
    return error_code(exc) in _CORRUPT_CODES


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether another connection holds a lock SQLite waited for in vain."""
    return error_code(exc) in {SQLITE_BUSY, SQLITE_LOCKED}


def translate(exc: sqlite3.Error, path: str) -> LibraryError | None:
    """The environment error ``exc`` stands for, or ``None`` when it is a programming error.

    Classified by SQLite's result code (``sqlite_errorcode``), never by the message's
    words: ``no such column: locked_at`` is a bug (``SQLITE_ERROR``), not a lock.
    """
    code = error_code(exc)
    if code is None:
        return None
    if code in _CORRUPT_CODES:
        return LibraryCorruptError(f"the library {path} is damaged or is not a Papershelf library")
    if code in {SQLITE_BUSY, SQLITE_LOCKED}:
        return LibraryLockedError(LOCKED_MESSAGE.format(path=path))
    if code in {SQLITE_READONLY, SQLITE_PERM}:
        return LibraryReadOnlyError(
            f"the library {path} is read-only; check the file's and its folder's permissions"
        )
    if code == SQLITE_FULL:
        return DiskFullError(f"the disk holding {path} is full; free some space, nothing was lost")
    if code == SQLITE_IOERR:
        if _disk_is_full(path):
            # SQLite says "disk I/O error" when the -shm file cannot grow on a full disk.
            return DiskFullError(
                f"the disk holding {path} is full; free some space, nothing was lost"
            )
        return LibraryOpenError(
            f"the library {path} cannot be read or written: the disk reported an error"
        )
    if code == SQLITE_CANTOPEN:
        return LibraryOpenError(
            f"the library {path} cannot be opened: SQLite cannot open it or create its "
            "journal beside it (is it a regular file in a folder you can write?)"
        )
    return None


def _disk_is_full(path: str) -> bool:
    """Whether the disk holding ``path`` has (almost) no room left.

    A pseudo file system (``/proc``, ``/sys``) has no size at all: it is never "full".
    """
    try:
        usage = shutil.disk_usage(Path(path).absolute().parent)
    except OSError:
        return False
    return usage.total > 0 and usage.free < _NEARLY_FULL
