"""The sidebar: reading views with counts, tags, and the import log (digests).

:class:`SidebarModel` is a :class:`QStandardItemModel` whose items carry a :class:`ViewKey`
(what the paper list shows when the item is selected) and a count: the reading views,
the saved views (live counts), the tags that papers have, and the import log. :class:`SidebarView`
paints counts right-aligned, keeps the selection by key across refreshes and offers the
tag actions (rename, merge, delete) in a context menu; the window carries them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    QStandardItem,
    QStandardItemModel,
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

from reader.library import DigestRecord, DigestStatus, Status, TagCount, ViewCounts
from reader.library.saved_views import SavedView
from ui.icons import icon
from ui.models import format_date
from ui.sidebardrag import SavedViewOrdering
from ui.style import FAILED_COLOR
from ui.tooltips import plain_tooltip
from ui.views import ALL, FOR_YOU, INBOX, RATED, ViewKey

ViewKeyRole = Qt.ItemDataRole.UserRole + 10
"""The item's :class:`ViewKey` (``None`` for section headers)."""
CountRole = Qt.ItemDataRole.UserRole + 11
"""The number painted at the right of the item (``None`` for none)."""
FailedRole = Qt.ItemDataRole.UserRole + 12
"""True for a digest whose import failed."""
DigestRole = Qt.ItemDataRole.UserRole + 13
"""The :class:`~reader.library.DigestRecord` of a digest item."""
SectionRole = Qt.ItemDataRole.UserRole + 14
"""True for the Tags and Digests headers."""
ShowAllRole = Qt.ItemDataRole.UserRole + 15
"""True for the "Show all digests…" item."""
SavedViewRole = Qt.ItemDataRole.UserRole + 16
"""The :class:`~reader.library.saved_views.SavedView` of a saved-view item."""


_STATUS_ICONS = {
    Status.INBOX: "inbox",
    Status.QUEUE: "queue",
    Status.READING: "reading",
    Status.READ: "read",
    Status.ARCHIVED: "archived",
}


def digest_label(record: DigestRecord) -> str:
    """How a digest is listed: its date and its file name (``Jan 30, 2026 · daily.txt``).
    A date alone does not tell digests apart: files without one of their own (BibTeX, RIS)
    are dated the day they were captured, so a day's imports all read alike. A failed file
    or one without a date: its name."""
    if record.status is DigestStatus.FAILED or record.digest_date is None:
        return record.name
    return f"{format_date(record.digest_date)} · {record.name}"


def digest_tooltip(record: DigestRecord) -> str:
    """The import-log line of a digest, for its tooltip."""
    when = f"{record.imported_at.astimezone():%Y-%m-%d %H:%M}"
    failed = record.status is DigestStatus.FAILED
    lines = [record.path, f"Tried {when}, not imported" if failed else f"Imported {when}"]
    if failed:
        lines.append(f"Failed: {record.error or 'unknown error'}")
    else:
        lines.append(f"{record.entries} papers: {record.new} new, {record.updated} updated")
    lines.extend(f"Warning: {w}" for w in record.warnings)
    return plain_tooltip("\n".join(lines))


_TOOLTIPS = {
    RATED: "Papers rated 4 or 5 stars",
    FOR_YOU: "Inbox papers you have not rated or tagged yet, the best match first",
}


class SidebarModel(QStandardItemModel):
    """The sidebar's items. Counts and lists are refreshed in place by the window."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._views: dict[ViewKey, QStandardItem] = {}
        for status in Status:
            self._add_view(ViewKey("status", status.value), status.label, _STATUS_ICONS[status])
        self._add_view(ALL, "All papers", "all")
        self._add_view(RATED, "Rated", "rated")
        self._add_view(FOR_YOU, "For you", "rated")
        self.saved_section = self._section("Saved views", "search")
        self.tags_section = self._section("Tags", "tag")
        self.digests_section = self._section("Digests", "digest")
        self._failed = 0
        self._complete = True

    def _add_view(self, key: ViewKey, label: str, icon_name: str) -> None:
        item = QStandardItem(icon(icon_name), label)
        item.setEditable(False)
        item.setData(key, ViewKeyRole)
        item.setData(None if key.ranked else 0, CountRole)  # For you: its heading counts
        item.setToolTip(_TOOLTIPS.get(key, f"{label} ({key.to_text()})"))
        self.appendRow(item)
        self._views[key] = item

    def _section(self, label: str, icon_name: str) -> QStandardItem:
        item = QStandardItem(icon(icon_name), label)
        item.setEditable(False)
        item.setSelectable(False)
        item.setData(True, SectionRole)
        item.setColumnCount(1)  # so adding children inserts rows only (no columnsInserted)
        self.appendRow(item)
        return item

    # ------------------------------------------------------------------ refreshing

    def set_counts(self, counts: ViewCounts) -> None:
        """Update the counts of the reading views."""
        for status in Status:
            self._set_count(self._views[ViewKey("status", status.value)], counts.by_status[status])
        self._set_count(self._views[ALL], counts.all)
        self._set_count(self._views[RATED], counts.rated)

    @staticmethod
    def _set_count(item: QStandardItem, count: int | None) -> None:
        if item.data(CountRole) != count:
            item.setData(count, CountRole)

    def set_saved_views(self, views: Sequence[SavedView], counts: dict[int, int | None]) -> None:
        """Replace the saved-view items (names, live counts), in their order."""
        current = [
            (
                self.saved_section.child(r).data(SavedViewRole),
                self.saved_section.child(r).data(CountRole),
            )
            for r in range(self.saved_section.rowCount())
        ]
        if current == [(v, counts.get(v.id)) for v in views]:
            return
        self.saved_section.removeRows(0, self.saved_section.rowCount())
        view_icon = icon("search")
        items = []
        for view in views:
            item = QStandardItem(view_icon, view.name)
            item.setEditable(False)
            item.setData(ViewKey("saved", view.id), ViewKeyRole)
            item.setData(view, SavedViewRole)
            item.setData(counts.get(view.id), CountRole)
            shown = view.query or "every paper"
            item.setToolTip(
                plain_tooltip(
                    f"{view.name}: “{shown}” in {view.base}, by {view.sort.value} "
                    f"({'descending' if view.descending else 'ascending'}); right-click to "
                    "rename, move or delete; drag to reorder"
                )
            )
            items.append(item)
        if items:
            self.saved_section.appendRows(items)
        self._set_count(self.saved_section, len(views) or None)

    def saved_view(self, view_id: int) -> SavedView | None:
        """The saved view ``view_id`` as the sidebar lists it."""
        index = self.index_of(ViewKey("saved", view_id))
        return index.data(SavedViewRole) if index.isValid() else None

    def set_tags(self, tags: Sequence[TagCount]) -> None:
        """Replace the tag items (names and counts); tags no paper has are not listed."""
        tags = [t for t in tags if t.count > 0]
        current = [
            (self.tags_section.child(r).text(), self.tags_section.child(r).data(CountRole))
            for r in range(self.tags_section.rowCount())
        ]
        if current == [(t.name, t.count) for t in tags]:
            return
        self.tags_section.removeRows(0, self.tags_section.rowCount())
        tag_icon = icon("tag")
        items = []
        for tag in tags:
            item = QStandardItem(tag_icon, tag.name)
            item.setEditable(False)
            item.setData(ViewKey("tag", tag.name), ViewKeyRole)
            item.setData(tag.count, CountRole)
            item.setToolTip(
                plain_tooltip(
                    f"#{tag.name}: {tag.count} paper{'s' if tag.count != 1 else ''} (right-click "
                    "to rename, merge or delete)"
                )
            )
            items.append(item)
        if items:
            self.tags_section.appendRows(items)
        self._set_count(self.tags_section, len(tags) or None)

    def set_digests(self, records: Sequence[DigestRecord], *, more: bool = False) -> None:
        """Replace the import-log items; failed digests get a warning icon and their error.

        With ``more``, ``records`` are only the newest digests and a last item offers to
        list them all (a year of daily captures is hundreds of items nobody needs at start).
        """
        self.digests_section.removeRows(0, self.digests_section.rowCount())
        ok_icon = icon("digest")
        failed_icon = icon("digest-failed", FAILED_COLOR)
        items = []
        failed = 0
        for record in records:
            is_failed = record.status is DigestStatus.FAILED
            failed += is_failed
            item = QStandardItem(failed_icon if is_failed else ok_icon, digest_label(record))
            item.setEditable(False)
            item.setData(ViewKey("digest", record.id), ViewKeyRole)
            item.setData(None if is_failed else record.entries, CountRole)
            item.setData(is_failed, FailedRole)
            item.setData(record, DigestRole)
            item.setToolTip(digest_tooltip(record))
            items.append(item)
        if more:
            item = QStandardItem("Show all digests…")
            item.setEditable(False)
            item.setData(True, ShowAllRole)
            item.setToolTip("List every digest ever imported")
            items.append(item)
        self._complete = not more
        if items:
            self.digests_section.appendRows(items)
        self._failed = failed
        self.digests_section.setData(failed > 0, FailedRole)
        self.digests_section.setIcon(
            icon("digest-failed", FAILED_COLOR) if failed else icon("digest")
        )
        self.digests_section.setToolTip(
            f"{failed} digest{'s' if failed != 1 else ''} could not be imported"
            if failed
            else "The import log: every digest file imported"
        )
        self._set_count(self.digests_section, (len(records) or None) if not more else None)

    @property
    def digests_complete(self) -> bool:
        """Whether every digest is listed (not only the newest)."""
        return self._complete

    @property
    def failed_digests(self) -> int:
        """How many digests in the log failed."""
        return self._failed

    def index_of(self, key: ViewKey) -> QModelIndex:
        """The index of the item for ``key`` (invalid when there is none)."""
        item = self._views.get(key)
        if item is not None:
            return item.index()
        section = {
            "tag": self.tags_section,
            "digest": self.digests_section,
            "saved": self.saved_section,
        }.get(key.kind)
        if section is None:
            return QModelIndex()
        for row in range(section.rowCount()):
            child = section.child(row)
            if child.data(ViewKeyRole) == key:
                return child.index()
        return QModelIndex()

    def digest_record(self, digest_id: int) -> DigestRecord | None:
        """The record of a digest listed in the sidebar."""
        index = self.index_of(ViewKey("digest", digest_id))
        return index.data(DigestRole) if index.isValid() else None


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
