"""The learner's jobs, as plain functions of a library path: what its process runs.

"Why" and "More like this" are jobs too (``insight`` and ``similar``), run in a child of
their own (:mod:`.lookups_process`).

Each job opens its own read-only snapshot of the library (:func:`interest.open_snapshot`)
and the feature cache, does its work, and returns something small that pickles quickly:
an :class:`~reader.ranking.update.InterestUpdate` (scores as arrays) or a list of ids.
None of them writes the library: the window's writer applies what they return. They run
in the learner's child process (:mod:`reader.ranking.child`); the command line and the
tests can call them directly, in-process, for the same result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from reader.library import interest
from reader.library.interest_cache import FeatureCache, cache_path
from reader.library.store import Library
from reader.ranking.update import InterestUpdate


@dataclass(frozen=True)
class CatchUp:
    """What a start-up check found: a refit is due, or these papers have no score yet."""

    refit: bool
    unscored: tuple[int, ...] = ()


@contextmanager
def _snapshot(path: str | os.PathLike[str]) -> Iterator[tuple[Library, FeatureCache]]:
    """A read-only snapshot of the library and its cache; both closed on the way out."""
    with interest.open_snapshot(path) as library, FeatureCache(cache_path(path)) as cache:
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
        return CatchUp(refit=False, unscored=tuple(interest.unscored_ids(library)))


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
    "catch_up": catch_up_job,
    "warm_up": warm_up_job,
    "insight": insight_job,
    "similar": similar_job,
}
"""The jobs by name, as the child process receives them."""
