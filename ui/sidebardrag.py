"""Reordering the sidebar's saved views: drag one to its new place, or move it by keys.

:class:`SavedViewOrdering` is the sidebar tree's base: a saved view's item can be dragged
above or below another saved view (a line shows where it will go), and Alt+Shift+Up /
Alt+Shift+Down move the selected one a place. Nothing is moved here: the tree asks, with
:attr:`~SavedViewOrdering.reorder_views_requested` (the new order of ids) or
:attr:`~SavedViewOrdering.move_view_requested`, and the window writes it as an undoable
command; the sidebar is rebuilt from the library when the write arrives. Only saved views
move; dragging any other item does nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

MIME_TYPE = "application/x-papershelf-saved-view"
"""A dragged saved view: its id, as decimal text (only this window reads it)."""


class SavedViewOrdering(QTreeView):
    """A tree whose saved views reorder by drag and drop and by keys (see the module)."""

    move_view_requested = Signal(int, int)
    """The id of a saved view and the step (-1 up, 1 down)."""
    reorder_views_requested = Signal(int, list, list)
    """A drop: the dragged view's id, the views' ids in their new order, and in the old."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(False)  # the line of :meth:`paintEvent` shows where
        self._drop_row: int | None = None
        self.move_up_action = self._move_action("Move View Up", "Alt+Shift+Up", -1)
        self.move_down_action = self._move_action("Move View Down", "Alt+Shift+Down", 1)

    # ------------------------------------------------------------------ for the sidebar

    def saved_view_id(self, index: QModelIndex) -> int | None:
        """The saved view ``index`` is, if it is one (the sidebar says)."""
        raise NotImplementedError

    def saved_view_indexes(self) -> list[QModelIndex]:
        """The saved views' items, in their order (the sidebar says)."""
        raise NotImplementedError

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """The sidebar's own keys, for the Shortcuts dialog."""
        return [
            (a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text())
            for a in (self.move_up_action, self.move_down_action)
        ]

    # ------------------------------------------------------------------ keys

    def _move_action(self, text: str, keys: str, step: int) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda: self._move_current(step))
        self.addAction(action)
        return action

    def _move_current(self, step: int) -> None:
        view_id = self.saved_view_id(self.currentIndex())
        if view_id is not None:
            self.move_view_requested.emit(view_id, step)

    # ------------------------------------------------------------------ dragging

    def drag_data(self, index: QModelIndex) -> QMimeData | None:
        """What dragging ``index`` carries: a saved view's id; ``None`` for other items."""
        view_id = self.saved_view_id(index)
        if view_id is None:
            return None
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray(str(view_id).encode("ascii")))
        return mime

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        mime = self.drag_data(self.currentIndex())
        if mime is None:
            return  # only saved views move
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.MoveAction)
        self._set_drop_row(None)

    def drop_row(self, pos: QPoint) -> int | None:
        """Where a saved view dropped at ``pos`` (viewport coordinates) would go: its new
        place among the saved views, or ``None`` away from them."""
        items = self.saved_view_indexes()
        if not items:
            return None
        rects = [self.visualRect(index) for index in items]
        top, bottom = rects[0].top(), rects[-1].bottom()
        slack = rects[0].height()  # the section's header above, a little space below
        if not top - slack <= pos.y() <= bottom + slack:
            return None
        return sum(1 for rect in rects if pos.y() > rect.center().y())

    def dropped_order(self, view_id: int, row: int) -> list[int]:
        """The saved views' ids with ``view_id`` moved to place ``row`` (as dropped)."""
        ids = self._saved_ids()
        if view_id not in ids:
            return ids
        place = ids.index(view_id)
        ids.pop(place)
        ids.insert(row - 1 if row > place else row, view_id)
        return ids

    def _saved_ids(self) -> list[int]:
        ids = (self.saved_view_id(index) for index in self.saved_view_indexes())
        return [i for i in ids if i is not None]

    @staticmethod
    def _dragged_id(mime: QMimeData | None) -> int | None:
        if mime is None or not mime.hasFormat(MIME_TYPE):
            return None
        text = bytes(mime.data(MIME_TYPE).data()).decode("ascii", "replace")
        return int(text) if text.isdigit() else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dragged_id(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)  # scrolls the tree near its edges; the rest is ours
        row = self.drop_row(event.position().toPoint())
        if self._dragged_id(event.mimeData()) is None or row is None:
            self._set_drop_row(None)
            event.ignore()
            return
        self._set_drop_row(row)
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_row(None)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        view_id = self._dragged_id(event.mimeData())
        row = self.drop_row(event.position().toPoint())
        self._set_drop_row(None)
        if view_id is None or row is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)  # the drag's source removes nothing
        event.accept()
        before = self._saved_ids()
        order = self.dropped_order(view_id, row)
        if order != before:
            self.reorder_views_requested.emit(view_id, order, before)

    # ------------------------------------------------------------------ the drop line

    def _set_drop_row(self, row: int | None) -> None:
        if row != self._drop_row:
            self._drop_row = row
            self.viewport().update()

    def _drop_line(self) -> QRect | None:
        items = self.saved_view_indexes()
        if self._drop_row is None or not items:
            return None
        if self._drop_row < len(items):
            y = self.visualRect(items[self._drop_row]).top()
        else:
            y = self.visualRect(items[-1]).bottom() + 1
        left = self.visualRect(items[0]).left()
        return QRect(left, y - 1, self.viewport().width() - left - 4, 2)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        line = self._drop_line()
        if line is not None:
            painter = QPainter(self.viewport())
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.drawLine(line.left(), line.center().y(), line.right(), line.center().y())
