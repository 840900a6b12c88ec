"""The rows the paper list has read: a bounded cache filled a page at a time.

The list model holds only ids; :class:`RowCache` holds the light rows
(:class:`~reader.library.PaperRow`, never an abstract) and match scores of the rows a view
has asked for. A cache miss reads one page (:data:`RowCache.PAGE` rows around the missing
one) from the GUI thread's read-only library in one query. A read that fails (a damaged
library) never raises into Qt: the rows are read one by one, an unreadable one is shown as
a placeholder, and each distinct problem is said once (:attr:`RowCache.problem`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from reader.library import Library, PaperRow, Status
from reader.library.row_extras import RowExtras, row_extras
from reader.ranking import scores

log = logging.getLogger(__name__)


def unreadable(paper_id: int) -> PaperRow:
    """The row shown for a paper whose stored row cannot be read (damage)."""
    return PaperRow(
        id=paper_id,
        title=f"(paper {paper_id} cannot be read: the library is damaged)",
        rating=0,
        status=Status.INBOX,
        tags=(),
        published=None,
        first_seen=datetime.fromtimestamp(0, UTC),
        comments=None,
        authors_count=None,
        organization=None,
        has_note=False,
    )


class RowCache:
    """Light rows and match scores by paper id, read a page at a time.

    ``fetch_count`` counts the library ``rows()`` calls (a hook for tests and benchmarks
    that check the list stays lazy); ``rows_fetched`` counts the rows they read.
    """

    PAGE = 200
    """Rows read from the library per cache miss."""
    MAX_CACHE = 20_000
    """Cached rows before the cache is emptied (bounds memory on long scrolls)."""

    def __init__(self, library: Library, problem: Callable[[str], None]) -> None:
        self._library = library
        self._problem_said = problem
        self._rows: dict[int, PaperRow] = {}
        self._scores: dict[int, float] = {}  # match scores of the cached rows
        self._extras: dict[int, RowExtras | None] = {}  # authors, upvotes, arXiv id (when shown)
        self._problems: set[str] = set()
        self.fetch_count = 0
        self.rows_fetched = 0

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, paper_id: int) -> PaperRow | None:
        """The cached row of ``paper_id`` (``None``: not read yet)."""
        return self._rows.get(paper_id)

    def score(self, paper_id: int) -> float | None:
        """The match score of a cached row (``None``: not scored, or not read yet)."""
        return self._scores.get(paper_id)

    def forget(self, paper_ids: Iterable[int]) -> None:
        """Drop the rows of ``paper_ids`` (they changed): the next look reads them again."""
        for paper_id in paper_ids:
            self._rows.pop(paper_id, None)
            self._scores.pop(paper_id, None)
            self._extras.pop(paper_id, None)

    def clear(self) -> None:
        """Drop every row."""
        self._rows.clear()
        self._scores.clear()
        self._extras.clear()

    def fetch(self, ids: Sequence[int], row: int) -> None:
        """Read the page of ``ids`` (the view's ids in order) around ``row``."""
        start = max(0, row - self.PAGE // 4)
        stop = min(len(ids), start + self.PAGE)
        wanted = [pid for pid in ids[start:stop] if pid not in self._rows]
        if len(self._rows) + len(wanted) > self.MAX_CACHE:
            self.clear()
            wanted = list(ids[start:stop])
        self.fetch_count += 1
        try:
            fetched = self._library.rows(wanted)
        except Exception as exc:  # a model never raises into Qt: the rows it can, once said
            self._problem(exc)
            fetched = self._one_by_one(wanted)
        self.rows_fetched += len(fetched)
        try:
            self._scores.update(scores(self._library, wanted))
        except Exception as exc:  # the Match column stays empty; the rows still show
            self._problem(exc)
        for paper in fetched:
            self._rows[paper.id] = paper

    def extras(self, ids: Sequence[int], row: int, paper_id: int) -> RowExtras | None:
        """The Authors, Upvotes and arXiv cells' data of ``paper_id`` (at ``row`` of
        ``ids``): read a page at a time, and only once such a column asks (is shown)."""
        if paper_id not in self._extras:
            start = max(0, row - self.PAGE // 4)
            wanted = [pid for pid in ids[start : start + self.PAGE] if pid not in self._extras]
            try:
                self._extras.update(row_extras(self._library, wanted or [paper_id]))
            except Exception as exc:  # the Authors, Upvotes and arXiv columns stay empty
                self._problem(exc)
            for pid in wanted or [paper_id]:
                self._extras.setdefault(pid, None)  # read: none known
        return self._extras.get(paper_id)

    def _one_by_one(self, ids: list[int]) -> list[PaperRow]:
        rows: list[PaperRow] = []
        for paper_id in ids:
            try:
                rows.extend(self._library.rows([paper_id]))
            except Exception:
                rows.append(unreadable(paper_id))
        return rows

    def _problem(self, exc: BaseException) -> None:
        message = str(exc) or type(exc).__name__
        log.warning("rows of the list could not be read: %s", message)
        if message not in self._problems:
            self._problems.add(message)
            self._problem_said(message)
