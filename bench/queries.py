"""Search as you type, opening views and counting them, on a large library.

Runs every query of :mod:`bench.workload` in every view and every order and times what the
list does per keystroke: the first page of ids (``paper_ids(limit=PAGE)``) and its rows.
Counts (``count``) are timed apart, once per (query, view): the window shows the first page
first and the count when it arrives. Each timing is capped (``cap_ms``; the connection is
interrupted), so that a measurement of slow code ends: a capped timing counts as the cap.
"""

from __future__ import annotations

import dataclasses
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bench import page_cache
from bench.corpus import build_library, library_path
from bench.workload import ORDERS, PAGE, TYPED, View, order_name, views
from reader.library import Library, PaperFilter, SortKey

Case = tuple[str, View, tuple[SortKey, bool]]


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0–1) of ``values``, nearest-rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@dataclass
class Timings:
    """Milliseconds per case, with the case's name; capped cases are marked."""

    cap_ms: float
    cases: list[tuple[float, str]] = field(default_factory=list)
    cpu: list[tuple[float, str]] = field(default_factory=list)
    capped: int = 0

    def add(self, ms: float, name: str, *, capped: bool, cpu_ms: float | None = None) -> None:
        """Record one case (``cpu_ms``: the CPU time of this thread, for a loaded machine)."""
        self.cases.append((ms, name))
        if cpu_ms is not None:
            self.cpu.append((cpu_ms, name))
        self.capped += capped

    @property
    def values(self) -> list[float]:
        """The timings alone."""
        return [ms for ms, _ in self.cases]

    def summary(self, prefix: str) -> dict[str, object]:
        """p50, p95, max, the five slowest and how many hit the cap."""
        values = self.values
        slowest = sorted(self.cases, reverse=True)[:5]
        cpu = [ms for ms, _ in self.cpu]
        on_cpu: dict[str, object] = {}
        if cpu:
            on_cpu = {
                f"{prefix}_cpu_p50_ms": statistics.median(cpu),
                f"{prefix}_cpu_p95_ms": percentile(cpu, 0.95),
                f"{prefix}_cpu_max_ms": max(cpu),
                f"{prefix}_cpu_slowest": [
                    f"{ms:,.1f} ms {name}" for ms, name in sorted(self.cpu, reverse=True)[:5]
                ],
            }
        return {
            **on_cpu,
            f"{prefix}_p50_ms": statistics.median(values),
            f"{prefix}_p95_ms": percentile(values, 0.95),
            f"{prefix}_max_ms": max(values),
            f"{prefix}_cases": len(values),
            f"{prefix}_capped": self.capped,
            f"{prefix}_slowest": [f"{ms:,.1f} ms {name}" for ms, name in slowest],
        }


def _timed(
    library: Library, action: Callable[[], object], cap_ms: float
) -> tuple[float, bool, float]:
    """Milliseconds ``action`` took, whether it was interrupted at ``cap_ms``, and the
    milliseconds of CPU time this thread spent on it."""
    timer = threading.Timer(cap_ms / 1000, library.connection.interrupt)
    cpu_start = time.thread_time()
    start = time.perf_counter()
    timer.start()
    try:
        action()
        capped = False
    except Exception as exc:  # an interrupted query: the case counts as the cap
        if "interrupt" not in str(exc).lower() and "interrupt" not in repr(exc.__cause__):
            raise
        capped = True
    finally:
        timer.cancel()
    elapsed = (time.perf_counter() - start) * 1000
    cpu = (time.thread_time() - cpu_start) * 1000
    return (max(elapsed, cap_ms) if capped else elapsed), capped, cpu


def first_page(library: Library, view: PaperFilter, order: tuple[SortKey, bool]) -> None:
    """What a list does to show a view: the first page of ids, and their rows."""
    key, descending = order
    library.rows(library.paper_ids(view, key, descending=descending, limit=PAGE))


def _digest_in_the_middle(library: Library) -> int:
    log = library.digests()
    return log[len(log) // 2].id


def _cases(queries: tuple[str, ...], all_views: tuple[View, ...], stride: int) -> list[Case]:
    cases = [(q, v, o) for q in queries for v in all_views for o in ORDERS]
    return cases[::stride]


def measure(
    workdir: Path,
    papers: int = 100_000,
    *,
    cap_ms: float = 2000,
    stride: int = 1,
    queries: tuple[str, ...] = TYPED,
) -> dict[str, object]:
    """Search, view and count timings on a library of ``papers`` papers.

    ``stride`` measures every n-th (query, view, order) case only (for slow code).
    """
    path = build_library(library_path(workdir, papers), papers)
    # Warm means the whole file is in the OS page cache (make bench's cold figures evict it
    # just before): otherwise the first pass over each b-tree reads from the disk.
    page_cache.load(path)
    with Library(path) as library:
        all_views = views(_digest_in_the_middle(library))
        # Warm the caches the way a window that has been used does: one pass over views.
        for view in all_views:
            first_page(library, view.filter, ORDERS[0])
        search = Timings(cap_ms)
        for query, view, order in _cases(queries, all_views, stride):
            ms, capped, cpu = _timed(
                library,
                partial(first_page, library, dataclasses.replace(view.filter, search=query), order),
                cap_ms,
            )
            name = f"{query!r} in {view.name}, {order_name(*order)}"
            search.add(ms, name, capped=capped, cpu_ms=cpu)
        opened = Timings(cap_ms)
        for view in all_views:
            for order in ORDERS:
                ms, capped, cpu = _timed(
                    library, partial(first_page, library, view.filter, order), cap_ms
                )
                opened.add(ms, f"{view.name}, {order_name(*order)}", capped=capped, cpu_ms=cpu)
        counted = Timings(cap_ms)
        count_cases = [("", v) for v in all_views] + [(q, v) for q in queries for v in all_views]
        for query, view in count_cases[::stride] if stride > 1 else count_cases:
            ms, capped, cpu = _timed(
                library,
                partial(library.count, dataclasses.replace(view.filter, search=query)),
                cap_ms,
            )
            name = f"{query!r} in {view.name}" if query else view.name
            counted.add(ms, name, capped=capped, cpu_ms=cpu)
        size = path.stat().st_size / library.count()
    return {
        "papers": papers,
        **search.summary("search"),
        **opened.summary("view"),
        **counted.summary("count"),
        "bytes_per_paper": size,
        "cap_ms": cap_ms,
        "stride": stride,
    }


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", type=int, nargs="?", default=100_000)
    parser.add_argument("--cap-ms", type=float, default=2000)
    parser.add_argument("--stride", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path("bench/.cache"))
    args = parser.parse_args()
    result = measure(args.cache, args.papers, cap_ms=args.cap_ms, stride=args.stride)
    print(json.dumps(result, indent=2, ensure_ascii=False))
