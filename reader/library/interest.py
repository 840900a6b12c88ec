"""The interest model's inputs and state in the library: signals, texts, "not interested".

Everything here is SQL over the library's own connection; :mod:`reader.ranking` calls it.
Reads work on any connection (the learner reads from its own read-only snapshot); every
write runs in one transaction of :meth:`Library.transaction` and returns the
:class:`Changes` it made, with ``"interest"`` (or ``"status"``) in ``fields``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from reader.library import rule_marks
from reader.library.for_you import for_you_count, for_you_ids
from reader.library.model import Changes, Status
from reader.library.store import Library, from_iso, now_utc, to_iso

_CHUNK = 500

INTEREST_FIELD = "interest"
SNAPSHOT_CACHE_KB = 2048
"""The page cache of a learner's snapshot connection (see :func:`open_snapshot`)."""

__all__ = [
    "INTEREST_FIELD",
    "InterestState",
    "PaperText",
    "SignalRow",
    "for_you_count",
    "for_you_ids",
]


@dataclass(frozen=True, slots=True)
class SignalRow:
    """What the user did with one paper, as far as the interest model cares."""

    id: int
    rating: int
    status: Status
    tagged: bool
    noted: bool
    opened: bool
    not_interested: bool


@dataclass(frozen=True, slots=True)
class PaperText:
    """The text of one paper the model reads: title, abstract, authors, categories."""

    id: int
    title: str
    abstract: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    organization: str | None


@dataclass(frozen=True, slots=True)
class InterestState:
    """The model's state as the library last recorded it.

    ``fitted_at`` is ``None`` while there is no model; ``message`` then says why
    ("not enough signal: …"). ``generation`` grows by one with every written refit.
    """

    fitted_at: datetime | None = None
    positives: int = 0
    negatives: int = 0
    generation: int = 0
    message: str | None = None


def open_snapshot(path: str | os.PathLike[str]) -> Library:
    """The library at ``path``, read-only, inside one read transaction held until it is
    closed: every read through it sees the same state of the file, however the writer
    moves on meanwhile (a refit reads signals, ids and texts that agree with each other).

    Close it soon: the snapshot keeps the write-ahead log from being checkpointed past it.
    """
    library = Library(path, read_only=True)
    try:
        # A refit scans tables once: a small page cache (the default 16 MB would only add
        # to the learner's peak memory, never be read again).
        library.connection.execute(f"PRAGMA cache_size = -{SNAPSHOT_CACHE_KB}")
        library.connection.execute("BEGIN")
        library.connection.execute("SELECT count(*) FROM interest_state").fetchone()  # pin it
    except BaseException:
        library.close()
        raise
    return library


def signal_rows(library: Library) -> list[SignalRow]:
    """Every paper the user did something with: rated, tagged, moved, annotated, dismissed.

    What import rules set is not the user's doing (:mod:`reader.library.rule_marks`): a
    rule's rating reads as 0, a rule's status as ``inbox`` and a paper whose tags all came
    from rules as untagged, until the user changes them.
    """
    rows = library.connection.execute(
        f"SELECT p.id, {rule_marks.USER_RATING}, {rule_marks.USER_STATUS}, "
        f"{rule_marks.USER_TAGGED}, p.note != '', p.opened_at IS NOT NULL, "
        "n.paper_id IS NOT NULL FROM paper p LEFT JOIN not_interested n ON n.paper_id = p.id "
        "WHERE p.rating > 0 OR p.status != 'inbox' OR p.tags != '' OR n.paper_id IS NOT NULL "
        "ORDER BY p.id"
    ).fetchall()
    return [
        SignalRow(r[0], r[1], Status(r[2]), bool(r[3]), bool(r[4]), bool(r[5]), bool(r[6]))
        for r in rows
    ]


def _bytes(column: str) -> str:
    # The byte length: no UTF-8 decoding, 2-3x faster than counting characters.
    return f"length(CAST(coalesce({column}, '') AS BLOB))"


_TEXT_KEY = (
    f"{_bytes('title')} + 7 * {_bytes('abstract')} + 131 * {_bytes('authors')} "
    f"+ 1031 * {_bytes('categories')} + 8191 * {_bytes('organization')}"
)


def text_keys(library: Library) -> Iterator[list[tuple[int, int]]]:
    """``(paper id, text key)`` of every paper in id order, in batches.

    The key changes when the title, abstract, authors or categories change length, which
    is how an import that fills in a missing abstract is noticed by the feature cache.
    """
    cursor = library.connection.execute(f"SELECT id, {_TEXT_KEY} FROM paper ORDER BY id")
    while batch := cursor.fetchmany(20_000):
        yield [(int(r[0]), int(r[1])) for r in batch]


def text_keys_of(library: Library, ids: Sequence[int]) -> dict[int, int]:
    """``paper id → text key`` of ``ids`` (unknown ids are left out)."""
    found: dict[int, int] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        found.update(
            library.connection.execute(
                f"SELECT id, {_TEXT_KEY} FROM paper WHERE id IN ({marks})", chunk
            ).fetchall()
        )
    return found


def texts(library: Library, ids: Sequence[int]) -> list[PaperText]:
    """The texts of ``ids`` (unknown ids are left out), in id order."""
    found: list[PaperText] = []
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = library.connection.execute(
            "SELECT id, title, abstract, authors, categories, organization FROM paper "
            f"WHERE id IN ({marks}) ORDER BY id",
            chunk,
        )
        found.extend(
            PaperText(r[0], r[1], r[2] or "", _json_list(r[3]), _json_list(r[4]), r[5])
            for r in rows
        )
    return found


def unlabelled_ids(library: Library) -> Iterator[int]:
    """Inbox papers the user has not touched, in id order: the background the model
    contrasts with (streamed: most of a million papers, never a list of them)."""
    for row in library.connection.execute(
        "SELECT p.id FROM paper p WHERE p.status = 'inbox' AND p.rating = 0 "
        f"AND {rule_marks.UNTAGGED_BY_USER} "
        "AND p.id NOT IN (SELECT paper_id FROM not_interested) ORDER BY p.id"
    ):
        yield int(row[0])


def untriaged_of(library: Library, ids: Sequence[int]) -> set[int]:
    """Those of ``ids`` that are For-you candidates now (untouched inbox papers)."""
    found: set[int] = set()
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in library.connection.execute(
                f"SELECT p.id FROM paper p WHERE p.id IN ({marks}) AND p.status = 'inbox' "
                f"AND p.rating = 0 AND {rule_marks.UNTAGGED_BY_USER} "
                "AND p.id NOT IN (SELECT paper_id FROM not_interested)",
                chunk,
            )
        )
    return found


def paper_count(library: Library) -> int:
    """How many papers the library holds."""
    return int(library.connection.execute("SELECT count(*) FROM paper").fetchone()[0])


def state(library: Library) -> InterestState:
    """What the library last recorded about the model (a default state when nothing yet)."""
    row = library.connection.execute(
        "SELECT fitted_at, positives, negatives, generation, message FROM interest_state"
    ).fetchone()
    if row is None:
        return InterestState()
    return InterestState(from_iso(row[0]), row[1], row[2], row[3], row[4])


# ---------------------------------------------------------------------- not interested


def mark_not_interested(library: Library, ids: Sequence[int]) -> Changes:
    """Record "not interested" for papers and archive them (one transaction)."""
    targets = sorted(set(ids))
    now = to_iso(now_utc())
    changed: set[int] = set()
    with library.transaction() as conn:
        for start in range(0, len(targets), _CHUNK):
            chunk = targets[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found = [
                r[0] for r in conn.execute(f"SELECT id FROM paper WHERE id IN ({marks})", chunk)
            ]
            conn.executemany(
                "INSERT INTO not_interested (paper_id, marked_at) VALUES (?, ?) "
                "ON CONFLICT (paper_id) DO NOTHING",
                [(i, now) for i in found],
            )
            changed.update(found)
            conn.execute(
                "UPDATE paper SET status = 'archived', status_changed_at = ? "
                f"WHERE status != 'archived' AND id IN ({marks})",
                [now, *chunk],
            )
    return Changes(paper_ids=frozenset(changed), fields=frozenset({"status", "not_interested"}))


def unmark_not_interested(library: Library, ids: Sequence[int]) -> Changes:
    """Take back "not interested" (the status is left alone: undo restores it)."""
    targets = sorted(set(ids))
    changed: set[int] = set()
    with library.transaction() as conn:
        for start in range(0, len(targets), _CHUNK):
            chunk = targets[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"DELETE FROM not_interested WHERE paper_id IN ({marks}) RETURNING paper_id", chunk
            ).fetchall()
            changed.update(r[0] for r in rows)
    return Changes(paper_ids=frozenset(changed), fields=frozenset({"not_interested"}))


def not_interested_ids(library: Library) -> set[int]:
    """Every paper marked "not interested"."""
    return {r[0] for r in library.connection.execute("SELECT paper_id FROM not_interested")}


def _json_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()
