"""The vocabulary of long words: what a search prefix longer than the indexed ones stands for.

``paper_words`` indexes prefixes of up to :data:`~reader.library.schema.WORD_PREFIXES`
letters. A longer prefix ("learnin") would make FTS5 merge the lists of every word it
starts (a full pass over them); instead it is looked up in ``paper_word`` — every indexed
word longer than the indexed prefixes — and searched as the few words it stands for
("learning"), which FTS5 streams in order. ``paper_word`` is a superset of the index's
long words: text written since the last harvest waits in ``paper_words_new`` (filled by
triggers, tokenized by the same tokenizer) and :func:`harvest` moves its words over, in
the writer's transaction, before it commits.
"""

from __future__ import annotations

import sqlite3

from reader.library.schema import WORD_PREFIXES

MAX_EXPANSION = 40
"""A prefix standing for more words than this is searched as a prefix (FTS5 merges)."""

_VOCABULARY = "temp.paper_words_new_vocabulary"


def _ensure_vocabulary(conn: sqlite3.Connection) -> None:
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {_VOCABULARY} "
        "USING fts5vocab (main, paper_words_new, row)"
    )


def harvest(conn: sqlite3.Connection) -> None:
    """Move the long words of newly written text into ``paper_word`` (inside a transaction)."""
    if conn.execute("SELECT 1 FROM paper_words_new_docsize LIMIT 1").fetchone() is None:
        return
    _ensure_vocabulary(conn)
    conn.execute(
        f"INSERT OR IGNORE INTO paper_word (word) SELECT term FROM {_VOCABULARY} "
        f"WHERE length(term) > {WORD_PREFIXES} AND unicode(term) < 57344"
    )
    conn.execute("INSERT INTO paper_words_new (paper_words_new) VALUES ('delete-all')")


def expand(conn: sqlite3.Connection, prefix: str) -> list[str] | None:
    """The indexed words starting with ``prefix`` (lower-case ASCII, longer than the
    indexed prefixes), or ``None`` when there are more than :data:`MAX_EXPANSION`.
    """
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    words = [
        r[0]
        for r in conn.execute(
            "SELECT word FROM paper_word WHERE word >= ? AND word < ? LIMIT ?",
            [prefix, upper, MAX_EXPANSION + 1],
        )
    ]
    if conn.execute("SELECT 1 FROM paper_words_new_docsize LIMIT 1").fetchone() is not None:
        # Written by a connection that does not harvest (a tool): look there too.
        _ensure_vocabulary(conn)
        words += [
            r[0]
            for r in conn.execute(
                f"SELECT term FROM {_VOCABULARY} WHERE term >= ? AND term < ?", [prefix, upper]
            )
        ]
        words = sorted(set(words))
    return None if len(words) > MAX_EXPANSION else words


def segments(conn: sqlite3.Connection) -> int:
    """How many segments (b-trees) the words index is in: each question about one paper
    seeks in every one of them."""
    row = conn.execute("SELECT block FROM paper_words_data WHERE id = 10").fetchone()
    if row is None:
        return 0
    # FTS5's structure record: a 4-byte cookie, the 4-byte mark of its second format if
    # it is in that one, then the number of levels and of segments as varints.
    data = bytes(row[0])
    at = 8 if data[4:8] == b"\xff\x00\x00\x01" else 4
    counts = []
    for _ in range(2):
        value = 0
        while True:
            byte = data[at]
            at += 1
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        counts.append(value)
    return counts[1]


def compact(conn: sqlite3.Connection, pages: int = 500) -> bool:
    """Merge the words index's segments a bounded step (about ``pages`` pages of 4 KB
    written; inside a write transaction); ``True`` while more than one segment is left.

    FTS5's own merging keeps a few segments per level as papers arrive (15 at 20,000
    papers imported digest by digest); merged into one, the questions search asks about
    single papers seek once instead of in each. A step is short, so the writer can run
    them when idle until this returns ``False``.
    """
    if segments(conn) <= 1:
        return False
    conn.execute("INSERT INTO paper_words (paper_words, rank) VALUES ('merge', ?)", [-abs(pages)])
    return segments(conn) > 1


def rebuild_indexes(conn: sqlite3.Connection) -> None:
    """Rebuild both full-text indexes from the papers and refill the long-word vocabulary."""
    conn.execute("INSERT INTO paper_fts (paper_fts) VALUES ('rebuild')")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'paper_words'").fetchone() is None:
        return  # a library from before the words index (it gets one when it is upgraded)
    conn.execute("INSERT INTO paper_words (paper_words) VALUES ('rebuild')")
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.paper_words_vocabulary "
        "USING fts5vocab (main, paper_words, row)"
    )
    conn.execute(
        "INSERT OR IGNORE INTO paper_word (word) SELECT term FROM temp.paper_words_vocabulary "
        f"WHERE length(term) > {WORD_PREFIXES} AND unicode(term) < 57344"
    )
    conn.execute("INSERT INTO paper_words_new (paper_words_new) VALUES ('delete-all')")


def index_problem(conn: sqlite3.Connection) -> None:
    """Raise SQLite's corruption error if a full-text index disagrees with the papers."""
    conn.execute("INSERT INTO paper_fts (paper_fts, rank) VALUES ('integrity-check', 1)")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'paper_words'").fetchone():
        conn.execute("INSERT INTO paper_words (paper_words, rank) VALUES ('integrity-check', 1)")
