"""The paper list's model: the ids of a view plus a lazy cache of light rows.

Following Anki's browser table model, :class:`PaperTableModel` holds only the ids of the
papers in the current view, in display order. A row's columns are fetched from the library
when a view first asks for them, a page (~200 rows) at a time, so opening a 100,000-paper
view reads 100,000 integers and one page of titles — never the abstracts. The ids are read
on the reader thread (a newer search supersedes an older one); after a write the model
drops only the changed rows from its cache, and re-reads the ids only when the change can
move papers in or out of the view or reorder it (SQLite sorts, Python never does). A read
that fails (a damaged library) is said once; the model shows the rows it can.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    Qt,
    Signal,
)

from reader.library import Changes, Library, PaperFilter, PaperRow, SortKey
from reader.query import compile_filter
from ui.cells import cell_data, header_data
from ui.columns import (
    EXTRA_COLUMNS,
    ITEM_FLAGS,
    ROLES_NEEDING_ROW,
    Column,
    Index,
    PaperIdRole,
    PaperRowRole,
    SortRole,
    extra_data,
    format_date,
    stars_text,
)
from ui.rowcache import RowCache
from ui.rowindex import RowFinder, RowIndex
from ui.rowspans import ids_in_spans, spans_of_rows
from ui.viewload import FIRST_IDS, IdReader, Ids, compact
from ui.views import RANKED_FIELDS, view_fields

if TYPE_CHECKING:
    from ui.operations import QueryRunner

log = logging.getLogger(__name__)


class PaperTableModel(QAbstractTableModel):
    """The papers of one view (a :class:`PaperFilter`), sorted by the library.

    With a :class:`~ui.operations.QueryRunner`, views load on the reader thread: the first
    :data:`FIRST_IDS` ids arrive first (:attr:`view_loaded`), the rest — and so the count —
    right after (:attr:`count_known`). Without one (tools and model tests) the reads run
    inline. Rows are read a page at a time on the GUI thread's read-only connection.

    Rows come from a :class:`~ui.rowcache.RowCache` (a page per miss, damage said once).
    """

    PAGE = RowCache.PAGE
    """Rows read from the library per cache miss."""
    FIRST_IDS = FIRST_IDS
    """Ids read first when a view opens; the rest follow in a second read."""
    BIG_CHANGE = 2000
    """A change to more rows than this repaints the whole list instead of row by row."""

    view_loaded = Signal(bool)
    """The first page of a view arrived: ``True`` for a new view or search, ``False`` for
    a refresh of the same view (after an edit, an import or a sort)."""
    count_known = Signal()
    """Every id of the view is known (the count in the heading is final)."""
    view_failed = Signal(object)
    """The library refused the view's query (an exception to show under the search)."""
    read_failed = Signal(str)
    """Rows could not be read (a damaged library): said once per distinct problem."""

    def __init__(
        self, library: Library, queries: QueryRunner | None = None, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._queries = queries
        self._view = PaperFilter()
        self._wanted = self._view  # the view last asked for (shown once it arrives)
        self._ranked = False  # the shown ids are "For you" (by interest), not a sort
        self._wanted_ranked = False
        self._fixed: tuple[int, ...] | None = None  # a list given in order ("More like …")
        self._sort = SortKey.ADDED
        self._descending = True
        self._ids: Ids = compact([])  # 8 bytes an id (ui.viewload)
        self._complete = True
        self._loading = False
        self._reader = IdReader(library, queries, self._view_error, self)
        self._cache = RowCache(library, self.read_failed.emit)
        self._rows = RowFinder()  # where each id is (ui.rowindex)
        self.switching_view = False
        """True while a new view replaces the ids (views need not keep a selection)."""
        self._active = False  # no query until the first set_view (sorting may come first)

    # ------------------------------------------------------------------ what is shown

    @property
    def view(self) -> PaperFilter:
        """The filter the shown ids come from."""
        return self._view

    @property
    def sort_key(self) -> SortKey:
        """The current sort key."""
        return self._sort

    @property
    def descending(self) -> bool:
        """Whether the current sort is descending."""
        return self._descending

    @property
    def loading(self) -> bool:
        """Whether a requested view (or the rest of its ids) has not arrived yet."""
        return self._loading

    @property
    def complete(self) -> bool:
        """Whether every id of the view has been read (not only the first page)."""
        return self._complete

    def ids(self) -> list[int]:
        """The ids shown, in display order (a copy)."""
        return list(self._ids)

    @property
    def ranked(self) -> bool:
        """Whether the ids shown are "For you" (by interest, the sort does not apply)."""
        return self._ranked

    def set_view(
        self, view: PaperFilter, *, ranked: bool = False, fixed: Sequence[int] | None = None
    ) -> None:
        """Show ``view``. Raises :class:`~reader.query.QueryError` for a bad search (no change).

        With ``ranked``, the view is "For you": untriaged inbox papers matching ``view``'s
        search, best match first (:func:`reader.ranking.for_you_ids`), none while there is
        no model (the list's empty text then says how to get one).

        The first :data:`FIRST_IDS` ids are read first and shown, then the rest: a
        100,000-paper view opens as fast as a small one, and the GUI thread never waits.

        With ``fixed``, the view shows those papers in that order (the ones that still
        exist), whatever the sort: "More like this" (:mod:`ui.interestview`).
        """
        compile_filter(view)  # a search that does not parse fails here, synchronously
        self._fixed = tuple(fixed) if fixed is not None else None
        self._wanted_ranked = ranked
        self._load(view, switched=True)

    def set_sort(self, key: SortKey, *, descending: bool) -> None:
        """Order by ``key``; the library sorts and the ids are re-read."""
        if key == self._sort and descending == self._descending:
            return
        self._sort = key
        self._descending = descending
        self.requery()

    def requery(self) -> bool:
        """Re-read the ids (papers added, or edits that move papers in or out of the view).

        The model resets only when the ids differ. Returns whether a read was started.
        """
        if not self._active:
            return False
        self._load(
            self._wanted,
            switched=self._wanted != self._view or self._wanted_ranked != self._ranked,
        )
        return True

    def _load(self, view: PaperFilter, *, switched: bool) -> None:
        self._wanted = view
        self._active = True
        fixed = self._fixed
        self._loading = True
        ranked = self._wanted_ranked

        def first(ids: Ids, complete: bool, index: RowIndex | None) -> None:
            self._view = view
            self._ranked = ranked
            self.switching_view = switched
            try:
                self._replace_ids(ids, index, complete=complete)
            finally:
                self.switching_view = False
            self._loading = not complete
            self.view_loaded.emit(switched)
            if complete:
                self.count_known.emit()

        def rest(ids: Ids, index: RowIndex | None) -> None:
            shown = len(self._ids)
            if len(ids) > shown and ids[:shown] == self._ids:
                self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
                self._ids = ids
                self._rows.show(ids, index)
                self.endInsertRows()
            else:
                self._replace_ids(ids, index, complete=True)
            self._complete = True
            self._loading = False
            self.count_known.emit()

        self._reader.read(
            view,
            self._sort,
            self._descending,
            ranked,
            first_page=switched,
            first=first,
            rest=rest,
            fixed=fixed,
        )

    def _view_error(self, exc: BaseException) -> None:
        self._loading = False
        if not isinstance(exc, Exception):
            raise exc
        log.warning("the view could not be read: %s", exc)
        self.view_failed.emit(exc)

    def _replace_ids(self, ids: Ids, index: RowIndex | None, *, complete: bool) -> bool:
        if complete and self._complete and ids == self._ids:
            return False
        self.beginResetModel()
        self._ids = ids
        self._rows.show(ids, index)
        self._complete = complete
        self.endResetModel()
        return True

    def on_changes(self, changes: Changes, _initiator: object = None) -> None:
        """The change bus: re-read the ids only when ``changes`` can move papers in or out
        of this view or reorder it; otherwise repaint the changed rows only.

        A saved note never moves papers while the user types (a search matching note
        words would otherwise make the paper being written vanish).
        """
        if changes.empty or not self._active:
            return
        note_only = (
            bool(changes.fields)
            and changes.fields <= {"note", "opened"}
            and not changes.papers_added
        )
        fields = RANKED_FIELDS if self._wanted_ranked else view_fields(self._wanted, self._sort)
        if (not note_only and changes.touches(*fields)) or (
            changes.tags and self._wanted.tag is not None and not changes.paper_ids
        ):
            self.requery()
        if changes.every_paper:  # a refit: the rows shown are read again, no id is tested
            self.invalidate()
        else:
            self.refresh(changes.paper_ids)

    def refresh(self, paper_ids: frozenset[int] | set[int]) -> None:
        """Forget the cached rows of ``paper_ids`` and tell the views to repaint them."""
        if len(paper_ids) > self.BIG_CHANGE:
            self.invalidate()
            return
        self._cache.forget(paper_ids)
        last = self.columnCount() - 1
        for top, bottom in spans_of_rows(self._rows.rows(paper_ids)):
            self.dataChanged.emit(self.index(top, 0), self.index(bottom, last))

    def invalidate(self) -> None:
        """Forget every cached row (a tag renamed on many papers, say) and repaint."""
        self._cache.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1)
            )

    def row_of(self, paper_id: int) -> int | None:
        """The row showing ``paper_id``, or ``None`` when the view does not hold it (a
        binary search in a big view's :class:`~ui.rowindex.RowIndex`, a scan in a small one)."""
        return self._rows.row(paper_id)

    def spans_of(self, ids: Collection[int]) -> list[tuple[int, int]]:
        """The rows showing ``ids``, as sorted inclusive ``(top, bottom)`` runs (one run,
        from one set comparison, when ``ids`` cover the whole view)."""
        if self._rows.covers(ids):
            return [(0, len(self._ids) - 1)]
        return spans_of_rows(self._rows.rows(ids))

    def ids_in_rows(self, spans: list[tuple[int, int]]) -> list[int]:
        """The ids of the rows in ``spans`` (inclusive ``(top, bottom)`` pairs), in row order."""
        return ids_in_spans(self._ids, spans)

    def paper_id(self, row: int) -> int | None:
        """The id shown at ``row``."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def paper_row(self, row: int) -> PaperRow | None:
        """The light record shown at ``row`` (read from the library when not cached)."""
        paper_id = self.paper_id(row)
        if paper_id is None:
            return None
        cached = self._cache.get(paper_id)
        if cached is None:
            self._cache.fetch(self._ids, row)
            cached = self._cache.get(paper_id)
        return cached

    def cached_count(self) -> int:
        """How many rows the cache holds."""
        return len(self._cache)

    @property
    def fetch_count(self) -> int:
        """How many times the model read rows from the library (it stays lazy)."""
        return self._cache.fetch_count

    @property
    def rows_fetched(self) -> int:
        """How many rows those reads returned."""
        return self._cache.rows_fetched

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Called once per row by "select all": a constant, not three enum operations.
        return ITEM_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return header_data(section, orientation, role, len(self._ids))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Most calls are for roles no cell shows (a repaint asks each cell for seven): they
        # are answered before the index is looked at.
        if role not in ROLES_NEEDING_ROW and role != PaperIdRole:
            return None
        row = index.row()
        if not 0 <= row < len(self._ids) or not index.isValid():
            return None
        if role == PaperIdRole:
            return self._ids[row]
        paper = self.paper_row(row)
        if paper is None:
            return None
        if role == PaperRowRole:
            return paper
        column = Column(index.column())
        if column in EXTRA_COLUMNS:  # read only when such a column is shown (painted)
            return extra_data(column, self._cache.extras(self._ids, row, paper.id), role)
        return cell_data(column, paper, self._cache.score(paper.id), role)

    def score(self, paper_id: int) -> float | None:
        """The match score of a cached row (``None``: not scored, or not read yet)."""
        return self._cache.score(paper_id)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = Column(column).sort_key if 0 <= column < len(Column) else None
        if key is None:
            return  # a column the library cannot order by yet: the list keeps its order
        self.set_sort(key, descending=order == Qt.SortOrder.DescendingOrder)


__all__ = [
    "Column",
    "PaperIdRole",
    "PaperRowRole",
    "PaperTableModel",
    "SortRole",
    "format_date",
    "stars_text",
]
