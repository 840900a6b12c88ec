"""Resource faults: a read-only library, a full disk, a library locked by another process.

Each must give one clear line (the command line exits with status 2), lose nothing that
was committed, and leave the app able to carry on once the fault is gone. Real SQLite
error paths throughout: an immutable file (``chattr +i``; root ignores ``chmod``), a small
tmpfs filled to the brim, ``PRAGMA max_page_count`` / ``query_only`` where mounting or
``chattr`` is not allowed, and a second process holding ``BEGIN EXCLUSIVE``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from reader.digests.hf_text import render
from reader.importer import Importer, ImportOutcome
from reader.library import (
    DiskFullError,
    LibraryLockedError,
    LibraryReadOnlyError,
    connection,
    health,
)
from reader.library.store import Library
from reader.watcher import FolderWatcher
from reader.worker import LibraryWorker
from tests.factories import entry, run_papershelf

TIMEOUT = 30.0


def digest(folder: Path, name: str, first: int, count: int) -> Path:
    """A capture of papers ``first`` … ``first + count - 1``."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = [entry(n) for n in range(first, first + count)]
    path.write_text(render(entries, date(2026, 1, 30)), encoding="utf-8")
    return path


def seeded(path: Path, folder: Path) -> Path:
    """A library with 40 papers, a rating and a note: what must never be lost."""
    with Library(path) as library:
        Importer(library).import_file(digest(folder, "seed.txt", 0, 40))
        library.set_rating(1, 5)
        library.set_note(2, "a note that must survive")
    return path


def assert_intact(path: Path, papers: int = 40) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert health.integrity_errors(conn) == []
        assert health.search_index_problem(conn) is None
        assert conn.execute("SELECT count(*) FROM paper").fetchone()[0] == papers
        assert conn.execute("SELECT rating FROM paper WHERE id = 1").fetchone()[0] == 5
        assert conn.execute("SELECT note FROM paper WHERE id = 2").fetchone()[0] == (
            "a note that must survive"
        )
    finally:
        conn.close()


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def wait_for(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


# ---------------------------------------------------------------------- a read-only library


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """``chattr +i`` a file (undone afterwards); skips where the attribute is refused."""
    changed: list[Path] = []

    def make(path: Path) -> None:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is not installed")
        result = subprocess.run(
            ["chattr", "+i", str(path)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            pytest.skip(f"cannot make a file immutable here: {result.stderr.strip()}")
        changed.append(path)

    yield make
    for path in changed:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_immutable_library_file_reads_and_refuses_writes_plainly(
    tmp_path: Path, immutable: Callable[[Path], None]
) -> None:
    path = seeded(tmp_path / "lib.sqlite", tmp_path)
    new = digest(tmp_path, "new.txt", 100, 20)
    immutable(path)
    line = one_line_error(run_papershelf(path, "rate", "3", "4"), "read-only")
    assert line.startswith("papershelf: the library")
    one_line_error(run_papershelf(path, "import", str(new)), "read-only")
    listed = run_papershelf(path, "list", "--limit", "3")
    assert listed.returncode == 0
    assert "40 papers" not in listed.stderr
    subprocess.run(["chattr", "-i", str(path)], check=True)
    assert_intact(path)
    assert run_papershelf(path, "import", str(new)).returncode == 0
    assert_intact(path, papers=60)


def test_a_connection_that_may_not_write_reports_read_only_and_the_worker_carries_on(
    tmp_path: Path,
) -> None:
    path = seeded(tmp_path / "lib.sqlite", tmp_path)
    new = digest(tmp_path, "new.txt", 100, 20)
    with LibraryWorker(path) as worker:
        worker.submit(lambda lib: lib.db.execute("PRAGMA query_only = 1")).result()
        with pytest.raises(LibraryReadOnlyError, match="read-only"):
            worker.submit(lambda lib: lib.set_rating(1, 1)).result()
        with pytest.raises(LibraryReadOnlyError):
            worker.submit(lambda lib: Importer(lib).import_file(new)).result()
        worker.submit(lambda lib: lib.db.execute("PRAGMA query_only = 0")).result()
        report = worker.submit(lambda lib: Importer(lib).import_file(new)).result()
        assert report.outcome is ImportOutcome.IMPORTED
    assert_intact(path, papers=60)


# ---------------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs mounted in the test's folder; skips where mounting is not permitted."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill_disk(folder: Path, leave: int = 0) -> Path:
    """Fill the disk holding ``folder`` up, then give back ``leave`` bytes."""
    filler = folder / "filler.bin"
    block = b"\0" * 65536
    # Unbuffered: a buffered file would flush its partial last block again on close and
    # raise ENOSPC outside pytest.raises (it depends on how full the disk was to begin with).
    with filler.open("wb", buffering=0) as handle, pytest.raises(OSError) as full:
        while True:
            handle.write(block)
    assert full.value.errno == errno.ENOSPC
    if leave:
        with filler.open("r+b") as handle:
            handle.truncate(max(0, filler.stat().st_size - leave))
    return filler


def test_a_full_disk_gives_one_line_and_loses_nothing(tmp_path: Path, small_disk: Path) -> None:
    path = seeded(small_disk / "lib.sqlite", tmp_path)
    big = digest(tmp_path, "big.txt", 100, 400)
    filler = fill_disk(small_disk, leave=128 * 1024)
    one_line_error(run_papershelf(path, "import", str(big)), "disk", "full", "nothing was lost")
    assert run_papershelf(path, "rate", "3", "2").returncode == 0  # small writes still fit
    filler.unlink()
    assert_intact(path)
    assert run_papershelf(path, "import", str(big)).returncode == 0
    assert_intact(path, papers=440)


def test_a_completely_full_disk_is_named_as_such_when_opening(
    tmp_path: Path, small_disk: Path
) -> None:
    path = seeded(small_disk / "lib.sqlite", tmp_path)
    filler = fill_disk(small_disk)
    one_line_error(run_papershelf(path, "list"), "disk", "full")
    filler.unlink()
    assert run_papershelf(path, "list").returncode == 0
    assert_intact(path)


def test_the_worker_reports_a_full_disk_and_works_again_once_space_is_freed(
    tmp_path: Path, small_disk: Path
) -> None:
    path = seeded(small_disk / "lib.sqlite", tmp_path)
    big = digest(tmp_path, "big.txt", 100, 400)
    with LibraryWorker(path) as worker:
        worker.submit(lambda lib: lib.count()).result()  # open, with its -wal and -shm
        filler = fill_disk(small_disk)
        with pytest.raises(DiskFullError, match="free some space"):
            worker.submit(lambda lib: Importer(lib).import_file(big)).result()
        assert worker.submit(lambda lib: lib.count()).result() == 40
        filler.unlink()
        report = worker.submit(lambda lib: Importer(lib).import_file(big)).result()
        assert report.outcome is ImportOutcome.IMPORTED
    assert_intact(path, papers=440)


def test_a_full_library_file_limit_behaves_like_a_full_disk(tmp_path: Path) -> None:
    """SQLite's own ``max_page_count`` raises the real SQLITE_FULL, on any machine."""
    path = seeded(tmp_path / "lib.sqlite", tmp_path)
    big = digest(tmp_path, "big.txt", 100, 400)
    with LibraryWorker(path) as worker:
        pages = worker.submit(
            lambda lib: lib.db.execute("PRAGMA page_count").fetchone()[0]
        ).result()
        worker.submit(lambda lib: lib.db.execute(f"PRAGMA max_page_count = {pages + 2}")).result()
        with pytest.raises(DiskFullError, match="nothing was lost"):
            worker.submit(lambda lib: Importer(lib).import_file(big)).result()
        worker.submit(lambda lib: lib.db.execute("PRAGMA max_page_count = 1073741823")).result()
        assert worker.submit(lambda lib: lib.set_rating(3, 3)).result().paper_ids == {3}
        report = worker.submit(lambda lib: Importer(lib).import_file(big)).result()
        assert report.outcome is ImportOutcome.IMPORTED
    assert_intact(path, papers=440)


def test_a_full_backup_disk_does_not_stop_the_library(tmp_path: Path, small_disk: Path) -> None:
    path = seeded(tmp_path / "lib.sqlite", tmp_path)
    env = {**os.environ, "XDG_DATA_HOME": str(small_disk / "data")}
    (small_disk / "data").mkdir()
    fill_disk(small_disk)
    result = run_papershelf(path, "rate", "4", "1", env=env)
    assert result.returncode == 0, result.stderr
    assert "today's backup of the library was not made" in result.stderr
    assert "Traceback" not in result.stderr
    assert not [p for p in (small_disk / "data").rglob("*") if p.is_file()]  # no half copy
    with Library(path) as library:
        assert library.paper(4).rating == 1


# ---------------------------------------------------------------------- a locked library


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Another process holding the library's write lock (``BEGIN EXCLUSIVE``)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sqlite3, sys\n"
                f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
                "c.execute('BEGIN EXCLUSIVE')\n"
                "c.execute('UPDATE paper SET rating = 0 WHERE id = 1')\n"  # never committed
                "print('locked', flush=True)\n"
                "sys.stdin.read()\n"
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate("", timeout=TIMEOUT)


def test_a_library_locked_by_another_process_fails_plainly_then_works(tmp_path: Path) -> None:
    path = seeded(tmp_path / "lib.sqlite", tmp_path)
    new = digest(tmp_path, "new.txt", 100, 20)
    with locked(path):
        started = time.monotonic()
        one_line_error(
            run_papershelf(path, "import", str(new)),
            "is busy: another Papershelf window or command",
        )
        print(f"gave up after {time.monotonic() - started:.1f} s")
        listed = run_papershelf(path, "list", "--limit", "1")  # reading goes on (WAL)
        assert listed.returncode == 0
    assert_intact(path)
    assert run_papershelf(path, "import", str(new)).returncode == 0
    assert_intact(path, papers=60)


def test_the_worker_and_watcher_keep_running_while_the_library_is_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    path = seeded(tmp_path / "lib.sqlite", tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    errors: list[str] = []
    imported = threading.Event()
    with LibraryWorker(path) as worker:
        watcher = FolderWatcher(
            worker,
            [inbox],
            quiet_period=0.05,
            rescan_interval=0.3,
            on_error=errors.append,
            on_report=lambda report: imported.set(),
        )
        watcher.start()
        try:
            with locked(path):
                with pytest.raises(LibraryLockedError):
                    worker.submit(lambda lib: lib.set_rating(3, 1)).result()
                digest(inbox, "arrived-while-locked.txt", 100, 20)
                wait_for(lambda: any("is busy: another Papershelf" in e for e in errors))
                assert not imported.is_set()
            # released: the rescan picks the file up again
            assert imported.wait(TIMEOUT)
        finally:
            watcher.stop()
        assert worker.submit(lambda lib: lib.count()).result() == 60
    assert_intact(path, papers=60)
