"""Issue #19's defects of the detail pane and its widgets, on real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from ui.tags import TagEditor


def test_choosing_a_tag_from_the_completer_clears_the_input(qtbot: QtBot) -> None:
    editor = TagEditor()
    qtbot.addWidget(editor)
    editor.resize(320, 60)
    with qtbot.waitExposed(editor):
        editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.input.setFocus()
    editor.set_completions(["long context", "nlp", "vision"])
    added: list[list[str]] = []
    editor.tags_added.connect(added.append)
    qtbot.keyClicks(editor.input, "lon")
    completer = editor.input.completer()
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert isinstance(popup, QAbstractItemView)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert editor.input.text() == "long context"  # the highlighted completion
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: added == [["long context"]])
    qtbot.waitUntil(lambda: editor.input.text() == "")
    qtbot.wait(50)  # nothing puts the completion back afterwards
    assert editor.input.text() == ""
    assert added == [["long context"]]  # added once, not once per signal


def test_clicking_a_completion_adds_it_once_and_clears_the_input(qtbot: QtBot) -> None:
    editor = TagEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.set_completions(["long context", "nlp"])
    added: list[list[str]] = []
    editor.tags_added.connect(added.append)
    qtbot.keyClicks(editor.input, "nl")
    popup = editor.input.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    index = popup.model().index(0, 0)
    qtbot.mouseClick(
        popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(index).center()
    )
    qtbot.waitUntil(lambda: added == [["nlp"]])
    qtbot.wait(50)
    assert editor.input.text() == ""
    assert added == [["nlp"]]
