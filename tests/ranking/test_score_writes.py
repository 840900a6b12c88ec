"""A refit's scores, stored in short transactions, mark exactly the For-you candidates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.digests.model import Digest
from reader.library import Library, interest, interest_scores
from reader.library.ingest import SourceFile, record_digest
from reader.ranking.refit import InterestUpdate
from tests.factories import entry

PAPERS = 30


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, list[int]]]:
    """A library of 30 untouched inbox papers (every one could be a candidate)."""
    path = tmp_path_factory.mktemp("writes") / "library.sqlite"
    with Library(path) as library:
        record_digest(
            library,
            SourceFile("/digests/a.txt", None, "a", "test"),
            Digest("synthetic", tuple(entry(n) for n in range(PAPERS)), date(2026, 1, 1)),
        )
        yield library, sorted(library.paper_ids())


@settings(max_examples=40, deadline=None)
@given(
    picked=st.lists(st.integers(0, PAPERS - 1), unique=True, min_size=1),
    marked=st.lists(st.integers(0, PAPERS + 5)),
    chunk=st.integers(1, 9),
)
def test_each_chunk_marks_exactly_the_candidates(
    shelf: tuple[Library, list[int]], picked: list[int], marked: list[int], chunk: int
) -> None:
    library, all_ids = shelf
    ids = [all_ids[i] for i in picked]
    # Candidates in any order, with repeats and ids of no paper at all.
    candidates = [all_ids[i] if i < PAPERS else 10_000 + i for i in marked]
    scores = np.linspace(0.9, 0.1, len(ids))  # the order given is best first
    update = InterestUpdate(
        np.array(ids, dtype=np.int64),
        scores,
        candidates=np.array(candidates, dtype=np.int64),
        complete=True,
    )
    update.store(library, first_chunk=chunk, hold_s=0.0, sleep=lambda _s: None)
    assert interest_scores.scores(library, all_ids).keys() == set(ids)
    chosen = set(candidates)
    expected = [i for i in ids if i in chosen]
    shown = interest.for_you_ids(library)
    assert shown[: len(expected)] == expected
    assert set(shown[len(expected) :]) == set(all_ids) - set(expected)  # unscored, last


def test_the_storing_checkpoints_after_each_transaction_and_its_commits_never_do(
    shelf: tuple[Library, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The learner's child copies its own pages into the file, in its pauses: the window's
    writer never commits a rating and then checkpoints a refit's scores."""
    library, all_ids = shelf
    with interest_scores.open_score_writer(library.path) as writer:
        (limit,) = writer.connection.execute("PRAGMA wal_autocheckpoint").fetchone()
        assert limit == 0  # its commits never checkpoint
        moments: list[str] = []
        real = interest_scores.checkpoint_scores

        def checkpoint(on: Library) -> None:
            assert on is writer
            assert not on.connection.in_transaction
            moments.append("checkpoint")
            real(on)

        monkeypatch.setattr(interest_scores, "checkpoint_scores", checkpoint)
        update = InterestUpdate(
            np.array(all_ids, dtype=np.int64), np.linspace(0.8, 0.2, PAPERS), complete=True
        )
        stored = update.store(
            writer, first_chunk=4, hold_s=0.0, sleep=lambda _s: moments.append("pause")
        )
    assert stored.transactions == (PAPERS + 3) // 4
    # After each transaction the checkpoint, then the pause; one more after the last.
    assert moments == ["checkpoint", "pause"] * (stored.transactions - 1) + ["checkpoint"]
    (mode,) = library.connection.execute("PRAGMA wal_autocheckpoint").fetchone()
    assert mode > 0  # the window's own connections keep SQLite's automatic checkpoint
