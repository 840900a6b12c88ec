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
from reader.ranking.signals import Label

REGULARISATION = 4.0
"""Inverse regularisation strength C (chosen on the labelled corpus of ``make bench``)."""
BACKGROUND_WEIGHT = 0.35
"""Weight of an untouched inbox paper as a negative example, against 1 for a real one."""


@dataclass(frozen=True, slots=True)
class Reason:
    """One term that pushed a paper's score up (``weight`` > 0) or down (< 0)."""

    kind: str
    """``word``, ``author``, ``category`` or ``organization``."""
    text: str
    weight: float


QUANTILES = 201


@dataclass(frozen=True)
class InterestModel:
    """Weights per hash bucket (only the buckets seen in training) and the intercept.

    A paper's *interest* is where its linear score falls among the scores of the whole
    library at the last refit: 0.9 means a better match than 90 % of the library. That
    spreads scores over 0–1 for display (the model's own probabilities crowd together when
    it has learned from eight papers) and keeps the order. ``quantiles`` (the library's
    score distribution) maps a new paper's score without rescoring everything.
    """

    buckets: np.ndarray
    weights: np.ndarray
    intercept: float
    positives: int
    negatives: int
    quantiles: np.ndarray | None = None

    def dense(self) -> np.ndarray:
        """The weights as one vector over every bucket (zero where training saw nothing)."""
        full = np.zeros(features.N_FEATURES, dtype=np.float32)
        full[self.buckets] = self.weights
        return full

    def decision(self, vectors: sparse.csr_matrix, dense: np.ndarray | None = None) -> np.ndarray:
        """The linear score of each row (before the logistic)."""
        return np.asarray(vectors @ (self.dense() if dense is None else dense)) + self.intercept

    def score(self, vectors: sparse.csr_matrix, dense: np.ndarray | None = None) -> np.ndarray:
        """Interest in 0–1 of each row (see the class): its place in the library's scores."""
        return self.interest(self.decision(vectors, dense))

    def interest(self, decision: np.ndarray) -> np.ndarray:
        """Linear scores mapped to interest through the library's score distribution."""
        if self.quantiles is None or self.quantiles.size < 2:
            z = np.clip(decision, -30.0, 30.0)
            logistic: np.ndarray = 1.0 / (1.0 + np.exp(-z))
            return logistic.astype(np.float64)
        levels = np.linspace(0.0, 1.0, self.quantiles.size)
        mapped: np.ndarray = np.interp(decision, self.quantiles, levels)
        return mapped.astype(np.float64)

    def with_distribution(self, decisions: np.ndarray) -> InterestModel:
        """This model, with the library's score distribution to map new papers by."""
        quantiles = (
            np.quantile(decisions, np.linspace(0.0, 1.0, QUANTILES)) if decisions.size else None
        )
        return InterestModel(
            self.buckets, self.weights, self.intercept, self.positives, self.negatives, quantiles
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
            quantiles=np.zeros(0) if self.quantiles is None else self.quantiles,
        )
        return buffer.getvalue()

    @staticmethod
    def from_bytes(blob: bytes) -> InterestModel:
        """A model stored by :meth:`to_bytes`."""
        with np.load(io.BytesIO(blob)) as data:
            meta = data["meta"]
            quantiles = data["quantiles"].astype(np.float64)
            return InterestModel(
                data["buckets"].astype(np.int64),
                data["weights"].astype(np.float64),
                float(meta[0]),
                int(meta[1]),
                int(meta[2]),
                quantiles if quantiles.size else None,
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
    x = vectors[:, used]
    classifier = LogisticRegression(
        C=REGULARISATION,
        class_weight="balanced",
        solver="liblinear",
        dual=True,  # far fewer papers than terms: the dual problem is the small one
        max_iter=200,
        tol=1e-3,
    )
    classifier.fit(x, y, sample_weight=weight)
    coef = classifier.coef_.ravel()
    keep = np.flatnonzero(coef)
    return InterestModel(
        used[keep].astype(np.int64),
        coef[keep].astype(np.float64),
        float(classifier.intercept_[0]),
        int(y[: len(labels)].sum()),
        int(len(labels) - y[: len(labels)].sum()),
    )
