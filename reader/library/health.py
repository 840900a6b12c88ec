"""A library file's health: the checks every opener and backup runs, and the damage mark.

The checks, cheapest first (:mod:`reader.library.checkup` runs them all, with the rest of
``papershelf check``, and repairs what they find):

* :func:`schema_problem` — is this a Papershelf library at all (``user_version`` in range,
  our tables present)? It reads only the schema, so :class:`~reader.library.Library` runs it
  on every open.
* :func:`integrity_errors` — ``PRAGMA integrity_check``: every page, every index. About
  1.3 s on a 100,000-paper (450 MB) library; it runs on each backup copy (see
  :mod:`reader.library.backup`) and in ``papershelf check``, never on open.
* :func:`search_index_problem` — the FTS5 index against the ``paper`` table. The plain
  ``'integrity-check'`` command only checks the index's own structure for an
  external-content table (SQLite 3.40 passes an index that lists a paper that does not
  exist), so the check passes ``rank = 1``, which also compares the index with its content
  table (about 6 s on 100,000 papers).

A library that fails its integrity check is *damaged*: :func:`record_damage` writes a small
marker beside it (``library.sqlite-damaged``, next to SQLite's own ``-wal`` and ``-shm``), so
every connection and every process refuses to write until the library is restored or passes
``papershelf check`` again. The marker names the file's inode: a file put in its place (a
restore, a copy) is not taken for the damaged one.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from reader.library import words
from reader.library.errors import is_busy, is_corruption

REQUIRED_TABLES = frozenset({"paper", "tag", "paper_tag", "digest", "appearance", "paper_fts"})
"""Tables every Papershelf library has, whatever its schema version."""

DAMAGE_SUFFIX = "-damaged"
CHECK_STEPS = 100_000
"""SQLite steps of an integrity check between two calls of its ``pause`` (a few ms; the
check of one b-tree's pages is one step, its index checks are many)."""


def schema_problem(conn: sqlite3.Connection) -> str | None:
    """Why the open file is no Papershelf library, or ``None`` (also for a new, empty file).

    Reads only the schema: cheap enough for every open.
    """
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = {
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    if version == 0:
        if tables:
            return "it is an SQLite database, but not a Papershelf library"
        return None
    if version < 0:
        return f"its schema version {version} is not one Papershelf writes"
    missing = REQUIRED_TABLES - tables
    if missing:
        return f"it lacks the Papershelf tables {', '.join(sorted(missing))}"
    return None


def integrity_errors(
    conn: sqlite3.Connection,
    limit: int = 20,
    *,
    pause: Callable[[], object] | None = None,
    steps: int = CHECK_STEPS,
) -> list[str]:
    """What ``PRAGMA integrity_check`` reports (at most ``limit`` lines); empty when ok.

    A file too damaged to be checked reports the error SQLite gave. With ``pause``, it is
    called every ``steps`` SQLite steps of the check (a background check waits there
    while the user types: :func:`reader.yieldgate.pause`); the check then goes on. An
    exception ``pause`` raises stops the check and is raised here (SQLite itself would
    only say "interrupted").
    """
    stopped: list[BaseException] = []

    def step() -> int:
        if pause is not None:
            try:
                pause()
            except Exception as exc:  # handed back after SQLite has stopped the check
                stopped.append(exc)
                return 1  # stop
        return 0  # go on

    if pause is not None:
        conn.set_progress_handler(step, steps)
    try:
        rows = conn.execute(f"PRAGMA integrity_check({int(limit)})").fetchall()
    except sqlite3.DatabaseError as exc:
        if stopped:
            raise stopped[0] from None
        if is_corruption(exc):
            return [str(exc)]
        raise
    finally:
        if pause is not None:
            conn.set_progress_handler(None, 0)
    lines = [
        line.strip()
        for row in rows
        for line in str(row[0]).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    return [] if lines == ["ok"] else lines[:limit]


def search_index_problem(conn: sqlite3.Connection) -> str | None:
    """Why the full-text index disagrees with the papers, or ``None`` when it agrees."""
    try:
        words.index_problem(conn)
    except MemoryError:
        # FTS5 reads sizes out of a damaged index page and asks for absurd allocations.
        return "its pages are damaged (repair rebuilds it from the papers)"
    except sqlite3.DatabaseError as exc:
        if is_busy(exc):
            raise
        if is_corruption(exc):
            return "it does not match the papers (repair rebuilds it)"
        return f"its own check failed ({exc}); repair rebuilds it from the papers"
    return None


# ---------------------------------------------------------------------- the damage marker


def damage_marker(library_path: Path) -> Path:
    """Where the damage marker of the library at ``library_path`` lives."""
    return library_path.with_name(library_path.name + DAMAGE_SUFFIX)


def record_damage(library_path: Path, reason: str) -> bool:
    """Mark the library damaged (every opener then refuses to write); False if it cannot.

    Written atomically. A folder that cannot be written keeps only the in-memory mark of
    whoever found the damage.
    """
    marker = damage_marker(library_path)
    try:
        info = library_path.stat()
        record = {
            "reason": reason,
            "found_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "inode": info.st_ino,
            "device": info.st_dev,
        }
        temporary = marker.with_name(f".{marker.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(record), encoding="utf-8")
        temporary.replace(marker)
    except OSError:
        return False
    return True


def read_damage(library_path: Path) -> str | None:
    """The recorded reason the library is damaged, or ``None`` when it is not marked.

    Cheap (one failed ``open`` when there is no marker): it runs before every write.
    """
    try:
        text = damage_marker(library_path).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return None
    try:
        info = library_path.stat()
    except OSError:
        return None  # no library there any more: nothing to protect
    try:
        record = json.loads(text)
    except ValueError:
        return "an earlier check found it damaged"
    if not isinstance(record, dict):
        return "an earlier check found it damaged"
    if (record.get("inode"), record.get("device")) != (info.st_ino, info.st_dev):
        return None  # another file was put in its place since
    found = str(record.get("found_at", ""))[:10]
    reason = str(record.get("reason") or "an earlier check found it damaged")
    return f"{reason}; found {found}" if found else reason


def clear_damage(library_path: Path) -> None:
    """Forget that the library was damaged (after a restore or a clean check)."""
    with contextlib.suppress(OSError):
        damage_marker(library_path).unlink(missing_ok=True)


def summarise(lines: Iterable[str], limit: int = 2) -> str:
    """The first integrity-check lines joined for a one-line message."""
    items = list(lines)
    text = "; ".join(items[:limit])
    if len(items) > limit:
        text += f" (and {len(items) - limit} more)"
    return text
