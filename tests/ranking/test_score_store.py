"""The learner's child stores the scores itself: in short transactions with the lock free
between them, the same scores as before, nothing on the window's writer, and a file that
stays consistent when the child dies half-way."""

from __future__ import annotations

import os
import queue
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from reader import ranking
from reader.library import Changes, Library, interest_scores
from reader.library.interest_cache import cache_path
from reader.ranking import jobs
from reader.ranking.learner import REFIT_NICENESS, Learner
from reader.ranking.update import InterestUpdate
from tests.ranking.conftest import field_of

Op = Callable[[Library], Changes]


class Stop(Exception):
    """Raised between two transactions: the child dying half-way through its writes."""


def _like_math(library: Library) -> None:
    field = field_of(library)
    library.set_rating([i for i in sorted(field) if field[i] == "math"][:6], 5)
    library.set_rating([i for i in sorted(field) if field[i] == "q-bio"][:3], 1)


def _stored(library: Library) -> dict[int, float]:
    return interest_scores.scores(library, library.paper_ids())


def test_stored_scores_are_the_refits_own_and_rank_for_you_the_same(corpus: Library) -> None:
    _like_math(corpus)
    computed = jobs.refit_job(str(corpus.path))
    stored = jobs.refit_store_job(str(corpus.path))
    assert stored.state is not None
    assert computed.state is not None
    assert stored.state.generation == computed.state.generation  # from the same signals
    assert stored.state.positives == computed.state.positives
    assert ranking.state(corpus).generation == stored.state.generation
    # A refit of the same signals gives the same scores: the stored ones are the computed.
    scores = _stored(corpus)
    assert scores.keys() == set(computed.ids.tolist())
    expected = dict(zip(computed.ids.tolist(), np.round(computed.scores, 4).tolist(), strict=True))
    assert scores == pytest.approx(expected, abs=1e-12)
    assert set(stored.changed.tolist()) == set(scores)
    order = computed.ids[np.argsort(-computed.scores, kind="stable")].tolist()
    shown = ranking.for_you_ids(corpus, limit=1000)
    assert shown[:20] == [i for i in order if i in set(shown)][:20]


def test_the_lock_is_free_between_any_two_score_transactions(corpus: Library) -> None:
    """After every transaction another connection gets the write lock without waiting:
    the window's writer can always slip in (an edit lands between two of them)."""
    _like_math(corpus)
    update = jobs.refit_job(str(corpus.path))
    other = sqlite3.connect(corpus.path, timeout=0, isolation_level=None)
    edits: list[int] = []

    def between(_seconds: float) -> None:
        other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if it is held
        other.execute("UPDATE paper SET note = 'between' WHERE id = ?", [update.ids[0]])
        other.execute("COMMIT")
        edits.append(1)

    try:
        with interest_scores.open_score_writer(corpus.path) as writer:
            stored = update.store(writer, first_chunk=20, hold_s=0.0, sleep=between)
    finally:
        other.close()
    assert stored.transactions == len(edits) + 1 > 5
    assert len(_stored(corpus)) == update.ids.size


def test_a_store_stopped_half_way_keeps_the_old_state_and_the_next_start_refits(
    corpus: Library,
) -> None:
    _like_math(corpus)
    jobs.refit_store_job(str(corpus.path))
    before = ranking.state(corpus)
    first = _stored(corpus)
    corpus.set_rating(sorted(field_of(corpus))[-1], 5)  # a new signal: the next refit
    update = jobs.refit_job(str(corpus.path))
    calls = [0]

    def die_after_three(_seconds: float) -> None:
        calls[0] += 1
        if calls[0] == 3:
            raise Stop

    with interest_scores.open_score_writer(corpus.path) as writer, pytest.raises(Stop):
        update.store(writer, first_chunk=25, hold_s=0.0, sleep=die_after_three)
    # Three whole transactions went in, the state did not: the library names the refit
    # before, and every stored score is one of the two refits' own.
    assert ranking.state(corpus) == before
    half = _stored(corpus)
    new = dict(zip(update.ids.tolist(), np.round(update.scores, 4).tolist(), strict=True))
    assert half.keys() == first.keys()
    mixed = [i for i in half if half[i] == pytest.approx(new[i]) != first[i]]
    assert 0 < len(mixed) <= 75
    assert all(half[i] in (first[i], pytest.approx(new[i])) for i in half)
    # The cache holds the new model, the library the old generation: a start refits.
    assert jobs.catch_up_job(str(corpus.path)).refit
    done = jobs.refit_store_job(str(corpus.path))
    assert done.state is not None
    assert ranking.state(corpus).generation == done.state.generation
    again = jobs.refit_job(str(corpus.path))  # the same signals: the same scores
    final = _stored(corpus)
    assert final == pytest.approx(
        dict(zip(again.ids.tolist(), np.round(again.scores, 4).tolist(), strict=True))
    )


def test_a_refit_in_the_learner_writes_nothing_through_the_windows_writer(
    corpus: Library,
) -> None:
    _like_math(corpus)
    ops: queue.Queue[Op] = queue.Queue()
    learner = Learner(corpus.path, ops.put, delay=0.0)
    learner.start(catch_up=False)
    try:
        learner.request_refit(now=True)
        op = ops.get(timeout=180)
        # Stored before the window's writer ran anything.
        assert len(_stored(corpus)) == len(field_of(corpus))
        assert ranking.state(corpus).fitted_at is not None
        writes = corpus.connection.total_changes
        changes = op(corpus)  # what the window's writer runs
        assert corpus.connection.total_changes == writes
        assert changes.fields == {"interest"}
        assert changes.paper_ids == frozenset(_stored(corpus))
        assert learner.wait_idle(60)
        assert ops.empty()
    finally:
        learner.close()


def test_a_paper_deleted_before_its_score_is_stored_gets_none(corpus: Library) -> None:
    _like_math(corpus)
    update = jobs.refit_job(str(corpus.path))
    gone = int(update.ids[-1])
    with corpus.transaction() as conn:  # what deleting a paper does, whoever deletes it
        conn.execute("DELETE FROM paper WHERE id = ?", [gone])
    assert gone not in corpus.paper_ids()
    with interest_scores.open_score_writer(corpus.path) as writer:
        update.store(writer)
    assert gone not in _stored(corpus)
    assert len(_stored(corpus)) == update.ids.size - 1


def test_an_update_with_no_model_clears_every_score(corpus: Library) -> None:
    _like_math(corpus)
    jobs.refit_store_job(str(corpus.path))
    corpus.set_rating(corpus.paper_ids(), 0)  # no liked paper left: no model
    stored = jobs.refit_store_job(str(corpus.path))
    assert stored.state is not None
    assert stored.state.fitted_at is None
    assert _stored(corpus) == {}
    assert stored.changes().paper_ids  # the views hear that the scores went


def test_the_cache_kept_open_between_jobs_is_reopened_when_its_file_goes(
    corpus: Library,
) -> None:
    corpus.set_rating(corpus.paper_ids()[:3], 5)
    ranking.rank(corpus)
    new = corpus.paper_ids()[-2:]
    jobs.keep_caches_open()
    try:
        assert jobs.score_job(str(corpus.path), new) is not None
        cache_path(corpus.path).unlink()  # the user deleted the cache
        for suffix in ("-wal", "-shm"):
            Path(f"{cache_path(corpus.path)}{suffix}").unlink(missing_ok=True)
        assert jobs.score_job(str(corpus.path), new) is None  # no model: a refit is due
        assert cache_path(corpus.path).exists()  # a new file, not the deleted one
    finally:
        jobs.close_caches()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux threads")
def test_the_childs_writes_run_at_the_windows_priority_its_learning_below(
    tmp_path: Path,
) -> None:
    learner = Learner(tmp_path / "library.sqlite", lambda op: None)
    try:
        learner.process.run("warm_up")
        pid = learner.process.pid
        assert pid is not None
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        if mine + REFIT_NICENESS > 19:
            pytest.skip("run at a niceness the child cannot go below")
        nice = {
            int(task.name): int((task / "stat").read_text().rsplit(")", 1)[1].split()[16])
            for task in Path(f"/proc/{pid}/task").iterdir()
        }
        assert nice[pid] == min(mine + REFIT_NICENESS, 19)  # the learning
        assert list(nice.values()).count(mine) == 1  # the one thread that stores scores
    finally:
        learner.close()


def test_the_command_line_stores_an_update_through_its_own_connection(corpus: Library) -> None:
    _like_math(corpus)
    update = InterestUpdate(
        np.array(corpus.paper_ids(), dtype=np.int64),
        np.linspace(0.9, 0.1, len(corpus.paper_ids())),
        complete=True,
    )
    changes = update.apply(corpus)
    assert changes.fields == {"interest"}
    assert changes.paper_ids == frozenset(corpus.paper_ids())
    assert _stored(corpus) == pytest.approx(
        dict(zip(update.ids.tolist(), np.round(update.scores, 4).tolist(), strict=True))
    )
