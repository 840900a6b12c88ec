"""Refitting the model and scoring papers: computed from a read snapshot, written by the writer.

:func:`refit` and :func:`score_new` only *read* the library (they are meant to run on the
learner's own thread, on a read-only connection) and write only the learner's cache. What
they return, an :class:`InterestUpdate`, is applied by the library's single writer, in
small operations of the shape ``(Library) -> Changes`` so that a rescoring of 100,000
papers never holds the writer for long.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from reader.library import interest
from reader.library.interest import InterestState
from reader.library.interest_cache import FeatureCache
from reader.library.model import Changes
from reader.library.store import Library, now_utc
from reader.ranking.corpus import Corpus
from reader.ranking.model import InterestModel, fit
from reader.ranking.signals import Signals

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
WRITE_CHUNK = 5000
"""Scores written per writer operation (about 20 ms each)."""

WriterOp = Callable[[Library], Changes]


@dataclass(frozen=True)
class InterestUpdate:
    """Scores to store, and (after a refit) the model's new state.

    ``complete`` means the scores cover every paper: any other stored score is dropped.
    ``state`` is ``None`` when the update only adds scores for new papers.
    """

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    state: InterestState | None = None
    complete: bool = False
    candidates: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """The papers that were untriaged inbox papers (For-you candidates) when scored."""

    @property
    def message(self) -> str | None:
        """Why there is no model ("not enough signal …"), or ``None`` when there is one."""
        return self.state.message if self.state is not None else None

    def operations(self, chunk: int = WRITE_CHUNK) -> list[WriterOp]:
        """The writes, as writer operations to run in order (each one transaction)."""
        state = self.state
        if state is not None and state.fitted_at is None:
            return [lambda library: interest.clear_scores(library, state)]
        ids, scores = self.ids, self.scores
        candidates = np.unique(self.candidates)  # sorted once: each chunk only looks up
        starts = list(range(0, ids.size, chunk)) or [0]
        ops: list[WriterOp] = []
        for number, start in enumerate(starts):
            last = number == len(starts) - 1

            def op(library: Library, start: int = start, last: bool = last) -> Changes:
                # Rows are made here, one chunk at a time: a million (id, score) tuples
                # never exist at once.
                part_ids = ids[start : start + chunk]
                marks = _members(part_ids, candidates)
                part = zip(
                    part_ids.tolist(), scores[start : start + chunk].tolist(), marks.tolist(),
                    strict=True,
                )  # fmt: skip
                drop: list[int] = []
                if last and self.complete:  # every other stored score goes
                    stored = np.fromiter(interest.scored_ids(library), dtype=np.int64)
                    drop = stored[~np.isin(stored, ids)].tolist()
                return interest.write_scores(
                    library, part, drop=drop, state=state if last else None
                )

            ops.append(op)
        return ops

    def apply(self, library: Library) -> Changes:
        """Run every operation on ``library`` now (the command line's way)."""
        changes = Changes()
        for op in self.operations():
            changes |= op(library)
        return changes


def _members(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in the sorted array ``ordered`` (a binary search each: a
    chunk of 5,000 against a million candidates costs microseconds, not a sort)."""
    if not ordered.size:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), ordered.size - 1)
    return np.asarray(ordered[at] == values)


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
