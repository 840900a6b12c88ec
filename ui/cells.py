"""What the paper list's cells and header say, role by role.

:func:`cell_data` answers Qt's ``data(index, role)`` for one cell from a light row (and the
Match column from its score); :func:`header_data` answers ``headerData``. Both are pure:
the list model looks the row up and hands it over, so what a cell shows is decided in one
place and tested without a library. Columns' texts, sort values and tooltips come from
:mod:`ui.columns`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from reader.library import PaperRow
from ui.columns import (
    MATCH_HEADER_TIP,
    MUTED_COLUMNS,
    Column,
    SortRole,
    display,
    match_text,
    match_tooltip,
    muted_color,
    sort_value,
    tooltip,
)

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
Role = Qt.ItemDataRole


def cell_data(column: Column, paper: PaperRow, score: float | None, role: int) -> Any:
    """What the cell of ``paper`` in ``column`` gives for ``role`` (``None``: nothing)."""
    if column is Column.MATCH:
        return match_data(score, role)
    if role == Role.DisplayRole:
        return display(column, paper)
    if role == SortRole:
        return sort_value(column, paper)
    if role == Role.ToolTipRole:
        return tooltip(column, paper)
    if role == Role.AccessibleTextRole:
        if column is Column.RATING:
            return f"{paper.rating} stars" if paper.rating else "unrated"
        return display(column, paper)
    if role == Role.TextAlignmentRole:
        return RIGHT if column is Column.COMMENTS else LEFT
    if role == Role.ForegroundRole and column in MUTED_COLUMNS:
        return muted_color()
    return None


def match_data(score: float | None, role: int) -> Any:
    """The Match column: how well a paper matches the reader's interest (``None``: unscored)."""
    if role in (Role.DisplayRole, Role.AccessibleTextRole):
        return match_text(score)
    if role == SortRole:
        return score
    if role == Role.ToolTipRole:
        return match_tooltip(score)
    if role == Role.TextAlignmentRole:
        return RIGHT
    if role == Role.ForegroundRole:
        return muted_color()
    return None


def header_data(section: int, orientation: Qt.Orientation, role: int, rows: int) -> Any:
    """The header: column labels across, row numbers down (``rows``: how many rows)."""
    if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
        column = Column(section)
        if role == Role.DisplayRole:
            return column.label
        if role == Role.TextAlignmentRole and column is Column.COMMENTS:
            return RIGHT
        if role == Role.ToolTipRole and column is Column.MATCH:
            return MATCH_HEADER_TIP
        return None
    if orientation == Qt.Orientation.Vertical and role == Role.DisplayRole and 0 <= section < rows:
        return section + 1
    return None
