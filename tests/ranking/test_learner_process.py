"""The learner's child process: same ranking as in-process, deaths survived, nothing left over."""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from reader import ranking
from reader.library import Changes, Library
from reader.ranking import jobs
from reader.ranking.child import ChildDied, JobFailed, LearnerProcess
from reader.ranking.learner import REFIT_NICENESS, Learner
from tests.ranking.conftest import field_of

Op = Callable[[Library], Changes]
ROOT = Path(__file__).resolve().parents[2]


def _like_math(library: Library) -> None:
    field = field_of(library)
    library.set_rating([i for i in sorted(field) if field[i] == "math"][:6], 5)
    library.set_rating([i for i in sorted(field) if field[i] == "q-bio"][:3], 1)


def _gone(pid: int, within: float = 30.0) -> bool:
    """Whether process ``pid`` is gone (or a zombie) within ``within`` seconds."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def _wait_busy_child(learner: Learner) -> int:
    """The pid of the learner's child once a job is running in it."""
    end = time.monotonic() + 60
    while time.monotonic() < end:
        pid = learner.process.pid
        if learner.busy and pid is not None:
            return pid
        time.sleep(0.002)
    raise AssertionError("no job started in a child")


def test_a_refit_in_the_child_gives_the_ranking_of_one_in_process(corpus: Library) -> None:
    _like_math(corpus)
    here = jobs.refit_job(str(corpus.path))
    process = LearnerProcess()
    try:
        there = process.run("refit", str(corpus.path))
        assert process.pid is not None
        assert process.pid != os.getpid()
        assert process.last_stats is not None
        assert process.last_stats.job == "refit"
    finally:
        process.stop()
    assert here.state is not None
    assert there.state is not None
    assert there.state.positives == here.state.positives == 6
    np.testing.assert_array_equal(there.ids, here.ids)
    np.testing.assert_allclose(there.scores, here.scores, rtol=1e-9)
    np.testing.assert_array_equal(np.sort(there.candidates), np.sort(here.candidates))
    there.apply(corpus)
    top = ranking.for_you_ids(corpus, limit=20)
    order = here.ids[np.argsort(-here.scores, kind="stable")]
    in_inbox = set(ranking.for_you_ids(corpus, limit=1000))
    assert top == [i for i in order.tolist() if i in in_inbox][:20]


def test_a_killed_child_is_reported_and_its_refit_retried(corpus: Library) -> None:
    _like_math(corpus)
    ops: queue.Queue[Op] = queue.Queue()
    errors: list[BaseException] = []
    learner = Learner(corpus.path, ops.put, delay=0.0, on_error=errors.append)
    learner.start(catch_up=False)
    try:
        learner.request_refit(now=True)
        os.kill(_wait_busy_child(learner), signal.SIGKILL)
        assert learner.wait_idle(180)
        assert any(isinstance(e, ChildDied) for e in errors), errors
        assert "exit code -9" in str(errors[0])
        assert learner.refits == 1  # the retry, on a new child
        assert learner.process.started == 2
        while not ops.empty():
            ops.get_nowait()(corpus)
        assert ranking.state(corpus).fitted_at is not None
        field = field_of(corpus)
        assert sum(field[i] == "math" for i in ranking.for_you_ids(corpus, limit=10)) >= 6
    finally:
        learner.close()


def test_closing_during_a_refit_ends_the_child_and_the_thread(corpus: Library) -> None:
    _like_math(corpus)
    ops: queue.Queue[Op] = queue.Queue()
    learner = Learner(corpus.path, ops.put, delay=0.0)
    learner.start(catch_up=False)
    learner.request_refit(now=True)
    pid = _wait_busy_child(learner)
    learner.close(timeout=30)
    assert not learner._thread.is_alive()
    assert _gone(pid)
    assert learner.process.pid is None
    assert multiprocessing.active_children() == []
    assert ops.empty()  # an abandoned refit hands nothing to the writer
    assert learner.refits == 0


def test_a_job_that_raises_in_the_child_is_reported_and_the_child_carries_on(
    tmp_path: Path,
) -> None:
    process = LearnerProcess()
    try:
        with pytest.raises(JobFailed, match=r"missing\.sqlite|unable to open"):
            process.run("refit", str(tmp_path / "missing.sqlite"))
        pid = process.pid
        process.run("warm_up")
        assert process.pid == pid
        assert process.started == 1
    finally:
        process.stop()
    assert pid is not None
    assert _gone(pid)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX priorities")
def test_the_learners_child_runs_below_the_windows_priority_and_lookups_do_not(
    tmp_path: Path,
) -> None:
    learner = Learner(tmp_path / "library.sqlite", lambda op: None)
    lookups = LearnerProcess()
    try:
        learner.process.run("warm_up")
        lookups.run("warm_up")
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        refits, answers = learner.process.pid, lookups.pid
        assert refits is not None
        assert answers is not None
        assert os.getpriority(os.PRIO_PROCESS, refits) == min(mine + REFIT_NICENESS, 19)
        assert os.getpriority(os.PRIO_PROCESS, answers) == mine  # the user waits for these
    finally:
        learner.close()
        lookups.stop()


def test_an_idle_child_is_stopped_and_a_new_job_starts_another(corpus: Library) -> None:
    corpus.set_rating(corpus.paper_ids()[:3], 5)
    ops: queue.Queue[Op] = queue.Queue()
    learner = Learner(corpus.path, ops.put, delay=0.0, process=LearnerProcess(idle_stop=0.2))
    learner.start()
    try:
        assert learner.wait_idle(120)
        end = time.monotonic() + 30
        while learner.process.pid is not None and time.monotonic() < end:
            time.sleep(0.05)
        assert learner.process.pid is None
        learner.request_refit(now=True)
        assert learner.wait_idle(120)
        assert learner.process.started == 2
        assert learner.refits == 2
    finally:
        learner.close()


_ORPHAN_SCRIPT = """
import sys, time
from reader.ranking.child import LearnerProcess
process = LearnerProcess()
process.run("warm_up")
print(process.pid, flush=True)
print("sklearn" in sys.modules, "scipy" in sys.modules, flush=True)
time.sleep(600)
"""


def test_the_window_process_imports_no_sklearn_and_a_killed_one_leaves_no_child() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_SCRIPT],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert parent.stdout.readline().split() == ["False", "False"]
        assert not _gone(child, within=0.1)
        parent.kill()
        parent.wait(30)
        assert _gone(child)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
