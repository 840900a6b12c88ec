"""The paper list's columns: what each shows, sorts by and says in its tooltip.

Pure functions of a :class:`~reader.library.PaperRow` (no library access), shared by the
list model, its delegates and the detail pane (dates are written the way digests write
them: ``Jan 30, 2026``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from reader.library import PaperRow, SortKey
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
    MATCH = 7
    YEAR = 8

    @property
    def label(self) -> str:
        """The header text."""
        return _LABELS[self]

    @property
    def sort_key(self) -> SortKey:
        """What the library orders by for this column."""
        if self is Column.MATCH:
            return SortKey.INTEREST
        if self is Column.YEAR:
            return SortKey.PUBLISHED  # the year orders as the publication date does
        return SortKey(self.name.lower())


_LABELS = {
    Column.TITLE: "Title",
    Column.RATING: "Rating",
    Column.TAGS: "Tags",
    Column.PUBLISHED: "Published",
    Column.ADDED: "Added",
    Column.COMMENTS: "Comments",
    Column.STATUS: "Status",
    Column.MATCH: "Match",
    Column.YEAR: "Year",
}


def match_text(score: float | None) -> str:
    """``82%`` for a score of 0.82; empty for a paper the model has not scored."""
    return "" if score is None else f"{round(score * 100)}%"


def match_tooltip(score: float | None) -> str:
    """What the Match column means for one paper."""
    if score is None:
        return "No match score yet: rate or queue a few papers and Papershelf learns what you like"
    return f"{match_text(score)} match with the papers you liked"


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


ITEM_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
ROLES_NEEDING_ROW = frozenset(
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
MUTED_COLUMNS = frozenset(
    {Column.PUBLISHED, Column.ADDED, Column.COMMENTS, Column.STATUS, Column.MATCH, Column.YEAR}
)


def muted_color() -> QColor:
    palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)


def display(column: Column, paper: PaperRow) -> str:
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
    if column is Column.YEAR:
        return "" if paper.published is None else str(paper.published.year)
    return paper.status.label


def sort_value(column: Column, paper: PaperRow) -> object:
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
    if column is Column.YEAR:
        return paper.published
    return paper.status.value


def tooltip(column: Column, paper: PaperRow) -> str | None:
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
