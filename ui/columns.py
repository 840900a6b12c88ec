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
from reader.library.row_extras import RowExtras
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
    AUTHORS = 9
    UPVOTES = 10
    ARXIV = 11

    @property
    def label(self) -> str:
        """The header text."""
        return _LABELS[self]

    @property
    def sort_key(self) -> SortKey | None:
        """What the library orders by for this column (Authors: the first author's family
        name; ``None`` would mean the list keeps its order)."""
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
    Column.AUTHORS: "Authors",
    Column.UPVOTES: "Upvotes",
    Column.ARXIV: "arXiv",
}
EXTRA_COLUMNS = frozenset({Column.AUTHORS, Column.UPVOTES, Column.ARXIV})
"""Columns read beside the light rows (:func:`reader.library.row_extras.row_extras`)."""


def family_name(name: str) -> str:
    """``Vaswani`` for ``Ashish Vaswani``; ``Vaswani`` for ``Vaswani, Ashish``."""
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0].strip()
    return name.rsplit(" ", 1)[-1] if " " in name else name


def authors_short(extras: RowExtras | None) -> str:
    """``Vaswani et al.``, ``Vaswani & Shazeer``, ``Vaswani``; the organisation or
    ``5 authors`` when no names are known; empty when nothing is."""
    if extras is None:
        return ""
    names = extras.authors
    total = max(extras.authors_count or 0, len(names))
    if names:
        first = family_name(names[0])
        if total == 2 and len(names) >= 2:
            return f"{first} & {family_name(names[1])}"
        return f"{first} et al." if total > 1 else first
    if extras.organization:
        return extras.organization
    if extras.authors_count:
        return "1 author" if extras.authors_count == 1 else f"{extras.authors_count} authors"
    return ""


def extra_display(column: Column, extras: RowExtras | None) -> str:
    """The text of an extra column."""
    if extras is None:
        return ""
    if column is Column.AUTHORS:
        return authors_short(extras)
    if column is Column.UPVOTES:
        return "" if extras.upvotes is None else f"{extras.upvotes:,}"
    return extras.arxiv_id or ""


def extra_tooltip(column: Column, extras: RowExtras | None) -> str | None:
    """The tooltip of an extra column (the first names in full)."""
    if column is Column.AUTHORS and extras is not None and extras.authors:
        more = (extras.authors_count or 0) - len(extras.authors)
        tail = f", and {more} more" if more > 0 else ""
        return plain_tooltip(", ".join(extras.authors) + tail)
    return None


def match_text(score: float | None) -> str:
    """``82%`` for a score of 0.82; empty for a paper the model has not scored."""
    return "" if score is None else f"{round(score * 100)}%"


MATCH_HEADER_TIP = (
    "Match: how much a paper looks like the ones you liked (rated 4-5, queued, read or "
    "tagged). About 75% is as much as a typical paper you liked, about 5% a typical paper "
    "of your library; above 90% is a strong match. A ranking, not a probability."
)


def match_tooltip(score: float | None) -> str:
    """What the Match column means for one paper."""
    if score is None:
        return "No match score yet: rate or queue a few papers and Papershelf learns what you like"
    if score >= 0.9:
        strength = "a strong match: more like the papers you liked than most of them are"
    elif score >= 0.6:
        strength = "about as much like the papers you liked as they are like each other"
    elif score >= 0.2:
        strength = "somewhat like the papers you liked"
    else:
        strength = "not much like the papers you liked"
    return f"{match_text(score)} match: {strength}"


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
    {
        Column.PUBLISHED,
        Column.ADDED,
        Column.COMMENTS,
        Column.STATUS,
        Column.MATCH,
        Column.YEAR,
        Column.ARXIV,
    }
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


def extra_data(column: Column, extras: RowExtras | None, role: int) -> object:
    """What the model returns for ``role`` in an extra column."""
    if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
        return extra_display(column, extras)
    if role == Qt.ItemDataRole.ToolTipRole:
        return extra_tooltip(column, extras)
    if role == SortRole:
        if extras is None:
            return None
        if column is Column.UPVOTES:
            return extras.upvotes
        return extra_display(column, extras).casefold()
    if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.UPVOTES:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if role == Qt.ItemDataRole.ForegroundRole and column in MUTED_COLUMNS:
        return muted_color()
    return None
