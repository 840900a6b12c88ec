"""Counting the full-text indexes' segments in tests (one segment per statement is the
defect these tests guard against: FTS5 flushes at every statement savepoint)."""

from __future__ import annotations

from reader.library import Library
from reader.library.fts_segments import layout

INDEXES = ("paper_fts", "paper_words")


def no_merging(library: Library) -> None:
    """Turn off FTS5's merging, so that every segment written stays countable."""
    with library.transaction() as conn:
        for table in INDEXES:
            conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0)")
            conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('crisismerge', 2000)")


def segments(library: Library) -> dict[str, int]:
    """Each full-text index's segment count."""
    return {table: layout(library.connection, table).segments for table in INDEXES}
