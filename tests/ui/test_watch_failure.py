"""The watcher stops for good when the library file is deleted: the window says so, once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WAIT_MS, WindowFactory


def test_a_deleted_library_stops_the_watcher_and_is_said_once(
    qtbot: QtBot,
    make_window: WindowFactory,
    lib_path: Path,
    inbox: Path,
    write_digest: Callable[..., Path],
) -> None:
    window = make_window(watch=True)
    assert window.watch is not None
    watcher = window.watch.watcher
    assert watcher is not None
    shown: list[str] = []
    window.watch.failed.connect(shown.append)
    assert watcher.wait_until_idle(WAIT_MS / 1000)
    lib_path.unlink()
    write_digest("one.txt", [1, 2], folder=inbox)
    watcher.scan()  # as a file event would, without waiting for one
    qtbot.waitUntil(lambda: window.transfers.watch_box is not None, timeout=WAIT_MS)
    box = window.transfers.watch_box
    assert box is not None
    assert box.icon() is QMessageBox.Icon.Warning
    assert str(lib_path) in box.text()
    assert "deleted or replaced" in box.text()
    assert "not watched any more" in window.statusBar().currentMessage()
    write_digest("two.txt", [3], folder=inbox)  # nothing more is imported, nor said again
    qtbot.wait(1500)
    assert len(shown) == 1
    assert watcher.failure is not None
    box.close()
