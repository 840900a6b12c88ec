"""The user's fields of papers: status, rating, note, when it was opened."""

from __future__ import annotations

from collections.abc import Sequence

from reader.library.connection import LibraryConnection
from reader.library.errors import LibraryUsageError
from reader.library.model import Changes, Status
from reader.library.rows import as_ids, chunked, now_utc, to_iso

MAX_NOTE_CHARS = 5_000_000


class UserEdits(LibraryConnection):
    """Edits of the fields that belong to the user (no import ever touches them)."""

    def _update_many(self, ids: Sequence[int], sql: str, params: Sequence[object]) -> Changes:
        """Run ``UPDATE paper SET … WHERE id IN ids`` for the ids whose row actually changes."""
        targets = self._existing(ids)
        changed: set[int] = set()
        with self.transaction() as conn:
            for chunk, marks in chunked(targets):
                rows = conn.execute(f"{sql} AND id IN ({marks}) RETURNING id", [*params, *chunk])
                changed.update(r[0] for r in rows.fetchall())
        return Changes(paper_ids=frozenset(changed))

    def set_status(self, ids: int | Sequence[int], status: Status | str) -> Changes:
        """Move papers to a reading status (inbox, queue, reading, read, archived)."""
        try:
            value = Status(status)
        except ValueError:
            raise LibraryUsageError(
                f"unknown status {status!r}; use one of {', '.join(s.value for s in Status)}"
            ) from None
        return self._update_many(
            as_ids(ids),
            "UPDATE paper SET status = ?, status_changed_at = ? WHERE status != ?",
            [value.value, to_iso(now_utc()), value.value],
        )

    def set_rating(self, ids: int | Sequence[int], stars: int) -> Changes:
        """Rate papers 1–5 stars; 0 clears the rating."""
        if isinstance(stars, bool) or not isinstance(stars, int) or not 0 <= stars <= 5:
            raise LibraryUsageError(f"a rating is 0 to 5 stars, not {stars!r}")
        return self._update_many(
            as_ids(ids), "UPDATE paper SET rating = ? WHERE rating != ?", [stars, stars]
        )

    def set_note(self, paper_id: int, text: str) -> Changes:
        """Replace a paper's Markdown note (an empty string clears it)."""
        if len(text) > MAX_NOTE_CHARS:
            raise LibraryUsageError(f"a note can be at most {MAX_NOTE_CHARS:,} characters")
        return self._update_many(
            [paper_id],
            "UPDATE paper SET note = ?, note_updated_at = ? WHERE note != ?",
            [text, to_iso(now_utc()), text],
        )

    def mark_opened(self, paper_id: int) -> Changes:
        """Record that the user opened the paper now."""
        return self._update_many(
            [paper_id], "UPDATE paper SET opened_at = ? WHERE 1", [to_iso(now_utc())]
        )
