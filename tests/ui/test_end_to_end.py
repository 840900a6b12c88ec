"""A user's first session, through the widgets: a digest arrives, is triaged and annotated,
and everything is there again after the window is closed and reopened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reader.library import Status
from tests.ui.conftest import WAIT_MS, WindowFactory, settle
from ui.models import Column
from ui.views import ALL
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def click_row(qtbot: QtBot, window: MainWindow, row: int) -> None:
    """Click a row of the paper list as a user would."""
    view = window.paper_list
    index = window.model.index(row, Column.TITLE)
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    settle(qtbot, window)


def click_sidebar(qtbot: QtBot, window: MainWindow, key: object) -> None:
    index = window.sidebar_model.index_of(key)  # type: ignore[arg-type]
    rect = window.sidebar.visualRect(index)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, window)  # type: ignore[arg-type]


def shown_id(window: MainWindow) -> int | None:
    """The id of the paper the detail pane shows."""
    return window.detail.paper.id if window.detail.paper is not None else None


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """A key pressed while the paper list has the focus."""
    window.paper_list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.paper_list, timeout=WAIT_MS)
    qtbot.keyClick(window.paper_list, key)
    settle(qtbot, window)


def test_first_session_survives_a_restart(
    qtbot: QtBot,
    make_window: WindowFactory,
    inbox: Path,
    copy_sample: Callable[[Path], Path],
) -> None:
    window = make_window(watch=True)
    assert window.list_stack.currentWidget() is window.empty_state
    assert str(inbox) in window.empty_state.message.text()

    copy_sample(inbox)
    qtbot.waitUntil(lambda: window.model.rowCount() == 48, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.list_stack.currentWidget() is not window.empty_state)
    assert "Imported 48 new papers from Daily Papers - Hugging Face.txt" in (
        window.statusBar().currentMessage()
    )

    click_sidebar(qtbot, window, ALL)
    qtbot.waitUntil(lambda: window.sidebar.current_key == ALL)
    click_row(qtbot, window, 2)
    paper_id = window.paper_list.current_id()
    assert paper_id is not None
    assert shown_id(window) == paper_id

    press(qtbot, window, Qt.Key.Key_4)
    assert window.library.paper(paper_id).rating == 4
    assert window.detail.stars.rating() == 4
    assert window.model.index(2, Column.RATING).data() == "★★★★☆"

    press(qtbot, window, Qt.Key.Key_T)
    tag_input = window.detail.tags.input
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tag_input)
    qtbot.keyClicks(tag_input, "long context")
    settle(qtbot, window)
    qtbot.keyClick(tag_input, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.library.paper(paper_id).tags == ("long context",)
    assert window.detail.tags.tags() == ["long context"]

    qtbot.mouseClick(window.detail.status.button(Status.READING), Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.library.paper(paper_id).status is Status.READING
    assert window.paper_list.current_id() == paper_id  # "All papers" keeps it in view

    press(qtbot, window, Qt.Key.Key_N)
    editor = window.detail.note.editor
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    qtbot.keyClicks(editor, "Read **section 3** again.")
    settle(qtbot, window)
    click_row(qtbot, window, 5)  # switching paper saves the note at once
    assert window.library.paper(paper_id).note == "Read **section 3** again."
    click_row(qtbot, window, 2)
    assert shown_id(window) == paper_id
    window.close()

    again = make_window(watch=True)
    assert again.sidebar.current_key == ALL
    assert again.paper_list.current_id() == paper_id
    assert shown_id(again) == paper_id
    assert again.detail.stars.rating() == 4
    assert again.detail.status.status() is Status.READING
    assert again.detail.tags.tags() == ["long context"]
    assert again.detail.note.text() == "Read **section 3** again."
    assert not again.detail.note.is_editing()  # a paper with a note opens on its preview
    assert "section 3" in again.detail.note.preview.toPlainText()
