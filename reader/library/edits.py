"""The user's own fields of a paper: status, rating, note, when it was opened.

Each edit is one transaction and returns the :class:`Changes` it made: only the papers
whose row actually changed (setting a paper's rating to the rating it has changes
nothing).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from reader.library.connection import CHUNK, Connection, chunks, now_utc, to_iso
from reader.library.errors import LibraryUsageError, PaperNotFoundError
from reader.library.model import Changes, Status
from reader.library.papers import SURROGATES, existing

MAX_NOTE_CHARS = 5_000_000


BULK_ABOVE = CHUNK
"""An edit of more papers than this runs as a few statements for all of them
(:func:`_update_bulk`) rather than a statement per :data:`CHUNK` papers."""
_JSON_IDS = 5000
"""Ids handed to SQLite per statement of a bulk edit, as one JSON array."""


def update_many(
    library: Connection,
    ids: Sequence[int],
    assign: tuple[str, Sequence[object]],
    differs: tuple[str, Sequence[object]],
    field: str,
) -> Changes:
    """``UPDATE paper SET <assign> WHERE <differs> AND id IN ids``: only the rows that
    change (``differs`` is ``("1", [])`` when every row does). Each part is SQL with its
    parameters. Raises :class:`PaperNotFoundError` (nothing written) for an unknown id.
    """
    if len(ids) > BULK_ABOVE:
        return _update_bulk(library, ids, assign, differs, field)
    (set_sql, set_params), (where_sql, where_params) = assign, differs
    targets = existing(library, ids)
    changed: set[int] = set()
    with library.transaction() as conn:
        for chunk, marks in chunks(targets):
            found = conn.execute(
                f"UPDATE paper SET {set_sql} WHERE ({where_sql}) AND id IN ({marks}) RETURNING id",
                [*set_params, *where_params, *chunk],
            )
            changed.update(r[0] for r in found.fetchall())
    return Changes(paper_ids=frozenset(changed), fields=frozenset({field}))


def _update_bulk(
    library: Connection,
    ids: Sequence[int],
    assign: tuple[str, Sequence[object]],
    differs: tuple[str, Sequence[object]],
    field: str,
) -> Changes:
    """:func:`update_many` for many papers, in a few statements whatever their number.

    The ids go into a temporary table (:data:`_JSON_IDS` at a time, as JSON), the ids of
    the rows that will not change are dropped from it, one ``UPDATE`` changes the rest, and
    their ids are read back a few thousand at a time. Each statement runs in SQLite without
    the interpreter lock. A ``RETURNING`` row (and an existence check row) per paper made
    the writer take the lock back twice per paper, 200,000 times for a select-all rating
    at 100,000 papers, and the GUI thread had to hand it over each time.
    """
    (set_sql, set_params), (where_sql, where_params) = assign, differs
    table = "temp.bulk_edit_ids"
    changed: list[int] = []
    with library.transaction() as conn:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS bulk_edit_ids (id INTEGER PRIMARY KEY)")
        conn.execute(f"DELETE FROM {table}")
        for start in range(0, len(ids), _JSON_IDS):
            conn.execute(
                f"INSERT OR IGNORE INTO {table} (id) SELECT value FROM json_each(?)",
                [json.dumps(list(ids[start : start + _JSON_IDS]), default=int)],
            )
        (missing,) = conn.execute(
            f"SELECT group_concat(id, ', ') FROM (SELECT b.id FROM {table} AS b"
            " WHERE NOT EXISTS (SELECT 1 FROM paper AS p WHERE p.id = b.id) ORDER BY b.id LIMIT 5)"
        ).fetchone()
        if missing:
            raise PaperNotFoundError(f"there is no paper with id {missing}")
        conn.execute(
            f"DELETE FROM {table} WHERE id NOT IN"
            f" (SELECT id FROM main.paper WHERE id IN {table} AND ({where_sql}))",
            list(where_params),
        )
        conn.execute(f"UPDATE paper SET {set_sql} WHERE id IN {table}", list(set_params))
        after = -(2**63)  # below any rowid
        while True:
            (joined,) = conn.execute(
                f"SELECT group_concat(id) FROM"
                f" (SELECT id FROM {table} WHERE id > ? ORDER BY id LIMIT {_JSON_IDS})",
                [after],
            ).fetchone()
            if not joined:
                break
            part = list(map(int, joined.split(",")))
            changed.extend(part)
            after = part[-1]
        conn.execute(f"DELETE FROM {table}")
    return Changes(paper_ids=frozenset(changed), fields=frozenset({field}))


def set_status(library: Connection, ids: Sequence[int], status: Status | str) -> Changes:
    """Move papers to a reading status (inbox, queue, reading, read, archived)."""
    try:
        value = Status(status)
    except ValueError:
        raise LibraryUsageError(
            f"unknown status {status!r}; use one of {', '.join(s.value for s in Status)}"
        ) from None
    return update_many(
        library,
        ids,
        ("status = ?, status_changed_at = ?", [value.value, to_iso(now_utc())]),
        ("status != ?", [value.value]),
        "status",
    )


def set_rating(library: Connection, ids: Sequence[int], stars: int) -> Changes:
    """Rate papers 1–5 stars; 0 clears the rating."""
    if isinstance(stars, bool) or not isinstance(stars, int) or not 0 <= stars <= 5:
        raise LibraryUsageError(f"a rating is 0 to 5 stars, not {stars!r}")
    return update_many(library, ids, ("rating = ?", [stars]), ("rating != ?", [stars]), "rating")


def set_note(library: Connection, paper_id: int, text: str) -> Changes:
    """Replace a paper's Markdown note (an empty string clears it)."""
    if len(text) > MAX_NOTE_CHARS:
        raise LibraryUsageError(f"a note can be at most {MAX_NOTE_CHARS:,} characters")
    if SURROGATES.search(text):
        raise LibraryUsageError(
            "the note holds a lone surrogate (text that is not valid Unicode); nothing was saved"
        )
    return update_many(
        library,
        [paper_id],
        ("note = ?, note_updated_at = ?", [text, to_iso(now_utc())]),
        ("note != ?", [text]),
        "note",
    )


def mark_opened(library: Connection, paper_id: int) -> Changes:
    """Record that the user opened the paper now."""
    return update_many(
        library, [paper_id], ("opened_at = ?", [to_iso(now_utc())]), ("1", []), "opened"
    )
