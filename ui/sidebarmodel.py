"""The sidebar's items: reading views with counts, saved views, tags and the import log.

:class:`SidebarModel` is a :class:`QStandardItemModel` whose items carry a :class:`ViewKey`
(what the paper list shows when the item is selected) and a count: the reading views,
the saved views (live counts), the tags that papers have, and the import log (each digest
labelled by :func:`digest_label`). The roles below are what the items carry;
:mod:`ui.sidebar` paints and drives them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel

from reader.library import DigestRecord, DigestStatus, Status, TagCount, ViewCounts
from reader.library.saved_views import SavedView
from ui.icons import icon
from ui.models import format_date
from ui.style import FAILED_COLOR
from ui.tooltips import plain_tooltip
from ui.views import ALL, FOR_YOU, RATED, ViewKey

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


def _leaf(icon_: QIcon, text: str, key: ViewKey, count: int | None, tip: str) -> QStandardItem:
    """A saved view's or a tag's item: what it shows, its count and its tooltip."""
    item = QStandardItem(icon_, text)
    item.setEditable(False)
    item.setData(key, ViewKeyRole)
    item.setData(count, CountRole)
    item.setToolTip(plain_tooltip(tip))
    return item


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

        def items() -> list[QStandardItem]:
            view_icon = icon("search")
            made = []
            for view in views:
                shown = view.query or "every paper"
                item = _leaf(
                    view_icon,
                    view.name,
                    ViewKey("saved", view.id),
                    counts.get(view.id),
                    f"{view.name}: “{shown}” in {view.base}, by {view.sort.value} "
                    f"({'descending' if view.descending else 'ascending'}); right-click to "
                    "rename, move or delete; drag to reorder",
                )
                item.setData(view, SavedViewRole)
                made.append(item)
            return made

        wanted = [(v, counts.get(v.id)) for v in views]
        self._replace(self.saved_section, wanted, lambda c: c.data(SavedViewRole), items)

    def saved_view(self, view_id: int) -> SavedView | None:
        """The saved view ``view_id`` as the sidebar lists it."""
        index = self.index_of(ViewKey("saved", view_id))
        return index.data(SavedViewRole) if index.isValid() else None

    def set_tags(self, tags: Sequence[TagCount]) -> None:
        """Replace the tag items (names and counts); tags no paper has are not listed."""
        tags = [t for t in tags if t.count > 0]

        def items() -> list[QStandardItem]:
            tag_icon = icon("tag")
            return [
                _leaf(
                    tag_icon,
                    tag.name,
                    ViewKey("tag", tag.name),
                    tag.count,
                    f"#{tag.name}: {tag.count} paper{'s' if tag.count != 1 else ''} (right-click "
                    "to rename, merge or delete)",
                )
                for tag in tags
            ]

        wanted = [(t.name, t.count) for t in tags]
        self._replace(self.tags_section, wanted, QStandardItem.text, items)

    def _replace(
        self,
        section: QStandardItem,
        wanted: Sequence[tuple[object, int | None]],
        shown: Callable[[QStandardItem], object],
        items: Callable[[], list[QStandardItem]],
    ) -> None:
        """Put ``items()`` under ``section`` in place of its children, and their number as
        its count, unless each child's ``(shown(child), count)`` already is ``wanted``'s."""
        children = (section.child(row) for row in range(section.rowCount()))
        if [(shown(c), c.data(CountRole)) for c in children] == list(wanted):
            return
        section.removeRows(0, section.rowCount())
        made = items()
        if made:
            section.appendRows(made)
        self._set_count(section, len(made) or None)

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
