"""The learner's jobs, as plain functions of a library path: what its process runs.

"Why" and "More like this" are jobs too (``insight`` and ``similar``), run in a child of
their own (:mod:`.lookups_process`).

Each job opens its own read-only snapshot of the library (:func:`interest.open_snapshot`)
and uses the feature cache, does its work, and returns something small that pickles
quickly. ``refit`` and ``score`` return an :class:`~reader.ranking.update.InterestUpdate`
(scores as arrays) and write nothing to the library. ``refit_store`` and ``score_store``
also store it, through a connection of the child's own in short transactions
(:meth:`InterestUpdate.store`; why the child and not the window's writer is argued
there), and return only a :class:`~reader.ranking.update.Stored` summary of what changed.
They run in the learner's child process (:mod:`reader.ranking.child`); the command line
and the tests can call them directly, in-process, for the same result.

In a child the feature cache stays open from one job to the next
(:func:`keep_caches_open`): opening it reads its first table whole to find damage early,
which at a million papers is a gigabyte and most of a new digest's cost.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.library import interest, interest_scores
from reader.library.interest_cache import FeatureCache, cache_path
from reader.library.store import Library
from reader.ranking.update import InterestUpdate, Stored


@dataclass(frozen=True)
class CatchUp:
    """What a start-up check found: a refit is due, or these papers have no score yet."""

    refit: bool
    unscored: tuple[int, ...] = ()


_open_caches: dict[Path, tuple[tuple[int, int], FeatureCache]] | None = None
"""Caches kept open between jobs, by path, with the file's identity when opened (``None``:
every job opens and closes its own, as in the window's process and the tests)."""


def keep_caches_open() -> None:
    """From now on, keep each library's feature cache open between jobs (in a child)."""
    global _open_caches
    if _open_caches is None:
        _open_caches = {}


def close_caches() -> None:
    """Close the kept caches and open one per job again (the default)."""
    global _open_caches
    kept, _open_caches = _open_caches, None
    for _identity_of, cache in (kept or {}).values():
        cache.close()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


@contextmanager
def _cache(path: str | os.PathLike[str]) -> Iterator[FeatureCache]:
    """The feature cache of the library at ``path``: kept open in a child (reopened when
    its file was deleted or replaced meanwhile), opened and closed here otherwise."""
    where = cache_path(path)
    if _open_caches is None:
        with FeatureCache(where) as cache:
            yield cache
        return
    kept = _open_caches.get(where)
    identity = _identity(where)
    if kept is not None and (identity is None or kept[0] != identity or not kept[1].persistent):
        kept[1].close()
        del _open_caches[where]
        kept = None
    if kept is None:
        cache = FeatureCache(where)
        identity = _identity(where)
        if identity is None or not cache.persistent:  # in memory: nothing to keep
            try:
                yield cache
            finally:
                cache.close()
            return
        kept = _open_caches[where] = (identity, cache)
    yield kept[1]


@contextmanager
def _snapshot(path: str | os.PathLike[str]) -> Iterator[tuple[Library, FeatureCache]]:
    """A read-only snapshot of the library, closed on the way out, and its cache."""
    with interest.open_snapshot(path) as library, _cache(path) as cache:
        yield library, cache


def fingerprint(library: Library) -> str:
    """The fingerprint of the reader's signals (what a refit learned from)."""
    from reader.ranking.signals import Signals

    return Signals.from_rows(interest.signal_rows(library)).fingerprint()


def refit_job(path: str) -> InterestUpdate:
    """Refit from every signal and score every paper (the cache remembers the signals)."""
    from reader.ranking.refit import refit

    with _snapshot(path) as (library, cache):
        update = refit(library, cache)
        cache.set_meta("signals", fingerprint(library).encode())
    return update


def score_job(path: str, ids: list[int]) -> InterestUpdate | None:
    """Score just-arrived papers with the stored model; ``None`` when a refit is needed."""
    from reader.ranking.refit import score_new

    with _snapshot(path) as (library, cache):
        return score_new(library, cache, ids)


def store(path: str, update: InterestUpdate) -> Stored:
    """Store ``update`` in the library at ``path`` through a connection of this process
    (opened and closed here, on the thread that kept the window's priority)."""
    from reader.ranking.child import at_full_priority

    def write() -> Stored:
        with interest_scores.open_score_writer(path) as library:
            return update.store(library)

    stored: Stored = at_full_priority(write)
    return stored


def refit_store_job(path: str) -> Stored:
    """:func:`refit_job`, then store its scores here (the window's process stores nothing)."""
    return store(path, refit_job(path))


def score_store_job(path: str, ids: list[int]) -> Stored | None:
    """:func:`score_job`, then store its scores here; ``None`` when a refit is needed."""
    update = score_job(path, ids)
    return None if update is None else store(path, update)


def catch_up_job(path: str) -> CatchUp:
    """At start: is a refit due (signals changed, no usable model), or what is unscored?"""
    from reader.ranking.refit import load_model

    with _snapshot(path) as (library, cache):
        signals = fingerprint(library)
        stored = cache.meta("signals")
        model = load_model(cache, library)
        # No usable model (none yet, or the cache is another file's: a library replaced
        # under its cache by a restored backup has the same signals but no model state):
        # refit. Without a liked paper that only writes the "not enough signal" state.
        if stored is None or stored.decode() != signals or model is None:
            return CatchUp(refit=True)
        return CatchUp(refit=False, unscored=tuple(interest_scores.unscored_ids(library)))


def warm_up_job() -> None:
    """Import what the other jobs need (so the first digest is scored without the wait)."""
    from reader.ranking import lookups, refit  # noqa: F401


def insight_job(path: str, paper_id: int, similar_limit: int, why_limit: int) -> object:
    """ "Why" and "More like this" of one paper: ``(Explanation, [Similar])``, or a
    :class:`~reader.ranking.lookups_process.LookupFailed` for a library error."""
    from reader.library.errors import LibraryError
    from reader.ranking.lookups import explain, similar
    from reader.ranking.lookups_process import failure

    try:
        with _snapshot(path) as (library, cache):
            explanation = explain(library, cache, paper_id, limit=why_limit)
            return explanation, similar(library, cache, paper_id, limit=similar_limit)
    except LibraryError as exc:
        return failure(exc)


def similar_job(path: str, paper_id: int, limit: int) -> object:
    """The papers most like one paper (``[Similar]``), or a ``LookupFailed``."""
    from reader.library.errors import LibraryError
    from reader.ranking.lookups import similar
    from reader.ranking.lookups_process import failure

    try:
        with _snapshot(path) as (library, cache):
            return similar(library, cache, paper_id, limit=limit)
    except LibraryError as exc:
        return failure(exc)


JOBS: dict[str, Callable[..., Any]] = {
    "refit": refit_job,
    "score": score_job,
    "refit_store": refit_store_job,
    "score_store": score_store_job,
    "catch_up": catch_up_job,
    "warm_up": warm_up_job,
    "insight": insight_job,
    "similar": similar_job,
}
"""The jobs by name, as the child process receives them."""
