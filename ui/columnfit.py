"""The list's columns give way by priority when the list is narrow.

The user chooses which columns are wanted (right-click the header); :class:`ColumnFitter`
shows as many of the wanted ones as fit beside a readable title, dropping the least
important first (:data:`PRIORITY`), and brings them back as the list widens. What the user
chose is remembered apart from what the fitter hid, so a narrow window never turns a
column off for good.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView

from ui.columns import Column

TITLE_MIN = 220
"""The title keeps at least this many pixels before another column is shown."""
TITLE_SHARE = 0.35
"""…and at least this share of a wide list: with every column turned on, a 1600 px window
still shows titles, not 220 px of them beside a row of narrow columns."""
PRIORITY = (
    Column.RATING,
    Column.MATCH,
    Column.AUTHORS,
    Column.PUBLISHED,
    Column.TAGS,
    Column.YEAR,
    Column.STATUS,
    Column.UPVOTES,
    Column.ADDED,
    Column.COMMENTS,
    Column.ARXIV,
)
"""Most important first: the last ones go first when the list is narrow."""


class ColumnFitter(QObject):
    """Shows the wanted columns that fit (see the module docstring)."""

    def __init__(self, view: QTableView, default_widths: dict[Column, int]) -> None:
        super().__init__(view)
        self._view = view
        self._defaults = dict(default_widths)
        self._widths: dict[Column, int] = {}
        self._wanted: set[Column] = set()
        self._fitting = False
        self.take_wanted_from_header()
        view.viewport().installEventFilter(self)
        self.header.sectionResized.connect(self._resized)

    @property
    def header(self) -> QHeaderView:
        """The list's header."""
        return self._view.horizontalHeader()

    def wanted(self) -> set[Column]:
        """The columns the user wants shown (when they fit)."""
        return set(self._wanted)

    def auto_hidden(self) -> set[Column]:
        """Wanted columns hidden only because the list is too narrow."""
        return {c for c in self._wanted if self.header.isSectionHidden(c)}

    def take_wanted_from_header(self) -> None:
        """The columns shown now are the wanted ones (after restoring a saved header)."""
        self._wanted = {
            c for c in Column if c is not Column.TITLE and not self.header.isSectionHidden(c)
        }
        for column in self._wanted:
            self._widths[column] = self.header.sectionSize(column)
        self.fit()

    def set_wanted_columns(self, columns: Iterable[Column]) -> None:
        """Replace the wanted columns (a remembered choice)."""
        self._wanted = {c for c in columns if c is not Column.TITLE}
        self.fit()

    def set_wanted(self, column: Column, wanted: bool) -> None:
        """The user turned ``column`` on or off."""
        if wanted:
            self._wanted.add(column)
        else:
            self._wanted.discard(column)
        self.fit()

    def width_of(self, column: Column) -> int:
        """The column's width when shown (its last width, else its default)."""
        return self._widths.get(column) or self._defaults.get(column, 90)

    def fit(self) -> None:
        """Show the wanted columns that fit, most important first; hide the rest."""
        if self._fitting:
            return
        self._fitting = True
        try:
            width = self._view.viewport().width()
            room = width - max(TITLE_MIN, round(width * TITLE_SHARE))
            header = self.header
            for column in PRIORITY:
                if column not in self._wanted:
                    header.setSectionHidden(column, True)
                    continue
                width = self.width_of(column)
                fits = width <= room  # once one does not fit, none after it is shown
                room = room - width if fits else -1
                if header.isSectionHidden(column) == fits:
                    header.setSectionHidden(column, not fits)
                    if fits:
                        header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _resized(self, section: int, _old: int, new: int) -> None:
        if not self._fitting and new > 0 and section != Column.TITLE:
            self._widths[Column(section)] = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False
