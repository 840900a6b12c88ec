"""The paper list's model: the ids of a view plus a lazy cache of light rows.

Following Anki's browser table model, :class:`PaperTableModel` holds only the ids of the
papers in the current view, in display order. A row's columns are fetched from the library
when a view first asks for them, a page (~200 rows) at a time, so opening a 100,000-paper
view reads 100,000 integers and one page of titles — never the abstracts. After a write the
model drops only the changed rows from its cache; sorting and searching re-query the ids
(SQLite sorts, Python never does).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from reader.library import Library, PaperFilter, PaperRow, SortKey
from ui.tooltips import plain_tooltip

Index = QModelIndex | QPersistentModelIndex

SortRole = Qt.ItemDataRole.UserRole + 1
"""The raw value a column sorts by (a date, an int, a string)."""
PaperIdRole = Qt.ItemDataRole.UserRole + 2
"""The paper's id (int)."""
PaperRowRole = Qt.ItemDataRole.UserRole + 3
"""The whole :class:`~reader.library.PaperRow` (for delegates and the window)."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Column(IntEnum):
    """The list's columns, in their default order."""

    TITLE = 0
    RATING = 1
    TAGS = 2
    PUBLISHED = 3
    ADDED = 4
    COMMENTS = 5
    STATUS = 6

    @property
    def label(self) -> str:
        """The header text."""
        return _LABELS[self]

    @property
    def sort_key(self) -> SortKey:
        """What the library orders by for this column."""
        return SortKey(self.name.lower())


_LABELS = {
    Column.TITLE: "Title",
    Column.RATING: "Rating",
    Column.TAGS: "Tags",
    Column.PUBLISHED: "Published",
    Column.ADDED: "Added",
    Column.COMMENTS: "Comments",
    Column.STATUS: "Status",
}


def format_date(value: date | None) -> str:
    """``Jan 30, 2026`` — the way the digests write dates; empty for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone().date()
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def stars_text(rating: int) -> str:
    """``★★★☆☆`` for a rating of 3; empty for unrated."""
    return "★" * rating + "☆" * (5 - rating) if rating else ""


class PaperTableModel(QAbstractTableModel):
    """The papers of one view (a :class:`PaperFilter`), sorted by the library.

    ``fetch_count`` counts the library ``rows()`` calls the model made (a hook for tests and
    benchmarks that check the model stays lazy); ``rows_fetched`` counts the rows they read.
    """

    PAGE = 200
    """Rows read from the library per cache miss."""
    MAX_CACHE = 20_000
    """Cached rows before the cache is emptied (bounds memory on long scrolls)."""
    FIRST_IDS = 500
    """Ids read when a view opens; the rest follow :data:`REST_DELAY_MS` later."""
    REST_DELAY_MS = 300
    """Long enough for the first page to be painted first; scrolling past it sooner reads
    the rest at once."""

    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self._library = library
        self._view = PaperFilter()
        self._sort = SortKey.ADDED
        self._descending = True
        self._ids: list[int] = []
        self._total = 0
        self._complete = True
        self._completion = QTimer(self)
        self._completion.setSingleShot(True)
        self._completion.setInterval(self.REST_DELAY_MS)
        self._completion.timeout.connect(self._complete_later)
        self._rows: dict[int, PaperRow] = {}
        self._positions: dict[int, int] | None = None
        self._lookups = 0
        self.switching_view = False
        """True while :meth:`set_view` replaces the ids (views need not keep a selection)."""
        self._active = False  # no query until the first set_view (sorting may come first)
        self.fetch_count = 0
        self.rows_fetched = 0

    # ------------------------------------------------------------------ what is shown

    @property
    def view(self) -> PaperFilter:
        """The filter the ids come from."""
        return self._view

    @property
    def sort_key(self) -> SortKey:
        """The current sort key."""
        return self._sort

    @property
    def descending(self) -> bool:
        """Whether the current sort is descending."""
        return self._descending

    def ids(self) -> list[int]:
        """The ids shown, in display order (a copy)."""
        self._ensure_ids()
        return list(self._ids)

    @property
    def complete(self) -> bool:
        """Whether every id of the view has been read (not only the first page)."""
        return self._complete

    def set_view(self, view: PaperFilter) -> None:
        """Show ``view``. Raises :class:`~reader.query.QueryError` for a bad search (no change).

        The first :data:`FIRST_IDS` ids and the count are read now, the other ids right after
        the first page is painted: a 100,000-paper view opens as fast as a small one.
        """
        first = self._library.paper_ids(
            view, self._sort, descending=self._descending, limit=self.FIRST_IDS
        )
        total = len(first) if len(first) < self.FIRST_IDS else self._library.count(view)
        self._view = view
        self._active = True
        self.switching_view = True  # views do not carry their selection into the next view
        try:
            self._replace_ids(first, total)
        finally:
            self.switching_view = False

    def set_sort(self, key: SortKey, *, descending: bool) -> None:
        """Order by ``key``; the library sorts and the ids are re-read."""
        if key == self._sort and descending == self._descending:
            return
        self._sort = key
        self._descending = descending
        self.requery()

    def requery(self) -> bool:
        """Re-read the ids (papers added, or edits that move papers in or out of the view).

        The model resets only when the ids differ; returns whether they did.
        """
        if not self._active:
            return False
        ids = self._library.paper_ids(self._view, self._sort, descending=self._descending)
        return self._replace_ids(ids, len(ids))

    def _replace_ids(self, ids: list[int], total: int) -> bool:
        complete = len(ids) >= total
        if complete and self._complete and ids == self._ids:
            return False
        self._completion.stop()
        self.beginResetModel()
        self._ids = ids
        self._total = len(ids) if complete else total
        self._complete = complete
        self._positions = None
        self._lookups = 0
        self.endResetModel()
        if not complete:
            self._completion.start()
        return True

    def _read_rest(self) -> list[int] | None:
        """All the view's ids if they extend the first page; ``None`` if the view changed."""
        ids = self._library.paper_ids(self._view, self._sort, descending=self._descending)
        if len(ids) == self._total and ids[: len(self._ids)] == self._ids:
            return ids
        return None

    def _ensure_ids(self) -> bool:
        """Read the rest of the ids now (someone needs them); False if that must wait."""
        if self._complete:
            return True
        ids = self._read_rest()
        if ids is None:  # the library changed meanwhile: the timer resets the model
            self._completion.start()
            return False
        self._completion.stop()
        self._ids = ids
        self._complete = True
        self._positions = None
        return True

    def _complete_later(self) -> None:
        if self._complete:
            return
        ids = self._read_rest()
        if ids is None:
            self.requery()
            return
        self._ids = ids
        self._complete = True
        self._positions = None

    def refresh(self, paper_ids: frozenset[int] | set[int]) -> None:
        """Forget the cached rows of ``paper_ids`` and tell the views to repaint them."""
        rows: list[int] = []
        for paper_id in paper_ids:
            self._rows.pop(paper_id, None)
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
        if self._total:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self._total - 1, self.columnCount() - 1)
            )

    def row_of(self, paper_id: int) -> int | None:
        """The row showing ``paper_id``, or ``None`` when the view does not hold it.

        The first few look-ups scan the id list (fast, in C; the first page before the rest
        is read); a map from id to row is built only when many are asked for (restoring a
        big selection).
        """
        if self._positions is not None:
            return self._positions.get(paper_id)
        self._lookups += 1
        if self._lookups <= 16 or not self._complete:
            try:
                return self._ids.index(paper_id)
            except ValueError:
                if self._complete or not self._ensure_ids():
                    return None
            if self._lookups <= 16:
                try:
                    return self._ids.index(paper_id)
                except ValueError:
                    return None
        self._positions = {pid: row for row, pid in enumerate(self._ids)}
        return self._positions.get(paper_id)

    def ids_in_rows(self, spans: list[tuple[int, int]]) -> list[int]:
        """The ids of the rows in ``spans`` (inclusive ``(top, bottom)`` pairs), in row order."""
        if any(bottom >= len(self._ids) for _, bottom in spans):
            self._ensure_ids()
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
        if row >= len(self._ids):
            self._ensure_ids()
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
        if row + self.PAGE > len(self._ids):
            self._ensure_ids()
        start = max(0, row - self.PAGE // 4)
        stop = min(len(self._ids), start + self.PAGE)
        wanted = [pid for pid in self._ids[start:stop] if pid not in self._rows]
        if len(self._rows) + len(wanted) > self.MAX_CACHE:
            self._rows.clear()
            wanted = self._ids[start:stop]
        self.fetch_count += 1
        fetched = self._library.rows(wanted)
        self.rows_fetched += len(fetched)
        for paper in fetched:
            self._rows[paper.id] = paper

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Called once per row by "select all": a constant, not three enum operations.
        return _ITEM_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

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
            and 0 <= section < self._total
        ):
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._total:
            return None
        if role == PaperIdRole:
            return self.paper_id(index.row())
        if role not in _ROLES_NEEDING_ROW:
            return None
        paper = self.paper_row(index.row())
        if paper is None:
            return None
        if role == PaperRowRole:
            return paper
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(column, paper)
        if role == SortRole:
            return _sort_value(column, paper)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(column, paper)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column is Column.RATING:
                return f"{paper.rating} stars" if paper.rating else "unrated"
            return _display(column, paper)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column is Column.COMMENTS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column in _MUTED_COLUMNS:
            return _muted_color()
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self.set_sort(Column(column).sort_key, descending=order == Qt.SortOrder.DescendingOrder)


_ITEM_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_ROLES_NEEDING_ROW = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        SortRole,
        PaperRowRole,
    }
)
_MUTED_COLUMNS = frozenset({Column.PUBLISHED, Column.ADDED, Column.COMMENTS, Column.STATUS})


def _muted_color() -> QColor:
    palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)


def _display(column: Column, paper: PaperRow) -> str:
    if column is Column.TITLE:
        return paper.title
    if column is Column.RATING:
        return stars_text(paper.rating)
    if column is Column.TAGS:
        return ", ".join(paper.tags)
    if column is Column.PUBLISHED:
        return format_date(paper.published)
    if column is Column.ADDED:
        return format_date(paper.first_seen)
    if column is Column.COMMENTS:
        return "" if paper.comments is None else str(paper.comments)
    return paper.status.label


def _sort_value(column: Column, paper: PaperRow) -> object:
    if column is Column.TITLE:
        return paper.title
    if column is Column.RATING:
        return paper.rating
    if column is Column.TAGS:
        return ", ".join(paper.tags)
    if column is Column.PUBLISHED:
        return paper.published
    if column is Column.ADDED:
        return paper.first_seen
    if column is Column.COMMENTS:
        return paper.comments
    return paper.status.value


def _tooltip(column: Column, paper: PaperRow) -> str | None:
    if column is Column.TITLE:
        who = paper.organization or (
            f"{paper.authors_count} authors" if paper.authors_count is not None else ""
        )
        return plain_tooltip(paper.title + (f"\n{who}" if who else ""))
    if column is Column.TAGS and paper.tags:
        return plain_tooltip(", ".join(paper.tags))
    if column is Column.RATING:
        return f"{paper.rating} of 5 stars" if paper.rating else "Not rated (press 1–5)"
    if column is Column.ADDED:
        return paper.first_seen.astimezone().strftime("%Y-%m-%d %H:%M")
    return None
