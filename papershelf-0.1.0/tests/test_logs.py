"""The rotating log file."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.logs import MAX_BYTES, configure_logging, log_file


@pytest.fixture
def clean_root() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    before = list(root.handlers), root.level
    yield root
    for handler in root.handlers[:]:
        if handler not in before[0]:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(before[1])


def test_log_goes_to_the_user_log_folder_and_rotates(clean_root: logging.Logger) -> None:
    path = configure_logging()
    assert path == log_file()
    assert configure_logging() == path  # idempotent
    handlers = [
        h for h in clean_root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert len(handlers) == 1
    for _ in range(MAX_BYTES // 500 + 50):
        logging.getLogger("reader.test").info("x" * 500)
    assert path.exists()
    assert path.with_name(path.name + ".1").exists()
    assert path.stat().st_size <= MAX_BYTES


def test_unwritable_log_folder_falls_back_quietly(
    clean_root: logging.Logger, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert configure_logging(blocker / "logs" / "papershelf.log") is None
    logging.getLogger("reader.test").warning("still works")
