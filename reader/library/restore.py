"""Putting a backup back: ``papershelf restore FILE`` and the window's "Restore backup".

The order is what makes it safe:

1. The file to restore is copied (online backup API) to a hidden temporary file beside the
   library, and that copy is checked: an SQLite database, a Papershelf schema this version
   can open, ``integrity_check`` ok. A search index that disagrees with the papers is
   rebuilt in the copy. The user's file is only read.
2. The current library is locked: switching it out of WAL mode succeeds only when no other
   connection has it open (the window, ``papershelf watch``), so a restore never pulls the
   file from under a running Papershelf; then an exclusive lock is held to the end.
3. The current library is backed up through that locked connection (a copy that fails its
   check is kept anyway, named ``damaged``: nothing is ever thrown away).
4. The old ``-wal`` and ``-shm`` files are removed — a stale WAL applied to another
   database would corrupt it, so this comes first — then the checked copy is renamed over
   the library (``os.replace``, atomic) and the damage marker is cleared.
5. The restored library is opened once, which upgrades an older schema (after its own
   backup) and puts it back into WAL mode.

A library too damaged for SQLite to open at all cannot be locked; it is copied file by
file into the backup folder before it is replaced.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reader.durable import sync_path
from reader.library import health, schema, words
from reader.library.backup import (
    BEFORE_RESTORE,
    DAMAGED,
    Backup,
    backup_before_migration,
    backup_name,
    ensure_folder,
    latest_good,
    parse_backup,
    rotate,
    unique_path,
)
from reader.library.database_copy import copy_database, remove_database
from reader.library.errors import (
    BackupError,
    LibraryLockedError,
    is_busy,
    is_corruption,
    translate,
)
from reader.library.leftovers import remove_stale_temporaries
from reader.library.store import Library

LOCK_TIMEOUT = 2.0
"""Seconds to wait for the library's lock before saying another program has it open."""


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did: where from, the copy of what it replaced, the papers restored."""

    library: Path
    source: Path
    previous: Backup | None
    papers: int
    notes: tuple[str, ...] = ()


def restore(
    library_path: str | os.PathLike[str], source: str | os.PathLike[str] | None = None
) -> RestoreResult:
    """Replace the library with the backup ``source`` (default: the latest good backup).

    Raises :class:`BackupError` when ``source`` is no good library (nothing changes then),
    :class:`LibraryLockedError` while another program has the library open.
    """
    library = Path(library_path).expanduser().absolute()
    if source is None:
        latest = latest_good(library)
        if latest is None:
            raise BackupError(f"there is no backup of {library} to restore")
        source = latest.path
    chosen = Path(source).expanduser().absolute()
    if not chosen.is_file():
        raise BackupError(f"{chosen} is not a file")
    if library.exists() and chosen.samefile(library):
        raise BackupError(f"{chosen} is the library itself; choose a backup")
    library.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(library)  # what an earlier, killed restore left
    staged = library.with_name(f".{library.name}.restore.{os.getpid()}.tmp")
    notes = _stage(chosen, staged)
    try:
        previous = _swap(library, staged)
    finally:
        remove_database(staged)
    health.clear_damage(library)
    with Library(library, before_migration=backup_before_migration) as restored:
        papers = restored.stats()["paper"]
    return RestoreResult(library, chosen, previous, papers, tuple(notes))


def _stage(chosen: Path, staged: Path) -> list[str]:
    """Copy ``chosen`` to ``staged`` and make sure it is a good library; returns notes."""
    notes: list[str] = []
    not_library = f"{chosen} is not a Papershelf library"

    def prepare(copy: sqlite3.Connection) -> None:
        problem = health.schema_problem(copy)
        version = int(copy.execute("PRAGMA user_version").fetchone()[0])
        if problem is not None or version == 0:
            raise BackupError(f"{not_library} ({problem or 'it is empty'})")
        if version > schema.SCHEMA_VERSION:
            raise BackupError(
                f"{chosen} was written by a newer Papershelf (schema {version}); "
                "update Papershelf to restore it"
            )
        if not health.integrity_errors(copy) and health.search_index_problem(copy):
            words.rebuild_indexes(copy)
            notes.append("the search index of the backup was rebuilt")

    uri = f"file:{urllib.parse.quote(os.fspath(chosen))}?mode=ro"
    try:
        reader = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0)
    except sqlite3.Error as exc:
        raise BackupError(f"{chosen} cannot be read: {exc}") from None
    try:
        errors = copy_database(reader, staged, prepare=prepare)
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            raise BackupError(f"{not_library} (or it is damaged: {exc})") from None
        raise BackupError(f"{chosen} cannot be read: {exc}") from None
    finally:
        reader.close()
    if errors:
        raise BackupError(
            f"{chosen} is damaged ({health.summarise(errors)}); choose another backup"
        )
    return notes


def _swap(library: Path, staged: Path) -> Backup | None:
    """Back up ``library`` under its lock and put ``staged`` in its place."""
    if not library.exists():
        staged.replace(library)
        sync_path(library.parent)
        return None
    folder = ensure_folder(library)
    stamp = datetime.now().replace(microsecond=0)
    conn = sqlite3.connect(library, isolation_level=None, timeout=LOCK_TIMEOUT)
    try:
        locked = _lock(conn, library)
        if locked:
            target = unique_path(folder / backup_name(BEFORE_RESTORE, stamp))
            errors = copy_database(conn, target, keep_damaged=True)
            if errors:
                damaged = unique_path(folder / backup_name(DAMAGED, stamp))
                target.replace(damaged)
                target = damaged
        else:
            target = _raw_copy(library, unique_path(folder / backup_name(DAMAGED, stamp)))
        # The old -wal and -shm go first: a kill between the two steps must never leave a
        # stale WAL beside the restored file, where SQLite would apply it (both were
        # copied above, with the library).
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                library.with_name(library.name + suffix).unlink()
        staged.replace(library)
        sync_path(library.parent)
    except sqlite3.Error as exc:
        translated = translate(exc, str(library))
        if translated is None:
            raise
        raise translated from exc
    finally:
        conn.close()
    rotate(folder)
    return parse_backup(target)


def _lock(conn: sqlite3.Connection, library: Path) -> bool:
    """Take the library for ourselves; False when SQLite cannot read it at all.

    Leaving WAL mode needs every other connection closed: that is how a running window
    or watcher is detected. The exclusive lock then keeps newcomers out until the swap.
    """
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            return False
        if is_busy(exc):
            raise LibraryLockedError(
                f"the library {library} is open in another program (the Papershelf window "
                "or 'papershelf watch'); close it, then restore again"
            ) from None
        raise
    return True


def _raw_copy(library: Path, target: Path) -> Path:
    """Copy the library's files byte for byte (for a file SQLite cannot open)."""
    try:
        shutil.copyfile(library, target)
        wal = library.with_name(library.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    except OSError as exc:
        raise BackupError(
            f"cannot keep a copy of the damaged library in {target.parent}: {exc.strerror}"
        ) from None
    return target
