"""How a full-text index is laid out on disk: its FTS5 segments, level by level.

FTS5 keeps an index as segments (b-trees of terms and their lists of papers). Each
transaction that writes text adds a segment on level 0 (more than one when the writes of
the transaction are split by statement savepoints, see :mod:`reader.library.ingest`), and
FTS5's automatic merging combines segments into larger ones on higher levels. A search
reads every segment, and an import pays for the merges, so the number of segments an
import adds is what keeps imports fast as the library grows; the bench and the tests read
it here.

The layout is FTS5's "structure record" (row 10 of ``<table>_data``): a 4-byte cookie,
then varints: the number of levels, of segments, the write counter, and per level the
number of segments being merged and the segments, each its id and first and last page.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

_STRUCTURE_ROWID = 10
_STRUCTURE_V2 = b"\xff\x00\x00\x01"  # SQLite 3.45+: five more varints per segment


@dataclass(frozen=True, slots=True)
class Level:
    """One level of an index: how many segments it holds and their leaf pages in all."""

    segments: int
    pages: int


@dataclass(frozen=True, slots=True)
class Layout:
    """The segments of one FTS5 index, level 0 (the newest, smallest) first."""

    levels: tuple[Level, ...]
    leaves_written: int
    """FTS5's write counter: leaf pages written since the index was made, merges included."""

    @property
    def segments(self) -> int:
        """Segments on every level together (a search reads each of them)."""
        return sum(level.segments for level in self.levels)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's varint at ``at``: its value and the offset after it."""
    value = 0
    for _ in range(8):
        byte = data[at]
        at += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at
    return (value << 8) | data[at], at + 1


def layout(conn: sqlite3.Connection, table: str) -> Layout:
    """The segments of the FTS5 index ``table`` (``paper_fts`` or ``paper_words``).

    ``table`` is one of the library's own index names, never user text.
    """
    row = conn.execute(
        f"SELECT block FROM {table}_data WHERE id = ?", [_STRUCTURE_ROWID]
    ).fetchone()
    if row is None or row[0] is None:
        return Layout((), 0)  # nothing written yet
    data = bytes(row[0])
    at = 4
    extended = data[at : at + 4] == _STRUCTURE_V2
    if extended:
        at += 4
    count, at = _varint(data, at)
    _, at = _varint(data, at)  # segments in all
    written, at = _varint(data, at)
    levels: list[Level] = []
    for _ in range(count):
        _, at = _varint(data, at)  # segments being merged
        segments, at = _varint(data, at)
        pages = 0
        for _ in range(segments):
            _, at = _varint(data, at)  # segment id
            first, at = _varint(data, at)
            last, at = _varint(data, at)
            for _ in range(5 if extended else 0):
                _, at = _varint(data, at)
            pages += last - first + 1
        levels.append(Level(segments, pages))
    return Layout(tuple(levels), written)
