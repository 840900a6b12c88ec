"""Deleting papers with undo: Delete and the context menu move them to the trash; File ▸ Trash…"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader.library import Library
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle
from ui.window import MainWindow


def _answers(monkeypatch: pytest.MonkeyPatch, answer: bool) -> list[str]:
    asked: list[str] = []

    def ask(_parent: object, _title: str, question: str) -> bool:
        asked.append(question)
        return answer

    monkeypatch.setattr("ui.window.ask", ask)
    return asked


def _wait(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.edits.pending, timeout=WAIT_MS)
    settle(qtbot, window)


def _trashed(window: MainWindow) -> set[int]:
    return {p.id for p in window.library.trashed()}


def test_delete_moves_the_selection_to_the_trash_and_undo_restores_it(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    with Library(lib_path) as library:
        fill_library(library, 12)
        library.set_note(library.paper_ids()[0], "Keep me.")
    window = make_window()
    ids = window.model.ids()[:2]
    noted = next(i for i in window.model.ids() if window.library.paper(i).note == "Keep me.")
    ids = [noted, next(i for i in ids if i != noted)]
    window.paper_list.select_ids(ids)
    settle(qtbot, window)
    menu = window.menu_actions.paper_menu(window, [])
    assert "Move to Trash" in [a.text() for a in menu.actions()]

    window.paper_list.setFocus()
    qtbot.keyClick(window.paper_list, Qt.Key.Key_Delete)
    _wait(qtbot, window)
    assert _trashed(window) == set(ids)
    assert not set(ids) & set(window.model.ids())
    assert window.edits.undo_stack.undoText() == "Move 2 papers to the Trash"
    assert "Moved 2 papers to the Trash" in window.statusBar().currentMessage()

    window.edits.undo()
    _wait(qtbot, window)
    assert _trashed(window) == set()
    assert set(ids) <= set(window.model.ids())
    assert window.library.paper(noted).note == "Keep me."  # back as it was

    window.edits.redo()
    _wait(qtbot, window)
    assert _trashed(window) == set(ids)


def test_the_trash_dialog_restores_and_empties_after_asking(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(lib_path) as library:
        fill_library(library, 6)
    window = make_window()
    ids = window.model.ids()[:3]
    window.paper_list.select_ids(ids)
    settle(qtbot, window)
    window.menu_actions.move_to_trash.trigger()
    _wait(qtbot, window)
    assert _trashed(window) == set(ids)

    window.menu_actions.trash.trigger()
    dialog = window.trash.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.list.count() == 3, timeout=WAIT_MS)
    assert dialog.label.text().startswith("3 papers in the trash")
    assert not dialog.restore.isEnabled()
    dialog.list.item(0).setSelected(True)
    back = dialog.selected_ids()[0]
    qtbot.mouseClick(dialog.restore, Qt.MouseButton.LeftButton)
    _wait(qtbot, window)
    assert back in window.model.ids()
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=WAIT_MS)
    window.edits.undo()  # the restore is undoable: back into the trash
    _wait(qtbot, window)
    assert back in _trashed(window)
    qtbot.waitUntil(lambda: dialog.list.count() == 3, timeout=WAIT_MS)

    asked = _answers(monkeypatch, False)
    qtbot.mouseClick(dialog.empty, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert len(asked) == 1
    assert "cannot be undone" in asked[0]
    assert _trashed(window) == set(ids)  # "No": nothing deleted

    _answers(monkeypatch, True)
    qtbot.mouseClick(dialog.empty, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.label.text() == "The trash is empty.", timeout=WAIT_MS)
    assert _trashed(window) == set()
    assert not dialog.empty.isEnabled()
    assert len(window.model.ids()) == 3


def test_trashing_more_than_a_thousand_papers_asks_first(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(lib_path) as library:
        fill_library(library, 1001)
        ids = library.paper_ids()
    window = make_window()
    asked = _answers(monkeypatch, False)
    assert not window.edits.trash(ids)
    assert asked == ["Move 1,001 papers to the Trash?"]
    settle(qtbot, window)
    assert _trashed(window) == set()
    _answers(monkeypatch, True)
    assert window.edits.trash(ids)
    _wait(qtbot, window)
    assert len(_trashed(window)) == 1001
    assert window.model.ids() == []
