"""The rotating log file."""

from __future__ import annotations

import logging
import logging.handlers
import time
from collections.abc import Callable, Iterator
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


def test_imports_exports_backups_and_watched_folder_events_are_logged_at_info(
    clean_root: logging.Logger, tmp_path: Path, write_digest: Callable[..., Path]
) -> None:
    """Issue #19: after a day of use the log file said nothing. Each of these says a line."""
    from reader.export import ExportOptions, export_notes
    from reader.importer import Importer
    from reader.library import Library
    from reader.library.backup import make_backup
    from reader.watcher import FolderWatcher
    from reader.worker import LibraryWorker

    path = configure_logging(tmp_path / "logs" / "papershelf.log")
    assert path is not None
    library_path = tmp_path / "library.sqlite"
    library = Library(library_path)
    try:
        digest = write_digest("2026-01-30.txt", [1, 2])
        assert Importer(library).import_file(digest).ok
        export_notes(library, ExportOptions(folder=tmp_path / "vault"))
    finally:
        library.close()
    make_backup(library_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    worker = LibraryWorker(library_path)
    reports: list[object] = []
    watcher = FolderWatcher(worker, [inbox], quiet_period=0.05, on_report=reports.append)
    try:
        watcher.start()
        write_digest("2026-01-31.txt", [3], folder=inbox)
        deadline = time.monotonic() + 30
        while not reports and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        watcher.stop()
        worker.close()
    for handler in clean_root.handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    info = [line for line in text.splitlines() if " INFO " in line]
    assert any("2026-01-30.txt: imported: 2 new, 0 updated (2 papers)" in x for x in info), text
    assert any("exported to " in x and "3 written" in x for x in info), text  # 2 notes, index
    assert any("backed up " in x and "(manual)" in x for x in info), text
    assert any(f"watching {inbox.resolve()}" in x for x in info), text
    assert any("watched folder: created " in x and "2026-01-31.txt" in x for x in info), text
    assert any("2026-01-31.txt: imported: 1 new" in x for x in info), text
