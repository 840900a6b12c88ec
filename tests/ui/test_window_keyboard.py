"""The window driven by the keyboard alone: Tab and F6, keys for every action, triage
feedback and moving on, Mark All Shown as Read, actions that make no sense disabled.

Keys are real key events sent to the widget that has the focus (``QTest.keyClick`` on
``QApplication.focusWidget()``), the way a person types.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from reader.library import Library, Status
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle
from tests.ui.test_end_to_end import click_row, click_sidebar
from ui.menus import STATUS_KEYS
from ui.views import ALL
from ui.window import MainWindow


@pytest.fixture
def papers(lib_path: Path) -> Path:
    """Twelve synthetic papers in the test's library."""
    with Library(lib_path) as library:
        fill_library(library, 12)
    return lib_path


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def key(
    qtbot: QtBot,
    window: MainWindow,
    k: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """One key pressed on whatever has the focus, then wait for the window to settle."""
    QTest.keyClick(focused(), k, modifiers)
    settle(qtbot, window)


def focus_list(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()  # as the window manager does when a dialog closes
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    window.paper_list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.paper_list, timeout=WAIT_MS)


def test_tab_walks_panes_and_detail_controls_not_table_cells(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    focus_list(qtbot, window)
    detail = window.detail
    expected = [
        detail.stars,
        detail.status.button(Status.INBOX),  # the group's checked button: one stop
        detail.tags.input,
        detail.note.editor,
        window.sidebar,
        window.search.input,
        window.paper_list,
    ]
    seen = []
    for _ in expected:
        key(qtbot, window, Qt.Key.Key_Tab)
        seen.append(focused())
    assert seen == expected
    assert window.paper_list.currentIndex().row() == 0  # Tab never moved along the cells
    assert window.paper_list.currentIndex().column() == 0
    key(qtbot, window, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is window.search.input
    key(qtbot, window, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is window.sidebar


def test_f6_cycles_the_three_panes_and_the_focused_one_is_framed(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    focus_list(qtbot, window)
    assert window.pane_focus.focused_pane == "list"
    key(qtbot, window, Qt.Key.Key_F6)
    assert focused() is window.detail.stars
    assert window.pane_focus.focused_pane == "detail"
    key(qtbot, window, Qt.Key.Key_F6)
    assert focused() is window.sidebar
    assert window.pane_focus.focused_pane == "sidebar"
    key(qtbot, window, Qt.Key.Key_F6)
    assert focused() is window.paper_list  # the list itself, not its search field
    key(qtbot, window, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is window.sidebar
    frames = [w for w in window.findChildren(QWidget, "paneFocusFrame") if w.isVisible()]
    assert len(frames) == 1
    assert frames[0].parentWidget() is window.sidebar
    assert frames[0].geometry() == window.sidebar.rect()


def test_every_action_has_a_key_and_the_shortcuts_dialog_lists_them(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    actions = window.menu_actions
    keyless = {actions.advance, actions.open_logs, actions.about}  # menu mnemonics only
    for menu in window.menuBar().actions():
        for action in menu.menu().actions():
            if action.isSeparator() or action.menu() is not None or action in keyless:
                continue
            assert not action.shortcut().isEmpty(), f"{action.text()!r} has no key"
    assert actions.status[Status.READING].shortcut() == QKeySequence("W")
    window.show_shortcuts()
    text = window.help_box.text()
    for needed in ("Esc", "Backspace", "Ctrl+O", "Ctrl+E", "Ctrl+,", "F6", "Ctrl+Shift+R"):
        assert needed in text, needed
    for letter in STATUS_KEYS.values():
        assert f"<b>{letter.lower()}</b>" in text
    assert "Move to Reading" in text
    assert "Mark All Shown as Read" in text
    window.help_box.close()


def test_menus_show_single_letters_unshifted(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    add_tag = window.menu_actions.add_tag
    assert add_tag.shortcut() == QKeySequence("T")  # the key itself is unchanged
    assert add_tag.text().split("\t")[1] == "t"  # the menu shows "t", not "T" (Shift+T)
    assert window.menu_actions.find.text().count("\t") == 0  # Ctrl+F keeps Qt's own text


def test_a_triage_key_says_what_it_did_and_moves_on(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_sidebar(qtbot, window, ALL)
    click_row(qtbot, window, 0)
    first, second, third = window.model.ids()[:3]
    focus_list(qtbot, window)
    key(qtbot, window, Qt.Key.Key_Q)
    assert window.library.paper(first).status is Status.QUEUE
    assert window.statusBar().currentMessage() == "Moved to Queue — Ctrl+Z to undo"
    assert window.paper_list.current_id() == second  # All still holds it: moved on
    key(qtbot, window, Qt.Key.Key_W)
    assert window.library.paper(second).status is Status.READING
    assert window.paper_list.current_id() == third
    key(qtbot, window, Qt.Key.Key_3)  # a rating stays: the note may come next
    assert window.paper_list.current_id() == third
    assert window.statusBar().currentMessage() == "Rated 3 stars — Ctrl+Z to undo"

    window.menu_actions.advance.trigger()  # the setting off: triage stays on the paper
    assert not window.selection.advance
    key(qtbot, window, Qt.Key.Key_R)
    assert window.library.paper(third).status is Status.READ
    assert window.paper_list.current_id() == third
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.library.paper(third).status is Status.INBOX
    window.close()
    again = make_window()  # the setting is the window's, kept across runs
    assert not again.menu_actions.advance.isChecked()
    assert not again.selection.advance


def _answer(qtbot: QtBot, button_text: str, seen: list[str]) -> None:
    """Press ``button_text`` in the next message box, remembering its question."""

    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, look)
            return
        seen.append(box.text())
        buttons = [b for b in box.findChildren(QAbstractButton) if b.text() == button_text]
        seen.extend(b.text() for b in box.buttons())
        assert buttons, [b.text() for b in box.buttons()]
        buttons[0].click()

    QTimer.singleShot(20, look)


def test_mark_all_shown_as_read_asks_with_the_count_and_undoes_in_one_step(
    qtbot: QtBot, make_window: WindowFactory, papers: Path
) -> None:
    window = make_window()
    click_row(qtbot, window, 0)
    focus_list(qtbot, window)
    shown = window.model.ids()
    steps = window.edits.undo_stack.count()
    seen: list[str] = []
    _answer(qtbot, "Mark as Read", seen)
    key(
        qtbot,
        window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert seen[0] == f"Mark {len(shown)} papers as read?"
    assert "Yes" not in seen
    assert "&Yes" not in seen
    with Library(window.library.path) as other:
        assert {other.paper(i).status for i in shown} == {Status.READ}
    assert window.edits.undo_stack.count() == steps + 1
    assert "Marked 12 papers as read" in window.statusBar().currentMessage()
    focus_list(qtbot, window)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with Library(window.library.path) as other:
        assert {other.paper(i).status for i in shown} == {Status.INBOX}

    seen.clear()
    _answer(qtbot, "Cancel", seen)
    focus_list(qtbot, window)
    key(
        qtbot,
        window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert seen
    with Library(window.library.path) as other:
        assert {other.paper(i).status for i in shown} == {Status.INBOX}


def test_actions_are_disabled_where_they_make_no_sense(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    Library(lib_path).close()  # an empty library
    window = make_window()
    actions = window.menu_actions
    for action in (*actions.rate, *actions.status.values(), actions.not_interested):
        assert not action.isEnabled(), action.text()
    for action in (actions.mark_all_read, actions.export, actions.move_to_trash):
        assert not action.isEnabled(), action.text()
    assert actions.import_files.isEnabled()
    assert actions.settings.isEnabled()

    with Library(lib_path) as library:
        fill_library(library, 3)
    window.feed.load_now(window.library)
    window.model.requery()
    settle(qtbot, window)
    window.paper_list.clearSelection()
    settle(qtbot, window)
    assert actions.mark_all_read.isEnabled()
    assert not actions.rate[3].isEnabled()  # papers, but none selected
    click_row(qtbot, window, 0)
    assert actions.rate[3].isEnabled()
    assert actions.more_like_this.isEnabled()
