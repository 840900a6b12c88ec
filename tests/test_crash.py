"""Crash safety, proven: ``papershelf import`` and ``papershelf watch`` killed with SIGKILL.

Each test runs the real command line in a subprocess on a corpus of small, heavily
overlapping digests and kills it at random moments spread over the work (calibrated by a
full run first). After every kill the library must pass ``integrity_check`` and the search
index check, and every digest must be fully imported or absent — its import-log row with
all its appearances, or nothing; no paper without an appearance; no copy in the backup
folder that fails its check. Then an un-killed run completes the set.
"""

from __future__ import annotations

import hashlib
import os
import queue
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from reader.digests.hf_text import render
from reader.library import backup, health
from reader.settings import settings_path
from tests.factories import entry

REPO = Path(__file__).resolve().parents[1]
IMPORT_KILLS = 20
WATCH_KILLS = 20


@dataclass(frozen=True)
class CorpusDigest:
    """One generated capture: its file, its bytes' hash and the papers it lists."""

    path: Path
    sha256: str
    papers: tuple[int, ...]


def make_corpus(folder: Path, *, count: int, pool: int, seed: int) -> list[CorpusDigest]:
    """``count`` captures of 30–60 papers drawn from ``pool``: every paper recurs often."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    corpus = []
    for number in range(count):
        papers = tuple(rng.sample(range(pool), rng.randint(30, 60)))
        entries = [entry(n, comments=rng.randint(0, 9) or None) for n in papers]
        text = render(entries, date(2026, 1, 1) + timedelta(days=number))
        path = folder / f"digest-{number:03d}.txt"
        path.write_text(text, encoding="utf-8")
        corpus.append(CorpusDigest(path, hashlib.sha256(text.encode()).hexdigest(), papers))
    return corpus


def check_consistent(library: Path, corpus: list[CorpusDigest], *, complete: bool = False) -> int:
    """Assert the library is whole and each digest all-or-nothing; returns digests imported."""
    conn = sqlite3.connect(library, isolation_level=None)
    try:
        assert health.integrity_errors(conn) == []
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            # Killed before the schema's one transaction committed: an empty file that the
            # next open migrates. Nothing imported, nothing half-made.
            assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            assert not complete
            return 0
        assert health.search_index_problem(conn) is None
        rows = {
            sha: (digest_id, status, entries)
            for digest_id, sha, status, entries in conn.execute(
                "SELECT id, sha256, status, entries FROM digest"
            )
        }
        by_sha = {d.sha256: d for d in corpus}
        assert set(rows) <= set(by_sha), "a digest row for bytes that were never complete"
        assert len(rows) == conn.execute("SELECT count(*) FROM digest").fetchone()[0]
        distinct: set[int] = set()
        for sha, (digest_id, status, entries) in rows.items():
            expected = by_sha[sha].papers
            assert status == "imported"
            assert entries == len(expected)
            appearances = conn.execute(
                "SELECT count(*) FROM appearance WHERE digest_id = ?", [digest_id]
            ).fetchone()[0]
            assert appearances == len(expected), f"{by_sha[sha].path.name} half imported"
            distinct.update(expected)
        assert conn.execute(
            "SELECT count(*) FROM appearance WHERE digest_id NOT IN (SELECT id FROM digest)"
        ).fetchone() == (0,)
        assert conn.execute(
            "SELECT count(*) FROM paper WHERE id NOT IN (SELECT paper_id FROM appearance)"
        ).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM paper").fetchone()[0] == len(distinct)
        if complete:
            assert len(rows) == len(corpus)
    finally:
        conn.close()
    for copy in backup.list_backups(library):
        kept = sqlite3.connect(copy.path)
        assert health.integrity_errors(kept) == [], copy.path
        kept.close()
    return len(rows)


class Run:
    """``python -m reader --library LIB ARGS…`` with its output lines on a queue."""

    def __init__(self, library: Path, *args: str) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reader", "--library", str(library), *args],
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def first_line(self, timeout: float = 30.0) -> str | None:
        """The next line the command printed (``None`` once it has ended)."""
        return self.lines.get(timeout=timeout)

    def kill(self) -> bool:
        """SIGKILL; True when the process was still running."""
        alive = self.process.poll() is None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        return alive

    def finish(self, timeout: float = 60.0) -> tuple[int, str]:
        _, err = self.process.communicate(timeout=timeout)
        assert "Traceback" not in err, err
        return self.process.returncode, err


@pytest.mark.slow
def test_import_killed_at_random_moments_leaves_every_digest_whole_or_absent(
    tmp_path: Path,
) -> None:
    corpus = make_corpus(tmp_path / "digests", count=100, pool=500, seed=11)
    folder = str(tmp_path / "digests")
    rng = random.Random(20261122)

    calibration = Run(tmp_path / "calibration.sqlite", "import", folder)
    assert calibration.first_line() is not None
    startup = time.monotonic() - calibration.started
    assert calibration.finish()[0] == 0
    importing = time.monotonic() - calibration.started - startup
    check_consistent(tmp_path / "calibration.sqlite", corpus, complete=True)

    kills = during_import = completed = 0
    progress: list[int] = []
    library, done, on_this_library = tmp_path / "killed-0.sqlite", 0, 0
    for _ in range(3 * IMPORT_KILLS):
        if during_import >= IMPORT_KILLS:
            break
        run = Run(library, "import", folder)
        remaining = importing * (len(corpus) - done) / len(corpus)
        if rng.random() < 0.15:
            # Now and then from the start: opening, the schema, the daily backup.
            time.sleep(rng.uniform(0, startup))
        else:
            # Files go in name order: the first `done` lines say "already imported".
            for _ in range(done + 1):
                if run.first_line() is None:
                    break
            time.sleep(rng.uniform(0, remaining))
        alive = run.kill()
        kills += alive
        done = check_consistent(library, corpus)
        during_import += alive and done < len(corpus)
        progress.append(done)
        on_this_library += 1
        if done == len(corpus) or on_this_library == 6:
            # An un-killed run completes the set; then a fresh library for the next kills.
            assert Run(library, "import", folder).finish()[0] == 0
            check_consistent(library, corpus, complete=True)
            completed += 1
            library, done, on_this_library = tmp_path / f"killed-{completed}.sqlite", 0, 0
    if on_this_library:
        assert Run(library, "import", folder).finish()[0] == 0
        check_consistent(library, corpus, complete=True)
    print(
        f"\n{kills} SIGKILLs of `papershelf import` survived, {during_import} with digests "
        f"left to import; digests imported at each kill: {progress}; a full run takes "
        f"{startup:.2f} s to start and {importing:.2f} s to import {len(corpus)} digests"
    )
    assert during_import >= IMPORT_KILLS


@pytest.mark.slow
def test_watch_killed_while_files_arrive_loses_nothing_and_imports_no_half_file(
    tmp_path: Path,
) -> None:
    corpus = make_corpus(tmp_path / "source", count=60, pool=300, seed=12)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = settings_path()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('{"quiet_period": 0.1, "watched_folders": []}', encoding="utf-8")
    library = tmp_path / "watched.sqlite"
    rng = random.Random(7)
    arrived: list[CorpusDigest] = []
    lock = threading.Lock()

    def copy_in() -> None:
        """Copy the digests in one by one, each in two writes (as a slow copy does)."""
        for item in corpus:
            data = item.path.read_bytes()
            cut = len(data) // 2
            target = inbox / item.path.name
            with target.open("wb") as handle:
                handle.write(data[:cut])
                handle.flush()
                time.sleep(0.01)
                handle.write(data[cut:])
            with lock:
                arrived.append(item)
            time.sleep(rng.uniform(0.05, 0.25))

    copier = threading.Thread(target=copy_in)
    copier.start()
    kills = 0
    counts: list[int] = []
    try:
        while kills < WATCH_KILLS or copier.is_alive():
            run = Run(library, "watch", str(inbox))
            line = run.first_line()
            assert line is not None
            assert line.startswith("watching")
            time.sleep(rng.uniform(0.05, 0.6))
            assert run.kill(), "the watcher ended by itself"
            kills += 1
            with lock:
                present = list(arrived)
            counts.append(check_consistent(library, present))
    finally:
        copier.join()
    assert len(arrived) == len(corpus)

    run = Run(library, "watch", str(inbox))
    assert run.first_line() is not None
    deadline = time.monotonic() + 60
    while check_consistent(library, corpus) < len(corpus):
        assert time.monotonic() < deadline, "the watcher did not finish the set"
        time.sleep(0.2)
    run.process.send_signal(signal.SIGINT)
    status, err = run.finish()
    assert status == 0, err
    check_consistent(library, corpus, complete=True)
    shutil.rmtree(inbox)
    print(
        f"\n{kills} SIGKILLs of `papershelf watch` survived while {len(corpus)} files were "
        f"copied in; digests imported at each kill: {counts}"
    )
    assert kills >= WATCH_KILLS


STEPPED = (
    "import sys\n"
    "from reader.library import import_steps\n"
    "import_steps.STEP, import_steps.STEP_PAUSE = 12, 0.02\n"
    "from reader.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@pytest.mark.slow
def test_stepped_imports_killed_at_random_moments_are_rolled_back_on_the_next_open(
    tmp_path: Path,
) -> None:
    """Every digest here has more new papers than a step: each import runs in steps."""
    from reader.library.opening import open_library

    corpus = make_corpus(tmp_path / "digests", count=30, pool=3000, seed=5)
    folder = str(tmp_path / "digests")
    rng = random.Random(4242)
    kills = libraries = 0
    library = tmp_path / "stepped-0.sqlite"

    def command(target: Path) -> list[str]:
        return [sys.executable, "-c", STEPPED, "--library", str(target), "import", folder]

    for _ in range(3 * IMPORT_KILLS):
        if kills >= IMPORT_KILLS // 2:
            break
        process = subprocess.Popen(
            command(library), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(0.3, 3.0))
        kills += process.poll() is None
        process.kill()
        process.wait(timeout=30)
        with open_library(library, daily_backup=False, on_warning=lambda _: None):
            pass  # the open rolls back what a killed import's steps created
        if check_consistent(library, corpus) == len(corpus):
            libraries += 1
            library = tmp_path / f"stepped-{libraries}.sqlite"
    finished = subprocess.run(
        command(library), cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert "Traceback" not in finished.stderr
    check_consistent(library, corpus, complete=True)
    conn = sqlite3.connect(library)
    assert conn.execute("SELECT count(*) FROM import_step").fetchone() == (0,)
    conn.close()
    print(f"\n{kills} SIGKILLs of a stepped import survived")
    assert kills >= IMPORT_KILLS // 2
