"""The background learner of one library: debounced refits and scoring of new papers.

A :class:`Learner` owns one thread in the window's process and one child process
(:class:`~reader.ranking.child.LearnerProcess`). The application tells it what changed
(:meth:`Learner.notify` with the :class:`Changes` of every write); it waits until the
reader has stopped editing for :attr:`Learner.delay` seconds, then has the child refit
from a read-only snapshot of the library and store the scores itself, in short paced
transactions (:mod:`reader.ranking.jobs`, :meth:`~reader.ranking.update.InterestUpdate.store`,
where this exception to the one writer is argued). What comes back is the list of papers
whose score changed; the learner hands ``submit`` a writer operation ``(Library) ->
Changes`` that writes nothing and returns them, so the change bus carries them in order
with every other write. Papers that arrive are scored with the stored model at once,
without a refit, the same way.

The thread only schedules and waits on a pipe: the snapshot, the TF-IDF features, the fit,
the scoring and their garbage run in the child, so a refit holds neither the window's
interpreter lock nor its memory. A child that dies is reported (``on_error``) and the job
retried on a new one (:data:`RETRY_DELAYS_S`); :meth:`Learner.close` ends the child even
in the middle of a refit. Nothing here touches Qt: the window passes a ``submit`` that
queues the operation on its writer thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.library import interest
from reader.library.model import Changes
from reader.library.store import Library
from reader.ranking.child import Cancelled, ChildDied, LearnerProcess

log = logging.getLogger(__name__)

REFIT_FIELDS = frozenset({"rating", "status", "tags", "not_interested", "deleted", "note"})
"""Changed fields that can change the reader's signals, so the model."""
RETRY_DELAYS_S = (0.5, 10.0, 60.0)
"""After the child died during a job: when to retry it (one delay per death in a row;
after the last, the job waits for the next edit or import to ask again)."""

WriterOp = Callable[[Library], Changes]

REFIT_NICENESS = 10
"""The learner's child runs this much below the window's CPU priority: on a machine with
few cores a refit takes the cores the window's threads leave, never one they want (a
refit at 100k papers is a few seconds of one core that nobody waits for)."""


class Learner:
    """Refits the interest model of the library at ``path`` in a process of its own.

    ``submit(op)`` must run ``op(library)`` on the library's writer (any thread but the
    learner's); ``on_error(exc)`` hears about a refit that failed or a child that died
    (the learner carries on). Start with :meth:`start`, stop with :meth:`close`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        submit: Callable[[WriterOp], None],
        *,
        delay: float = 2.0,
        on_error: Callable[[BaseException], None] | None = None,
        process: LearnerProcess | None = None,
    ) -> None:
        self.path = Path(path)
        self.delay = delay
        self.process = process or LearnerProcess(niceness=REFIT_NICENESS)
        """The child process the jobs run in (started on the first job)."""
        self._submit = submit
        self._on_error = on_error
        self._lock = threading.Condition()
        self._refit_due: float | None = None
        self._new: set[int] = set()
        self._catch_up = False
        self._retry_due: float | None = None
        self._retry_ids: set[int] = set()
        self._retry_catch_up = False
        self._deaths = 0
        self._busy = False
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="interest-learner", daemon=True)
        self.refits = 0
        """How many refits ran (for tests and benchmarks)."""

    @property
    def busy(self) -> bool:
        """Whether a job is running (in the child) now."""
        with self._lock:
            return self._busy

    def start(self, *, catch_up: bool = True) -> None:
        """Start the thread; with ``catch_up``, first bring scores up to date with the library."""
        with self._lock:
            self._catch_up = catch_up
        self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Stop now: a job running in the child is abandoned and the child ended.

        Waits up to ``timeout`` seconds for the thread; the child is ended either way.
        """
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.process.stop()

    def notify(self, changes: Changes) -> None:
        """Tell the learner what a write changed; it decides whether to refit or score."""
        if changes.fields and changes.fields <= {interest.INTEREST_FIELD}:
            return
        with self._lock:
            if changes.papers_added or changes.digests or "imported" in changes.fields:
                self._new |= changes.paper_ids  # an import: score its papers, no refit
            elif changes.fields & REFIT_FIELDS or (
                not changes.fields and (changes.paper_ids or changes.tags)
            ):
                self._refit_due = time.monotonic() + self.delay
            self._lock.notify_all()

    def request_refit(self, *, now: bool = False) -> None:
        """Ask for a refit (after :attr:`delay`, or at once with ``now``)."""
        with self._lock:
            self._refit_due = time.monotonic() + (0.0 if now else self.delay)
            self._lock.notify_all()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is due or running; ``False`` on timeout (for tests)."""
        end = time.monotonic() + timeout
        with self._lock:
            while (
                self._busy
                or self._new
                or self._catch_up
                or self._refit_due is not None
                or self._retry_due is not None
            ):
                left = end - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return False
                self._lock.wait(min(left, 0.05))
        return True

    # ------------------------------------------------------------------ the thread

    def _run(self) -> None:
        while True:
            with self._lock:
                job = self._next_job()
                while job is None and not self._closing:
                    self._lock.wait(self._wait_s())
                    job = self._next_job()
                    if job is None and self._idle_child():
                        job = self.process.stop
                if self._closing or job is None:
                    return
                self._busy = True
            try:
                job()
            except Cancelled:
                return
            except Exception as exc:  # a failed refit must not kill the learner
                log.warning("the interest model could not be updated: %s", exc)
                if self._on_error is not None:
                    self._on_error(exc)
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()

    def _wait_s(self) -> float | None:
        """How long the thread may sleep: until the next due job or the child's idle end."""
        due = [d for d in (self._refit_due, self._retry_due) if d is not None]
        if self.process.pid is not None:
            due.append(time.monotonic() + self.process.idle_stop - self.process.idle_for())
        return max(0.0, min(due) - time.monotonic()) if due else None

    def _idle_child(self) -> bool:
        return self.process.pid is not None and self.process.idle_for() >= self.process.idle_stop

    def _next_job(self) -> Callable[[], None] | None:
        now = time.monotonic()
        if self._catch_up:
            self._catch_up = False
            return self._do_catch_up
        if self._refit_due is not None and now >= self._refit_due:
            self._refit_due = None
            self._new.clear()
            self._retry_ids.clear()
            return self._do_refit
        if self._retry_due is not None and now >= self._retry_due:
            self._retry_due = None
            self._new |= self._retry_ids
            self._retry_ids.clear()
            if self._retry_catch_up:
                self._retry_catch_up = False
                return self._do_catch_up
        if self._new:
            ids, self._new = sorted(self._new), set()
            return lambda: self._do_score(ids)
        return None

    def _in_child(self, job: str, *args: Any) -> Any:
        """Run ``job`` in the learner's process; a dead child is reported and retried."""
        try:
            value = self.process.run(job, *args, cancelled=lambda: self._closing)
        except ChildDied as exc:
            if self._closing:
                raise Cancelled(job) from exc
            self._retry_after_death(job, args)
            raise
        self._deaths = 0
        return value

    def _retry_after_death(self, job: str, args: tuple[Any, ...]) -> None:
        self._deaths += 1
        if self._deaths > len(RETRY_DELAYS_S):
            log.error("the learner's process died %d times in a row: not retried", self._deaths)
            return
        delay = RETRY_DELAYS_S[self._deaths - 1]
        log.warning("the learner's process died during %s: retried in %.0f s", job, delay)
        with self._lock:
            if job == "refit_store":
                self._refit_due = time.monotonic() + delay
            elif job == "score_store":
                self._retry_due = time.monotonic() + delay
                self._retry_ids |= set(args[1])
            elif job == "catch_up":
                self._retry_due = time.monotonic() + delay
                self._retry_catch_up = True
            self._lock.notify_all()

    def _do_refit(self) -> None:
        stored = self._in_child("refit_store", str(self.path))
        self.refits += 1
        self._submit(stored.publish())

    def _do_score(self, ids: list[int]) -> None:
        stored = self._in_child("score_store", str(self.path), ids)
        if stored is None:
            self.request_refit(now=True)
        else:
            self._submit(stored.publish())

    def _do_catch_up(self) -> None:
        found = self._in_child("catch_up", str(self.path))
        if found.refit:
            self.request_refit(now=True)
        elif found.unscored:
            with self._lock:
                self._new |= set(found.unscored)
                self._lock.notify_all()
