"""Copying a library file: an atomic, checked snapshot through SQLite's online backup API.

Every backup, and the staged copy a restore puts back, is made here. ``Connection.backup``
gives a consistent snapshot even while the window or the watcher writes (WAL readers do not
block writers). The copy is written under a hidden temporary name beside its target
(``.NAME.<pid>.tmp``, which :mod:`reader.library.leftovers` cleans up after a kill),
switched to a self-contained rollback-journal file, checked with ``PRAGMA
integrity_check``, flushed to disk and only then renamed into place with ``os.replace``: a
kill at any moment leaves either no copy or a good one.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

from reader.durable import sync_path
from reader.library import health
from reader.library.errors import (
    BackupError,
    LibraryDamagedError,
    LibraryLockedError,
    is_corruption,
    translate,
)

BACKUP_TIMEOUT = 30.0
"""Seconds a copy waits for a library that stays locked before giving up."""

_IN_FLIGHT: set[Path] = set()
"""The temporaries of the copies running in this process (see :func:`_remove_in_flight`)."""


@atexit.register
def _remove_in_flight() -> None:
    """At exit, delete the temporaries of copies still running on daemon threads (the
    window's daily backup when the reader quits mid-copy): the copy would never be kept,
    and at a million papers it is 5 GB. (On POSIX a file being written can be deleted;
    where it cannot, the next backup removes it, its process being gone.)"""
    for temporary in list(_IN_FLIGHT):
        remove_database(temporary)


def copy_database(
    source: sqlite3.Connection,
    target: Path,
    *,
    verify: bool = True,
    keep_damaged: bool = False,
    timeout: float = BACKUP_TIMEOUT,
    prepare: Callable[[sqlite3.Connection], None] | None = None,
    pause: Callable[[], object] | None = None,
) -> list[str]:
    """Copy the database open on ``source`` to ``target``, atomically; returns check errors.

    The copy goes to a temporary name beside ``target``, becomes a self-contained file
    (rollback journal, not WAL), runs ``prepare`` if given, and is checked with
    ``integrity_check`` (yielding at ``pause`` between its chunks, if given). Only a copy
    that passed (or any copy, with ``keep_damaged``) is flushed and renamed onto
    ``target``; the integrity errors are returned either way. ``pause`` is called once more
    before the rename: an exception it raises leaves no copy. ``source`` must not be inside
    a write transaction.
    """
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    remove_database(temporary)
    _IN_FLIGHT.add(temporary)
    deadline = time.monotonic() + timeout

    def progress(status: int, remaining: int, total: int) -> None:
        # Python retries a busy step forever; give up when the lock outlasts the timeout.
        waiting = status in {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
        if waiting and time.monotonic() > deadline:
            raise TimeoutError

    try:
        destination = sqlite3.connect(temporary, isolation_level=None)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot write a backup in {target.parent}: {exc}") from None
    kept = False
    try:
        try:
            source.backup(destination, progress=progress)
            destination.execute("PRAGMA journal_mode = DELETE")
            if prepare is not None:
                prepare(destination)
            errors = _check(destination, pause) if verify else []
        finally:
            destination.close()
        if errors and not keep_damaged:
            return errors
        if pause is not None:  # the last point a stopped copy goes before it is kept
            pause()
        sync_path(temporary)
        temporary.replace(target)
        sync_path(target.parent)
        kept = True
        return errors
    except TimeoutError:
        raise LibraryLockedError(
            f"the library stayed locked for {timeout:.0f} s; the backup was not made"
        ) from None
    except sqlite3.Error as exc:
        if is_corruption(exc):
            raise  # the source is damaged: the caller knows which library that is
        translated = translate(exc, str(target))
        if translated is None:
            raise
        raise translated from exc
    except OSError as exc:
        raise BackupError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
    finally:
        _IN_FLIGHT.discard(temporary)
        if not kept:
            remove_database(temporary)


def _check(copy: sqlite3.Connection, pause: Callable[[], object] | None) -> list[str]:
    """The integrity errors of ``copy``, the check yielding at ``pause`` if given."""
    if pause is None:
        return health.integrity_errors(copy)
    return health.integrity_errors(copy, pause=pause)


@contextlib.contextmanager
def read_only(library: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to ``library`` to copy or check it (it never writes to it).

    Raises :class:`BackupError` when the file cannot be opened. Damage SQLite reports while
    the connection is used marks the library damaged (:func:`health.record_damage`) and
    becomes :class:`LibraryDamagedError`.
    """
    uri = f"file:{urllib.parse.quote(os.fspath(library.absolute()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read the library {library}: {exc}") from None
    try:
        yield conn
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            reason = f"SQLite reported: {exc}"
            health.record_damage(library, reason)
            raise LibraryDamagedError(str(library), reason) from None
        raise
    finally:
        conn.close()


def remove_database(path: Path) -> None:
    """Delete the database file at ``path`` with its ``-wal``, ``-shm`` and ``-journal``."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink()
