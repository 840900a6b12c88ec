"""Library errors, split the way qutebrowser's ``misc/sql.py`` does.

:class:`LibraryEnvironmentError` and its subclasses are things the user's machine did (a
locked file, a full disk, a read-only folder, a damaged file): the app shows them plainly
and keeps running. :class:`LibraryUsageError` subclasses are bad requests (no such paper,
a rating of 7). Anything else escaping the library is a bug.
"""

from __future__ import annotations

import sqlite3


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


class LibraryUsageError(LibraryError, ValueError):
    """A request the library refuses: an unknown paper, an invalid rating or status."""


class PaperNotFoundError(LibraryUsageError, LookupError):
    """No paper has the given id."""


class TagNotFoundError(LibraryUsageError, LookupError):
    """No tag has the given name."""


def translate(exc: sqlite3.Error, path: str) -> LibraryError | None:
    """The environment error ``exc`` stands for, or ``None`` when it is a programming error."""
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
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return LibraryCorruptError(
            f"the library {path} is damaged or is not a Papershelf library; "
            "restore a backup (papershelf restore)"
        )
    if "unable to open" in text or "disk i/o error" in text:
        return LibraryOpenError(f"the library {path} cannot be opened or written ({exc})")
    return None
