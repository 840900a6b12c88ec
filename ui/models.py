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
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    Qt,
    Signal,
)

from reader.library import Changes, Library, PaperFilter, PaperRow, SortKey, Status
from reader.library.row_extras import RowExtras, row_extras
from reader.query import compile_filter
from reader.ranking import for_you_ids, scores, state
from ui.columns import (
    EXTRA_COLUMNS,
    ITEM_FLAGS,
    MUTED_COLUMNS,
    ROLES_NEEDING_ROW,
    Column,
    Index,
    PaperIdRole,
    PaperRowRole,
    SortRole,
    display,
    extra_data,
    format_date,
    match_text,
    match_tooltip,
    muted_color,
    sort_value,
    stars_text,
    tooltip,
)
from ui.views import RANKED_FIELDS, view_fields

if TYPE_CHECKING:
    from ui.operations import QueryRunner

T = TypeVar("T")
log = logging.getLogger(__name__)


def _ranked_ids(library: Library, view: PaperFilter, limit: int | None) -> list[int]:
    """The "For you" ids: none while there is no model (no order to show), else by interest."""
    if state(library).fitted_at is None:
        return []
    return for_you_ids(library, view, limit=limit)


class PaperTableModel(QAbstractTableModel):
    """The papers of one view (a :class:`PaperFilter`), sorted by the library.

    With a :class:`~ui.operations.QueryRunner`, views load on the reader thread: the first
    :data:`FIRST_IDS` ids arrive first (:attr:`view_loaded`), the rest — and so the count —
    right after (:attr:`count_known`). Without one (tools and model tests) the reads run
    inline. Rows are read a page at a time on the GUI thread's read-only connection.

    ``fetch_count`` counts the library ``rows()`` calls the model made (a hook for tests and
    benchmarks that check the model stays lazy); ``rows_fetched`` counts the rows they read.
    """

    PAGE = 200
    """Rows read from the library per cache miss."""
    MAX_CACHE = 20_000
    """Cached rows before the cache is emptied (bounds memory on long scrolls)."""
    FIRST_IDS = 500
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
        self._sort = SortKey.ADDED
        self._descending = True
        self._ids: list[int] = []
        self._complete = True
        self._loading = False
        self._serial = 0
        self._rows: dict[int, PaperRow] = {}
        self._scores: dict[int, float] = {}  # match scores of the cached rows (none: unscored)
        self._extras: dict[int, RowExtras] = {}  # authors, upvotes, arXiv id (ui19's columns)
        self._positions: dict[int, int] | None = None
        self._lookups = 0
        self._problems: set[str] = set()
        self.switching_view = False
        """True while a new view replaces the ids (views need not keep a selection)."""
        self._active = False  # no query until the first set_view (sorting may come first)
        self.fetch_count = 0
        self.rows_fetched = 0

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

    def set_view(self, view: PaperFilter, *, ranked: bool = False) -> None:
        """Show ``view``. Raises :class:`~reader.query.QueryError` for a bad search (no change).

        With ``ranked``, the view is "For you": untriaged inbox papers matching ``view``'s
        search, best match first (:func:`reader.ranking.for_you_ids`), none while there is
        no model (the list's empty text then says how to get one).

        The first :data:`FIRST_IDS` ids are read first and shown, then the rest: a
        100,000-paper view opens as fast as a small one, and the GUI thread never waits.
        """
        compile_filter(view)  # a search that does not parse fails here, synchronously
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

    def _read(self, channel: str, job: Callable[[Library], T], done: Callable[[T], None]) -> None:
        if self._queries is None:
            try:
                result = job(self._library)
            except Exception as exc:
                self._view_error(exc)
                return
            done(result)
            return
        self._queries.run(channel, job, done, self._view_error)

    def _load(self, view: PaperFilter, *, switched: bool) -> None:
        self._serial += 1
        serial = self._serial
        self._wanted = view
        self._active = True
        sort, descending, ranked = self._sort, self._descending, self._wanted_ranked
        self._loading = True
        limit = self.FIRST_IDS if switched else None

        def ids_of(library: Library, limit: int | None) -> list[int]:
            if ranked:
                return _ranked_ids(library, view, limit)
            return library.paper_ids(view, sort, descending=descending, limit=limit)

        def job(library: Library) -> list[int]:
            return ids_of(library, limit)

        def arrived(ids: list[int]) -> None:
            if serial != self._serial:
                return
            complete = limit is None or len(ids) < limit
            self._view = view
            self._ranked = ranked
            self._active = True
            self.switching_view = switched
            try:
                self._replace_ids(ids, complete=complete)
            finally:
                self.switching_view = False
            if complete:
                self._loading = False
            else:
                self._read("paper ids", lambda lib: ids_of(lib, None), rest)
            self.view_loaded.emit(switched)
            if complete:
                self.count_known.emit()

        def rest(ids: list[int]) -> None:
            if serial != self._serial:
                return
            shown = len(self._ids)
            if len(ids) > shown and ids[:shown] == self._ids:
                self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
                self._ids = ids
                self._positions = None
                self.endInsertRows()
            else:
                self._replace_ids(ids, complete=True)
            self._complete = True
            self._loading = False
            self.count_known.emit()

        self._read("paper ids", job, arrived)

    def _view_error(self, exc: BaseException) -> None:
        self._loading = False
        if not isinstance(exc, Exception):
            raise exc
        log.warning("the view could not be read: %s", exc)
        self.view_failed.emit(exc)

    def _replace_ids(self, ids: list[int], *, complete: bool) -> bool:
        if complete and self._complete and ids == self._ids:
            return False
        self.beginResetModel()
        self._ids = ids
        self._complete = complete
        self._positions = None
        self._lookups = 0
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
        self.refresh(changes.paper_ids)

    def refresh(self, paper_ids: frozenset[int] | set[int]) -> None:
        """Forget the cached rows of ``paper_ids`` and tell the views to repaint them."""
        if len(paper_ids) > self.BIG_CHANGE:
            self.invalidate()
            return
        rows: list[int] = []
        for paper_id in paper_ids:
            self._rows.pop(paper_id, None)
            self._scores.pop(paper_id, None)
            self._extras.pop(paper_id, None)
            row = self.row_of(paper_id)
            if row is not None:
                rows.append(row)
        if not rows:
            return
        last = self.columnCount() - 1
        rows.sort()
        start = previous = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == previous + 1:
                previous = row
                continue
            self.dataChanged.emit(self.index(start, 0), self.index(previous, last))
            if row is not None:
                start = previous = row

    def invalidate(self) -> None:
        """Forget every cached row (a tag renamed on many papers, say) and repaint."""
        self._rows.clear()
        self._scores.clear()
        self._extras.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1)
            )

    def row_of(self, paper_id: int) -> int | None:
        """The row showing ``paper_id``, or ``None`` when the view does not hold it.

        The first few look-ups scan the id list (fast, in C); a map from id to row is built
        only when many are asked for (restoring a big selection).
        """
        if self._positions is not None:
            return self._positions.get(paper_id)
        self._lookups += 1
        if self._lookups <= 16:
            try:
                return self._ids.index(paper_id)
            except ValueError:
                return None
        self._positions = {pid: row for row, pid in enumerate(self._ids)}
        return self._positions.get(paper_id)

    def ids_in_rows(self, spans: list[tuple[int, int]]) -> list[int]:
        """The ids of the rows in ``spans`` (inclusive ``(top, bottom)`` pairs), in row order."""
        merged: list[list[int]] = []
        for top, bottom in sorted(spans):
            if merged and top <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], bottom)
            else:
                merged.append([top, bottom])
        ids: list[int] = []
        for top, bottom in merged:
            ids.extend(self._ids[max(top, 0) : bottom + 1])
        return ids

    def paper_id(self, row: int) -> int | None:
        """The id shown at ``row``."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def paper_row(self, row: int) -> PaperRow | None:
        """The light record shown at ``row`` (read from the library when not cached)."""
        paper_id = self.paper_id(row)
        if paper_id is None:
            return None
        cached = self._rows.get(paper_id)
        if cached is None:
            self._fetch_page(row)
            cached = self._rows.get(paper_id)
        return cached

    def cached_count(self) -> int:
        """How many rows the cache holds."""
        return len(self._rows)

    def _fetch_page(self, row: int) -> None:
        start = max(0, row - self.PAGE // 4)
        stop = min(len(self._ids), start + self.PAGE)
        wanted = [pid for pid in self._ids[start:stop] if pid not in self._rows]
        if len(self._rows) + len(wanted) > self.MAX_CACHE:
            self._rows.clear()
            self._scores.clear()
            self._extras.clear()
            wanted = self._ids[start:stop]
        self.fetch_count += 1
        try:
            fetched = self._library.rows(wanted)
        except Exception as exc:  # a model never raises into Qt: the rows it can, once said
            self._problem(exc)
            fetched = self._rows_one_by_one(wanted)
        self.rows_fetched += len(fetched)
        try:
            self._scores.update(scores(self._library, wanted))
        except Exception as exc:  # the Match column stays empty; the rows still show
            self._problem(exc)
        try:
            self._extras.update(row_extras(self._library, wanted))
        except Exception as exc:  # the Authors, Upvotes and arXiv columns stay empty
            self._problem(exc)
        for paper in fetched:
            self._rows[paper.id] = paper

    def _rows_one_by_one(self, ids: list[int]) -> list[PaperRow]:
        rows: list[PaperRow] = []
        for paper_id in ids:
            try:
                rows.extend(self._library.rows([paper_id]))
            except Exception:
                rows.append(_unreadable(paper_id))
        return rows

    def _problem(self, exc: BaseException) -> None:
        message = str(exc) or type(exc).__name__
        log.warning("rows of the list could not be read: %s", message)
        if message not in self._problems:
            self._problems.add(message)
            self.read_failed.emit(message)

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
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            column = Column(section)
            if role == Qt.ItemDataRole.DisplayRole:
                return column.label
            if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.COMMENTS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if (
            orientation == Qt.Orientation.Vertical
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._ids)
        ):
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == PaperIdRole:
            return self.paper_id(index.row())
        if role not in ROLES_NEEDING_ROW:
            return None
        paper = self.paper_row(index.row())
        if paper is None:
            return None
        if role == PaperRowRole:
            return paper
        column = Column(index.column())
        if column is Column.MATCH:
            return self._match_data(paper.id, role)
        if column in EXTRA_COLUMNS:
            return extra_data(column, self._extras.get(paper.id), role)
        if role == Qt.ItemDataRole.DisplayRole:
            return display(column, paper)
        if role == SortRole:
            return sort_value(column, paper)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(column, paper)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column is Column.RATING:
                return f"{paper.rating} stars" if paper.rating else "unrated"
            return display(column, paper)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column is Column.COMMENTS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column in MUTED_COLUMNS:
            return muted_color()
        return None

    def _match_data(self, paper_id: int, role: int) -> Any:
        score = self._scores.get(paper_id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return match_text(score)
        if role == SortRole:
            return score
        if role == Qt.ItemDataRole.ToolTipRole:
            return match_tooltip(score)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return muted_color()
        return None

    def score(self, paper_id: int) -> float | None:
        """The match score of a cached row (``None``: not scored, or not read yet)."""
        return self._scores.get(paper_id)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = Column(column).sort_key if 0 <= column < len(Column) else None
        if key is None:
            return  # a column the library cannot order by yet: the list keeps its order
        self.set_sort(key, descending=order == Qt.SortOrder.DescendingOrder)


def _unreadable(paper_id: int) -> PaperRow:
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


__all__ = [
    "Column",
    "PaperIdRole",
    "PaperRowRole",
    "PaperTableModel",
    "SortRole",
    "format_date",
    "stars_text",
]
