"""Opening a library the way the window and the command line do: checks and backups.

:func:`open_library` is :class:`~reader.library.Library` plus:

* **a backup before every schema upgrade** (the ``before_migration`` hook): an upgrade never
  runs without a checked copy to go back to;
* **cheap open-time checks only**: SQLite reads the header (a file that is no database fails
  at once), :func:`~reader.library.health.schema_problem` reads the schema, and the damage
  marker is looked at. A full ``integrity_check`` is *not* run on open: measured on a
  100,000-paper library (450 MB), ``PRAGMA quick_check(1)`` alone takes 0.35 s with the
  file in the page cache and 2.8 s without, against a budget of 0.5 s for the whole
  window. The full check runs with the daily backup instead;
* **the daily backup** (:func:`~reader.library.backup.backup_if_due`), run here when
  ``daily_backup`` is true (the command line) — one ``stat`` when today's copy exists.
  The window passes ``daily_backup=False`` and runs ``backup_if_due(path)`` on its writer
  thread, since on a big library it takes a few seconds;
* **interrupted imports**: the steps of a large import whose process died are rolled
  back (:mod:`reader.library.import_steps`);
* **citation keys** for papers from before the library had them (``give_citekeys``; the
  command line): so ``papershelf cite``, ``list --json`` and ``key:`` searches see every
  paper keyed. The window gives them on its writer thread after its first paint instead;
* **the upgrade on a thread**: :func:`upgrade_pending` and :func:`upgrade` let the window
  make a schema upgrade (minutes at a million papers) off the GUI thread while it shows
  the step, before it opens the library;
* **leftovers**: stale temporaries a killed restore left beside the library are deleted
  (:mod:`reader.library.leftovers`);
* **damage**: a library marked damaged (by a failed check, or SQLite reporting
  "malformed" / "not a database" at any time) is opened read-only. It can be read and
  exported, never written, until ``papershelf restore`` or a clean ``papershelf check``.

Problems that do not stop the library from opening (it is damaged; today's backup could
not be made) go to ``on_warning`` as one sentence each, ending with what to do.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from reader.library import health, import_steps, schema
from reader.library.backup import backup_before_migration, backup_if_due, restore_advice
from reader.library.connection import Connection
from reader.library.errors import (
    LibraryDamagedError,
    LibraryEnvironmentError,
    LibraryOpenError,
)
from reader.library.leftovers import remove_stale_temporaries
from reader.library.store import Library

log = logging.getLogger(__name__)


def open_library(
    path: str | os.PathLike[str],
    *,
    daily_backup: bool = True,
    on_warning: Callable[[str], None] | None = None,
    today: date | None = None,
    create_folders: bool = True,
    give_citekeys: bool = True,
) -> Library:
    """Open (or create) the library at ``path`` with backups and open-time checks.

    ``library.created`` tells whether the file was created now. Without
    ``create_folders``, a path whose folder does not exist is refused
    (:class:`~reader.library.LibraryOpenError`) instead of creating folders for a typo.

    With ``give_citekeys`` (the command line) papers still without a citation key (after
    the upgrade that added keys: minutes at a million papers) get theirs here, so every
    command sees every paper keyed. The window passes ``False`` and gives them on its
    writer thread after its first paint, in chunks (:func:`ui.app.give_citekeys`).

    Raises the :class:`~reader.library.LibraryEnvironmentError` family when it cannot be
    opened at all (locked, not a library, damaged beyond opening). A damaged library is
    returned read-only, with ``library.damage`` saying why, after a warning.
    """
    library_path = Path(path).expanduser()
    warn = on_warning or log.warning
    remove_stale_temporaries(library_path)
    damage = health.read_damage(library_path)
    if damage is not None:
        library = _open_damaged(library_path, damage)
        warn(damage_warning(library_path, damage))
        return library
    library = Library(
        library_path, before_migration=backup_before_migration, create_folders=create_folders
    )
    for line in import_steps.recover(library.connection):
        warn(line)
    if give_citekeys:
        _give_citekeys(library, warn)
    if daily_backup:
        try:
            made = backup_if_due(library_path, today=today)
            if made is not None and made.problems:
                warn(
                    f"the library holds damaged text ({'; '.join(made.problems)}); "
                    "'papershelf check --repair' repairs it and keeps the original bytes"
                )
        except LibraryDamagedError as exc:
            warn(damage_warning(library_path, exc.reason))
        except LibraryEnvironmentError as exc:
            warn(f"today's backup of the library was not made: {exc}")
    return library


def upgrade_pending(path: str | os.PathLike[str]) -> bool:
    """Whether the library at ``path`` exists, is not marked damaged and needs a schema
    upgrade (cheap: reads the header); ``False`` when it cannot even be read (opening
    it says why)."""
    library_path = Path(path).expanduser().absolute()  # a URI needs an absolute path
    if not library_path.is_file() or health.read_damage(library_path) is not None:
        return False
    try:
        conn = sqlite3.connect(f"{library_path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return schema.pending(conn) > 0
    except (sqlite3.Error, schema.NewerSchemaError):
        return False  # opening it says what is wrong
    finally:
        conn.close()


def upgrade(path: str | os.PathLike[str], progress: Callable[[str], None] | None = None) -> None:
    """Make the pending schema upgrade of the library at ``path`` (after its backup), and
    close it again; ``progress(line)`` hears which step runs, every few seconds.

    Runs on any thread (its connection is its own): the window runs it on one while its
    event loop shows the progress. :func:`open_library` afterwards finds nothing to do.
    """
    library_path = Path(path).expanduser()
    remove_stale_temporaries(library_path)
    Connection(
        library_path,
        before_migration=backup_before_migration,
        create=False,
        migration_progress=progress,
    ).close()


def _give_citekeys(library: Library, warn: Callable[[str], None]) -> None:
    """Keys for papers from before the library had them (once, after that upgrade)."""
    from reader.library import citekeys

    try:
        if library.writable and citekeys.missing(library):
            citekeys.assign_missing(library)
    except LibraryEnvironmentError as exc:
        warn(f"citation keys were not given to older papers yet: {exc}")


def damage_warning(library_path: str | os.PathLike[str], reason: str) -> str:
    """The sentence that tells the user the library is damaged and offers the backups."""
    return f"{LibraryDamagedError(str(library_path), reason)}; {restore_advice(library_path)}"


def _open_damaged(library_path: Path, damage: str) -> Library:
    """A damaged library, opened so SQLite itself will not write to it."""
    try:
        return Library(library_path, read_only=True)
    except LibraryOpenError as exc:
        # Not even readable (or it needs an upgrade, which a damaged file must not get).
        raise LibraryDamagedError(
            str(library_path), f"{damage}; it cannot be opened for reading either: {exc}"
        ) from None
