"""The page-cache warm-up: the b-tree pages it finds, what it reads, that it stops, that it
never writes. Checked against SQLite's own ``dbstat`` on a real library of 3,000 papers
(its indexes several levels deep). No timing is asserted: ``bench/cold_queries.py`` does.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.corpus_bulk import build_fast
from reader.library import Library, PaperFilter, btree_pages, warmup, warmup_plan
from reader.yieldgate import YieldGate

PAPERS = 3000


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fast(tmp_path_factory.mktemp("warm"), PAPERS)


@pytest.fixture
def conn(built: Path) -> Iterator[sqlite3.Connection]:
    c = sqlite3.connect(f"file:{built}?mode=ro", uri=True)
    yield c
    c.close()


@pytest.fixture
def fd(built: Path) -> Iterator[int]:
    descriptor = os.open(built, os.O_RDONLY)
    yield descriptor
    os.close(descriptor)


def _sizes(conn: sqlite3.Connection) -> tuple[int, int]:
    return (
        int(conn.execute("PRAGMA page_size").fetchone()[0]),
        int(conn.execute("PRAGMA page_count").fetchone()[0]),
    )


def _dbstat(conn: sqlite3.Connection, name: str, interior_only: bool = False) -> list[int]:
    where = " AND pagetype = 'internal'" if interior_only else ""
    return sorted(
        r[0] for r in conn.execute(f"SELECT pageno FROM dbstat WHERE name = ?{where}", [name])
    )


def _leaf_rowids(page: bytes) -> list[int]:
    """The rowids of a table leaf page (cell: payload size, rowid, payload)."""
    assert page[0] == 0x0D
    cells = int.from_bytes(page[3:5], "big")
    out = []
    for i in range(cells):
        at = int.from_bytes(page[8 + 2 * i : 10 + 2 * i], "big")
        while page[at] & 0x80:  # the payload size
            at += 1
        out.append(btree_pages._varint(page, at + 1))
    return out


def test_every_btree_s_pages_are_the_ones_sqlite_counts(conn: sqlite3.Connection, fd: int) -> None:
    page_size, page_count = _sizes(conn)
    deep = 0
    for name, root in conn.execute("SELECT name, rootpage FROM sqlite_schema WHERE rootpage > 0"):
        every = sorted(btree_pages.pages(fd, root, page_size, page_count))
        assert every == _dbstat(conn, name), name
        interior = sorted(btree_pages.pages(fd, root, page_size, page_count, leaves=False))
        assert interior == (_dbstat(conn, name, interior_only=True) or [root]), name
        deep += len(interior) > 1
    assert deep >= 3  # several b-trees have interior levels below their root


def test_a_rowid_range_lists_exactly_the_leaves_that_hold_those_rowids(
    conn: sqlite3.Connection, fd: int
) -> None:
    page_size, page_count = _sizes(conn)
    root = int(
        conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'paper'").fetchone()[0]
    )
    interior = set(btree_pages.pages(fd, root, page_size, page_count, leaves=False))
    for low, high in ((1, 1), (700, 1500), (2990, 10_000)):
        listed = btree_pages.pages(fd, root, page_size, page_count, rowids=[(low, high)])
        leaves = [p for p in listed if p not in interior]
        held = {r for p in leaves for r in _leaf_rowids(btree_pages.read_page(fd, p, page_size))}
        wanted = {
            r[0] for r in conn.execute("SELECT id FROM paper WHERE id BETWEEN ? AND ?", [low, high])
        }
        assert wanted <= held  # every rowid asked for is on a listed leaf
        for p in leaves:  # and every listed leaf holds one of them
            assert any(
                low <= r <= high for r in _leaf_rowids(btree_pages.read_page(fd, p, page_size))
            )


def test_the_plan_reads_the_words_index_s_facets_and_short_prefixes_and_not_the_rest(
    conn: sqlite3.Connection, fd: int
) -> None:
    page_size, page_count = _sizes(conn)
    parts = {p.name: set(p.pages) for p in warmup_plan.plan(conn, fd)}
    words = parts["words index"]
    root = warmup_plan._root(conn, "paper_words_data")
    assert root is not None

    def page_of(rowid: int) -> int:
        listed = btree_pages.pages(fd, root, page_size, page_count, rowids=[(rowid, rowid)])
        return listed[-1]  # the leaf, below the interior pages on the way

    short = conn.execute(
        "SELECT segid, term, pgno FROM paper_words_idx WHERE substr(term, 1, 1) IN "
        "(CAST('1' AS BLOB), CAST('2' AS BLOB)) OR term GLOB CAST('0' || char(57344) || '*' AS BLOB)"
    ).fetchall()
    assert len(short) > 10
    for segid, _term, pgno in short:
        assert page_of((segid << 37) + (pgno >> 1)) in words
    longer = conn.execute(
        "SELECT segid, pgno FROM paper_words_idx WHERE substr(term, 1, 1) IN "
        "(CAST('4' AS BLOB), CAST('5' AS BLOB))"
    ).fetchall()
    assert longer
    assert not any(page_of((s << 37) + (p >> 1)) in words for s, p in longer)
    assert len(words) < len(_dbstat(conn, "paper_words_data")) / 2  # selective
    # The index the sidebar's count scans is read whole, every sort index's interior.
    counted = warmup_plan.scanned_indexes(conn, warmup_plan.SIDEBAR_COUNTS[0])
    assert counted
    assert set(_dbstat(conn, counted[0])) <= parts["sidebar counts"]
    read = set().union(*parts.values())
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'paper'"
    ):
        assert set(_dbstat(conn, name, interior_only=True)) <= read, name
    # Of the papers' rows, those of the Rated view only (it has no sort index of its own).
    paper = set(_dbstat(conn, "paper"))
    rated = [(i, i) for (i,) in conn.execute("SELECT id FROM paper WHERE rating >= 4")]
    paper_root = warmup_plan._root(conn, "paper")
    assert rated
    assert paper_root is not None
    over_rated = set(btree_pages.pages(fd, paper_root, page_size, page_count, rowids=rated))
    assert read & paper == over_rated
    assert len(over_rated) < len(paper) / 2


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Record every (offset, length) read with ``pread`` or asked of the kernel with
    ``posix_fadvise(WILLNEED)`` (by :func:`warmup.read_planned`, run in this process)."""
    seen: list[tuple[int, int]] = []
    real_pread = os.pread

    def pread(fd: int, length: int, offset: int) -> bytes:
        seen.append((offset, length))
        return real_pread(fd, length, offset)

    monkeypatch.setattr(warmup.os, "pread", pread)
    if hasattr(os, "posix_fadvise"):
        real_advise = os.posix_fadvise

        def advise(fd: int, offset: int, length: int, advice: int) -> None:
            if advice == os.POSIX_FADV_WILLNEED:
                seen.append((offset, length))
            real_advise(fd, offset, length, advice)

        monkeypatch.setattr(warmup.os, "posix_fadvise", advise)
    return seen


def test_the_reading_asks_for_every_planned_page_read_only(
    built: Path, conn: sqlite3.Connection, fd: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    page_size, _ = _sizes(conn)
    planned = {p for part in warmup_plan.plan(conn, fd) for p in part.pages}
    flags: list[int] = []
    real_open = os.open

    def recording_open(path: object, flag: int, *args: object) -> int:
        flags.append(flag)
        return real_open(path, flag, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(warmup.os, "open", recording_open)
    seen = _reads(monkeypatch)
    report = warmup.Report()
    warmup.read_planned(built, report)
    assert report.finished
    read = {
        offset // page_size + 1 + k for offset, length in seen for k in range(length // page_size)
    }
    assert planned <= read
    assert report.bytes_read >= len(planned) * page_size
    assert flags
    assert all(f & (os.O_WRONLY | os.O_RDWR) == 0 for f in flags)


def test_a_warm_up_runs_in_a_child_process_and_writes_nothing(built: Path) -> None:
    before = hashlib.sha256(built.read_bytes()).hexdigest(), built.stat().st_mtime_ns
    run = warmup.Warmup(built).start()
    assert run.wait(120)
    assert run.report.finished
    assert run.report.error is None
    assert run.report.bytes_read > 0
    assert (hashlib.sha256(built.read_bytes()).hexdigest(), built.stat().st_mtime_ns) == before
    with Library(built, read_only=True) as library:  # and the library still answers
        assert library.count(PaperFilter(search="model")) > 0


def test_a_warm_up_keeps_the_sqlite_locks_of_this_process(built: Path, tmp_path: Path) -> None:
    """Closing a descriptor of the library file in this process would drop SQLite's POSIX
    locks on it: another process opening and closing the library would then take itself
    for the last connection and delete the WAL this process still writes to."""
    path = tmp_path / "copy.sqlite"
    path.write_bytes(built.read_bytes())
    with Library(path) as library:
        library.connection.execute("PRAGMA wal_autocheckpoint = 0")
        first = library.paper_ids(PaperFilter(), limit=1)[0]
        library.set_rating(first, 3)  # in the WAL, not checkpointed
        run = warmup.Warmup(path).start()
        assert run.wait(120)
        assert run.report.finished
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys; sqlite3.connect(sys.argv[1]).close()",
                str(path),
            ],
            check=True,
            timeout=60,
        )
        assert other.returncode == 0
        assert Path(f"{path}-wal").exists()
        assert Path(f"{path}-shm").exists()
        library.set_rating(first, 5)  # written where every other connection sees it
    with Library(path, read_only=True) as check:
        assert check.paper(first).rating == 5


def test_stop_ends_a_held_warm_up_before_it_reads(built: Path) -> None:
    gate = YieldGate()
    with gate.foreground():
        run = warmup.Warmup(built, gate=gate).start()
        threading.Event().wait(1.0)
        run.stop()
        assert run.wait(30)
    assert run.stopped
    assert not run.report.finished
    assert run.report.bytes_read == 0


def test_a_warm_up_holds_behind_a_foreground_read_and_then_goes_on(built: Path) -> None:
    gate = YieldGate()
    with gate.foreground():
        run = warmup.start_warmup(built, gate)
        threading.Event().wait(1.0)
        assert not run.wait(0)
    assert run.wait(120)
    assert run.report.finished
    assert run.report.held_seconds > 0


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities here")
def test_the_warm_up_child_runs_at_a_lower_priority(built: Path) -> None:
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    run = warmup.Warmup(built).start()
    assert run.wait(120)
    assert run.report.niceness >= min(19, mine + warmup.NICE)
    assert os.getpriority(os.PRIO_PROCESS, 0) == mine


def test_a_file_that_is_not_a_library_ends_the_warm_up_with_its_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 1000)
    run = warmup.Warmup(junk).start()
    assert run.wait(120)
    assert run.report.error
    assert not run.report.finished


def test_after_a_warm_up_the_words_index_s_planned_pages_are_in_the_page_cache(
    built: Path, conn: sqlite3.Connection, fd: int
) -> None:
    page_cache = pytest.importorskip("bench.page_cache")
    page_size, _ = _sizes(conn)
    words = next(p for p in warmup_plan.plan(conn, fd) if p.name == "words index").pages
    per_os_page = max(1, page_size // page_cache._PAGE)

    def cached() -> list[bool]:
        vector = page_cache.resident(built)
        return [bool(vector[(p - 1) * per_os_page] & 1) for p in words]

    page_cache.evict(built)
    if any(cached()):
        pytest.skip("this file system keeps the file's pages (tmpfs): nothing to warm")
    run = warmup.Warmup(built).start()
    assert run.wait(60)
    assert run.report.finished
    deadline = threading.Event()
    for _ in range(300):  # the kernel's reads asked for may still be landing
        if all(cached()):
            break
        deadline.wait(0.1)
    assert all(cached())


def test_the_bench_s_warm_page_cache_holds_every_page_of_the_file(built: Path) -> None:
    page_cache = pytest.importorskip("bench.page_cache")
    page_cache.evict(built)
    if page_cache.resident_bytes(built) == built.stat().st_size:
        pytest.skip("this file system keeps the file's pages (tmpfs): nothing to evict")
    before = built.read_bytes()
    page_cache.load(built)
    assert page_cache.resident_bytes(built) == built.stat().st_size
    assert built.read_bytes() == before
