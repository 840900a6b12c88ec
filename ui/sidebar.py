"""The sidebar: reading views with counts, saved views, tags, and the import log (digests).

The items are :class:`~ui.sidebarmodel.SidebarModel`'s (re-exported here with their roles).
:class:`SidebarView` paints counts right-aligned (:class:`SidebarDelegate`), keeps the
selection by key across refreshes, reorders saved views (:mod:`ui.sidebardrag`) and offers
the tag, saved-view and digest actions in context menus; the window carries them out.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from reader.library import DigestRecord
from ui.sidebardrag import SavedViewOrdering
from ui.sidebarmodel import (
    CountRole,
    DigestRole,
    FailedRole,
    SavedViewRole,
    SectionRole,
    ShowAllRole,
    SidebarModel,
    ViewKeyRole,
    digest_label,
    digest_tooltip,
)
from ui.style import FAILED_COLOR
from ui.views import INBOX, ViewKey

__all__ = [
    "CountRole",
    "DigestRole",
    "FailedRole",
    "SavedViewRole",
    "SectionRole",
    "ShowAllRole",
    "SidebarDelegate",
    "SidebarModel",
    "SidebarView",
    "ViewKeyRole",
    "digest_label",
    "digest_tooltip",
]


class SidebarDelegate(QStyledItemDelegate):
    """Paints an item's label with its count right-aligned and muted; sections in bold."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 12))

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if index.data(SectionRole):
            option.font.setWeight(QFont.Weight.DemiBold)
        if index.data(ShowAllRole):
            option.font.setItalic(True)
            option.palette.setColor(
                QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.PlaceholderText)
            )
        if index.data(FailedRole) and not index.data(SectionRole):
            option.palette.setColor(QPalette.ColorRole.Text, QColor(FAILED_COLOR))

    def label_option(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> tuple[QStyleOptionViewItem, int]:
        """The item's option with its label elided to leave room for its count, and the
        count's width (the label measured in its own font: a section's is bold)."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        metrics = QFontMetrics(opt.font)
        count_width = metrics.horizontalAdvance(f"{index.data(CountRole) or 0:,}") + 16
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        room = max(0, text_rect.width() - count_width)
        # A digest's label is its date and file: cut in the middle, both stay readable.
        mode = (
            Qt.TextElideMode.ElideMiddle if index.data(DigestRole) else Qt.TextElideMode.ElideRight
        )
        opt.text = metrics.elidedText(opt.text, mode, room)
        return opt, count_width

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        count = index.data(CountRole)
        if count is None:
            super().paint(painter, option, index)
            return
        text = f"{count:,}"
        opt, count_width = self.label_option(option, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.save()
        painter.setPen(opt.palette.color(role))
        painter.setFont(opt.font)
        full = opt.rect
        painter.drawText(
            QRect(full.right() - count_width, full.top(), count_width - 6, full.height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
        painter.restore()


class SidebarView(SavedViewOrdering):
    """The sidebar tree. Emits :attr:`view_selected` and the tag actions' requests."""

    view_selected = Signal(object)
    """A :class:`ViewKey` the user selected."""
    show_all_digests_requested = Signal()
    rename_tag_requested = Signal(str)
    merge_tag_requested = Signal(str)
    delete_tag_requested = Signal(str)
    rename_view_requested = Signal(int)
    """The id of a saved view to rename."""
    delete_view_requested = Signal(int)
    """The id of a saved view to delete."""
    digest_action_requested = Signal(str, int)
    """``("retry" | "show" | "forget", digest id)`` from a digest's context menu."""

    def __init__(self, model: SidebarModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setHeaderHidden(True)
        self.setItemDelegate(SidebarDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformRowHeights(True)
        self.setIndentation(14)
        self.setAnimated(True)
        self.setFrameShape(QTreeView.Shape.NoFrame)
        self.setViewportMargins(0, 6, 0, 0)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.setAccessibleName("Views")
        self.expand(model.tags_section.index())
        self.expand(model.saved_section.index())
        model.rowsInserted.connect(lambda *_: self._hide_empty_saved())
        model.rowsRemoved.connect(lambda *_: self._hide_empty_saved())
        self._hide_empty_saved()
        self._current: ViewKey | None = None
        self.selectionModel().currentChanged.connect(self._current_changed)

    @property
    def current_key(self) -> ViewKey | None:
        """The selected view."""
        return self._current

    def current_digest(self) -> DigestRecord | None:
        """The selected digest's import record (``None``: the view is not a digest)."""
        key = self._current
        if key is None or key.kind != "digest":
            return None
        return self._model.digest_record(int(key.value or 0))

    def select_key(self, key: ViewKey) -> bool:
        """Select ``key``'s item (emits :attr:`view_selected` if it changes). False if absent."""
        index = self._model.index_of(key)
        if not index.isValid():
            return False
        if index.parent().isValid():
            self.expand(index.parent())
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def restore_selection(self) -> None:
        """Reselect the current view after the model rebuilt its items (no signal if unchanged).

        When the view disappeared (a deleted tag), Inbox is selected instead.
        """
        key = self._current
        if key is None:
            return
        index = self._model.index_of(key)
        if index.isValid():
            if self.currentIndex() != index:
                self.selectionModel().blockSignals(True)
                self.setCurrentIndex(index)
                self.selectionModel().blockSignals(False)
                self.viewport().update()
        else:
            self.select_key(INBOX)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.data(SectionRole):  # a header opens or closes, no more
            self.setExpanded(index, not self.isExpanded(index))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.data(SectionRole):
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _step_over_header(self, header: QModelIndex, previous: QModelIndex) -> None:
        """The keyboard landed on a section header: go on to the next view that way."""
        down = not previous.isValid() or self.visualRect(previous).y() < self.visualRect(header).y()
        target = self.indexBelow(header) if down else self.indexAbove(header)
        if not target.isValid() or target.data(SectionRole):
            target = previous
        if target.isValid():
            # Only if the header is still current: a rebuilt list may have moved on since.
            def step() -> None:
                if self.currentIndex().data(SectionRole):
                    self.setCurrentIndex(target)

            QTimer.singleShot(0, step)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid() and current.data(SectionRole):
            self._step_over_header(current, previous)
            return
        if current.isValid() and current.data(ShowAllRole):
            self.show_all_digests_requested.emit()
            return
        key = current.data(ViewKeyRole) if current.isValid() else None
        if key is None or key == self._current:
            return
        self._current = key
        self.view_selected.emit(key)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        key = index.data(ViewKeyRole) if index.isValid() else None
        if isinstance(key, ViewKey) and key.kind == "saved":
            self._saved_menu(index, int(key.value or 0), pos)
            return
        if isinstance(key, ViewKey) and key.kind == "digest":
            self._digest_menu(pos, int(key.value or 0), bool(index.data(FailedRole)))
            return
        if not isinstance(key, ViewKey) or key.kind != "tag":
            return
        name = str(key.value)
        shown = name.replace("&", "&&")  # the user's "&" is not a mnemonic
        menu = QMenu(self)
        menu.addAction(f"Rename “{shown}”…", lambda: self.rename_tag_requested.emit(name))
        menu.addAction(f"Merge “{shown}” into…", lambda: self.merge_tag_requested.emit(name))
        menu.addSeparator()
        menu.addAction(f"Delete “{shown}”…", lambda: self.delete_tag_requested.emit(name))
        menu.exec(self.viewport().mapToGlobal(pos))

    def saved_view_id(self, index: QModelIndex) -> int | None:
        """The id of the saved view ``index`` is, if it is one."""
        key = index.data(ViewKeyRole) if index.isValid() else None
        if isinstance(key, ViewKey) and key.kind == "saved":
            return int(key.value or 0)
        return None

    def saved_view_indexes(self) -> list[QModelIndex]:
        """The saved views' items, in the sidebar's order."""
        section = self._model.saved_section
        return [section.child(row).index() for row in range(section.rowCount())]

    def _hide_empty_saved(self) -> None:
        """The Saved views header shows only once there is a saved view."""
        section = self._model.saved_section
        empty = section.rowCount() == 0
        if self.isRowHidden(section.row(), QModelIndex()) != empty:
            self.setRowHidden(section.row(), QModelIndex(), empty)
            if not empty:
                self.expand(section.index())

    def _saved_menu(self, index: QModelIndex, view_id: int, pos: QPoint) -> None:
        shown = str(index.data(Qt.ItemDataRole.DisplayRole)).replace("&", "&&")
        menu = QMenu(self)
        menu.addAction(f"Rename “{shown}”…", lambda: self.rename_view_requested.emit(view_id))
        up = menu.addAction("Move Up", lambda: self.move_view_requested.emit(view_id, -1))
        down = menu.addAction("Move Down", lambda: self.move_view_requested.emit(view_id, 1))
        up.setShortcut(self.move_up_action.shortcut())  # shown in the menu: the same keys
        down.setShortcut(self.move_down_action.shortcut())
        up.setEnabled(index.row() > 0)
        down.setEnabled(index.row() < self._model.saved_section.rowCount() - 1)
        menu.addSeparator()
        menu.addAction(f"Delete “{shown}”", lambda: self.delete_view_requested.emit(view_id))
        self.saved_menu = menu
        menu.exec(self.viewport().mapToGlobal(pos))

    def digest_menu(self, digest_id: int, failed: bool) -> QMenu:
        """A digest's menu: retry (a failed one), show the file, forget a failed entry."""
        menu = QMenu(self)
        emit = self.digest_action_requested.emit
        if failed:
            menu.addAction("Retry Import", lambda: emit("retry", digest_id))
        menu.addAction("Show File in Folder", lambda: emit("show", digest_id))
        if failed:
            menu.addSeparator()
            forget = menu.addAction("Remove from Log", lambda: emit("forget", digest_id))
            forget.setToolTip("The file itself is kept")
        return menu

    def _digest_menu(self, pos: QPoint, digest_id: int, failed: bool) -> None:
        self.digest_menu(digest_id, failed).exec(self.viewport().mapToGlobal(pos))
