"""The citation cache's filling, as jobs of a process of its own.

Rendering an entry is 1–3 ms of citeproc-py (pure Python) and its garbage; at a million
papers the window's filler did it for tens of minutes on a reader thread of the window's
process, holding the interpreter lock against the GUI thread (60–160 ms gaps) and costing
that process a core. These jobs run in a child instead (:class:`~reader.ranking.child.
LearnerProcess` started with ``jobs="reader.cite.fill_jobs"``, fed by
:class:`reader.cite.fill_process.CitationProcess`): the child reads the library through a
read-only connection of its own, renders, and stores the entries in the cache file itself
(:mod:`reader.library.citation_cache`), :data:`SLICE` papers to a transaction. The window's
process sends ids and gets back counts.

Why the child may write the cache file: it is derived data beside the library, never the
library itself, so the library's one writer never waits on it. Its only other writer is
a copy in the window that renders what the cache lacks; a slice's transaction is a few
rows (well under a millisecond), and the rendering between two of them (tens of ms) is
free time in which a waiting copy's write gets the lock. The store runs on the child's
thread that kept the window's priority (:func:`~reader.ranking.child.at_full_priority`), so
a low-priority child is never descheduled holding the lock. A child killed mid-way loses
at most the slice it was rendering: each transaction is whole or rolled back, and every
entry carries the digest of what it was rendered from (:mod:`reader.cite.cached`), so one
rendered before an edit is never served after it; the edit's own fill renders it again.

The jobs are plain functions of the library's path; the tests also call them in-process.
"""

from __future__ import annotations

import os
import signal
import threading
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.library.citation_cache import (
    CachedEntry,
    CitationCache,
    PruneCursor,
    cache_path,
    prune_stale,
    uncached_page,
)
from reader.library.store import Library

SLICE = 10
"""Papers rendered and stored per transaction (some 10–30 ms of the child's CPU)."""

_Opened = tuple[tuple[tuple[int, int] | None, ...], Library, CitationCache]
_open: dict[tuple[Path, int], _Opened] | None = None
"""The library and cache connections kept between jobs, by library path and thread (a
connection serves the thread that made it: an urgent job runs on another), with the files'
identities when opened (``None``: every job opens and closes its own, as in-process)."""


HAND_BACK = getattr(signal, "SIGUSR1", None)
"""The signal that asks a :func:`chunk_job` running in the child to hand back the rest of
its chunk after the slice it is rendering (a copy waits; ``None`` where there is none)."""
_hand_back = threading.Event()


def keep_caches_open() -> None:
    """Set up the child (called once, before its first job): keep each library's
    connections open between jobs (opening the cache reads its table whole, which at a
    million entries is costly), and hand back a chunk on :data:`HAND_BACK`."""
    global _open
    if _open is None:
        _open = {}
    if HAND_BACK is not None:
        signal.signal(HAND_BACK, lambda _signum, _frame: _hand_back.set())


def close_caches() -> None:
    """Close the kept connections and open them per job again (the default)."""
    global _open
    kept, _open = _open, None
    for _identity, library, cache in (kept or {}).values():
        cache.close()
        library.close()


class _FullPriorityCache(CitationCache):
    """The cache with its writes on the child's full-priority thread."""

    def store(self, style: str, entries: Sequence[tuple[str, CachedEntry]]) -> bool:
        from reader.ranking.child import at_full_priority

        done: bool = at_full_priority(super().store, style, entries)
        return done

    def forget(self, pairs: Sequence[tuple[str, str]]) -> int:
        from reader.ranking.child import at_full_priority

        gone: int = at_full_priority(super().forget, pairs)
        return gone


def _identities(path: Path) -> tuple[tuple[int, int] | None, ...]:
    found: list[tuple[int, int] | None] = []
    for each in (path, cache_path(path)):
        try:
            stat = each.stat()
        except OSError:
            found.append(None)
        else:
            found.append((stat.st_dev, stat.st_ino))
    return tuple(found)


@contextmanager
def _opened(path: str | os.PathLike[str]) -> Iterator[tuple[Library, CitationCache]]:
    """The library at ``path`` (read-only) and its citation cache: kept open in a child
    (reopened when either file was replaced meanwhile, e.g. by a restored backup)."""
    where = Path(path)
    if _open is None:
        with (
            Library(where, read_only=True) as library,
            _FullPriorityCache(cache_path(where)) as cache,
        ):
            yield library, cache
        return
    identity = _identities(where)
    key = (where, threading.get_ident())
    kept = _open.get(key)
    if kept is not None and kept[0] != identity:
        kept[2].close()
        kept[1].close()
        del _open[key]
        kept = None
    if kept is None:
        library = Library(where, read_only=True)
        cache = _FullPriorityCache(cache_path(where))
        kept = _open[key] = (_identities(where), library, cache)
    yield kept[1], kept[2]


def backlog_job(
    path: str, style_id: str, below: int | None = None
) -> tuple[array[int], int | None]:
    """A page of the papers, newest first, with no entry at all in ``style_id`` (HTML),
    and where the next page starts (:func:`~reader.library.citation_cache.uncached_page`):
    at a million papers the whole list is seconds of the child's time, which a copy's
    urgent job would otherwise wait for."""
    from reader.cite.cached import cache_style

    with _opened(path) as (library, cache):
        return uncached_page(library, cache, cache_style(style_id, True), below)


def fill_job(path: str, style_id: str, ids: list[int], urgent: bool = False) -> int:
    """Render and store what the cache lacks of ``ids`` in ``style_id`` (HTML), entry and
    sort keys, :data:`SLICE` papers to a transaction; how many entries were stored.

    ``urgent``: a copy waits for these (the reader does), so they are rendered on the
    child's thread that kept the window's CPU priority, not at the child's lower one."""
    from reader.cite import cache_citations, citation_records
    from reader.ranking.child import at_full_priority

    def fill() -> int:
        stored = 0
        with _opened(path) as (library, cache):
            for at in range(0, len(ids), SLICE):
                part = citation_records(library, ids[at : at + SLICE])
                stored += cache_citations(part, style_id, cache, html=True)
        return stored

    done: int = at_full_priority(fill) if urgent else fill()
    return done


def chunk_job(path: str, style_id: str, ids: list[int]) -> tuple[int, list[int]]:
    """:func:`fill_job` for the background, which yields to a copy: when :data:`HAND_BACK`
    arrives, the ids not yet rendered come back with the count (``(stored, left)``)."""
    from reader.cite import cache_citations, citation_records

    stored = 0
    with _opened(path) as (library, cache):
        for at in range(0, len(ids), SLICE):
            if at and _hand_back.is_set():
                _hand_back.clear()
                return stored, ids[at:]
            part = citation_records(library, ids[at : at + SLICE])
            stored += cache_citations(part, style_id, cache, html=True)
    return stored, []


def prune_job(path: str, after: PruneCursor) -> tuple[int, PruneCursor | None]:
    """One :func:`~reader.library.citation_cache.prune_stale` step from ``after``."""
    with _opened(path) as (library, cache):
        return prune_stale(library, cache, after)


def warm_up_job() -> None:
    """Load citeproc-py and the styles' modules (the first chunk then renders at once)."""
    import reader.cite.cached  # noqa: F401


JOBS: dict[str, Callable[..., Any]] = {
    "backlog": backlog_job,
    "fill": fill_job,
    "chunk": chunk_job,
    "prune": prune_job,
    "warm_up": warm_up_job,
}
"""The jobs by name, as the child receives them."""
