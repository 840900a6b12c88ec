"""Search as you type and opening views, on a large library: latency percentiles."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.corpus import _STEMS, build_library, library_path
from reader.library import Library, PaperFilter, SortKey, Status

PAGE = 60
"""Rows a list shows at once: fetched together with the ids, as the window does."""


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0–1) of ``values``, nearest-rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def realistic_queries(count: int, seed: int = 3) -> list[str]:
    """What people type: growing prefixes of words, two-word searches, phrases, filters."""
    rng = random.Random(seed)
    words = [w for w in _STEMS if len(w) > 3]
    out: list[str] = []
    while len(out) < count:
        kind = rng.random()
        word = rng.choice(words)
        if kind < 0.45:  # typing one word, letter by letter from the 3rd
            out.extend(word[:n] for n in range(3, len(word) + 1))
        elif kind < 0.65:
            out.append(f"{word} {rng.choice(words)[: rng.randint(3, 6)]}")
        elif kind < 0.8:
            out.append(f'"{word} {rng.choice(words)}"')
        elif kind < 0.92:
            out.append(f"tag:{rng.choice(['nlp', 'vision', 'theory', 'systems'])} {word[:4]}")
        else:
            out.append(f"{word} rating:>=3 -{rng.choice(words)}")
    return out[:count]


def _time(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def first_page(library: Library, view: PaperFilter, key: SortKey, descending: bool) -> None:
    """What a list does to show a view: count it, fetch the first page of ids and rows."""
    library.count(view)
    library.rows(library.paper_ids(view, key, descending=descending, limit=PAGE))


def search_latencies(library: Library, queries: list[str]) -> list[float]:
    """Milliseconds per query in the All view: count, first page of ids, their rows."""

    def run(query: str) -> None:
        first_page(library, PaperFilter(search=query), SortKey.ADDED, True)

    return [_time(lambda q=q: run(q)) for q in queries]


def view_latencies(library: Library) -> list[float]:
    """Milliseconds to open the All, a tag and the Inbox view, by every column both ways."""
    views = [PaperFilter(), PaperFilter(tag="nlp"), PaperFilter(status=Status.INBOX)]
    timings = []
    for _ in range(2):
        for view in views:
            for key in SortKey:
                for descending in (False, True):
                    timings.append(
                        _time(lambda v=view, k=key, d=descending: first_page(library, v, k, d))
                    )
    return timings


def measure(workdir: Path, papers: int = 100_000, queries: int = 200) -> dict[str, float]:
    """Search and view-opening percentiles on a library of ``papers`` papers."""
    path = build_library(library_path(workdir, papers), papers)
    with Library(path) as library:
        typed = realistic_queries(queries)
        # The first pass meets a cold cache (right after start-up, or after the import
        # benchmark filled the disk cache with other files); the second is typing in a
        # window that has been searched before. The target is about the second.
        cold = search_latencies(library, typed)
        search = search_latencies(library, typed)
        views = view_latencies(library)
        size = path.stat().st_size / library.count()
    return {
        "search_cold_p95_ms": percentile(cold, 0.95),
        "search_p50_ms": statistics.median(search),
        "search_p95_ms": percentile(search, 0.95),
        "view_p50_ms": statistics.median(views),
        "view_p95_ms": percentile(views, 0.95),
        "bytes_per_paper": size,
    }


if __name__ == "__main__":
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for key, value in measure(Path("bench/.cache"), n).items():
        print(f"{key:>16}: {value:,.2f}")
