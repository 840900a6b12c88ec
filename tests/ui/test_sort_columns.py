"""Issue #19: the Authors, Upvotes and arXiv id columns sort the list (by the library)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from reader.digests.model import Entry
from reader.library import Library, SortKey
from tests.ui.conftest import WAIT_MS, WindowFactory, record_entries, settle
from ui.columns import Column
from ui.window import MainWindow

_ENTRIES = (
    Entry(title="Paper by Vaswani", authors=("Ashish Vaswani", "Noam Shazeer"), upvotes=5),
    Entry(
        title="Paper by Babbage", authors=("babbage, Charles",), upvotes=50, arxiv_id="2401.00002"
    ),
    Entry(title="Paper by nobody known", organization="Google", authors_count=12, upvotes=7),
    Entry(title="Paper by Lovelace", authors=("Ada Lovelace",), arxiv_id="2401.00001"),
    Entry(title="Paper by Curie", authors=("Marie Curie", "Pierre Curie"), upvotes=1),
)


@pytest.fixture
def window_of_five(make_window: WindowFactory, lib_path: Path) -> MainWindow:
    """A window on a library of the five papers above, all shown."""
    with Library(lib_path) as library:
        record_entries(library, _ENTRIES, "authors.txt")
    return make_window()


def _titles(window: object) -> list[str]:
    model = window.model  # type: ignore[attr-defined]
    return [model.index(r, Column.TITLE).data() for r in range(model.rowCount())]


def _click_header(qtbot: QtBot, window: object, column: Column) -> None:
    header = window.paper_list.horizontalHeader()  # type: ignore[attr-defined]
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_clicking_the_authors_header_sorts_by_first_author(
    qtbot: QtBot, window_of_five: MainWindow
) -> None:
    window = window_of_five
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=WAIT_MS)
    window.paper_list.set_column_wanted(Column.AUTHORS, True)
    header = window.paper_list.horizontalHeader()
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.AUTHORS), timeout=WAIT_MS)

    _click_header(qtbot, window, Column.AUTHORS)
    assert header.sortIndicatorSection() == Column.AUTHORS
    first = header.sortIndicatorOrder()
    wanted = ["Paper by Babbage", "Paper by Curie", "Paper by Lovelace", "Paper by Vaswani"]
    # Papers with no known names sort as the lowest value: first ascending, last descending.
    ascending = ["Paper by nobody known", *wanted]
    descending = [*reversed(wanted), "Paper by nobody known"]
    expected = ascending if first == Qt.SortOrder.AscendingOrder else descending
    qtbot.waitUntil(lambda: _titles(window) == expected, timeout=WAIT_MS)
    assert window.model.sort_key is SortKey.AUTHORS

    _click_header(qtbot, window, Column.AUTHORS)  # the other direction
    assert header.sortIndicatorSection() == Column.AUTHORS
    assert header.sortIndicatorOrder() != first
    other = descending if expected is ascending else ascending
    qtbot.waitUntil(lambda: _titles(window) == other, timeout=WAIT_MS)
    settle(qtbot, window)


def test_upvotes_and_arxiv_headers_sort_the_list(qtbot: QtBot, window_of_five: MainWindow) -> None:
    window = window_of_five
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=WAIT_MS)
    header = window.paper_list.horizontalHeader()
    header.setSortIndicator(Column.UPVOTES, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(
        lambda: (
            _titles(window)[:4]
            == ["Paper by Babbage", "Paper by nobody known", "Paper by Vaswani", "Paper by Curie"]
        ),
        timeout=WAIT_MS,
    )
    header.setSortIndicator(Column.ARXIV, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == Column.ARXIV
    qtbot.waitUntil(
        lambda: _titles(window)[-2:] == ["Paper by Lovelace", "Paper by Babbage"],
        timeout=WAIT_MS,
    )
    settle(qtbot, window)
