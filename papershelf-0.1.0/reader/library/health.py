"""Checking a library file, repairing what can be repaired, and remembering damage.

The checks, cheapest first:

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
* :func:`orphan_counts` — rows pointing nowhere (appearances and paper tags of papers,
  digests or tags that are gone) and tags without a name.

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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reader.library import words
from reader.library.errors import is_corruption

REQUIRED_TABLES = frozenset({"paper", "tag", "paper_tag", "digest", "appearance", "paper_fts"})
"""Tables every Papershelf library has, whatever its schema version."""

DAMAGE_SUFFIX = "-damaged"

_ORPHANS = {
    "appearances of missing papers": (
        "appearance WHERE paper_id NOT IN (SELECT id FROM paper)",
        "DELETE FROM appearance WHERE paper_id NOT IN (SELECT id FROM paper)",
    ),
    "appearances in missing digests": (
        "appearance WHERE digest_id NOT IN (SELECT id FROM digest)",
        "DELETE FROM appearance WHERE digest_id NOT IN (SELECT id FROM digest)",
    ),
    "tags on missing papers": (
        "paper_tag WHERE paper_id NOT IN (SELECT id FROM paper)",
        "DELETE FROM paper_tag WHERE paper_id NOT IN (SELECT id FROM paper)",
    ),
    "papers tagged with missing tags": (
        "paper_tag WHERE tag_id NOT IN (SELECT id FROM tag)",
        "DELETE FROM paper_tag WHERE tag_id NOT IN (SELECT id FROM tag)",
    ),
    "tags without a name": (
        "tag WHERE trim(name) = ''",
        (
            "DELETE FROM paper_tag WHERE tag_id IN (SELECT id FROM tag WHERE trim(name) = '');"
            "DELETE FROM tag WHERE trim(name) = ''"
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class HealthReport:
    """What :func:`check` found. ``problems`` lists each finding as a line for people."""

    integrity: tuple[str, ...] = ()
    search_index: str | None = None
    orphans: dict[str, int] = field(default_factory=dict)
    schema: str | None = None

    @property
    def damaged(self) -> bool:
        """The file itself is broken (not a library, or pages or indexes are wrong)."""
        return bool(self.integrity) or self.schema is not None

    @property
    def ok(self) -> bool:
        """Nothing at all was found."""
        return not self.problems

    @property
    def repairable(self) -> bool:
        """:func:`repair` can fix every finding (only indexes, orphans, the search index)."""
        return self.schema is None and all(_index_only(line) for line in self.integrity)

    @property
    def problems(self) -> list[str]:
        """Every finding, one line each."""
        found = [self.schema] if self.schema else []
        found += [f"integrity check: {line}" for line in self.integrity]
        if self.search_index:
            found.append(f"search index: {self.search_index}")
        found += [f"{count} {what}" for what, count in self.orphans.items() if count]
        return found


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


def integrity_errors(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    """What ``PRAGMA integrity_check`` reports (at most ``limit`` lines); empty when ok.

    A file too damaged to be checked reports the error SQLite gave.
    """
    try:
        rows = conn.execute(f"PRAGMA integrity_check({int(limit)})").fetchall()
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            return [str(exc)]
        raise
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
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            return "it does not match the papers (repair rebuilds it)"
        raise
    return None


def orphan_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many rows of each orphan kind the library holds (kinds with none included)."""
    return {
        what: int(conn.execute(f"SELECT count(*) FROM {where}").fetchone()[0])
        for what, (where, _) in _ORPHANS.items()
    }


def check(conn: sqlite3.Connection) -> HealthReport:
    """Run every check on an open connection (it writes nothing, but must not be ``mode=ro``)."""
    try:
        schema = schema_problem(conn)
    except sqlite3.DatabaseError as exc:
        if not is_corruption(exc):
            raise
        return HealthReport(integrity=(str(exc),))
    if schema is not None:
        return HealthReport(schema=f"not a Papershelf library: {schema}")
    integrity = tuple(integrity_errors(conn))
    if integrity:
        # The other checks read the same broken pages; the report is already decisive.
        return HealthReport(integrity=integrity)
    return HealthReport(search_index=search_index_problem(conn), orphans=orphan_counts(conn))


def repair(conn: sqlite3.Connection, report: HealthReport) -> list[str]:
    """Repair what ``report`` found that can be repaired; returns what was done.

    Indexes are rebuilt (``REINDEX``) when the integrity check only found index entries
    out of step with their tables; the search index is rebuilt from the papers; orphan rows
    are deleted (they belong to nothing, so no user data goes). Runs in one transaction.
    Damage to the tables themselves cannot be repaired here (restore a backup): nothing
    is written then, and the list is empty.
    """
    if not report.repairable:
        return []
    done: list[str] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        if report.integrity:
            conn.execute("REINDEX")
            done.append("rebuilt the indexes")
        if report.search_index or report.integrity:
            words.rebuild_indexes(conn)
            done.append("rebuilt the search index")
        for what, count in report.orphans.items():
            if count:
                for statement in _ORPHANS[what][1].split(";"):
                    conn.execute(statement)
                done.append(f"removed {count} {what}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return done


def _index_only(line: str) -> bool:
    """An integrity-check line about an index entry, which ``REINDEX`` rebuilds."""
    lowered = line.lower()
    return ("missing from index" in lowered or "wrong # of entries in index" in lowered) or (
        lowered.startswith("non-unique entry in index")
    )


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
