"""The fitted interest model: a logistic regression over TF-IDF vectors, and why it decided.

:func:`fit` learns from the reader's labelled papers plus a sample of untouched inbox
papers as a weak background (so one liked paper is enough to rank: "more like this", as
arxiv-sanity did with its per-user SVM). Classes are balanced, explicit signals weigh more
than implicit ones. The model keeps only the weights of the buckets the training papers
used, so it stays small enough to store and quick to apply to a new paper.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from reader.library.interest import PaperText
from reader.ranking import features
from reader.ranking.answers import Reason
from reader.ranking.signals import Label

REGULARISATION = 4.0
"""Inverse regularisation strength C (chosen on the labelled corpus of ``make bench``)."""
BACKGROUND_WEIGHT = 0.35
"""Weight of an untouched inbox paper as a negative example, against 1 for a real one."""


LIKED_LEVEL = 0.75
"""The interest of a paper that scores like the reader's typical liked paper."""
TYPICAL_LEVEL = 0.05
"""The interest of a typical paper of the library."""
_LOGIT_LIKED = float(np.log(LIKED_LEVEL / (1 - LIKED_LEVEL)))
_LOGIT_TYPICAL = float(np.log(TYPICAL_LEVEL / (1 - TYPICAL_LEVEL)))
DEFAULT_LIKED_RANK = 0.99
"""Where a liked paper is taken to rank when there are too few to hold some out."""
PROBE_LIKED = 64
PROBE_BACKGROUND = 1000
"""Liked and background papers each probe fit holds out at most (bounds their cost)."""


@dataclass(frozen=True)
class InterestModel:
    """Weights per hash bucket (only the buckets seen in training) and the intercept.

    A paper's *interest* (the Match column) says how much it looks like the papers the
    reader liked, on a scale set by the library at the last refit: a paper that scores
    like a typical liked paper the model did not learn from (estimated by held-out probe
    fits, :attr:`liked_rank`) gets
    :data:`LIKED_LEVEL` (75 %), a typical paper of the library (the library's median)
    :data:`TYPICAL_LEVEL` (5 %), on a logistic curve through those two anchors. So
    the first screen of For you reads high only where papers really are like the liked
    ones, and a new paper is mapped without rescoring the others. It is a ranking score,
    not a probability: the model learned from a handful of papers.
    """

    buckets: np.ndarray
    weights: np.ndarray
    intercept: float
    positives: int
    negatives: int
    anchors: tuple[float, float] | None = None
    """The library's median linear score and a typical liked paper's, at the last refit."""
    liked_rank: float = 0.99
    """Where a liked paper the model has not seen ranks in the library (0–1, see fit)."""

    def dense(self) -> np.ndarray:
        """The weights as one vector over every bucket (zero where training saw nothing)."""
        full = np.zeros(features.N_FEATURES, dtype=np.float32)
        full[self.buckets] = self.weights
        return full

    def decision(self, vectors: sparse.csr_matrix, dense: np.ndarray | None = None) -> np.ndarray:
        """The linear score of each row (before the logistic)."""
        return np.asarray(vectors @ (self.dense() if dense is None else dense)) + self.intercept

    def score(self, vectors: sparse.csr_matrix, dense: np.ndarray | None = None) -> np.ndarray:
        """Interest in 0–1 of each row (see the class)."""
        return self.interest(self.decision(vectors, dense))

    def interest(self, decision: np.ndarray) -> np.ndarray:
        """Linear scores mapped to interest through the two anchors (see the class)."""
        typical, liked = self.anchors if self.anchors is not None else (-1.0, 1.0)
        if not liked > typical:
            liked = typical + 1.0
        slope = (_LOGIT_LIKED - _LOGIT_TYPICAL) / (liked - typical)
        z = np.asarray(decision, dtype=np.float64) - typical
        z = np.clip(_LOGIT_TYPICAL + z * slope, -30.0, 30.0)
        mapped: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return mapped

    def with_anchors(self, decisions: np.ndarray) -> InterestModel:
        """This model, with its anchors in the library's linear scores ``decisions``."""
        if not decisions.size:
            return self
        typical = float(np.median(decisions))
        top = float(np.quantile(decisions, self.liked_rank))
        return InterestModel(
            self.buckets,
            self.weights,
            self.intercept,
            self.positives,
            self.negatives,
            (typical, top),
            self.liked_rank,
        )

    def reasons(self, paper: PaperText, vector: sparse.csr_matrix, limit: int = 5) -> list[Reason]:
        """The ``limit`` strongest terms up and down for one paper, strongest first."""
        lookup = dict(zip(self.buckets.tolist(), self.weights.tolist(), strict=True))
        readable = features.terms_by_index(paper)
        row = vector.tocsr()
        contributions: list[tuple[float, int]] = []
        for bucket, value in zip(row.indices.tolist(), row.data.tolist(), strict=True):
            weight = lookup.get(bucket)
            if weight:
                contributions.append((value * weight, bucket))
        contributions.sort()
        down = [c for c in contributions[:limit] if c[0] < 0]
        up = [c for c in reversed(contributions[-limit:]) if c[0] > 0]
        out: list[Reason] = []
        for value, bucket in up + down:
            term = features.Term.parse(readable.get(bucket, "?"))
            out.append(Reason(term.kind, term.text, float(value)))
        return out

    def to_bytes(self) -> bytes:
        """The model as bytes (NumPy's ``.npz``), for the cache."""
        buffer = io.BytesIO()
        np.savez(  # not compressed: loading must be quick when a digest arrives
            buffer,
            buckets=self.buckets.astype(np.int32),
            weights=self.weights.astype(np.float32),
            meta=np.array([self.intercept, self.positives, self.negatives], dtype=np.float64),
            anchors=np.array(self.anchors if self.anchors is not None else [], dtype=np.float64),
        )
        return buffer.getvalue()

    @staticmethod
    def from_bytes(blob: bytes) -> InterestModel:
        """A model stored by :meth:`to_bytes`."""
        with np.load(io.BytesIO(blob)) as data:
            meta = data["meta"]
            anchors = data["anchors"].astype(np.float64) if "anchors" in data else np.zeros(0)
            return InterestModel(
                data["buckets"].astype(np.int64),
                data["weights"].astype(np.float64),
                float(meta[0]),
                int(meta[1]),
                int(meta[2]),
                (float(anchors[0]), float(anchors[1])) if anchors.size == 2 else None,
            )


def fit(
    vectors: sparse.csr_matrix,
    labels: list[Label],
    background: int,
) -> InterestModel:
    """Fit on ``vectors``: one row per label, then ``background`` rows of untouched papers.

    Needs at least one positive and one negative-or-background row (the caller checks).
    """
    y = np.array([lab.positive for lab in labels] + [False] * background, dtype=bool)
    weight = np.array(
        [lab.weight for lab in labels] + [BACKGROUND_WEIGHT] * background, dtype=np.float64
    )
    used = np.flatnonzero(np.bincount(vectors.indices, minlength=vectors.shape[1]))
    # The used columns only, sharing the rows' values (``vectors[:, used]`` would copy
    # them and build its own index arrays: tens of MB for 20,000 labelled papers).
    renumber = np.zeros(vectors.shape[1], dtype=np.int32)
    renumber[used] = np.arange(used.size, dtype=np.int32)
    x = sparse.csr_matrix(
        (vectors.data, renumber[vectors.indices], vectors.indptr),
        shape=(vectors.shape[0], used.size),
    )
    del renumber
    classifier = _classifier().fit(x, y, sample_weight=weight)
    coef = classifier.coef_.ravel()
    keep_terms = np.flatnonzero(coef)
    return InterestModel(
        used[keep_terms].astype(np.int64),
        coef[keep_terms].astype(np.float64),
        float(classifier.intercept_[0]),
        int(y[: len(labels)].sum()),
        int(len(labels) - y[: len(labels)].sum()),
        liked_rank=_held_out_rank(x, y, weight, len(labels)),
    )


def _held_out_rank(x: sparse.csr_matrix, y: np.ndarray, weight: np.ndarray, n: int) -> float:
    """Where a liked paper the model did not learn from ranks among untouched papers.

    Two probe fits, each on half the liked papers and half the background, score the
    other halves: the median share of held-out background papers that a held-out liked
    paper beats. (A liked paper the model learned from always looks better than that.)
    """
    liked = np.flatnonzero(y[:n])
    rest = np.flatnonzero(~y[:n])
    background = np.arange(n, len(y))
    if liked.size < 2 or background.size < 2:
        return DEFAULT_LIKED_RANK
    rng = np.random.default_rng(0)
    liked = rng.permutation(liked)[: 2 * PROBE_LIKED]
    background = rng.permutation(background)[: 2 * PROBE_BACKGROUND]
    rest = rng.permutation(rest)[:PROBE_BACKGROUND]
    ranks: list[float] = []
    for part in (0, 1):
        held_liked, train_liked = liked[part::2], liked[1 - part :: 2]
        held_bg, train_bg = background[part::2], background[1 - part :: 2]
        train = np.concatenate([train_liked, rest, train_bg])
        if not y[train].any() or y[train].all():
            continue
        probe = _classifier().fit(x[train], y[train], sample_weight=weight[train])
        bg = np.sort(probe.decision_function(x[held_bg]))
        scores = probe.decision_function(x[held_liked])
        ranks.extend((np.searchsorted(bg, scores) / bg.size).tolist())
    if not ranks:
        return DEFAULT_LIKED_RANK
    return float(np.clip(np.median(ranks), 0.5, 0.999))


def _classifier() -> LogisticRegression:
    return LogisticRegression(
        C=REGULARISATION,
        class_weight="balanced",
        solver="liblinear",
        dual=True,  # far fewer papers than terms: the dual problem is the small one
        max_iter=200,
        tol=1e-3,
        random_state=0,  # liblinear shuffles: the same signals give the same ranking
    )
