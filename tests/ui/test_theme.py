"""Settings ▸ Appearance switches the theme app-wide, at once, and remembers it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WAIT_MS, WindowFactory
from ui.appwide import theme
from ui.style import SCHEME_VARIABLE, apply_theme


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[QApplication]:
    """The application as Fusion (our palettes), restored afterwards."""
    monkeypatch.delenv(SCHEME_VARIABLE, raising=False)
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    style, palette, sheet = instance.style().name(), instance.palette(), instance.styleSheet()
    instance.setStyle("Fusion")
    instance.setProperty("papershelfFusion", True)
    yield instance
    apply_theme(instance, "system")
    instance.setStyle(style)
    instance.setPalette(palette)
    instance.setStyleSheet(sheet)


def _window_lightness(app: QApplication) -> int:
    return app.palette().color(QPalette.ColorRole.Window).lightness()


def test_the_theme_switch_in_settings_applies_live_and_is_remembered(
    qtbot: QtBot, make_window: WindowFactory, app: QApplication
) -> None:
    window = make_window()
    for choice, dark in (("dark", True), ("light", False), ("dark", True)):
        window.show_settings()
        dialog = window.settings_dialog
        dialog.theme.setCurrentIndex(dialog.theme.findData(choice))
        dialog.accept()
        qtbot.waitUntil(lambda dark=dark: (_window_lightness(app) < 80) == dark, timeout=WAIT_MS)
        assert theme() == choice
        assert (window.palette().color(QPalette.ColorRole.Base).lightness() < 80) == dark
    window.show_settings()
    assert window.settings_dialog.theme.currentData() == "dark"  # the dialog shows it
    window.settings_dialog.reject()


def test_the_environment_still_overrides_the_theme(
    app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_theme(app, "dark")
    monkeypatch.setenv(SCHEME_VARIABLE, "light")
    apply_theme(app, "dark")
    assert _window_lightness(app) > 180


def test_settings_says_when_the_environment_decides_the_theme(
    qtbot: QtBot, make_window: WindowFactory, app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.show_settings()
    assert window.settings_dialog.theme.isEnabled()
    window.settings_dialog.reject()
    monkeypatch.setenv(SCHEME_VARIABLE, "light")
    window.show_settings()
    dialog = window.settings_dialog
    assert not dialog.theme.isEnabled()  # a choice here would change nothing
    said = [label.text() for label in dialog.findChildren(QLabel)]
    assert f"{SCHEME_VARIABLE}=light is set: it decides." in said
    dialog.reject()
