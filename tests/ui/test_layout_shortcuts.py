"""The Shortcuts dialog lists every key there is, whoever added the action (#19)."""

from __future__ import annotations

import html

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from ui.menus import key_text


def _menu_actions(menu: QMenu) -> list[QAction]:
    found: list[QAction] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            found += _menu_actions(sub)
        elif not action.isSeparator():
            found.append(action)
    return found


def test_the_shortcuts_dialog_lists_every_key_of_every_menu(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    window.show_shortcuts()
    text = html.unescape(window.help_box.text())
    window.help_box.close()
    keyed = [
        action
        for top in window.menuBar().actions()
        if isinstance(top.menu(), QMenu)
        for action in _menu_actions(top.menu())  # type: ignore[arg-type]
        if not action.shortcut().isEmpty()
    ]
    assert len(keyed) > 40
    for action in keyed:
        assert key_text(action.shortcut()) in text, action.text()
    for needed in ("Ctrl+Shift+B", "Ctrl+Shift+U", "Ctrl+Alt+O", "Ctrl+Alt+K", "Ctrl+C"):
        assert needed in text, needed  # citations, rules, library files: added by others
    assert "Ctrl+S" in text  # Save Search as View, the window's own action
    assert "Save Search as View" in text


def test_every_fixed_action_has_a_key_and_no_two_share_one(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    actions = [
        action
        for top in window.menuBar().actions()
        if isinstance(top.menu(), QMenu)
        for action in _menu_actions(top.menu())  # type: ignore[arg-type]
    ]
    unique = list({id(a): a for a in actions}.values())
    keyed_names = {
        a.text().replace("&", "").split("\t")[0] for a in unique if not a.shortcut().isEmpty()
    }
    for name in (
        "About Papershelf",
        "Open Log Folder",
        "Select the Next Paper After Triage",
        "Move to Reading",
    ):
        assert name in keyed_names, name
    keys = [key_text(a.shortcut()) for a in unique if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
