"""The panes and columns give way both ways: the window shrinks and grows again (#19).

Every test resizes the real, shown window and lets Qt lay it out, then reads the panes'
geometry and the header's hidden sections — what the user sees.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WAIT_MS, WindowFactory
from ui.columns import Column
from ui.frame import DETAIL_MIN, LIST_MIN, MINIMUM_SIZE, SIDEBAR_MIN, SPLITTER_SHARES
from ui.panesplit import lay_out, valid_shares
from ui.window import MainWindow


def _resize(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().toTuple() == (width, height), timeout=WAIT_MS)
    QApplication.processEvents()


def _widths(window: MainWindow) -> tuple[int, int, int]:
    return (window.sidebar.width(), window.list_stack.width(), window.detail.width())


def _rect_in_window(widget: QWidget) -> QRect:
    return QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.size())


def _drag_handle(window: MainWindow, handle: int, to_x: int) -> None:
    """Move a splitter handle as a drag of the user's does (it emits splitterMoved)."""
    window.splitter.moveSplitter(to_x, handle)
    QApplication.processEvents()


def test_growing_after_narrow_gives_every_pane_its_share_again(
    qtbot: QtBot, make_filled_window: WindowFactory
) -> None:
    window = make_filled_window(5)
    _resize(qtbot, window, 800, 600)
    sidebar, papers, detail = _widths(window)
    assert papers >= LIST_MIN
    assert papers > detail
    assert sidebar >= SIDEBAR_MIN
    assert detail >= DETAIL_MIN
    _resize(qtbot, window, 1600, 1000)
    wide = _widths(window)
    total = sum(window.splitter.sizes())
    for width, share in zip(wide, SPLITTER_SHARES, strict=True):
        assert abs(width - share * total) <= 2, (wide, total)
    assert wide[2] > detail + 150  # the detail pane widened with the window
    _resize(qtbot, window, 800, 600)
    assert _widths(window) == (sidebar, papers, detail)  # and narrows the same way again


def test_a_dragged_proportion_survives_shrinking_growing_and_a_restart(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    _resize(qtbot, window, 1600, 1000)
    sidebar_right = window.splitter.sizes()[0] + window.splitter.handleWidth()
    _drag_handle(window, 2, sidebar_right + 600)  # the list is 600 px, the detail wide
    dragged = window.splitter.sizes()
    assert abs(dragged[1] - 600) <= 2
    _resize(qtbot, window, 800, 600)
    narrow = window.splitter.sizes()
    assert narrow[1] >= LIST_MIN
    assert narrow[2] >= DETAIL_MIN
    _resize(qtbot, window, 1600, 1000)
    assert window.splitter.sizes() == dragged  # the user's proportion, to the pixel
    _resize(qtbot, window, 1200, 900)
    sizes = window.splitter.sizes()
    for now, before in zip(sizes, dragged, strict=True):
        assert abs(now / sum(sizes) - before / sum(dragged)) < 0.01
    window.close()

    again = make_window()
    _resize(qtbot, again, 1600, 1000)
    assert again.splitter.sizes() == dragged


def test_a_hidden_pane_comes_back_at_its_share(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    _resize(qtbot, window, 1600, 1000)
    before = window.splitter.sizes()
    window.menu_actions.show_detail.setChecked(False)
    QApplication.processEvents()
    assert window.detail.isHidden()
    assert window.list_stack.width() > before[1] + before[2] - 10  # the list takes the room
    _resize(qtbot, window, 1000, 800)
    _resize(qtbot, window, 1600, 1000)
    window.menu_actions.show_detail.setChecked(True)
    QApplication.processEvents()
    assert window.splitter.sizes() == before


def test_columns_hidden_for_room_come_back_and_a_column_the_user_hid_stays_hidden(
    qtbot: QtBot, make_window: WindowFactory, make_filled_window: WindowFactory
) -> None:
    window = make_filled_window(5)
    header = window.paper_list.horizontalHeader()
    for column in (Column.STATUS, Column.YEAR, Column.AUTHORS):
        window.paper_list.set_column_wanted(column, True)
    window.paper_list.set_column_wanted(Column.TAGS, False)  # the user's own choice
    _resize(qtbot, window, 800, 600)
    hidden_for_room = window.paper_list.fitter.auto_hidden()
    assert {Column.STATUS, Column.YEAR} <= hidden_for_room
    assert header.length() <= window.paper_list.viewport().width()
    _resize(qtbot, window, 1600, 1000)
    shown = {c for c in Column if not header.isSectionHidden(c)}
    assert {Column.STATUS, Column.YEAR, Column.AUTHORS} <= shown
    assert Column.TAGS not in shown
    assert not window.paper_list.fitter.auto_hidden()
    title = header.sectionSize(Column.TITLE)
    assert title >= 0.35 * window.paper_list.viewport().width() - 1  # titles stay readable
    window.close()

    again = make_window()  # opened narrow: the wanted columns are still the user's
    _resize(qtbot, again, 800, 600)
    _resize(qtbot, again, 1600, 1000)
    header = again.paper_list.horizontalHeader()
    assert not header.isSectionHidden(Column.STATUS)
    assert header.isSectionHidden(Column.TAGS)


def test_the_count_beside_the_title_shortens_whole_and_is_never_clipped(
    qtbot: QtBot, make_filled_window: WindowFactory
) -> None:
    window = make_filled_window(1)
    window.search.input.setText("synthetic")
    qtbot.waitUntil(lambda: window.view_count.text() == "1 paper found", timeout=WAIT_MS)
    for width, height in ((800, 600), MINIMUM_SIZE):
        _resize(qtbot, window, width, height)
        window.view_title.setText("A digest with a rather long file name - Hugging Face.txt")
        qtbot.wait(20)  # the new text's size hint reaches the row's layout
        count = window.view_count
        assert count.shown_text() in count.forms()  # whole words, never "1 paper foun"
        assert count.fontMetrics().horizontalAdvance(count.shown_text()) <= count.width()
        title, box, search = (_rect_in_window(w) for w in (window.view_title, count, window.search))
        assert not title.intersects(box)
        assert not box.intersects(search)
        assert box.right() < search.left()
        assert window.view_title.is_elided()
    window.view_title.setText("Inbox")
    _resize(qtbot, window, 800, 600)
    qtbot.wait(20)
    assert window.view_count.shown_text() == "1 paper found"  # room for it all: all of it
    assert not window.view_title.is_elided()


def test_lay_out_keeps_minimums_and_sums_to_the_width() -> None:
    shares = valid_shares((1, 3, 4), 3)
    assert shares is not None
    assert lay_out(shares, (140, 300, 240), (True, True, True), 800, 1) == [140, 330, 330]
    assert lay_out(shares, (140, 300, 240), (True, True, True), 1600, 1) == [200, 600, 800]
    assert lay_out(shares, (140, 300, 240), (True, True, False), 1000, 1) == [140, 860, 0]
    assert lay_out(shares, (140, 300, 240), (True, True, True), 690, 1) == [140, 300, 250]
    dragged = valid_shares((0.17, 0.35, 0.48), 3)  # a wide detail pane, dragged at 1600 px
    assert dragged is not None
    assert lay_out(dragged, (140, 300, 240), (True, True, True), 1600, 1) == [272, 560, 768]
    narrow = lay_out(dragged, (140, 300, 240), (True, True, True), 790, 1)
    assert narrow[1] >= narrow[2]  # at 800 px the cramped list is not the narrower
    assert sum(narrow) == 790
    assert valid_shares((1, 0, 2), 3) is None
    assert valid_shares((1, 2), 3) is None
    assert valid_shares((1, float("nan"), 2), 3) is None


def test_with_every_column_turned_on_a_wide_list_still_shows_titles(
    qtbot: QtBot, make_filled_window: WindowFactory
) -> None:
    window = make_filled_window(5)
    for column in Column:
        window.paper_list.set_column_wanted(column, True)
    _resize(qtbot, window, 1600, 1000)
    header = window.paper_list.horizontalHeader()
    viewport = window.paper_list.viewport().width()
    assert header.sectionSize(Column.TITLE) >= 0.35 * viewport - 1
    assert header.length() <= viewport
    assert not header.isSectionHidden(Column.RATING)  # the most important still fit
    assert window.paper_list.fitter.auto_hidden()  # the least important wait for room
