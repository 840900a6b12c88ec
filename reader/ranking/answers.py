"""What "Why" and "More like this" answer: small values, importable without scikit-learn.

They cross from the child process that computes them (:mod:`.lookups_process`) to the
window's, which unpickles them: this module imports nothing heavy, so the window's process
never loads scikit-learn, SciPy or NumPy to read an answer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    """One term that pushed a paper's score up (``weight`` > 0) or down (< 0)."""

    kind: str
    """``word``, ``author``, ``category`` or ``organization``."""
    text: str
    weight: float


@dataclass(frozen=True, slots=True)
class Similar:
    """A paper like the one asked about: ``similarity`` is the cosine, 0–1."""

    paper_id: int
    similarity: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a paper has its score: the terms up and down, or why there is no score."""

    paper_id: int
    score: float | None
    reasons: tuple[Reason, ...]
    message: str | None = None

    @property
    def up(self) -> list[Reason]:
        """The terms that raised the score, strongest first."""
        return [r for r in self.reasons if r.weight > 0]

    @property
    def down(self) -> list[Reason]:
        """The terms that lowered it, strongest first."""
        return [r for r in self.reasons if r.weight < 0]
