"""The citation cache's child process, and the one thread of the window's that feeds it.

:class:`CitationProcess` runs the jobs of :mod:`reader.cite.fill_jobs` (render and store
entries, find the backlog, prune) in a child process of their own, one at a time, at
:data:`FILL_NICENESS` below the window's CPU priority: citeproc-py's rendering holds
neither the window's interpreter lock nor its cores. The machinery is the learner's
(:class:`reader.ranking.child.LearnerProcess`: started with ``spawn`` on the first job,
ended with its parent, a job that dies raises ``ChildDied``).

:meth:`CitationProcess.submit` queues a job and returns a :class:`~concurrent.futures.Future`;
an ``urgent`` job (a copy waiting for its entries) goes before every queued one, and a
background chunk already in the child is asked (:data:`~reader.cite.fill_jobs.HAND_BACK`)
to hand back what it has not rendered, so the copy waits at most for one slice of it.
The thread only waits on the pipe; the child is stopped after :data:`IDLE_STOP_S` without a
job (its memory goes back) and started again by the next. :meth:`CitationProcess.close` ends the child at once, even in a job
(Ctrl+Q must not wait for a chunk), and fails every job not done with :class:`Closed`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from concurrent.futures import Future
from typing import Any

from reader.cite.fill_jobs import HAND_BACK
from reader.ranking.child import Cancelled, LearnerProcess

FILL_NICENESS = 10
"""How far below the window's CPU priority the child renders (work nobody waits for)."""
IDLE_STOP_S = 60.0
"""Seconds without a job after which the child is stopped."""
JOBS_MODULE = "reader.cite.fill_jobs"
INTERRUPTIBLE = frozenset({"chunk"})
"""Jobs that hand back the rest of their work when an urgent one is queued."""


class Closed(RuntimeError):
    """The job was not run, or was abandoned: the citation process is closing."""


_Job = tuple["Future[Any]", str, tuple[Any, ...]]


class CitationProcess:
    """The citation cache's child process of one window, fed by a thread (thread-safe)."""

    def __init__(self, *, niceness: int = FILL_NICENESS, idle_stop: float = IDLE_STOP_S) -> None:
        self.process = LearnerProcess(
            niceness=niceness, jobs=JOBS_MODULE, name="papershelf-citations"
        )
        """The child (started on the first job)."""
        self.idle_stop = idle_stop
        self._lock = threading.Condition()
        self._queue: deque[_Job] = deque()
        self._closing = False
        self._running = ""  # the job in the child now ("": none)
        self._thread: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return self.process.pid

    def submit(self, job: str, *args: Any, urgent: bool = False) -> Future[Any]:
        """Run ``job(*args)`` of :mod:`reader.cite.fill_jobs` in the child; its result (or
        ``ChildDied``, ``JobFailed``, :class:`Closed`) arrives in the future."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closing:
                future.set_exception(Closed(job))
                return future
            if urgent:
                self._queue.appendleft((future, job, args))
                if self._running in INTERRUPTIBLE and HAND_BACK is not None:
                    pid = self.process.pid  # the job in the child hands back its rest
                    if pid is not None:
                        with contextlib.suppress(OSError):
                            os.kill(pid, HAND_BACK)
            else:
                self._queue.append((future, job, args))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="citation-process", daemon=True
                )
                self._thread.start()
            self._lock.notify_all()
        return future

    def close(self, timeout: float = 3.0) -> None:
        """End the child now (a job in it is abandoned) and fail the queued jobs."""
        with self._lock:
            self._closing = True
            left = list(self._queue)
            self._queue.clear()
            self._lock.notify_all()
            thread = self._thread
        for future, job, _args in left:
            future.set_exception(Closed(job))
        self.process.stop()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closing:
                    idle = self.process.idle_for()  # 0: no child
                    if idle and idle >= self.idle_stop:
                        break
                    self._lock.wait(max(0.5, self.idle_stop - idle) if idle else None)
                if self._closing:
                    return
                taken = self._queue.popleft() if self._queue else None
                self._running = taken[1] if taken is not None else ""
            if taken is None:  # idle long enough; stopped outside the lock (submit() and
                self.process.stop()  # the GUI thread behind it would wait for the child)
                continue
            future, job, args = taken
            if not future.set_running_or_notify_cancel():
                with self._lock:
                    self._running = ""
                continue
            try:
                value = self.process.run(job, *args, cancelled=self._closed)
            except Cancelled:
                future.set_exception(Closed(job))
            except BaseException as exc:  # ChildDied, JobFailed: the caller decides
                future.set_exception(exc)
            else:
                future.set_result(value)
            finally:
                with self._lock:
                    self._running = ""

    def _closed(self) -> bool:
        with self._lock:
            return self._closing
