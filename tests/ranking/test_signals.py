"""Which of the reader's actions count as liking or not liking a paper."""

from __future__ import annotations

import pytest

from reader.library.interest import SignalRow
from reader.library.model import Status
from reader.ranking.signals import Signals, label


def row(
    *,
    rating: int = 0,
    status: Status = Status.INBOX,
    tagged: bool = False,
    noted: bool = False,
    opened: bool = False,
    not_interested: bool = False,
) -> SignalRow:
    return SignalRow(1, rating, status, tagged, noted, opened, not_interested)


@pytest.mark.parametrize(
    ("signals", "positive"),
    [
        (row(rating=5), True),
        (row(rating=4), True),
        (row(rating=2), False),
        (row(rating=1), False),
        (row(status=Status.QUEUE), True),
        (row(status=Status.READING), True),
        (row(status=Status.READ), True),
        (row(tagged=True), True),
        (row(not_interested=True, status=Status.ARCHIVED), False),
        (row(status=Status.ARCHIVED), False),
        # stars are the strongest signal: they win over a status, a tag, a dismissal
        (row(rating=1, status=Status.READ, tagged=True), False),
        (row(rating=5, not_interested=True, status=Status.ARCHIVED), True),
    ],
)
def test_what_counts_as_liked_and_not_liked(signals: SignalRow, positive: bool) -> None:
    found = label(signals)
    assert found is not None
    assert found.positive is positive


@pytest.mark.parametrize(
    "signals",
    [
        row(),  # untouched inbox paper
        row(rating=3),  # three stars says nothing
        row(rating=3, status=Status.INBOX),
        row(status=Status.ARCHIVED, opened=True),  # read elsewhere, then archived
        row(status=Status.ARCHIVED, noted=True),
    ],
)
def test_what_says_nothing(signals: SignalRow) -> None:
    assert label(signals) is None


def test_explicit_signals_weigh_more_than_implicit_ones() -> None:
    stars = label(row(rating=5))
    queued = label(row(status=Status.QUEUE))
    dismissed = label(row(not_interested=True, status=Status.ARCHIVED))
    archived = label(row(status=Status.ARCHIVED))
    assert stars
    assert queued
    assert dismissed
    assert archived
    assert stars.weight > queued.weight
    assert dismissed.weight > archived.weight


def test_the_fingerprint_changes_with_any_label() -> None:
    one = Signals.from_rows([SignalRow(1, 5, Status.INBOX, False, False, False, False)])
    same = Signals.from_rows([SignalRow(1, 5, Status.INBOX, False, False, False, False)])
    other = Signals.from_rows([SignalRow(1, 1, Status.INBOX, False, False, False, False)])
    assert one.fingerprint() == same.fingerprint() != other.fingerprint()
    assert len(one.positives) == 1
    assert not other.positives
    assert len(other.negatives) == 1
