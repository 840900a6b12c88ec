"""The paper list view: a table over :class:`~ui.models.PaperTableModel`.

It keeps the selection by paper id when the model re-reads its ids (a sort, a search, an
import, a paper triaged out of the Inbox — then the next paper is selected, as mail
clients do), paints a hint when the view is empty, and reads the selected ids from the
selection ranges (so Ctrl+A on 100,000 rows does not build 100,000 indexes).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QItemSelectionRange,
    QPoint,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from ui.columnfit import ColumnFitter
from ui.delegates import RatingDelegate, TagsDelegate, TitleDelegate
from ui.models import Column, PaperTableModel

DEFAULT_WIDTHS = {
    Column.RATING: 84,
    Column.TAGS: 120,
    Column.PUBLISHED: 96,
    Column.ADDED: 96,
    Column.COMMENTS: 78,
    Column.STATUS: 76,
    Column.MATCH: 64,
    Column.YEAR: 56,
    Column.AUTHORS: 130,
    Column.UPVOTES: 70,
    Column.ARXIV: 96,
}
HIDDEN_BY_DEFAULT = (
    Column.ADDED,
    Column.COMMENTS,
    Column.STATUS,
    Column.MATCH,
    Column.YEAR,
    Column.AUTHORS,
    Column.UPVOTES,
    Column.ARXIV,
)
"""Columns off until the user turns them on (right-click the header): the list stays readable
at the default window size."""
MAX_SPANS = 200
"""At most this many separate runs of rows are selected by id (see :meth:`select_ids`)."""


class PaperListView(QTableView):
    """The list of papers; emits :attr:`selection_changed_ids` with the selected ids."""

    selection_changed_ids = Signal(object)
    """The selected paper ids, in display order (empty for none)."""

    def __init__(self, model: PaperTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setModel(model)
        self.empty_text = "No papers here."
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSortingEnabled(True)
        self.setTabKeyNavigation(False)  # Tab leaves the list (for the detail), not the cell
        self.setMouseTracking(True)
        self.setFrameShape(QTableView.Shape.NoFrame)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAccessibleName("Papers")
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(40)
        for column, width in DEFAULT_WIDTHS.items():
            header.resizeSection(column, width)
        for column in HIDDEN_BY_DEFAULT:
            header.setSectionHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setSortIndicator(Column.ADDED, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        # The header gets a selection of its own (always empty): with the list's, every
        # repaint after Ctrl+A on 100,000 rows asked each row whether its column is selected.
        header.setSelectionModel(QItemSelectionModel(model, header))
        self._sorted_by = (Column.ADDED, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.fitter = ColumnFitter(self, DEFAULT_WIDTHS)
        """Which wanted columns are shown: as many as the list's width allows."""

        self.rating_delegate = RatingDelegate(self)
        self.setItemDelegateForColumn(Column.TITLE, TitleDelegate(self))
        self.setItemDelegateForColumn(Column.RATING, self.rating_delegate)
        self.setItemDelegateForColumn(Column.TAGS, TagsDelegate(self))

        self._saved: tuple[int | None, list[int], int] | None = None
        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._restore_selection)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self._quiet = False

    # ------------------------------------------------------------------ selection by id

    def selected_ids(self) -> list[int]:
        """The selected papers' ids in display order."""
        selection = self.selectionModel().selection()
        spans = [(selection.at(n).top(), selection.at(n).bottom()) for n in range(selection.size())]
        return self._model.ids_in_rows(spans)

    def current_id(self) -> int | None:
        """The id of the current (focused) row."""
        index = self.currentIndex()
        return self._model.paper_id(index.row()) if index.isValid() else None

    def select_ids(self, ids: list[int], current: int | None = None) -> bool:
        """Select the rows of ``ids`` (those in the view); ``current`` gets the focus.

        Returns whether anything was selected. Every row of the view is one range, found
        without a look-up per id; ids scattered over more than :data:`MAX_SPANS` separate
        runs of rows are not selected (Qt's selection model takes seconds over thousands
        of ranges, and as long again to clear them): the caller keeps what it had.
        """
        spans = self._model.spans_of(ids)
        if len(spans) > MAX_SPANS:
            return False
        current_row = self._model.row_of(current) if current is not None else None
        return self._select_spans(spans, current_row)

    def select_row(self, row: int) -> None:
        """Select the single row ``row`` (clamped to the list), or nothing in an empty list."""
        count = self._model.rowCount()
        if count == 0:
            self.clearSelection()
            self._selection_changed()
            return
        row = max(0, min(row, count - 1))
        self._select_spans([(row, row)], row)

    def _select_spans(self, spans: list[tuple[int, int]], current_row: int | None) -> bool:
        selection = QItemSelection()
        last = self._model.columnCount() - 1
        for top, bottom in spans:
            selection.append(
                QItemSelectionRange(self._model.index(top, 0), self._model.index(bottom, last))
            )
        if current_row is None and spans:
            current_row = spans[0][0]
        self._quiet = True
        try:
            model = self.selectionModel()
            if current_row is not None:
                model.setCurrentIndex(
                    self._model.index(current_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
                )
            model.select(
                selection,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._quiet = False
        if current_row is not None:
            self.scrollTo(self._model.index(current_row, 0))
        self._selection_changed()
        return bool(spans)

    def move_current(self, step: int) -> None:
        """Select the paper ``step`` rows below (above, negative) the current one."""
        index = self.currentIndex()
        row = index.row() + step if index.isValid() else 0
        self.select_row(row)

    def _remember_selection(self) -> None:
        if self._model.switching_view:
            self._saved = None
            return
        index = self.currentIndex()
        self._saved = (
            self.current_id(),
            self.selected_ids(),
            index.row() if index.isValid() else -1,
        )

    def _restore_selection(self) -> None:
        saved, self._saved = self._saved, None
        if saved is None:
            return
        current, selected, row = saved
        if selected and self.select_ids(selected, current):
            return
        if row >= 0:
            self.select_row(row)  # the paper left the view: its successor takes its place
        else:
            self._selection_changed()

    def _selection_changed(self, *_args: object) -> None:
        if not self._quiet:
            self.selection_changed_ids.emit(self.selected_ids())

    def _sort_indicator_changed(self, section: int, order: Qt.SortOrder) -> None:
        """A column the library cannot order by keeps the indicator where the order is."""
        if 0 <= section < len(Column) and Column(section).sort_key is not None:
            self._sorted_by = (Column(section), order)
            return
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(*self._sorted_by)
        header.blockSignals(False)

    def set_column_wanted(self, column: Column, wanted: bool) -> None:
        """Turn a column on or off (shown when it fits: :class:`ColumnFitter`)."""
        self.fitter.set_wanted(column, wanted)

    def _header_menu(self, pos: QPoint) -> None:
        header = self.horizontalHeader()
        menu = QMenu(self)
        for column in Column:
            if column is Column.TITLE:
                continue
            action = menu.addAction(column.label)
            action.setCheckable(True)
            action.setChecked(column in self.fitter.wanted())
            action.toggled.connect(lambda shown, c=column: self.set_column_wanted(c, shown))
        menu.exec(header.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(24, 40, -24, -24)
            painter.drawText(
                QRect(area),
                int(
                    Qt.AlignmentFlag.AlignHCenter
                    | Qt.AlignmentFlag.AlignTop
                    | Qt.TextFlag.TextWordWrap
                ),
                self.empty_text,
            )
            painter.end()
