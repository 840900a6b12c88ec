"""The reader's interest model: rank papers by what this reader cares about, offline.

Learned from what the reader already does (see :mod:`reader.ranking.signals`): stars
(4–5 liked, 1–2 not), the queue, reading and read statuses and tags (liked), papers
archived straight from the inbox and "not interested" (not liked). Features are hashed
TF-IDF word uni- and bigrams of title and abstract plus authors and categories
(:mod:`reader.ranking.features`); the model is a class-balanced logistic regression
(scikit-learn) against the reader's negatives and a sample of untouched inbox papers, so
one liked paper already gives a "more like this" ranking. With no liked paper there are
no scores at all, and :attr:`InterestState.message` says so ("not enough signal …").

Importing this package is cheap: scikit-learn and SciPy load only when a function below
that needs them runs, never at window start-up; the window's learner runs them in a child
process of its own (:mod:`.child`), so the window's process does not load them to learn.

What the window uses
--------------------
Learning (background; one writer):
  ``Learner(library_path, submit, delay=2.0, on_error=None)`` (:mod:`.learner`) — start
  with ``learner.start()`` after the library opens; call ``learner.notify(changes)`` with
  the :class:`~reader.library.model.Changes` of every write on the change bus; stop with
  ``learner.close()``. ``submit(op)`` must queue ``op`` — a writer operation
  ``(Library) -> Changes`` — on the writer thread, like any other write. Those operations
  write nothing (the learner's child has stored the scores already) and return
  ``Changes(paper_ids=…, fields={"interest"})`` for a few papers, or
  ``Changes(every_paper=True, fields={"interest"})`` for a refit (never a million ids);
  publish them on the change bus like other changes (the learner ignores its own
  "interest" changes). Refits are debounced
  (``delay`` seconds after the last edit), run from a read-only snapshot in the
  learner's child process (started with ``spawn``; a dead one is reported and the job
  retried; ``close()`` ends it, even mid-refit), which stores the scores in transactions
  of a few milliseconds with the lock free between them (:mod:`.update`), so the
  window's writer waits at most one of them; new papers (``papers_added`` /
  ``"imported"``) are scored at once. Entry points must guard ``if __name__ == "__main__"`` and frozen ones
  call ``multiprocessing.freeze_support()`` (the child imports the main module).

The "For you" view (no scikit-learn; SQL only, :mod:`reader.library.for_you`):
  ``for_you_ids(library, view=None, limit=…, offset=…)`` — inbox papers by interest,
  best first, unscored ones last (read and archived papers never appear: they are not in
  the inbox); ``for_you_count(library, view)``. ``view`` carries the search text.

The "Match" column:
  ``scores(library, ids)`` → ``{paper id: score 0–1}`` for a page of rows (missing id =
  no score, show nothing); sort any view with ``library.paper_ids(view,
  SortKey.INTEREST)`` (unscored papers last when descending).

"More like this" and "Why" (off the GUI thread; they read the cache and import sklearn):
  ``similar(library, paper_id, limit=20)`` → ``[Similar(paper_id, similarity)]``, most
  similar first; ``explain(library, paper_id)`` → :class:`Explanation` with ``up`` and
  ``down`` lists of ``Reason(kind, text, weight)`` (kind: word, author, category,
  organization), or ``score=None`` and a ``message`` when there is no model. The window
  asks them of a child process (:class:`~.lookups_process.LookupProcess`: ``insight(path,
  paper_id, similar_limit=…)`` → both, ``similar(path, paper_id, limit=…)``), so that its
  own process never syncs or scans the feature cache nor loads scikit-learn.

"Not interested" (a writer operation): ``library.mark_not_interested(ids)`` records the
  signal and archives (``fields={"status", "not_interested"}``); undo with
  ``library.unmark_not_interested(ids)`` and ``library.set_status(ids, old_status)``.

Model state: ``state(library)`` → :class:`InterestState` (``fitted_at``, ``positives``,
  ``negatives``, ``generation``, ``message``) for the view's empty state.

The command line uses :func:`rank` (refit now and write, in this thread) and
:func:`refresh` (refit or score only what is out of date, as the learner would have).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.library.interest import InterestState, for_you_count, for_you_ids, state
from reader.library.interest_scores import scores

if TYPE_CHECKING:
    from reader.library.store import Library
    from reader.ranking.answers import Explanation, Reason, Similar
    from reader.ranking.learner import Learner
    from reader.ranking.update import InterestUpdate

__all__ = [
    "Explanation",
    "InterestState",
    "InterestUpdate",
    "Learner",
    "Reason",
    "Similar",
    "explain",
    "for_you_count",
    "for_you_ids",
    "rank",
    "refresh",
    "scores",
    "similar",
    "state",
]

_LAZY = {
    "Learner": "reader.ranking.learner",
    "Explanation": "reader.ranking.answers",
    "Similar": "reader.ranking.answers",
    "Reason": "reader.ranking.answers",
    "InterestUpdate": "reader.ranking.update",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def rank(library: Library) -> InterestUpdate:
    """Refit now from ``library`` and write the scores through it (one thread: the CLI's)."""
    from reader.library import interest
    from reader.library.interest_cache import FeatureCache, cache_path
    from reader.ranking.refit import refit
    from reader.ranking.signals import Signals

    fingerprint = Signals.from_rows(interest.signal_rows(library)).fingerprint()
    with FeatureCache(cache_path(library.path)) as cache:
        update = refit(library, cache)
        update.apply(library)
        cache.set_meta("signals", fingerprint.encode())
    return update


def refresh(library: Library) -> InterestState:
    """Bring the scores up to date in this thread, as a running learner would have.

    Refits when the reader's signals changed since the last refit (or there is no usable
    model); otherwise only scores papers that have no score yet. A library that refuses
    writes is left as it is. Returns the model's state.
    """
    from reader.library import interest, interest_scores
    from reader.library.interest_cache import FeatureCache, cache_path
    from reader.ranking.refit import load_model, refit, score_new
    from reader.ranking.signals import Signals

    if not library.writable:
        return interest.state(library)
    signals = Signals.from_rows(interest.signal_rows(library))
    fingerprint = signals.fingerprint()
    with FeatureCache(cache_path(library.path)) as cache:
        stored = cache.meta("signals")
        current = interest.state(library)
        model = load_model(cache, library)
        stale = stored is None or stored.decode() != fingerprint
        if stale or (model is None and (signals.positives or current.generation == 0)):
            refit(library, cache).apply(library)
            cache.set_meta("signals", fingerprint.encode())
        elif model is not None:
            unscored = interest_scores.unscored_ids(library)
            update = score_new(library, cache, unscored) if unscored else None
            if update is not None:
                update.apply(library)
    return interest.state(library)


def similar(library: Library, paper_id: int, *, limit: int = 20) -> list[Similar]:
    """The papers most like ``paper_id``, most similar first (cosine of TF-IDF vectors)."""
    from reader.library.interest_cache import FeatureCache, cache_path
    from reader.ranking.lookups import similar as find

    with FeatureCache(cache_path(library.path)) as cache:
        return find(library, cache, paper_id, limit=limit)


def explain(library: Library, paper_id: int, *, limit: int = 5) -> Explanation:
    """Why ``paper_id`` scored as it did: the terms that pushed it up and down."""
    from reader.library.interest_cache import FeatureCache, cache_path
    from reader.ranking.lookups import explain as why

    with FeatureCache(cache_path(library.path)) as cache:
        return why(library, cache, paper_id, limit=limit)
