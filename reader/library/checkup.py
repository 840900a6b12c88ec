"""The full check of a library (``papershelf check``) and the repair of what it finds.

:func:`check` runs every check, cheapest first, into a :class:`HealthReport`: the schema
and ``PRAGMA integrity_check`` (:mod:`reader.library.health`), then

* :func:`search_index_pages_damaged` — when the integrity check fails, whether every
  damaged page belongs to the full-text index (each other table passes its own
  ``integrity_check(TABLE)``): the index is then rebuilt from the papers, not refused;
* :func:`~reader.library.health.search_index_problem` — the FTS5 index against the papers;
* :mod:`reader.library.text_damage` — text that is not valid UTF-8 and lone surrogates;
* :func:`orphan_counts` — rows pointing nowhere (appearances and paper tags of papers,
  digests or tags that are gone) and tags without a name.

:func:`repair` fixes what a report found that can be fixed without losing what the user
wrote; damage to the tables themselves needs a backup (:mod:`reader.library.restore`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from reader.library import text_damage, words
from reader.library.errors import is_corruption
from reader.library.health import integrity_errors, schema_problem, search_index_problem, summarise

SEARCH_INDEX = "paper_fts"
"""The full-text index; its shadow tables are ``paper_fts_data``, ``paper_fts_idx``…"""

SEARCH_INDEXES = (SEARCH_INDEX, "paper_words", "paper_words_new", "paper_word")
"""Everything made from the papers' text, which a repair can rebuild: both full-text
indexes, the words written since the last harvest and the long-word vocabulary
(:mod:`reader.library.words`)."""

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
    search_index_pages: bool = False
    """The integrity check failed only on pages of the full-text index (rebuilt by repair)."""
    text: tuple[text_damage.DamagedText, ...] = ()
    """Stored text that cannot be read back as written (repair keeps the bytes aside)."""

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
        found += [item.describe() for item in self.text[:20]]
        if len(self.text) > 20:
            found.append(f"and {len(self.text) - 20} more damaged text values")
        return found


def _search_tables(conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """``(type, name, sql)`` of the indexes, their shadow tables and the triggers feeding
    them (:data:`SEARCH_INDEXES`)."""
    found: dict[str, tuple[str, str, str | None]] = {}
    for index in SEARCH_INDEXES:
        for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name = ? OR name LIKE ? ESCAPE '!' "
            "OR (type = 'trigger' AND sql LIKE ?)",
            [index, f"{index}!_%", f"%{index}%"],
        ):
            found[str(name)] = (str(kind), str(name), sql)
    return list(found.values())


def search_index_pages_damaged(conn: sqlite3.Connection) -> bool:
    """Whether every table but the full-text index's passes its own integrity check.

    Called when the whole-file check failed: ``True`` means the damage is confined to the
    index, which can be rebuilt from the papers.
    """
    search = {name for _, name, _ in _search_tables(conn)}
    tables = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        if row[0] not in search
    ]
    try:
        for table in tables:
            rows = conn.execute(f'PRAGMA integrity_check("{table}")').fetchall()
            if [str(r[0]) for r in rows] != ["ok"]:
                return False
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            return False
        raise
    return bool(search)


def rebuild_search_index_tables(conn: sqlite3.Connection) -> None:
    """Rebuild the full-text index from scratch when its own pages are damaged.

    The index's tables cannot be dropped normally (dropping walks the damaged pages), so
    their schema entries are removed, ``VACUUM`` writes a file without the orphaned pages,
    and the index and its triggers are created again from their saved definitions and
    filled from the papers. ``conn`` must not be in a transaction; the caller keeps a copy
    of the library first (a crash between the steps leaves a library without its index,
    which the next repair recreates from that copy's definitions).
    """
    saved = _search_tables(conn)
    # The tables first (a virtual table creates its shadow tables), then the triggers.
    definitions = [
        sql for index in SEARCH_INDEXES for _, name, sql in saved if name == index and sql
    ] + [sql for kind, _, sql in saved if kind == "trigger" and sql]
    names = [name for _, name, _ in saved]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            f"DELETE FROM sqlite_master WHERE name IN ({','.join('?' * len(names))})", names
        )
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("PRAGMA writable_schema = OFF")
    conn.execute("VACUUM")  # also makes the connection read the schema afresh
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql in definitions:
            conn.execute(sql)
        words.rebuild_indexes(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


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
    if integrity and not search_index_pages_damaged(conn):
        # The other checks read the same broken pages; the report is already decisive.
        return HealthReport(integrity=integrity)
    if integrity:
        return HealthReport(
            search_index=f"its pages are damaged ({summarise(integrity)}); repair rebuilds it",
            search_index_pages=True,
            orphans=orphan_counts(conn),
            text=tuple(text_damage.find(conn)),
        )
    return HealthReport(
        search_index=search_index_problem(conn),
        orphans=orphan_counts(conn),
        text=tuple(text_damage.find(conn)),
    )


def repair(conn: sqlite3.Connection, report: HealthReport) -> list[str]:
    """Repair what ``report`` found that can be repaired; returns what was done.

    Indexes are rebuilt (``REINDEX``) when the integrity check only found index entries
    out of step with their tables; the search index is rebuilt from the papers (from
    scratch when its own pages are damaged); damaged text is made readable with its bytes
    kept aside; orphan rows are deleted (they belong to nothing, so no user data goes).
    Runs in one transaction (after the rebuild of a damaged index, which needs a VACUUM).
    Damage to the tables themselves cannot be repaired here (restore a backup): nothing
    is written then, and the list is empty.
    """
    if not report.repairable:
        return []
    done: list[str] = []
    if report.search_index_pages:
        rebuild_search_index_tables(conn)
        done.append("rebuilt the search index, whose pages were damaged, from the papers")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if report.integrity:
            conn.execute("REINDEX")
            done.append("rebuilt the indexes")
        has_store = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'damaged_text'"
        ).fetchone()
        if report.text and not has_store:
            done.append(
                "left the damaged text alone: the library needs an upgrade first "
                "(any other papershelf command makes it)"
            )
        elif report.text:
            count = text_damage.repair(conn, list(report.text))
            done.append(
                f"made {count} damaged text value{'s' if count != 1 else ''} readable "
                "(the original bytes are kept in the library's damaged_text table)"
            )
        if (report.search_index and not report.search_index_pages) or report.integrity:
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
