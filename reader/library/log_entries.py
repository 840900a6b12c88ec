"""The import log's own edits: forgetting a failed file's entry.

A failed entry is only a record that a file could not be read: forgetting it never touches
the file, and lets the next import (or the watcher) try the same bytes again. Entries of
imported files are where their papers' appearances come from and are never removed here
(``papershelf delete --digest`` moves their papers to the trash instead).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.library.errors import LibraryUsageError
from reader.library.model import Changes

if TYPE_CHECKING:
    from reader.library.store import Library


def forget_failed_digest(library: Library, digest_id: int) -> Changes:
    """Remove the failed entry ``digest_id`` from the import log (the file stays as it is).

    Raises :class:`LibraryUsageError` for an entry of an imported file; an entry already
    gone changes nothing.
    """
    with library.transaction() as conn:
        row = conn.execute("SELECT status FROM digest WHERE id = ?", [digest_id]).fetchone()
        if row is None:
            return Changes()
        if row[0] != "failed":
            raise LibraryUsageError(
                "only a file that failed to import can be removed from the import log "
                "(this one's papers came from it)"
            )
        conn.execute("DELETE FROM digest WHERE id = ? AND status = 'failed'", [digest_id])
    return Changes(digests=True)


def forget_failures_of(library: Library, path: str, sha256: str | None) -> Changes:
    """Forget every failed entry of the file at ``path`` or of the same bytes (``sha256``),
    so that importing it again reads it again instead of repeating the old failure."""
    with library.transaction() as conn:
        removed = conn.execute(
            "DELETE FROM digest WHERE status = 'failed' AND (path = ? OR sha256 = ?)",
            [path, sha256],
        ).rowcount
    return Changes(digests=removed > 0)
