"""Where a paper is in the list: the row of an id, found without a Python loop.

The list model (:mod:`ui.models`) holds a view's ids in display order (:data:`~ui.viewload.Ids`,
8 bytes an id). Finding the row of one id by scanning them is a C loop, but one that makes
an ``int`` object of every id it passes: 15-25 ms at a million papers, on the GUI thread,
for each paper a selection, a repaint or "show this paper" asks about. A ``{id: row}``
dict costs 266 ms and 70 MB to build at that size.

:class:`RowIndex` is the ids sorted, with the row of each: a binary search per id (one
NumPy call for a whole selection), 12 bytes a paper, built on the reader thread when a
big view's ids arrive (:func:`row_index`, called by :mod:`ui.viewload`; NumPy's sort runs
without the interpreter lock). Views of at most :data:`INDEX_ABOVE` papers have none:
their scan costs microseconds. :class:`RowFinder` answers with whichever it has.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable
from typing import Any, TypeAlias

Ids: TypeAlias = "array[int]"
"""A view's ids in display order (:data:`ui.viewload.Ids`)."""

INDEX_ABOVE = 5000
"""Views with more ids than this get a :class:`RowIndex` (smaller ones are scanned)."""


class RowIndex:
    """The rows of a view's ids by binary search: ``ids`` sorted, and the row of each."""

    def __init__(self, ids: Ids) -> None:
        import numpy as np  # on the reader thread (the window has loaded it for its learner)

        values = np.frombuffer(ids, dtype=np.int64) if len(ids) else np.zeros(0, np.int64)
        order = np.argsort(values, kind="stable")
        self._sorted: Any = values[order]  # a copy: the ids may be dropped later
        self._rows: Any = order.astype(np.int32 if len(ids) < 2**31 else np.int64)
        self._np = np
        self.size = len(ids)
        """How many ids the index covers (those of the view it was built for)."""

    def row(self, paper_id: int) -> int | None:
        """The row showing ``paper_id``, or ``None``."""
        at = int(self._np.searchsorted(self._sorted, paper_id))
        if at < self.size and int(self._sorted[at]) == paper_id:
            return int(self._rows[at])
        return None

    def rows(self, paper_ids: Collection[int]) -> list[int]:
        """The rows showing those of ``paper_ids`` the view holds (any order), in one search."""
        np = self._np
        if not paper_ids or not self.size:
            return []
        wanted = np.fromiter(paper_ids, dtype=np.int64, count=len(paper_ids))
        at = np.minimum(np.searchsorted(self._sorted, wanted), self.size - 1)
        found = self._sorted[at] == wanted
        rows: list[int] = self._rows[at[found]].tolist()
        return rows


def row_index(ids: Ids) -> RowIndex | None:
    """The index of a view's ``ids`` (``None`` for a view small enough to scan)."""
    return RowIndex(ids) if len(ids) > INDEX_ABOVE else None


class RowFinder:
    """The rows of ids in the list shown: by its :class:`RowIndex`, or a scan when small."""

    def __init__(self) -> None:
        self._ids: Ids | None = None
        self._index: RowIndex | None = None

    def show(self, ids: Ids, index: RowIndex | None) -> None:
        """The list now shows ``ids``; ``index`` is theirs (or ``None``)."""
        self._ids = ids
        self._index = index if index is not None and index.size == len(ids) else None

    def row(self, paper_id: int) -> int | None:
        """The row showing ``paper_id``, or ``None`` when the list does not hold it."""
        if self._index is not None:
            return self._index.row(paper_id)
        if not self._ids:
            return None
        try:  # a small view (or ids that came without an index: tools): a C scan
            return self._ids.index(paper_id)
        except ValueError:
            return None

    def rows(self, paper_ids: Collection[int]) -> Iterable[int]:
        """The rows showing those of ``paper_ids`` the list holds (any order)."""
        if self._index is not None:
            return self._index.rows(paper_ids)
        return (r for r in map(self.row, paper_ids) if r is not None)

    def covers(self, paper_ids: Collection[int]) -> bool:
        """Whether ``paper_ids`` hold every id shown (select all: one set comparison
        rather than a look-up per id)."""
        ids = self._ids
        if not ids or len(paper_ids) < len(ids):
            return False
        wanted = paper_ids if isinstance(paper_ids, (set, frozenset)) else set(paper_ids)
        return wanted.issuperset(ids)
