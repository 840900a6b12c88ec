"""The citation cache filled by a real child process, on real SQLite files: its entries
are the in-process renderer's, an edit is rendered again, a killed child leaves nothing
half-written, and closing ends the child at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.cite import entries
from reader.cite import cache_citations, citation_records, format_citations
from reader.cite.fill_process import CitationProcess, Closed
from reader.library import Library
from reader.library.citation_cache import CitationCache, cache_path
from reader.library.paper_edits import edit_details
from tests.cite.conftest import add_papers

STYLE = "apa/html"


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    """A library of 120 rich papers (names with particles, math, non-ASCII), closed."""
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        add_papers(library, list(entries(120, seed=5)))
    return path


@pytest.fixture
def child() -> Iterator[CitationProcess]:
    process = CitationProcess(niceness=0)
    yield process
    process.close()


def _rows(path: Path) -> dict[str, tuple[bytes, str, str]]:
    with CitationCache(cache_path(path)) as cache:
        conn = cache._conn
        return {
            key: (bytes(digest), text, keys)
            for key, digest, text, keys in conn.execute(
                "SELECT citekey, digest, text, sort_keys FROM entry WHERE style = ?", [STYLE]
            )
        }


def _held(path: Path) -> int:
    """How many entries the cache file holds (read-only, without opening it as a cache)."""
    conn = sqlite3.connect(f"file:{cache_path(path)}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM entry").fetchone()[0])
    except sqlite3.Error:  # not made yet
        return 0
    finally:
        conn.close()


def test_the_childs_entries_are_the_in_process_renderers(
    shelf: Path, child: CitationProcess, tmp_path: Path
) -> None:
    backlog, more = child.submit("backlog", str(shelf), "apa").result(60)
    assert more is None  # one page
    with Library(shelf, read_only=True) as library:
        ids = library.paper_ids()
        assert list(backlog) == sorted(ids, reverse=True)  # every paper, newest first
        assert child.submit("fill", str(shelf), "apa", list(backlog)).result(120) == len(ids)
        assert child.pid is not None
        assert child.pid != os.getpid()
        records = citation_records(library, ids)
        here = tmp_path / "here.sqlite"  # the same papers rendered in this process
        with CitationCache(cache_path(here)) as cache:
            assert cache_citations(records, "apa", cache, html=True) == len(ids)
        assert _rows(shelf) == _rows(here)
        with CitationCache(cache_path(shelf)) as cache:
            assert cache_citations(records, "apa", cache, html=True) == 0  # all current
            through = format_citations(records, "apa", html=True, cache=cache)
        assert through == format_citations(records, "apa", html=True)
    assert child.submit("backlog", str(shelf), "apa").result(60) == (array("q"), None)


def test_an_edited_paper_is_rendered_again_and_never_served_stale(
    shelf: Path, child: CitationProcess
) -> None:
    with Library(shelf) as library:
        ids = library.paper_ids()
        child.submit("fill", str(shelf), "apa", ids).result(120)
        before = _rows(shelf)
        edited = ids[3]
        key = library.citekeys([edited])[edited].lower()
        edit_details(library, edited, title="Zebras Need Citations Too")
        # The entry held is for the old fields: a copy does not serve it.
        records = citation_records(library, [edited])
        with CitationCache(cache_path(shelf)) as cache:
            assert cache.entries(STYLE, [key])[key].digest == before[key][0]
            fresh = format_citations(records, "apa", html=True, cache=cache)
        assert "Zebras Need Citations Too" in fresh[0]
        # The edit's own fill: the child renders that one paper again.
        assert child.submit("fill", str(shelf), "apa", [edited]).result(60) == 1
        after = _rows(shelf)
        assert after[key][0] != before[key][0]
        assert "Zebras Need Citations Too" in after[key][1]
        assert {k: v for k, v in after.items() if k != key} == {
            k: v for k, v in before.items() if k != key
        }


def test_a_child_killed_mid_fill_leaves_only_whole_current_entries(
    shelf: Path, child: CitationProcess
) -> None:
    from reader.ranking.child import ChildDied

    with Library(shelf, read_only=True) as library:
        ids = library.paper_ids()
    child.submit("warm_up").result(60)
    job = child.submit("fill", str(shelf), "apa", ids)
    deadline = time.monotonic() + 60
    while not (cache_path(shelf).exists() and _rows(shelf)):  # a few slices stored
        assert time.monotonic() < deadline
        assert not job.done()
        time.sleep(0.01)
    pid = child.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(ChildDied):
        job.result(30)
    held = _rows(shelf)
    assert 0 < len(held) < len(ids)
    with CitationCache(cache_path(shelf)) as cache:
        assert cache._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # What was stored is whole and current: this process renders it identically, and the
    # next child (started by the next job) renders only the rest.
    with Library(shelf, read_only=True) as library:
        records = citation_records(library, ids)
        with CitationCache(None) as mine:
            cache_citations(records, "apa", mine, html=True)
            ours = mine.entries(STYLE, held)
    assert {k: (v.digest, v.text, v.sort_keys) for k, v in ours.items()} == held
    rest = child.submit("fill", str(shelf), "apa", ids).result(120)
    assert rest == len(ids) - len(held)
    assert len(_rows(shelf)) == len(ids)


def test_close_ends_a_busy_child_at_once_and_fails_what_was_queued(
    shelf: Path, child: CitationProcess
) -> None:
    with Library(shelf, read_only=True) as library:
        ids = library.paper_ids()
    child.submit("warm_up").result(60)
    pid = child.pid
    assert pid is not None
    running = child.submit("fill", str(shelf), "chicago-author-date", ids)
    queued = child.submit("fill", str(shelf), "apa", ids)
    time.sleep(0.1)
    started = time.monotonic()
    child.close()
    assert time.monotonic() - started < 5  # generous: the child is terminated, not awaited
    assert not Path(f"/proc/{pid}").exists()
    with pytest.raises(Closed):
        queued.result(5)
    assert running.exception(5) is not None
    with pytest.raises(Closed):
        child.submit("backlog", str(shelf), "apa").result(5)


def test_the_child_renders_below_the_windows_priority(shelf: Path) -> None:
    process = CitationProcess()  # the default niceness
    try:
        process.submit("warm_up").result(60)
        pid = process.pid
        assert pid is not None
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, mine + 10)
    finally:
        process.close()


def test_an_urgent_job_goes_before_every_queued_one(shelf: Path, child: CitationProcess) -> None:
    with Library(shelf, read_only=True) as library:
        ids = library.paper_ids()
    child.submit("warm_up").result(60)
    order: list[str] = []
    chunks = [child.submit("fill", str(shelf), "apa", ids[i : i + 10]) for i in range(0, 60, 10)]
    for n, chunk in enumerate(chunks):
        chunk.add_done_callback(lambda _f, n=n: order.append(f"chunk{n}"))
    urgent = child.submit("fill", str(shelf), "apa", ids[100:], urgent=True)
    urgent.add_done_callback(lambda _f: order.append("urgent"))
    for chunk in chunks:
        chunk.result(120)
    assert urgent.result(120) == len(ids) - 100
    assert order.index("urgent") <= 1  # after at most the chunk already in the child


def test_a_copys_urgent_fill_and_the_background_fill_share_one_child(
    shelf: Path, child: CitationProcess
) -> None:
    """An urgent job runs on the child's full-priority thread, the others on its main one:
    each keeps connections of its own (SQLite's serve the thread that made them)."""
    with Library(shelf, read_only=True) as library:
        ids = library.paper_ids()
    assert child.submit("fill", str(shelf), "apa", ids[:5], True, urgent=True).result(60) == 5
    assert child.submit("fill", str(shelf), "apa", ids[5:10]).result(60) == 5
    assert child.submit("fill", str(shelf), "apa", ids[10:15], True, urgent=True).result(60) == 5
    assert child.submit("prune", str(shelf), ("", "")).result(60) == (0, None)
    assert len(_rows(shelf)) == 15


def test_a_background_chunk_hands_back_its_rest_when_a_copy_waits(
    shelf: Path, child: CitationProcess
) -> None:
    with Library(shelf, read_only=True) as library:
        ids = library.paper_ids()
    child.submit("warm_up").result(60)
    chunk = child.submit("chunk", str(shelf), "apa", ids[:110])
    deadline = time.monotonic() + 60
    while not (cache_path(shelf).exists() and _held(shelf)):  # its first slices are in
        assert time.monotonic() < deadline
        assert not chunk.done()
        time.sleep(0.002)
    pid = child.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # held mid-chunk while the copy asks (however loaded)
    copy = child.submit("fill", str(shelf), "apa", ids[110:], True, urgent=True)  # signals
    os.kill(pid, signal.SIGCONT)
    stored, left = chunk.result(60)
    assert left  # handed back after the slice it was rendering
    assert stored + len(left) == 110
    assert left == ids[stored:110]
    assert copy.result(60) == len(ids) - 110
    assert child.submit("chunk", str(shelf), "apa", left).result(60) == (len(left), [])
    assert len(_rows(shelf)) == len(ids)


def test_an_idle_child_is_stopped_and_the_next_job_starts_another(shelf: Path) -> None:
    process = CitationProcess(niceness=0, idle_stop=0.5)
    try:
        process.submit("warm_up").result(60)
        first = process.pid
        assert first is not None
        deadline = time.monotonic() + 60
        while process.pid is not None or Path(f"/proc/{first}").exists():  # ended, reaped
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert len(process.submit("backlog", str(shelf), "apa").result(60)[0]) == 120
        assert process.pid not in (None, first)
    finally:
        process.close()


def test_the_backlogs_pages_are_the_whole_backlog(shelf: Path, child: CitationProcess) -> None:
    from reader.library.citation_cache import uncached_page, uncached_papers

    with Library(shelf, read_only=True) as library:
        ids = library.paper_ids()
    child.submit("fill", str(shelf), "apa", ids[::3]).result(120)  # a third held already
    with Library(shelf, read_only=True) as library, CitationCache(cache_path(shelf)) as cache:
        whole = uncached_papers(library, cache, STYLE)
        assert len(whole) == len(ids) - len(ids[::3])
        for limit in (1, 7, 40, 119, 120, 500):
            pages, below = array("q"), None
            while True:
                page, below = uncached_page(library, cache, STYLE, below, limit)
                pages.extend(page)
                if below is None:
                    break
            assert pages == whole
