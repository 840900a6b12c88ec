"""The settings file is read bounded: a symlink to a pipe or a device never blocks the app."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from reader.settings import MAX_SETTINGS_BYTES, Settings


def test_a_settings_file_that_is_a_symlink_to_a_pipe_gives_the_defaults_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "settings.json"
    link.symlink_to(fifo)
    with caplog.at_level(logging.WARNING):
        assert (
            Settings.load(link) == Settings()
        )  # before: blocked until a writer came (pytest-timeout)
    assert "not a regular file" in caplog.text
    assert link.is_symlink()
    assert fifo.exists()


def test_a_settings_file_that_is_a_device_is_not_read(tmp_path: Path) -> None:
    link = tmp_path / "settings.json"
    link.symlink_to("/dev/zero")  # before: read without end
    assert Settings.load(link) == Settings()


def test_a_huge_settings_file_is_not_read_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b" " * (MAX_SETTINGS_BYTES + 1))
    assert Settings.load(path) == Settings()
    assert path.stat().st_size == MAX_SETTINGS_BYTES + 1
