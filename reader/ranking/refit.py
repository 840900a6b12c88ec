"""Refitting the model and scoring papers: computed from a read snapshot, stored in steps.

:func:`refit` and :func:`score_new` only *read* the library (they are meant to run in the
learner's own process, :mod:`reader.ranking.jobs`, on a read-only connection) and write
only the learner's cache. What they return, an :class:`InterestUpdate`, is stored in
short transactions with the lock free between them
(:meth:`~reader.ranking.update.InterestUpdate.store`), so that a rescoring of a million
papers never holds the library's writer for long.
"""

from __future__ import annotations

import random

import numpy as np

from reader.library import interest
from reader.library.interest import InterestState
from reader.library.interest_cache import FeatureCache
from reader.library.store import Library, now_utc
from reader.ranking.corpus import Corpus
from reader.ranking.model import InterestModel, fit
from reader.ranking.signals import Signals
from reader.ranking.update import InterestUpdate

__all__ = ["NO_CONTRAST", "NO_SIGNAL", "InterestUpdate", "load_model", "refit", "score_new"]

NO_SIGNAL = (
    "not enough signal yet: rate a paper 4 or 5 stars, tag it or add it to the queue, "
    "and the rest of the library is ranked by how much it is like it"
)
NO_CONTRAST = (
    "not enough signal yet: every paper in the library is one you liked, so there is "
    "nothing to tell them apart from; import more papers or rate one you did not like"
)
MIN_BACKGROUND = 200
MAX_BACKGROUND = 3000
BACKGROUND_PER_LABEL = 8
MAX_LABELS = 20_000
"""Labelled papers a refit learns from at most (explicit signals first, newest first):
bounds a refit's memory on a library with more signals than any reader gives by hand."""


def load_model(cache: FeatureCache, library: Library) -> InterestModel | None:
    """The model the cache holds, when it is the one the library's scores came from."""
    blob = cache.meta("model")
    generation = cache.meta("generation")
    state = interest.state(library)
    if blob is None or generation is None or state.fitted_at is None:
        return None
    if int(generation.decode()) != state.generation:
        return None
    return InterestModel.from_bytes(blob)


def refit(library: Library, cache: FeatureCache, *, seed: int = 0) -> InterestUpdate:
    """Learn from the reader's signals and score every paper (or say there is no signal)."""
    signals = Signals.from_rows(interest.signal_rows(library))
    previous = interest.state(library)
    labels = sorted(signals.labels, key=lambda lab: (-lab.weight, -lab.paper_id))[:MAX_LABELS]
    if not signals.positives:
        return InterestUpdate(state=_no_model(previous, NO_SIGNAL, signals), complete=True)
    corpus = Corpus(library, cache)
    corpus.sync()
    labelled = {lab.paper_id for lab in signals.labels}
    untouched = np.fromiter(interest.unlabelled_ids(library), dtype=np.int64)
    pool = untouched[~np.isin(untouched, np.array(sorted(labelled), dtype=np.int64))]
    size = min(pool.size, max(MIN_BACKGROUND, BACKGROUND_PER_LABEL * len(labels)), MAX_BACKGROUND)
    background = sorted(pool[random.Random(seed).sample(range(pool.size), size)].tolist())
    if all(lab.positive for lab in labels) and not background:
        return InterestUpdate(state=_no_model(previous, NO_CONTRAST, signals), complete=True)
    vectors = corpus.vectors([lab.paper_id for lab in labels] + background)
    model = fit(vectors, labels, len(background))
    generation = previous.generation + 1
    dense = model.dense()
    all_ids: list[np.ndarray] = []
    decisions: list[np.ndarray] = []
    for ids, rows in corpus.iter_vectors():
        all_ids.append(ids)
        decisions.append(model.decision(rows, dense))
    ids_all = np.concatenate(all_ids) if all_ids else np.zeros(0, dtype=np.int64)
    z = np.concatenate(decisions) if decisions else np.zeros(0)
    model = model.with_anchors(z)
    cache.put((), (), {"model": model.to_bytes(), "generation": str(generation).encode()})
    scores = model.interest(z)
    state = InterestState(
        fitted_at=now_utc(),
        positives=model.positives,
        negatives=model.negatives,
        generation=generation,
        message=None,
    )
    return InterestUpdate(ids_all, scores, state, complete=True, candidates=untouched)


def score_new(library: Library, cache: FeatureCache, ids: list[int]) -> InterestUpdate | None:
    """Score just-arrived papers with the stored model; ``None`` when a refit is needed."""
    model = load_model(cache, library)
    if model is None:
        return None
    corpus = Corpus(library, cache)
    corpus.add(ids)
    known = sorted(interest.text_keys_of(library, ids))
    if not known:
        return InterestUpdate()
    scores = model.score(corpus.vectors(known))
    return InterestUpdate(
        np.array(known, dtype=np.int64),
        scores,
        candidates=np.array(sorted(interest.untriaged_of(library, known)), dtype=np.int64),
    )


def _no_model(previous: InterestState, message: str, signals: Signals) -> InterestState:
    return InterestState(
        fitted_at=None,
        positives=len(signals.positives),
        negatives=len(signals.negatives),
        generation=previous.generation + 1,
        message=message,
    )
