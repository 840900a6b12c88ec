"""The first searches and views of a just-opened window, with the library's pages not in
the OS page cache (after a reboot, or a day of other work), before and after the warm-up.

:mod:`bench.queries` measures a warm library (its figures are the issue's targets). Here
each *episode* starts from a library file evicted from the OS page cache
(:func:`bench.page_cache.evict`, checked with ``mincore``) and does what a window does
when it opens and the reader starts typing at once: opens the library, counts the
sidebar's views and shows the Inbox's first page ("open"), then types one word letter by
letter in one view and order, each keystroke the first page and its rows
(``keystroke``) and the count (``count``), then opens another view (``view``). Wall time
and the thread's CPU time are kept apart: CPU is what the machine's load cannot change,
and the gap between them is the wait on the disk.

Four conditions, each over every episode:

- ``cold``: nothing warmed (today's first keystrokes after a reboot);
- ``warmed``: :class:`reader.library.warmup.Warmup` run to its end first (what the window
  starts after its first paint), its MB and seconds reported;
- ``during``: the warm-up started with the window's open (after its first paint, as the
  window's reader thread begins the sidebar's counts), the keystrokes typed while it runs (it waits behind each read, which holds :data:`reader.yieldgate.GATE`
  as the window's reads do);
- ``warm``: each episode run twice without evicting anything, the second run kept (the
  target figures of :mod:`bench.queries` are of this kind).
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.page_cache import evict, resident_bytes
from bench.queries import _digest_in_the_middle, first_page
from bench.workload import View, order_name, views
from reader.library import Library, PaperFilter, SortKey, Status
from reader.library.warmup import Warmup, start_warmup
from reader.yieldgate import GATE

NEWEST = (SortKey.ADDED, True)
EPISODES: tuple[tuple[str, str, tuple[SortKey, bool], str, tuple[SortKey, bool]], ...] = (
    # word typed, its view and order, then the view opened after it and its order
    ("model", "Inbox", NEWEST, "All", (SortKey.TITLE, False)),
    ("learn", "Inbox", (SortKey.TITLE, False), "Queue", (SortKey.RATING, True)),
    ("network", "All", NEWEST, "tag nlp", (SortKey.PUBLISHED, True)),
    ("attention", "Rated", (SortKey.PUBLISHED, True), "Read", (SortKey.AUTHORS, False)),
)
"""What the reader does first, one episode per line (bench/workload.py names the views)."""

TYPING_S = 0.15
"""Time between two keys (a fast typist), and from the window's open to the first key,
while the warm-up runs (``during``; nothing else changes in between in the others)."""


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds of ``action``, run as the window's reader runs a read."""
    cpu, wall = time.thread_time(), time.perf_counter()
    with GATE.foreground():
        action()
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def _episode(
    path: Path,
    episode: tuple[str, str, tuple[SortKey, bool], str, tuple[SortKey, bool]],
    warm: str,
    typing_s: float = TYPING_S,
) -> dict[str, object]:
    word, view_name, order, then_name, then_order = episode
    if warm != "warm":
        evict(path)
    cached_mb = resident_bytes(path) / 1e6
    warmup: Warmup | None = None
    if warm == "warmed":
        warmup = Warmup(path).start()
        warmup.wait()
    out: dict[str, object] = {"cached_before_mb": round(cached_mb, 1)}
    with Library(path) as library:
        if warm == "during":  # as the window starts it: after the first paint, as its
            warmup = start_warmup(path, GATE)  # reader thread begins the counts

        def opening() -> None:
            library.view_counts()
            library.tags()
            first_page(library, PaperFilter(status=Status.INBOX), NEWEST)

        out["open"] = _timed(opening)
        by_name: dict[str, View] = {v.name: v for v in views(_digest_in_the_middle(library))}
        view = by_name[view_name].filter
        keys: list[tuple[float, float]] = []
        counts: list[tuple[float, float]] = []
        for end in range(1, len(word) + 1):
            if warm == "during":  # the reader's next key: the warm-up's time to read
                time.sleep(typing_s)
            typed = dataclasses.replace(view, search=word[:end])
            keys.append(_timed(partial(first_page, library, typed, order)))
            counts.append(_timed(partial(library.count, typed)))
        out["keystroke"], out["count"] = keys, counts
        out["view"] = _timed(lambda: first_page(library, by_name[then_name].filter, then_order))
    if warmup is not None:
        warmup.wait() if warm == "warmed" else warmup.stop()
        r = warmup.report
        out["warmup"] = {
            "mb": round(r.bytes_read / 1e6, 1),
            "s": round(r.seconds, 2),
            "cpu_s": round(r.cpu_seconds, 3),
            "finished": r.finished,
        }
    out["cached_after_mb"] = round(resident_bytes(path) / 1e6, 1)
    out["name"] = (
        f"{word!r} in {view_name}, {order_name(*order)}; then {then_name}, "
        f"{order_name(*then_order)}"
    )
    return out


def _summary(episodes: list[dict[str, object]], prefix: str) -> dict[str, object]:
    """Worst and median wall/CPU of each step over the episodes."""

    def pairs(key: str, first_only: bool = False) -> list[tuple[float, float, str]]:
        out = []
        for e in episodes:
            got = e[key]
            timings = got[:1] if first_only else got  # type: ignore[index]
            if isinstance(got, tuple):
                timings = [got]
            out += [(w, c, str(e["name"])) for w, c in timings]  # type: ignore[union-attr]
        return out

    result: dict[str, object] = {}
    for step, key, first in (
        ("open", "open", False),
        ("first_keystroke", "keystroke", True),
        ("keystroke", "keystroke", False),
        ("first_count", "count", True),
        ("count", "count", False),
        ("view", "view", False),
    ):
        got = pairs(key, first)
        worst = max(got)
        result[f"{prefix}_{step}_max_ms"] = worst[0]
        result[f"{prefix}_{step}_cpu_max_ms"] = max(c for _, c, _ in got)
        result[f"{prefix}_{step}_median_ms"] = statistics.median(w for w, _, _ in got)
        result[f"{prefix}_{step}_slowest"] = worst[2]
    return result


CONDITIONS = ("cold", "warmed", "during", "warm")


def measure(
    path: Path, conditions: tuple[str, ...] = CONDITIONS, typing_s: float = TYPING_S
) -> dict[str, object]:
    """Every episode in every condition (see the module's docstring), and their summary
    (``typing_s``: the time between keys while the warm-up runs; 0 for a quick run)."""
    out: dict[str, object] = {}
    for warm in conditions:
        if warm == "warm":  # the same reads again, nothing evicted: the warm figure
            runs = [(_episode(path, e, warm), _episode(path, e, warm))[1] for e in EPISODES]
        else:
            runs = [_episode(path, episode, warm, typing_s) for episode in EPISODES]
        out[f"{warm}_episodes"] = runs
        out.update(_summary(runs, warm))
        warmups = [r["warmup"] for r in runs if "warmup" in r]
        if warm == "warmed" and warmups:
            out["warmup_mb"] = max(w["mb"] for w in warmups)  # type: ignore[index]
            out["warmup_s"] = max(w["s"] for w in warmups)  # type: ignore[index]
            out["warmup_cpu_s"] = max(w["cpu_s"] for w in warmups)  # type: ignore[index]
    return out
