"""The user's own fields of a paper: status, rating, note, when it was opened.

Each edit is one transaction and returns the :class:`Changes` it made: only the papers
whose row actually changed (setting a paper's rating to the rating it has changes
nothing).
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.library.connection import Connection, chunks, now_utc, to_iso
from reader.library.errors import LibraryUsageError
from reader.library.model import Changes, Status
from reader.library.papers import SURROGATES, existing

MAX_NOTE_CHARS = 5_000_000


def update_many(
    library: Connection, ids: Sequence[int], sql: str, params: Sequence[object], field: str
) -> Changes:
    """Run ``UPDATE paper SET … WHERE … AND id IN ids`` for the ids whose row changes.

    ``sql`` ends in a ``WHERE`` clause (``WHERE 1`` when every row changes).
    """
    targets = existing(library, ids)
    changed: set[int] = set()
    with library.transaction() as conn:
        for chunk, marks in chunks(targets):
            found = conn.execute(f"{sql} AND id IN ({marks}) RETURNING id", [*params, *chunk])
            changed.update(r[0] for r in found.fetchall())
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
        "UPDATE paper SET status = ?, status_changed_at = ? WHERE status != ?",
        [value.value, to_iso(now_utc()), value.value],
        "status",
    )


def set_rating(library: Connection, ids: Sequence[int], stars: int) -> Changes:
    """Rate papers 1–5 stars; 0 clears the rating."""
    if isinstance(stars, bool) or not isinstance(stars, int) or not 0 <= stars <= 5:
        raise LibraryUsageError(f"a rating is 0 to 5 stars, not {stars!r}")
    return update_many(
        library, ids, "UPDATE paper SET rating = ? WHERE rating != ?", [stars, stars], "rating"
    )


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
        "UPDATE paper SET note = ?, note_updated_at = ? WHERE note != ?",
        [text, to_iso(now_utc()), text],
        "note",
    )


def mark_opened(library: Connection, paper_id: int) -> Changes:
    """Record that the user opened the paper now."""
    return update_many(
        library, [paper_id], "UPDATE paper SET opened_at = ? WHERE 1", [to_iso(now_utc())], "opened"
    )
