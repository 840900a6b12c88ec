"""What an empty "For you" says: how to get a ranking, or that one is being made."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reader.importer import Importer
from reader.library import Library, Status
from reader.library.for_you import has_signal
from tests.conftest import DigestWriter
from ui.interest import COLD_START, LEARNING, for_you_empty_text


@pytest.fixture
def ten(library: Library, write_digest: DigestWriter) -> Library:
    Importer(library).import_file(write_digest("ten.txt", range(10)))
    return library


def test_with_no_signal_it_asks_for_some(ten: Library) -> None:
    assert not has_signal(ten)
    assert for_you_empty_text(ten) == COLD_START


@pytest.mark.parametrize(
    "give",
    [
        lambda lib, first: lib.set_rating(first, 5),
        lambda lib, first: lib.set_rating(first, 1),
        lambda lib, first: lib.set_status(first, Status.QUEUE),
        lambda lib, first: lib.set_status(first, Status.ARCHIVED),
        lambda lib, first: lib.add_tags(first, ["later"]),
        lambda lib, first: lib.mark_not_interested(first),
    ],
    ids=["liked", "disliked", "queued", "archived", "tagged", "not-interested"],
)
def test_with_a_signal_and_no_model_yet_it_says_it_is_learning(
    ten: Library, give: Callable[[Library, int], object]
) -> None:
    first = ten.paper_ids()[0]
    give(ten, first)
    assert has_signal(ten)
    assert for_you_empty_text(ten) == LEARNING


def test_after_a_fit_that_found_too_little_it_asks_again(ten: Library) -> None:
    from reader import ranking

    ten.set_rating(ten.paper_ids()[0], 1)
    ranking.rank(ten)  # a dislike and nothing liked: no model, and the state says why
    state = ranking.state(ten)
    assert state.fitted_at is None
    assert state.message
    assert for_you_empty_text(ten) == COLD_START
