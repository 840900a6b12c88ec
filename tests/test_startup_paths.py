"""The window starts on a library named by a relative path (``--library shelf.sqlite``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.library import Library
from reader.library.opening import upgrade_pending
from reader.library.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[1]


def test_an_upgrade_is_seen_pending_through_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Library(tmp_path / "shelf.sqlite").close()
    monkeypatch.chdir(tmp_path)
    assert upgrade_pending("shelf.sqlite") is False  # current: nothing to do, no error
    with sqlite3.connect(tmp_path / "shelf.sqlite") as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    assert upgrade_pending("shelf.sqlite") is True
    assert upgrade_pending(Path("no-such.sqlite")) is False


def test_the_window_opens_on_a_relative_library_path(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PAPERSHELF_SMOKE_TEST": "1",
        "PYTHONPATH": str(ROOT),
        **{name: str(tmp_path / name.lower()) for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME",
                                                           "XDG_STATE_HOME", "XDG_CACHE_HOME")},
    }  # fmt: skip
    Library(tmp_path / "shelf.sqlite").close()
    shown = subprocess.run(
        [sys.executable, "-m", "ui.launch", "--library", "shelf.sqlite"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "papershelf: window shown" in shown.stdout, shown.stderr[-2000:]
    assert shown.returncode == 0
