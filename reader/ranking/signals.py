"""The reader's signals: which papers tell the model "more like this" and which "not this".

Rules, strongest first (a paper gets the first that applies):

1. rated 1–2 stars: negative; rated 4–5: positive (3 stars says nothing);
2. marked "not interested": negative;
3. tagged, or in the queue, being read or read: positive;
4. archived without ever being opened, rated, tagged or annotated (archived straight
   from the inbox): negative.

Explicit signals (stars, "not interested") weigh more than implicit ones (a status, a
tag, an archive). What import rules set is no signal: the rows come with a rule's rating,
status and tags taken out until the reader changes them (:mod:`reader.library.rule_marks`). Pure functions of :class:`~reader.library.interest.SignalRow` records:
no database, no scikit-learn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reader.library.interest import SignalRow
from reader.library.model import Status

EXPLICIT = 1.0
IMPLICIT_POSITIVE = 0.7
IMPLICIT_NEGATIVE = 0.5

_READING = frozenset({Status.QUEUE, Status.READING, Status.READ})


@dataclass(frozen=True, slots=True)
class Label:
    """One labelled paper: ``positive`` or not, with the weight the model gives it."""

    paper_id: int
    positive: bool
    weight: float
    reason: str


def label(row: SignalRow) -> Label | None:
    """The label one paper's signals give, or ``None`` when they say nothing."""
    if row.rating in (1, 2):
        return Label(row.id, False, EXPLICIT, f"rated {row.rating}")
    if row.rating in (4, 5):
        return Label(row.id, True, EXPLICIT + 0.25 * (row.rating - 4), f"rated {row.rating}")
    if row.not_interested:
        return Label(row.id, False, EXPLICIT, "not interested")
    if row.tagged:
        return Label(row.id, True, IMPLICIT_POSITIVE, "tagged")
    if row.status in _READING:
        return Label(row.id, True, IMPLICIT_POSITIVE, row.status.value)
    if row.status is Status.ARCHIVED and not (row.opened or row.noted or row.rating):
        return Label(row.id, False, IMPLICIT_NEGATIVE, "archived from the inbox")
    return None


@dataclass(frozen=True, slots=True)
class Signals:
    """Every labelled paper of a library."""

    labels: tuple[Label, ...]

    @staticmethod
    def from_rows(rows: Iterable[SignalRow]) -> Signals:
        """The labels of ``rows`` (papers whose signals say nothing are left out)."""
        return Signals(tuple(found for found in map(label, rows) if found is not None))

    @property
    def positives(self) -> list[Label]:
        """The papers the reader liked."""
        return [lab for lab in self.labels if lab.positive]

    @property
    def negatives(self) -> list[Label]:
        """The papers the reader did not want."""
        return [lab for lab in self.labels if not lab.positive]

    def fingerprint(self) -> str:
        """A short string that changes whenever any label changes (to skip useless refits)."""
        import hashlib

        digest = hashlib.blake2b(digest_size=12)
        for lab in self.labels:
            digest.update(f"{lab.paper_id}:{int(lab.positive)}:{lab.weight};".encode())
        return digest.hexdigest()
