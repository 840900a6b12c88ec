"""What the page-cache warm-up reads: the pages a window's first counts, searches and views
read (issue #14), found from the library file's b-trees (:mod:`reader.library.btree_pages`).

:func:`plan` lists them, most wanted first: the index the sidebar's counts scan (read
whole), the words index's facet tokens and one- and two-letter prefixes, the Rated view's
rows, the interior pages of every sort index, and the small lists beside them. At a
million papers that is 0.2 GB of the file's 5.5 (100,000: 30 MB of 0.55).
:mod:`reader.library.warmup` reads them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from reader.library import btree_pages

SIDEBAR_COUNTS = (
    "SELECT status, count(*) FROM paper GROUP BY status",
    "SELECT count(*) FROM paper WHERE rating >= 4",
)
"""The sidebar's counts (:func:`reader.library.papers.view_counts`): each scans an index
(at a million papers the first scans ``paper_by_status_tags``, 28 MB): the indexes
they scan are read whole."""

WORDS = "paper_words"
"""The words index: what every search with words, and every count, reads first."""

WORD_TERMS = ((b"0\xee\x80", b"0\xee\x81"), (b"1", b"2"), (b"2", b"3"))
"""The words index's terms read whole (FTS5 keeps the index number before each term): the
facet tokens (status, rating, note, tags: U+E000…U+E03F; every view and count of a status
or rating reads them) and the one- and two-letter prefixes (every search's first two
keystrokes). Longer prefixes and words are each one short list, read when typed."""

RATED = "SELECT id FROM paper WHERE rating >= 4"
"""The Rated view's papers (4–5 stars: a range of ``paper_by_rating``; ordered by id,
SQLite would walk the papers' table instead). The view has no sort index of its
own: its searches and other orders read its papers' rows (at 100,000 papers 2,500 rows on
as many pages, 200 ms from a cold disk for the first keystroke), so their rows are read."""

RATED_ROWS = 25_000
"""At most this many of the Rated view's rows (100 MB of pages at one a page)."""

SMALL_LISTS = ("paper_word", "paper_with_note", "paper_tag_by_tag", "paper_tag", "tag")
"""Small b-trees read whole: the long words' vocabulary, the note and tag lists."""

_SEGMENT = 1 << 37
"""FTS5's rowid of a segment's pages: segment id × 2³⁷ + page (2³⁶ set: its doclist index)."""


@dataclass(frozen=True, slots=True)
class Part:
    """Pages read for one purpose, in file order."""

    name: str
    pages: tuple[int, ...]


def _root(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute(
        "SELECT rootpage FROM sqlite_schema WHERE name = ? AND rootpage > 0", [name]
    ).fetchone()
    return int(row[0]) if row else None


def scanned_indexes(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The indexes SQLite's plan for ``sql`` reads whole (``SCAN … USING [COVERING] INDEX
    name``; a ``SEARCH`` reads a range of one, left to the query)."""
    found = []
    for *_, detail in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
        words = str(detail).split()
        if words[:1] == ["SCAN"] and "INDEX" in words and words.index("INDEX") + 1 < len(words):
            found.append(words[words.index("INDEX") + 1])
    return found


def _word_rowids(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """The ``paper_words_data`` rowids of :data:`WORD_TERMS` in every segment, its
    doclist indexes and its two records (averages: 1, structure: 10)."""
    ranges = [(1, 1), (10, 10)]
    segments = [r[0] for r in conn.execute(f"SELECT DISTINCT segid FROM {WORDS}_idx")]
    for segment in segments:
        base = segment * _SEGMENT
        ranges.append((base + (1 << 36), base + _SEGMENT - 1))  # its doclist indexes
        for low, high in WORD_TERMS:
            first = conn.execute(
                f"SELECT pgno FROM {WORDS}_idx WHERE segid = ? AND term <= ? "
                "ORDER BY term DESC LIMIT 1",
                [segment, low],
            ).fetchone()
            last = conn.execute(
                f"SELECT pgno FROM {WORDS}_idx WHERE segid = ? AND term >= ? ORDER BY term LIMIT 1",
                [segment, high],
            ).fetchone()
            # _idx keeps page × 2 (+1: the page's term has a doclist index); the page of
            # the first term past the range may begin with the range's last list.
            ranges.append(
                (
                    base + (first[0] >> 1 if first else 1),
                    base + (last[0] >> 1 if last else (1 << 31) - 1),
                )
            )
    return ranges


def plan(
    conn: sqlite3.Connection, fd: int, between: Callable[[], object] = lambda: None
) -> list[Part]:
    """What to read, most wanted first: the sidebar counts' index, the words index's
    facets and short prefixes, the Rated view's rows, the sort indexes' interior pages,
    the small lists. ``between`` is called before each b-tree is walked (the walks read
    its interior pages: a warm-up waits there too)."""
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])

    def walk(name: str, **how: object) -> list[int]:
        between()
        root = _root(conn, name)
        if root is None:
            return []
        return btree_pages.pages(fd, root, page_size, page_count, **how)  # type: ignore[arg-type]

    counted = dict.fromkeys(i for sql in SIDEBAR_COUNTS for i in scanned_indexes(conn, sql))
    parts = [Part("sidebar counts", tuple(p for name in counted for p in walk(name)))]
    words = walk(f"{WORDS}_idx") + walk(f"{WORDS}_data", rowids=_word_rowids(conn))
    parts.append(Part("words index", tuple(words)))
    rated = [(i, i) for i in sorted(r[0] for r in conn.execute(RATED))[-RATED_ROWS:]]
    parts.append(Part("Rated view's rows", tuple(walk("paper", rowids=rated)) if rated else ()))
    sort_indexes = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'paper' "
            "AND rootpage > 0 ORDER BY name"
        )
    ]
    interior = [p for name in sort_indexes if name not in counted for p in walk(name, leaves=False)]
    parts.append(Part("sort indexes (interior pages)", tuple(interior)))
    parts.append(Part("small lists", tuple(p for name in SMALL_LISTS for p in walk(name))))
    seen: set[int] = set()
    out = []
    for part in parts:  # each page once, in the first part that wants it
        mine = sorted(set(part.pages) - seen)
        seen.update(mine)
        out.append(Part(part.name, tuple(mine)))
    return out
