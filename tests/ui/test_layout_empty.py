"""The empty library's page leads somewhere when no folder is watched (#19)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader.settings import Settings
from tests.ui.conftest import WAIT_MS, WindowFactory


@pytest.fixture
def settings() -> Settings:
    """A new library opened with --library: it watches nothing."""
    return Settings(watched_folders=[], quiet_period=0.1, export_folder=None)


def test_with_no_watched_folder_the_button_chooses_one_instead_of_being_dead(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    assert window.list_stack.currentWidget() is window.empty_state
    button = window.empty_state.open_button
    assert button.isEnabled()
    assert button.text() == "Choose Watched Folder…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.settings_dialog.isVisible, timeout=WAIT_MS)
    window.settings_dialog.reject()
