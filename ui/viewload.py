"""Reading a view's ids off the GUI thread: the first page first, the rest a moment later.

:class:`IdReader` reads the ids of a view (a :class:`~reader.library.PaperFilter` in an
order, or "For you" by interest) on the reader thread through the
:class:`~ui.operations.QueryRunner` — inline when there is none (tools and model tests).
A new view asks for the first :data:`FIRST_IDS` ids, which come back in milliseconds
whatever the library's size; the rest — and so the count — are asked for
:data:`REST_DELAY_MS` later, once the first page has been painted: read together, the
reader thread's 100,000 rows would share the interpreter with that paint and double its
time. A newer read supersedes an older one (its results are never delivered).

**The ids arrive as** :data:`Ids` (``array('q')``, 8 bytes an id), made on the reader
thread: read as a list, the ~950,000 ids of the Inbox at a million papers are 38 MB of
``int`` objects in the window's process, and the rows SQLite returned them in (a tuple
each) leave as much again of memory that Python keeps for itself when the ints outlive
them; the list and its tuples are dropped on the reader thread, as soon as it is read.
With every id of a big view comes its :class:`~ui.rowindex.RowIndex` (where each paper
is), sorted on the reader thread too, so the GUI thread finds a paper's row by a binary
search.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias, TypeVar

from PySide6.QtCore import QObject, QTimer

from reader.library import Library, PaperFilter, SortKey
from reader.ranking import for_you_ids, state
from ui.rowindex import RowIndex, row_index

if TYPE_CHECKING:
    from ui.operations import QueryRunner

T = TypeVar("T")
FIRST_IDS = 500
"""Ids read first when a view opens; the rest follow in a second read."""
REST_DELAY_MS = 60
"""How long after the first page arrives the rest of the ids are asked for."""
CHANNEL = "paper ids"
Ids: TypeAlias = "array[int]"
"""A view's ids in display order, 8 bytes each (``array('q')``)."""
Indexed: TypeAlias = tuple[Ids, RowIndex | None]
"""A view's ids and their row index (``None`` for a small view, or the first page)."""


def compact(ids: list[int]) -> Ids:
    """``ids`` as :data:`Ids` (the list can then be dropped)."""
    return array("q", ids)


def ranked_ids(library: Library, view: PaperFilter, limit: int | None) -> list[int]:
    """The "For you" ids: none while there is no model (no order to show), else by interest."""
    if state(library).fitted_at is None:
        return []
    return for_you_ids(library, view, limit=limit)


def ids_of(
    library: Library,
    view: PaperFilter,
    sort: SortKey,
    descending: bool,
    ranked: bool,
    limit: int | None,
    fixed: tuple[int, ...] | None = None,
) -> Ids:
    """The ids of ``view`` in display order (at most ``limit``); with ``fixed``, those
    papers in that order (the ones that still exist), whatever the sort."""
    if fixed is not None:
        return compact([row.id for row in library.rows(list(fixed[:limit]))])
    if ranked:
        return compact(ranked_ids(library, view, limit))
    return compact(library.paper_ids(view, sort, descending=descending, limit=limit))


def indexed(ids: Ids) -> Indexed:
    """``ids`` with their row index (on the thread that read them)."""
    return ids, row_index(ids)


class IdReader(QObject):
    """Reads ids for the list model; only the newest request's results arrive."""

    def __init__(
        self,
        library: Library,
        queries: QueryRunner | None,
        on_error: Callable[[BaseException], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._queries = queries
        self._on_error = on_error
        self._serial = 0
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_DELAY_MS)
        self._rest.timeout.connect(self._read_rest)
        self._pending_rest: Callable[[], None] | None = None

    def read(
        self,
        view: PaperFilter,
        sort: SortKey,
        descending: bool,
        ranked: bool,
        *,
        first_page: bool,
        first: Callable[[Ids, bool, RowIndex | None], None],
        rest: Callable[[Ids, RowIndex | None], None],
        fixed: tuple[int, ...] | None = None,
    ) -> None:
        """Read ``view``'s ids: ``first(ids, complete, index)``, then (if not complete)
        ``rest(all_ids, index)``. Without ``first_page`` every id is read at once. The
        ``index`` of a complete big view is made on the reader thread (:mod:`ui.rowindex`)."""
        self._serial += 1
        serial = self._serial
        self._rest.stop()
        self._pending_rest = None
        limit = FIRST_IDS if first_page else None

        def arrived(loaded: Indexed) -> None:
            if serial != self._serial:
                return
            ids, index = loaded
            complete = limit is None or len(ids) < limit
            if not complete:
                self._pending_rest = lambda: self._run(
                    lambda lib: indexed(ids_of(lib, view, sort, descending, ranked, None, fixed)),
                    lambda every: rest(*every) if serial == self._serial else None,
                )
            first(ids, complete, index)
            if not complete:
                if self._queries is None:
                    self._read_rest()  # inline reads (tools, tests): all at once
                else:
                    self._rest.start()

        self._run(
            lambda lib: indexed(ids_of(lib, view, sort, descending, ranked, limit, fixed)), arrived
        )

    def _read_rest(self) -> None:
        pending, self._pending_rest = self._pending_rest, None
        if pending is not None:
            pending()

    def _run(self, job: Callable[[Library], T], done: Callable[[T], None]) -> None:
        if self._queries is None:
            try:
                result = job(self._library)
            except Exception as exc:
                self._on_error(exc)
                return
            done(result)
            return
        self._queries.run(CHANNEL, job, done, self._on_error)
