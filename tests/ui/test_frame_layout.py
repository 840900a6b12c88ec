"""Issue #19's window defects: the layout at the minimum size, the search box, the status
bar, the title — on the real window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from reader.library import Library
from tests.ui.conftest import WAIT_MS, WindowFactory, record_entries, resize, settle
from ui.columns import Column
from ui.frame import DETAIL_MIN, LIST_MIN, MINIMUM_SIZE


def _rect_in_window(widget: QWidget) -> QRect:
    return QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.size())


def test_at_800_by_600_the_list_is_the_widest_pane_and_nothing_overlaps(
    qtbot: QtBot, make_window: WindowFactory, lib_path: object
) -> None:
    window = make_window()
    assert window.minimumSize().toTuple() == MINIMUM_SIZE
    assert MINIMUM_SIZE[0] <= 800
    assert MINIMUM_SIZE[1] <= 600
    window.splitter.setSizes([220, 250, 365])  # the sizes of the report
    resize(qtbot, window, 800, 600)
    _sidebar, papers, detail = window.splitter.sizes()
    assert papers > detail
    assert papers >= LIST_MIN
    assert detail >= DETAIL_MIN
    title, count, search = window.view_title, window.view_count, window.search
    window.view_title.setText("A digest with a rather long file name - Hugging Face.txt")
    qtbot.wait(20)
    boxes = [_rect_in_window(w) for w in (title, count, search)]
    for number, box in enumerate(boxes):
        for other in boxes[number + 1 :]:
            assert not box.intersects(other), (box, other)
    assert window.view_title.is_elided()
    assert "Hugging Face.txt" in window.view_title.toolTip()
    resize(qtbot, window, *MINIMUM_SIZE)
    panes = [_rect_in_window(w) for w in (window.sidebar, window.list_stack, window.detail)]
    for number, pane in enumerate(panes):
        assert pane.width() > 0
        for other in panes[number + 1 :]:
            assert not pane.intersects(other)


def test_columns_give_way_by_priority_and_come_back(
    qtbot: QtBot, make_filled_window: WindowFactory
) -> None:
    window = make_filled_window(3)
    header = window.paper_list.horizontalHeader()
    fitter = window.paper_list.fitter
    window.paper_list.set_column_wanted(Column.STATUS, True)
    window.paper_list.set_column_wanted(Column.YEAR, True)
    window.resize(1600, 1000)
    wanted = (Column.RATING, Column.TAGS, Column.PUBLISHED, Column.STATUS, Column.YEAR)
    qtbot.waitUntil(lambda: not any(header.isSectionHidden(c) for c in wanted), timeout=WAIT_MS)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: header.isSectionHidden(Column.STATUS), timeout=WAIT_MS)
    assert not header.isSectionHidden(Column.RATING)  # the most important stays
    assert header.isSectionHidden(Column.YEAR)
    assert {Column.STATUS, Column.YEAR} <= fitter.auto_hidden()
    assert Column.STATUS in fitter.wanted()  # hidden for room, not turned off
    viewport = window.paper_list.viewport().width()
    assert header.length() <= viewport  # no sideways scrolling
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.STATUS), timeout=WAIT_MS)
    window.paper_list.set_column_wanted(Column.STATUS, False)
    assert header.isSectionHidden(Column.STATUS)


def test_the_year_column_shows_the_year(qtbot: QtBot, make_filled_window: WindowFactory) -> None:
    window = make_filled_window(3)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=WAIT_MS)
    index = window.model.index(0, Column.YEAR)
    assert index.data() == "2025"
    assert Column.YEAR.label == "Year"


def test_the_search_box_grows_and_an_error_moves_nothing(
    qtbot: QtBot, make_filled_window: WindowFactory
) -> None:
    window = make_filled_window(3)
    resize(qtbot, window, 1600, 1000)
    qtbot.waitUntil(lambda: window.search.width() > 360, timeout=WAIT_MS)
    table_top = window.paper_list.mapTo(window, window.paper_list.rect().topLeft()).y()
    qtbot.keyClicks(window.search.input, "rating:>=9")
    settle(qtbot, window)
    qtbot.waitUntil(window.search.hint.isVisible, timeout=WAIT_MS)
    QApplication.processEvents()
    assert window.paper_list.mapTo(window, window.paper_list.rect().topLeft()).y() == table_top
    assert window.search.hint.height() <= window.search.hint.fontMetrics().height() + 2


def test_a_long_status_message_is_elided_with_the_whole_text_in_its_tooltip(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    resize(qtbot, window, 800, 600)
    bar = window.statusBar()
    message = "Imported " + ", ".join(f"digest-number-{n}.txt" for n in range(40))
    bar.showMessage(message)
    shown = bar.shown_text()  # type: ignore[attr-defined]
    assert shown.endswith("…")
    assert message.startswith(shown[:-1])
    assert bar.fontMetrics().horizontalAdvance(shown) <= bar.message_rect().width()  # type: ignore[attr-defined]
    assert "digest-number-39.txt" in bar.toolTip()
    bar.showMessage("Short")
    assert bar.shown_text() == "Short"  # type: ignore[attr-defined]


def test_the_window_title_names_the_library_once(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("Papershelf")
    title = window.windowTitle().replace("[*]", "")
    assert title == "library.sqlite"  # Qt adds " — Papershelf" (the display name) itself
    assert "Papershelf" not in title
    assert window.windowFilePath().endswith("library.sqlite")
    assert Qt.WindowType.Window & window.windowFlags()


def test_authors_upvotes_and_arxiv_columns(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    from datetime import date

    from reader.digests.model import Entry

    entries = (
        Entry(
            title="Attention is all you need",
            authors=("Ashish Vaswani", "Noam Shazeer", "Niki Parmar"),
            authors_count=8,
            upvotes=1234,
            arxiv_id="1706.03762",
            published=date(2017, 6, 12),
        ),
        Entry(title="Two of us", authors=("Ada Lovelace", "Charles Babbage"), authors_count=2),
        Entry(title="Only a lab", organization="Google", authors_count=12),
    )
    with Library(lib_path) as library:
        record_entries(library, entries, "extras.txt")
    window = make_window()
    model = window.model
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)
    shown = {
        model.index(r, Column.TITLE).data(): (
            model.index(r, Column.AUTHORS).data(),
            model.index(r, Column.UPVOTES).data(),
            model.index(r, Column.ARXIV).data(),
        )
        for r in range(3)
    }
    assert shown["Attention is all you need"] == ("Vaswani et al.", "1,234", "1706.03762")
    assert shown["Two of us"] == ("Lovelace & Babbage", "", "")
    assert shown["Only a lab"] == ("Google", "", "")
    row = next(r for r in range(3) if model.index(r, 0).data() == "Attention is all you need")
    tip = model.index(row, Column.AUTHORS).data(Qt.ItemDataRole.ToolTipRole)
    assert "Ashish Vaswani, Noam Shazeer, Niki Parmar, and 5 more" in tip
    header = window.paper_list.horizontalHeader()
    header.setSortIndicator(Column.UPVOTES, Qt.SortOrder.DescendingOrder)
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        Column.UPVOTES,
        Qt.SortOrder.DescendingOrder,
    )
    qtbot.waitUntil(
        lambda: model.index(0, 0).data() == "Attention is all you need", timeout=WAIT_MS
    )
    window.paper_list.set_column_wanted(Column.AUTHORS, True)
    assert Column.AUTHORS in window.paper_list.fitter.wanted()
