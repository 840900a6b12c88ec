"""File ▸ Open Library / Open Recent / Backup Now / Restore / Check, on real sessions."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from reader.importer import Importer
from reader.library import Library
from reader.library.backup import list_backups
from tests.ui.conftest import WAIT_MS

WAIT = 30_000


@pytest.fixture
def quiet_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions without the suite-wide log and exception hook (as the other session tests)."""
    import reader.logs
    import ui.errors

    monkeypatch.setattr(ui.errors, "install_excepthook", lambda _log: sys.excepthook)
    monkeypatch.setattr(reader.logs, "configure_logging", lambda *_args: None)


def _library(path: Path, write_digest: Callable[..., Path], numbers: list[int]) -> Path:
    with Library(path) as library:
        Importer(library).import_file(write_digest(f"{path.stem}.txt", numbers))
    return path


def _idle(qtbot: QtBot, session: object) -> None:
    window = session.window  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.idle and window.model.rowCount() > 0, timeout=WAIT)


def test_open_library_switches_safely_and_remembers_recent_ones(
    qtbot: QtBot, tmp_path: Path, quiet_app: None, write_digest: Callable[..., Path]
) -> None:
    from ui.app import start_session
    from ui.appwide import recent_libraries
    from ui.switching import SessionSwitcher

    first = _library(tmp_path / "first.sqlite", write_digest, [1, 2])
    second = _library(tmp_path / "second.sqlite", write_digest, [3, 4, 5])
    session = start_session(first)
    assert not isinstance(session, int)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    switcher = SessionSwitcher(app, session, start_session)
    try:
        _idle(qtbot, session)
        window = session.window
        window.paper_list.select_row(0)
        qtbot.waitUntil(lambda: window.detail.paper is not None, timeout=WAIT)
        paper_id = window.detail.paper.id  # type: ignore[union-attr]
        window.detail.note.start_editing()
        window.detail.note.editor.setPlainText("typed just before switching")
        window.library_file.request_open(second)  # as File ▸ Open Recent does
        qtbot.waitUntil(lambda: switcher.library_path == second, timeout=WAIT)
        assert switcher.session is not None
        new_window = switcher.session.window
        assert new_window is not window
        assert new_window.windowFilePath().endswith("second.sqlite")
        _idle(qtbot, switcher.session)
        assert new_window.model.rowCount() == 3
        with Library(first) as again:  # the pending note was stored before the switch
            assert again.paper(paper_id).note == "typed just before switching"
        assert [p.name for p in recent_libraries()[:2]] == ["second.sqlite", "first.sqlite"]

        missing = tmp_path / "no such folder" / "x.sqlite"
        assert not switcher.switch(missing)  # refused: the window comes back on the library
        assert switcher.library_path == second
        assert switcher.session is not None
        assert switcher.session.window.isVisible()

        junk = tmp_path / "junk.sqlite"
        junk.write_bytes(b"not a database at all, just some bytes" * 100)
        _click_when_shown("OK")  # "Papershelf cannot open the library"
        assert not switcher.switch(junk)
        assert switcher.library_path == second  # the old library is open again
        assert "second.sqlite is open again" in switcher.last_result
        assert junk.read_bytes().startswith(b"not a database")  # never touched
    finally:
        switcher.close()


def _click_when_shown(text: str) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        button = next(b for b in box.findChildren(QPushButton) if b.text().replace("&", "") == text)
        button.click()

    QTimer.singleShot(0, click)


def test_backup_check_and_restore_from_the_window(
    qtbot: QtBot, tmp_path: Path, quiet_app: None, write_digest: Callable[..., Path]
) -> None:
    from ui.app import start_session
    from ui.switching import SessionSwitcher

    path = _library(tmp_path / "lib.sqlite", write_digest, [1, 2])
    session = start_session(path)
    assert not isinstance(session, int)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    switcher = SessionSwitcher(app, session, start_session)
    try:
        _idle(qtbot, session)
        actions = session.window.library_file
        actions.back_up()
        qtbot.waitUntil(lambda: actions.box is not None, timeout=WAIT)
        assert actions.box is not None
        assert actions.box.windowTitle() == "Backup made"
        backups = list_backups(path)
        assert len(backups) == 1
        assert str(backups[0].path) in actions.box.text()
        actions.box.close()

        actions.box = None
        actions.check_library()
        qtbot.waitUntil(lambda: actions.box is not None, timeout=WAIT)
        assert actions.box is not None
        assert "healthy" in actions.box.text()
        actions.box.close()

        # more papers after the backup: restoring brings back the two it holds
        session.window.transfers.import_paths([write_digest("later.txt", [7, 8, 9])])
        qtbot.waitUntil(lambda: session.window.model.rowCount() == 5, timeout=WAIT)
        _click_when_shown("Cancel")
        assert not actions.confirm_restore(backups[0].path)
        assert switcher.library_path == path
        _click_when_shown("Restore")
        assert actions.confirm_restore(backups[0].path)
        qtbot.waitUntil(lambda: "Restored 2 papers" in switcher.last_result, timeout=WAIT)
        assert switcher.session is not None
        assert switcher.session.window is not session.window
        _idle(qtbot, switcher.session)
        assert switcher.session.window.model.rowCount() == 2
        assert any(b.kind == "before-restore" for b in list_backups(path))  # nothing lost
    finally:
        switcher.close()
    assert WAIT_MS
