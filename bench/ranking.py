"""Ranking benchmarks: quality on real papers, speed and memory on large libraries.

Quality: :mod:`bench.ranking_quality`. Speed: each step runs in a fresh subprocess on a
copy of the cached synthetic library (:func:`bench.corpus.build_library`, a tenth of its
papers rated, tagged or moved: about 10,000 signals at 100,000 papers), so its peak
resident memory over the memory it had before the step is the step's own:

- ``cold``: the first refit of a library, analysing every paper's text (done once);
- ``refit``: a refit after one more rating, from the warm cache, and writing every score
  through the writer in chunks (the figure with the 10 s / 200 MB target);
- ``new``: scoring freshly imported 50-paper digests with the stored model;
- ``views``: the For you view (count, first page of ids and rows; pages further down;
  searches inside it) and the Match column sort of the All view;
- ``similar``: "more like this" for a few papers.

Run one step by hand: ``python -m bench.ranking STEP LIBRARY``. The rows of ``make bench``
are made from these by :mod:`bench.ranking_figures`.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any


def _rss_mb() -> float:
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# ---------------------------------------------------------------------- steps (subprocess)


def _reset_peak_mb() -> float:
    """Reset this process's peak resident size (Linux) and return its resident size now."""
    from contextlib import suppress

    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    return _rss_mb()


def _hwm_mb() -> float:
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return _peak_mb()


def _step_refit(path: Path, *, rate_one: bool) -> dict[str, Any]:
    """A refit as the window's learner runs it: in its child process, written here."""
    from reader.library import Library
    from reader.library.interest_cache import cache_path
    from reader.ranking.child import LearnerProcess

    process = LearnerProcess()
    started = time.perf_counter()
    process.run("warm_up")  # the child's start and imports: paid once per window
    child_start_s = time.perf_counter() - started
    assert process.last_stats is not None
    child_base_mb = process.last_stats.peak_mb
    try:
        with Library(path) as library:
            if rate_one:
                unrated = library.connection.execute(
                    "SELECT id FROM paper WHERE rating = 0 ORDER BY id DESC LIMIT 1"
                ).fetchone()[0]
                library.set_rating(unrated, 5)
            before = _reset_peak_mb()
            started = time.perf_counter()
            cpu_started = time.process_time()
            stored = process.run("refit_store", str(path))  # learnt and stored there
            computed = time.perf_counter() - started - stored.wall_s
            waiting_cpu = time.process_time() - cpu_started
            stats = process.last_stats
            stored.publish()(library)  # the window's share: the changes for its bus
            total = time.perf_counter() - started
            window_cpu = time.process_time() - cpu_started
            window_extra = _hwm_mb() - before
    finally:
        process.stop()
    return {
        "compute_s": computed,
        "write_s": stored.wall_s,
        "write_cpu_s": stored.cpu_s,
        "write_op_max_s": stored.longest_s,
        "write_transactions": stored.transactions,
        "total_s": total,
        "cpu_s": stats.cpu_s + window_cpu,
        "child_cpu_s": stats.cpu_s,
        "child_wall_s": stats.wall_s,
        "window_wait_cpu_s": waiting_cpu,
        "window_write_cpu_s": window_cpu - waiting_cpu,
        "extra_mb": stats.extra_mb + window_extra,
        "child_extra_mb": stats.extra_mb,
        "child_peak_mb": stats.peak_mb,
        "child_base_mb": child_base_mb,
        "child_start_s": child_start_s,
        "window_extra_mb": window_extra,
        "scored": int(stored.changed.size),
        "cache_mb": cache_path(path).stat().st_size / 1e6,
    }


def _step_new(path: Path) -> dict[str, Any]:
    """New digests scored as the learner does it: a job in its child, the writes here."""
    from bench.corpus import papers
    from reader.digests.model import Digest
    from reader.library import Library
    from reader.library.ingest import SourceFile, record_digest
    from reader.ranking.child import LearnerProcess

    times: list[float] = []
    cpus: list[float] = []
    process = LearnerProcess()
    process.run("warm_up")  # a running window's child is started already
    try:
        with Library(path) as library:
            run = time.time_ns() % 1_000_000
            for number in range(6):
                # The generator numbers its arXiv ids from 2301.00000: as they come, these
                # would be the library's first 50 papers again (an update of known papers,
                # whose changed texts make the cache sync every paper). New ids: new papers.
                entries = tuple(
                    replace(entry, arxiv_id=f"{2900 + number}.{(run + i) % 100_000:05d}")
                    for i, entry in enumerate(papers(50, seed=run * 10 + number))
                )
                result = record_digest(
                    library,
                    SourceFile(
                        f"/digests/new-{run}-{number}.txt", None, f"new-{run}-{number}", "bench"
                    ),
                    Digest("synthetic", entries, date(2030, 1, 1 + number)),
                )
                assert result is not None
                ids = sorted(result.changes.paper_ids)
                assert result.new == len(entries), "the digest's papers are not new"
                started, cpu = time.perf_counter(), time.thread_time()
                stored = process.run("score_store", str(path), ids)
                assert stored is not None, "no stored model"
                stored.publish()(library)
                times.append(time.perf_counter() - started)
                assert process.last_stats is not None
                cpus.append(time.thread_time() - cpu + process.last_stats.cpu_s)
    finally:
        process.stop()
    warm, warm_cpu = times[1:], cpus[1:]  # the first pays for opening the cache and the model
    return {"first_ms": times[0] * 1000, "median_ms": statistics.median(warm) * 1000,
            "max_ms": max(warm) * 1000, "cpu_median_ms": statistics.median(warm_cpu) * 1000,
            "cpu_max_ms": max(warm_cpu) * 1000}  # fmt: skip


def _step_views(path: Path) -> dict[str, Any]:
    from bench.queries import PAGE
    from reader.library import Library, PaperFilter, SortKey, Status
    from reader.library import interest as stored

    inbox_view = PaperFilter(status=Status.INBOX)

    cpu: dict[str, list[float]] = {"for_you": [], "inbox": []}

    def timed(action: Any, kind: str = "") -> float:
        started, thread = time.perf_counter(), time.thread_time()
        action()
        if kind:  # this thread's CPU time too: on a loaded machine wall time waits
            cpu[kind].append((time.thread_time() - thread) * 1000)
        return (time.perf_counter() - started) * 1000

    with Library(path, read_only=True) as library:
        stored.for_you_ids(library, limit=PAGE)  # warm the page cache like an open window
        library.paper_ids(inbox_view, limit=PAGE)
        for_you, inbox, scroll, inbox_scroll, searches, match_sort = [], [], [], [], [], []
        for _ in range(30):  # opening the view: its count and first page of rows
            for_you.append(timed(lambda: (stored.for_you_count(library),
                                          library.rows(stored.for_you_ids(library, limit=PAGE))), "for_you"))  # fmt: skip
            inbox.append(timed(lambda: (library.count(inbox_view),
                                        library.rows(library.paper_ids(inbox_view, limit=PAGE))), "inbox"))  # fmt: skip
        for offset in range(PAGE, 3000, PAGE):  # scrolling down, one page at a time
            scroll.append(timed(lambda o=offset: library.rows(
                stored.for_you_ids(library, limit=PAGE, offset=o))))  # fmt: skip
            inbox_scroll.append(timed(lambda o=offset: library.rows(
                library.paper_ids(inbox_view, limit=PAGE, offset=o))))  # fmt: skip
        for word in ("attention", "diffusion", "graph", "robust", "token", "video", "reward"):
            view = PaperFilter(search=word)
            searches.append(timed(lambda v=view: (stored.for_you_count(library, v),
                                                  library.rows(stored.for_you_ids(library, v, limit=PAGE)))))  # fmt: skip
        for _ in range(5):
            match_sort.append(timed(lambda: library.rows(
                library.paper_ids(PaperFilter(), SortKey.INTEREST, limit=PAGE))))  # fmt: skip
    return {
        "for_you_p50_ms": statistics.median(for_you),
        "for_you_p95_ms": _percentile(for_you, 0.95),
        "for_you_cpu_p95_ms": _percentile(cpu["for_you"], 0.95),
        "inbox_cpu_p95_ms": _percentile(cpu["inbox"], 0.95),
        "inbox_p95_ms": _percentile(inbox, 0.95),
        "scroll_p95_ms": _percentile(scroll, 0.95),
        "inbox_scroll_p95_ms": _percentile(inbox_scroll, 0.95),
        "search_p95_ms": _percentile(searches, 0.95),
        "match_sort_all_ms": statistics.median(match_sort),
    }


def _step_similar(path: Path) -> dict[str, Any]:
    from reader import ranking
    from reader.library import Library
    from reader.ranking import lookups  # noqa: F401  (imports counted before the step)

    with Library(path, read_only=True) as library:
        ids = library.paper_ids(limit=3)
        before = _rss_mb()
        times = []
        for paper_id in ids:
            started = time.perf_counter()
            ranking.similar(library, paper_id, limit=20)
            times.append(time.perf_counter() - started)
    return {"median_s": statistics.median(times), "extra_mb": _peak_mb() - before}


STEPS = {
    "cold": lambda p: _step_refit(p, rate_one=False),
    "refit": lambda p: _step_refit(p, rate_one=True),
    "new": _step_new,
    "views": _step_views,
    "similar": _step_similar,
}


def run_step(step: str, path: Path) -> dict[str, Any]:
    """Run one step in a fresh interpreter; returns what it measured."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.ranking", step, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    if done.returncode != 0:
        raise RuntimeError(f"step {step} failed: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_window(path: Path, mode: str = "0") -> dict[str, Any]:
    """The window during a refit of ``path`` (:mod:`bench.ranking_window`), in a fresh process.

    ``mode`` "quiet": nothing but the refit runs; "0": searches and ratings meanwhile.
    """
    done = subprocess.run(
        [sys.executable, "-m", "bench.ranking_window", str(path), mode],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
        env={
            **os.environ,
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
            "QT_QPA_PLATFORM": "offscreen",
        },
    )
    if done.returncode != 0:
        raise RuntimeError(f"the window step failed: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure_speed(
    cache: Path, work: Path, count: int, *, window: bool = True
) -> dict[str, dict[str, Any]]:
    """Every speed step on a fresh copy of the cached library of ``count`` papers."""
    from bench.corpus import build_library, library_path
    from reader.library.interest_cache import cache_path

    source = build_library(library_path(cache, count), count)
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"ranking-{count}.sqlite"
    for stale in (path, cache_path(path)):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{stale}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, path)
    out = {step: run_step(step, path) for step in ("cold", "refit", "new", "views", "similar")}
    if window:  # a real window on the library while it refits (not in the smoke run)
        out["quiet"] = run_window(path, "quiet")
        out["alone"] = run_window(path, "alone")  # the citation filler stopped too
        if count < 1_000_000:
            out["window"] = run_window(path)
        else:  # the reader's edits while a refit stores a million scores (no searches)
            out["edits"] = run_window(path, "edits")
    return out


if __name__ == "__main__":
    print(json.dumps(STEPS[sys.argv[1]](Path(sys.argv[2]))))
