"""The interest model's scores in the library: reading, storing and dropping them.

The learner's child stores a refit's scores through :func:`open_score_writer` and
:func:`write_scores` (see :mod:`reader.ranking.update`); the views read them with
:func:`scores`. Every write runs in one transaction of :meth:`Library.transaction` and
returns the :class:`Changes` it made, with ``"interest"`` in ``fields``; the model's state
(:class:`~reader.library.interest.InterestState`) is written in the same transaction as the
last scores of a refit.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from reader.library.interest import INTEREST_FIELD, InterestState
from reader.library.model import Changes
from reader.library.store import Library, to_iso

_CHUNK = 500

WRITER_CACHE_KB = 65536
"""The page cache of the learner's score-writing connection (:func:`open_score_writer`):
the score table and its two indexes of a million papers (about 70 MB) mostly stay in it, so
a refit's transactions update pages in memory instead of reading them again."""


def open_score_writer(path: str | os.PathLike[str]) -> Library:
    """A writable connection to the existing library at ``path`` for the learner's child
    to store scores through (see :mod:`reader.ranking.update`). It creates nothing; the
    job's read-only snapshot, opened first, refuses a library that needs an upgrade, so
    this never migrates one. Its commits run no checkpoint (see :func:`checkpoint_scores`)."""
    library = Library(path, create=False)
    try:
        library.connection.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KB}")
        # Its commits never checkpoint: the storing checkpoints in its pauses instead
        # (checkpoint_scores), so no commit of the window's writer copies them back.
        library.connection.execute("PRAGMA wal_autocheckpoint = 0")
    except BaseException:
        library.close()
        raise
    return library


def checkpoint_scores(library: Library) -> None:
    """Copy what the write-ahead log holds into the library file (a passive checkpoint:
    it holds no write lock, and gives up on what a reader still needs).

    The learner's child stores a million scores in hundreds of short transactions; left
    to SQLite's automatic checkpoint, the commit that finds the log past its limit copies
    every page written since the last one, and that is as often the window's writer
    committing the reader's rating (30-55 ms more for it at a million papers). The
    storing calls this in the pause after each of its transactions instead.
    """
    library.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def scores(library: Library, ids: Sequence[int]) -> dict[int, float]:
    """The stored scores of ``ids``; papers without a score are left out."""
    found: dict[int, float] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        found.update(
            library.connection.execute(
                f"SELECT paper_id, score FROM paper_interest WHERE paper_id IN ({marks})", chunk
            ).fetchall()
        )
    return found


def unscored_ids(library: Library) -> list[int]:
    """Papers without a score (imported while no learner was running, say)."""
    return [
        r[0]
        for r in library.connection.execute(
            "SELECT id FROM paper WHERE id NOT IN (SELECT paper_id FROM paper_interest) ORDER BY id"
        )
    ]


def scored_count(library: Library) -> int:
    """How many papers have a score."""
    return int(library.connection.execute("SELECT count(*) FROM paper_interest").fetchone()[0])


def scored_ids(library: Library) -> Iterator[int]:
    """The ids of every paper that has a stored score, in id order."""
    for row in library.connection.execute("SELECT paper_id FROM paper_interest ORDER BY paper_id"):
        yield int(row[0])


_UPDATE_STORED = (
    "UPDATE paper_interest SET score = ?2, candidate = ?3 "
    "WHERE paper_id = ?1 AND (score != ?2 OR candidate != ?3)"
)
_UPSERT = (
    "INSERT INTO paper_interest (paper_id, score, candidate) "
    "SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM paper WHERE id = ?1) "
    "ON CONFLICT (paper_id) DO UPDATE SET score = excluded.score, "
    "candidate = excluded.candidate "
    "WHERE score != excluded.score OR candidate != excluded.candidate"
)


def write_scores(
    library: Library,
    rows: Iterable[tuple[int, float, bool]],
    *,
    stored: Iterable[tuple[int, float, bool]] = (),
    drop: Sequence[int] = (),
    state: InterestState | None = None,
) -> Changes:
    """Store ``(paper id, score 0–1, For-you candidate)`` rows and drop the scores of
    ``drop``, in one transaction, with ``state`` when given. Returns the papers whose
    score changed (every paper of a sub-chunk of 5,000 in which any did).

    ``rows`` may be of any paper: those of papers deleted since they were scored are
    skipped, which costs a look-up in the paper table each. ``stored`` are rows of papers
    that had a stored score when the caller looked: only an existing score is updated
    (a paper deleted meanwhile took its score row with it, see the schema's trigger), so
    the paper table, gigabytes at a million papers, is not read for them.

    A candidate is an untriaged inbox paper (see :func:`for_you_ids`).
    """

    # Four decimals are more than any view shows; unchanged scores are not rewritten.
    def clean(part: Iterable[tuple[int, float, bool]]) -> list[tuple[int, float, int]]:
        return [(int(i), round(min(1.0, max(0.0, float(s))), 4), int(bool(c))) for i, s, c in part]

    statements = ((clean(stored), _UPDATE_STORED), (clean(rows), _UPSERT))
    changed: set[int] = set()
    with library.transaction() as conn:
        for pairs, sql in statements:
            for start in range(0, len(pairs), 5000):
                chunk = pairs[start : start + 5000]
                before = conn.total_changes
                conn.executemany(sql, chunk)
                if conn.total_changes != before:
                    changed.update(i for i, _, _ in chunk)
        dropped = list(drop)
        for start in range(0, len(dropped), _CHUNK):
            part = dropped[start : start + _CHUNK]
            marks = ",".join("?" * len(part))
            conn.execute(f"DELETE FROM paper_interest WHERE paper_id IN ({marks})", part)
        changed.update(dropped)
        if state is not None:
            _write_state(conn, state)
    return Changes(paper_ids=frozenset(changed), fields=frozenset({INTEREST_FIELD}))


def clear_scores(library: Library, state: InterestState) -> Changes:
    """Drop every score (there is no model any more) and record why in ``state``."""
    with library.transaction() as conn:
        gone = frozenset(r[0] for r in conn.execute("SELECT paper_id FROM paper_interest"))
        conn.execute("DELETE FROM paper_interest")
        _write_state(conn, state)
    return Changes(paper_ids=gone, fields=frozenset({INTEREST_FIELD}))


def _write_state(conn: sqlite3.Connection, value: InterestState) -> None:
    conn.execute(
        "INSERT INTO interest_state (id, fitted_at, positives, negatives, generation, message) "
        "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET fitted_at = excluded.fitted_at, "
        "positives = excluded.positives, negatives = excluded.negatives, "
        "generation = excluded.generation, message = excluded.message",
        [
            to_iso(value.fitted_at) if value.fitted_at else None,
            value.positives,
            value.negatives,
            value.generation,
            value.message,
        ],
    )
