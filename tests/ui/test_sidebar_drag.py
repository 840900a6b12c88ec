"""Saved views reorder by drag and drop in the sidebar, and by keys, with undo (#19).

The drops are real drag events sent to the sidebar's viewport (the offscreen platform has
no pointer to drag with); the order is read back from the library file itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.library import Changes, Library, saved_views
from tests.ui.conftest import WAIT_MS, WindowFactory, settle, write
from ui.sidebar import SavedViewRole
from ui.views import INBOX, ViewKey
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def _names(window: MainWindow) -> list[str]:
    section = window.sidebar_model.saved_section
    return [section.child(r).text() for r in range(section.rowCount())]


def _stored(lib_path: Path) -> list[str]:
    with Library(lib_path) as library:
        return [view.name for view in saved_views.saved_views(library)]


def _three_views(qtbot: QtBot, window: MainWindow) -> None:
    def add(library: Library) -> Changes:
        for name in ("One", "Two", "Three"):
            saved_views.add_view(library, name, "")
        return saved_views.VIEWS_CHANGED

    write(qtbot, window, add)
    qtbot.waitUntil(lambda: _names(window) == ["One", "Two", "Three"], timeout=WAIT_MS)


def _point(window: MainWindow, row: int, *, upper: bool) -> QPoint:
    rect = window.sidebar.visualRect(window.sidebar.saved_view_indexes()[row])
    return QPoint(rect.center().x(), rect.top() + 2 if upper else rect.bottom() - 2)


def _drag_to(window: MainWindow, mime: QMimeData, point: QPoint, *, drop: bool) -> bool:
    viewport = window.sidebar.viewport()
    where = QPointF(point)
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    move = Qt.DropAction.MoveAction
    enter = QDragEnterEvent(point, move, mime, buttons, keys)
    QApplication.sendEvent(viewport, enter)
    over = QDragMoveEvent(point, move, mime, buttons, keys)
    QApplication.sendEvent(viewport, over)
    if not drop:
        return over.isAccepted()
    dropped = QDropEvent(where, move, mime, buttons, keys)
    QApplication.sendEvent(viewport, dropped)
    return dropped.isAccepted()


def test_drag_a_saved_view_to_its_new_place_with_undo(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    window = make_window()
    _three_views(qtbot, window)
    sidebar = window.sidebar
    third = sidebar.saved_view_indexes()[2]
    mime = sidebar.drag_data(third)
    assert mime is not None
    assert _drag_to(window, mime, _point(window, 0, upper=True), drop=False)
    assert sidebar._drop_line() is not None  # the line shows where it goes: above One
    assert _drag_to(window, mime, _point(window, 0, upper=True), drop=True)
    assert sidebar._drop_line() is None
    qtbot.waitUntil(lambda: _names(window) == ["Three", "One", "Two"], timeout=WAIT_MS)
    settle(qtbot, window)
    assert _stored(lib_path) == ["Three", "One", "Two"]  # written to the library
    assert "Move the view “Three”" in window.edits.undo_stack.undoText()

    one = sidebar.saved_view_indexes()[1]
    mime = sidebar.drag_data(one)
    assert mime is not None
    assert _drag_to(window, mime, _point(window, 2, upper=False), drop=True)  # below Two
    qtbot.waitUntil(lambda: _names(window) == ["Three", "Two", "One"], timeout=WAIT_MS)
    window.edits.undo()
    qtbot.waitUntil(lambda: _names(window) == ["Three", "One", "Two"], timeout=WAIT_MS)
    window.edits.undo()
    qtbot.waitUntil(lambda: _names(window) == ["One", "Two", "Three"], timeout=WAIT_MS)
    settle(qtbot, window)
    assert _stored(lib_path) == ["One", "Two", "Three"]


def test_only_saved_views_drag_and_they_drop_only_among_saved_views(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    _three_views(qtbot, window)
    sidebar = window.sidebar
    assert sidebar.drag_data(window.sidebar_model.index_of(INBOX)) is None
    mime = sidebar.drag_data(sidebar.saved_view_indexes()[0])
    assert mime is not None
    inbox = sidebar.visualRect(window.sidebar_model.index_of(INBOX)).center()
    assert not _drag_to(window, mime, inbox, drop=True)  # onto Inbox: nothing happens
    same = _point(window, 0, upper=False)  # dropped where it is: no edit either
    assert _drag_to(window, mime, same, drop=True)
    settle(qtbot, window)
    assert _names(window) == ["One", "Two", "Three"]
    assert not window.edits.undo_stack.canUndo()
    foreign = QMimeData()
    foreign.setText("One")
    assert not _drag_to(window, foreign, _point(window, 1, upper=True), drop=True)


def test_alt_shift_arrows_move_the_selected_view_and_the_shortcuts_list_them(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    _three_views(qtbot, window)
    two = window.sidebar_model.saved_section.child(1).data(SavedViewRole)
    assert window.sidebar.select_key(ViewKey("saved", two.id))
    settle(qtbot, window)
    window.sidebar.setFocus()
    keys = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Up, keys)
    qtbot.waitUntil(lambda: _names(window) == ["Two", "One", "Three"], timeout=WAIT_MS)
    settle(qtbot, window)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down, keys)
    qtbot.waitUntil(lambda: _names(window) == ["One", "Two", "Three"], timeout=WAIT_MS)
    window.show_shortcuts()
    text = window.help_box.text() + window.help_box.informativeText()
    assert "Move View Up" in text
    assert "Alt+Shift+Up" in text
    window.help_box.close()
