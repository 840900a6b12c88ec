"""FTS5's own statements are planned as lookups by key, however the library was made.

An earlier migration runs ``ANALYZE`` on a new, empty library, which recorded each
full-text index's data table as 2 rows. With that, the planner scanned the whole index in
the statement FTS5 deletes a merged segment with (a range of ids), several times per
import: imports slowed in proportion to the library (1,300 papers/s of CPU at 5,000
papers, 400 at 20,000). The library keeps no statistics for FTS5's tables, and a
connection that upgraded a library plans with the statistics the upgrade left.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from reader.digests.model import Digest, Entry
from reader.library import Library, migrations_facets, schema
from reader.library.ingest import SourceFile, record_digest
from reader.query import PaperFilter
from tests.schema_before import library_before

# The statement FTS5 removes a segment's pages with (fts5DataDelete), for each index.
_SEGMENT_DELETES = {
    table: f"DELETE FROM {table}_data WHERE id >= ? AND id <= ?"
    for table in ("paper_fts", "paper_words", "paper_words_new")
}


def _plans(conn: sqlite3.Connection) -> dict[str, str]:
    return {
        table: " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", [1, 2]))
        for table, sql in _SEGMENT_DELETES.items()
    }


def _seeks(conn: sqlite3.Connection) -> None:
    for table, plan in _plans(conn).items():
        assert plan.startswith(f"SEARCH {table}_data USING INTEGER PRIMARY KEY"), plan


def _import(library: Library, number: int, count: int) -> None:
    entries = tuple(
        Entry(title=f"Statistics study {number}-{n}", abstract="merged segments " * 5)
        for n in range(count)
    )
    source = SourceFile(f"/digests/stat-{number}.txt", None, f"stat-{number}", "test")
    assert record_digest(library, source, Digest("test", entries, date(2026, 2, 1))) is not None


def test_a_new_library_seeks_segments_on_the_connection_that_made_it(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with Library(path) as library:
        _seeks(library.connection)
        stats = library.connection.execute(
            "SELECT tbl FROM sqlite_stat1 WHERE tbl IN "
            f"({', '.join('?' * len(schema.FTS_SHADOW_TABLES))})",
            schema.FTS_SHADOW_TABLES,
        ).fetchall()
        assert stats == []
        for number in range(12):  # FTS5 merges (and deletes segments) along the way
            _import(library, number, 10)
        _seeks(library.connection)
        assert library.count(PaperFilter(search="statistics merged")) == 120
    with Library(path) as again:
        _seeks(again.connection)


def test_an_upgrade_drops_the_statistics_of_an_empty_library_at_once(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = library_before(path, migrations_facets.SCALE14_FTS_STATS)
    stale = conn.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'paper_fts_data'").fetchone()
    assert stale == ("2",)  # what the empty library's ANALYZE recorded
    assert _plans(conn)["paper_fts"].startswith("SCAN")  # and what it made of it
    conn.close()
    with Library(path) as library:  # upgraded on this connection, planned right on it
        assert library.schema_version == schema.SCHEMA_VERSION
        _seeks(library.connection)
        _import(library, 1, 5)
        assert library.count(PaperFilter(search="statistics")) == 5


def test_an_upgrade_without_any_statistics_table_opens(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = library_before(path, migrations_facets.SCALE14_FTS_STATS)
    conn.execute("DROP TABLE sqlite_stat1")  # a tool may have
    conn.close()
    with Library(path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        _seeks(library.connection)
