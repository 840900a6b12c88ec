"""The window warms the OS page cache after its first paint, and stops when it closes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bench.corpus_bulk import build_fast
from reader.library import warmup

WAIT = 60_000


@pytest.fixture
def quiet_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions without the suite-wide log and exception hook (as the other session tests)."""
    import reader.logs
    import ui.errors

    monkeypatch.setattr(ui.errors, "install_excepthook", lambda _log: sys.excepthook)
    monkeypatch.setattr(reader.logs, "configure_logging", lambda *_args: None)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fast(tmp_path_factory.mktemp("warm-window"), 600)


def test_the_warm_up_starts_after_the_first_paint_and_reads_the_library(
    qtbot: QtBot, built: Path, quiet_app: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.app import start_session

    shown_at_start: list[bool] = []
    real = warmup.start_warmup

    def recording(path: Path, gate: object = None) -> warmup.Warmup:
        assert not isinstance(session, int)
        shown_at_start.append(session.window.isVisible())
        return real(path, gate)  # type: ignore[arg-type]

    monkeypatch.setattr(warmup, "start_warmup", recording)
    session = start_session(built)
    assert not isinstance(session, int)
    try:
        assert session.warmup is None  # not before the window is shown
        qtbot.waitUntil(lambda: session.warmup is not None, timeout=WAIT)
        assert shown_at_start == [True]
        assert session.warmup is not None
        assert session.warmup.path == built
        assert session.warmup.wait(60)
        assert session.warmup.report.finished
        assert session.warmup.report.bytes_read > 0
    finally:
        session.close()


def test_closing_the_session_stops_a_warm_up_still_running(
    qtbot: QtBot, built: Path, quiet_app: None
) -> None:
    from reader.yieldgate import GATE
    from ui.app import start_session

    with GATE.foreground():  # the warm-up holds behind it: still running at the close
        session = start_session(built)
        assert not isinstance(session, int)
        try:
            qtbot.waitUntil(lambda: session.warmup is not None, timeout=WAIT)
            running = session.warmup
            assert running is not None
            assert not running.wait(0.5)
        finally:
            session.close()
    assert running.wait(5)
    assert running.stopped
    assert not running.report.finished
