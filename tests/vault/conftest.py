"""The window's fixtures (tests/ui/conftest.py) for the vault's window tests here."""

from __future__ import annotations

import pytest

from tests.ui.conftest import (  # noqa: F401 - fixtures
    OFFSCREEN_NOISE,
    _application,
    inbox,
    lib_path,
    make_window,
    settings,
    worker,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The window tests here are GUI tests and tolerate the offscreen plugin's one remark."""
    for item in items:
        if "tests/vault/test_window" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))
