"""The list's optional columns beyond :class:`~reader.library.PaperRow`: authors,
upvotes, the arXiv id — read for one page of rows at a time.

Kept apart from the row query (``store.py``) so that the light rows stay light: the window
asks for these only while an Authors, Upvotes or arXiv column is shown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.library.store import Library

MAX_NAMES = 3
"""Names kept per paper (the column shows the first; its tooltip up to this many)."""
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class RowExtras:
    """A paper's first authors (up to :data:`MAX_NAMES`), count, upvotes and arXiv id."""

    authors: tuple[str, ...]
    authors_count: int | None
    organization: str | None
    upvotes: int | None
    arxiv_id: str | None


def _names(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    try:
        items = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(items, list):
        return ()
    names = (" ".join(str(item).split()) for item in items[:MAX_NAMES])
    return tuple(n.encode("utf-8", "replace").decode("utf-8") for n in names if n)


def row_extras(library: Library, ids: Sequence[int]) -> dict[int, RowExtras]:
    """The extras of the papers ``ids`` (papers not found are left out)."""
    found: dict[int, RowExtras] = {}
    conn = library.connection
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT id, authors, authors_count, organization, upvotes, arxiv_id "
            f"FROM paper WHERE id IN ({marks})",
            chunk,
        ).fetchall()
        for paper_id, authors, count, organization, upvotes, arxiv_id in rows:
            found[int(paper_id)] = RowExtras(
                _names(authors), count, organization, upvotes, arxiv_id or None
            )
    return found
