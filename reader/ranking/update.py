"""What a refit or a scoring hands to the writer: scores as arrays, and the model's state.

An :class:`InterestUpdate` is computed by the learner (in its own process, see
:mod:`reader.ranking.child`) and crosses back to the window's process as a few NumPy
arrays; its :meth:`InterestUpdate.operations` are run by the library's single writer.
This module needs only NumPy: the window's process never imports scikit-learn or SciPy
to receive an update.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from reader.library import interest
from reader.library.interest import InterestState
from reader.library.model import Changes
from reader.library.store import Library

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
