"""Paper ids are never given twice: a high-water mark above every id ever handed out.

``paper.id`` is an ``INTEGER PRIMARY KEY`` without ``AUTOINCREMENT``, so SQLite alone
would let a new paper take the id of the paper with the highest id once that one is gone
— merged into another paper (:mod:`reader.library.paper_merge`) or purged from the trash.
Records that still name the old id would then point at the new paper: a merged-away
paper's citation key (its ``citekey`` row stays, answering through ``citekey_alias``), a
vault note's ``papershelf-id``, export records, the window's undo history. Rebuilding the
table with ``AUTOINCREMENT`` would rewrite a million rows in a migration; instead the
single row of ``paper_id_mark`` keeps the highest id ever given, and new papers are
numbered above it (and above any id in ``paper`` or ``trash``, should a writer have
bypassed the mark).
"""

from __future__ import annotations

import sqlite3

NEXT_BASE_SQL = (
    "SELECT max(coalesce((SELECT max(id) FROM paper), 0), "
    "coalesce((SELECT max(paper_id) FROM trash), 0), "
    "coalesce((SELECT high FROM paper_id_mark WHERE one = 1), 0))"
)


def next_base(conn: sqlite3.Connection) -> int:
    """The id after which new papers are numbered: above every id in use, in the trash,
    or ever given before (all three are index lookups)."""
    return int(conn.execute(NEXT_BASE_SQL).fetchone()[0])


def raise_mark(conn: sqlite3.Connection, paper_id: int) -> None:
    """Record that ``paper_id`` was given out (call inside the writing transaction)."""
    conn.execute(
        "INSERT INTO paper_id_mark (one, high) VALUES (1, ?) "
        "ON CONFLICT (one) DO UPDATE SET high = max(high, excluded.high)",
        [paper_id],
    )


def high_water_mark(conn: sqlite3.Connection) -> int:
    """The highest paper id ever given out, as recorded (0 for a new library)."""
    row = conn.execute("SELECT high FROM paper_id_mark WHERE one = 1").fetchone()
    return int(row[0]) if row is not None else 0
