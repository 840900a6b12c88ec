"""The learner's own process: its refits hold nothing in the window's process.

A refit reads a snapshot, builds TF-IDF vectors, fits and scores every paper: seconds of
Python and NumPy work, and garbage collections, that on a thread of the window's process
would hold the interpreter lock and stall its GUI thread. :class:`LearnerProcess` runs
that work in a child process started with the ``spawn`` method (a Qt process is never
forked), one job at a time over a pipe (:mod:`reader.ranking.jobs`); what comes back is
small (scores as arrays, see :class:`~reader.ranking.update.InterestUpdate`).

The child is started on the first job and stopped after :data:`IDLE_STOP_S` without one
(its memory goes back to the system). It dies with the window: :meth:`LearnerProcess.stop`
ends it (at once if it is in a job), it is a daemon (ended at interpreter exit), and it
ends itself when its parent is gone or its pipe closes. A child that dies during a job
raises :class:`ChildDied` in the parent, which never waits for it forever.

The machinery is not the learner's alone: another module of plain job functions (a
``JOBS`` dict by name, and a ``keep_caches_open()`` called once in the child) gets a child
of its own with ``LearnerProcess(jobs="that.module")``; the citation cache's filler does
(:mod:`reader.cite.fill_jobs`).

Frozen apps (PyInstaller) must call :func:`multiprocessing.freeze_support` first thing in
their entry point (``packaging/launcher.py`` does).
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

IDLE_STOP_S = 300.0
"""Seconds without a job after which the child is stopped (the next job starts another)."""
POLL_S = 0.05
"""How often the parent looks whether it should stop waiting (closing, a dead child)."""
STOP_GRACE_S = 2.0
"""How long an idle child gets to leave by itself before it is terminated."""


class ChildDied(RuntimeError):
    """The learner's process ended (killed, out of memory) before it answered."""


class JobFailed(RuntimeError):
    """A job raised in the learner's process (the message carries its traceback's end)."""


class Cancelled(Exception):
    """The wait for a job was abandoned (the learner is closing); the child was stopped."""


@dataclass(frozen=True)
class JobStats:
    """What one job cost the child: wall and CPU seconds, resident memory before and peak."""

    job: str
    wall_s: float
    cpu_s: float
    base_mb: float
    peak_mb: float

    @property
    def extra_mb(self) -> float:
        """Peak resident memory over what the child held before the job."""
        return max(0.0, self.peak_mb - self.base_mb)


class LearnerProcess:
    """One child process that runs learner jobs by name, one at a time (thread-safe)."""

    def __init__(
        self,
        *,
        idle_stop: float = IDLE_STOP_S,
        niceness: int = 0,
        jobs: str = "reader.ranking.jobs",
        name: str = "papershelf-learner",
    ) -> None:
        self.idle_stop = idle_stop
        self.niceness = niceness
        """How much lower than the window's the child's CPU priority is (POSIX ``nice``):
        work nobody waits for (refits) yields the cores to the window's threads."""
        self.jobs = jobs
        """The module whose ``JOBS`` the child runs."""
        self.name = name
        self._lock = threading.RLock()
        self._process: Any = None  # multiprocessing.process.BaseProcess
        self._conn: Connection | None = None
        self._last_used = time.monotonic()
        self.started = 0
        """How many children were started (for tests and benchmarks)."""
        self.last_stats: JobStats | None = None

    @property
    def pid(self) -> int | None:
        """The running child's process id, or ``None``."""
        with self._lock:
            process = self._process
            return process.pid if process is not None and process.is_alive() else None

    def idle_for(self) -> float:
        """Seconds since the last job ended (0 while there is no child)."""
        with self._lock:
            return time.monotonic() - self._last_used if self._process is not None else 0.0

    def run(self, job: str, *args: Any, cancelled: Callable[[], bool] = lambda: False) -> Any:
        """Run ``job(*args)`` in the child and return its result.

        Raises :class:`JobFailed` when the job raised, :class:`ChildDied` when the child
        ended before answering (the next call starts a new one) and :class:`Cancelled`
        when ``cancelled()`` turned true meanwhile (the child is stopped).
        """
        with self._lock:
            conn = self._ensure()
            process = self._process
        try:
            conn.send((job, args))
        except OSError as exc:
            self._discard()
            raise ChildDied(f"the learner's process could not be reached ({exc})") from exc
        while True:
            if cancelled():
                self.stop()
                raise Cancelled(job)
            try:
                if conn.poll(POLL_S):
                    reply = conn.recv()
                    break
                if not process.is_alive() and not conn.poll(0):
                    reply = None
                    break
            except (EOFError, OSError, ValueError):  # ValueError: stopped meanwhile
                reply = None
                break
        if reply is None:
            code = None
            with contextlib.suppress(ValueError):
                process.join(1.0)
                code = process.exitcode
            self._discard()
            raise ChildDied(f"the learner's process stopped (exit code {code}) during {job}")
        with self._lock:
            self._last_used = time.monotonic()
        status, value, stats = reply
        self.last_stats = stats
        if status == "error":
            raise JobFailed(value)
        return value

    def stop(self) -> None:
        """End the child (asked to leave when idle, terminated when in a job); idempotent."""
        with self._lock:
            process, conn = self._process, self._conn
            self._process = self._conn = None
        if process is None:
            return
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)  # an idle child leaves at once; a busy one does not read
        process.join(0.2)
        if process.is_alive():
            process.terminate()
            process.join(STOP_GRACE_S)
        if process.is_alive():
            process.kill()
            process.join(STOP_GRACE_S)
        if conn is not None:
            conn.close()
        with contextlib.suppress(ValueError):
            process.close()

    def _ensure(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._discard()
        context = multiprocessing.get_context("spawn")  # never fork a Qt process
        parent, child = context.Pipe()
        process = context.Process(
            target=serve,
            args=(child, os.getpid(), self.niceness, self.jobs),
            name=self.name,
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        self.started += 1
        return parent

    def _discard(self) -> None:
        with self._lock:
            process, conn = self._process, self._conn
            self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(STOP_GRACE_S)


# ---------------------------------------------------------------------- the child's side


def serve(
    conn: Connection, parent_pid: int, niceness: int = 0, jobs_module: str = "reader.ranking.jobs"
) -> None:
    """The child's loop: run each ``(job, args)`` of ``jobs_module``'s ``JOBS`` received
    and send back its result (at ``niceness`` below the parent's CPU priority, where the
    system has one)."""
    global _full_priority
    # Started before the priority is lowered: on Linux a thread's niceness is its own and
    # a new thread inherits its creator's, so this one keeps the window's priority. Every
    # other thread starts after: NumPy's BLAS threads, made when it is imported, too.
    _full_priority = _FullPriority()
    if niceness > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(niceness)
    jobs = importlib.import_module(jobs_module)
    jobs.keep_caches_open()

    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job, args = message
        base = _reset_peak()
        started, cpu = time.perf_counter(), time.process_time()
        try:
            status, value = "ok", jobs.JOBS[job](*args)
        except Exception as exc:  # reported to the parent, which carries on
            lines = traceback.format_exception(exc)
            status, value = "error", f"{type(exc).__name__}: {exc}\n{''.join(lines[-3:])}"
        stats = JobStats(
            job, time.perf_counter() - started, time.process_time() - cpu, base, _peak_mb()
        )
        try:
            conn.send((status, value, stats))
        except (OSError, ValueError):
            return
        del value
        _give_back_memory()


class _FullPriority:
    """One thread of the child at the window's CPU priority, for work that holds a lock
    the window's writer may be waiting for (a refit's score writes, see :func:`at_full_priority`)."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(1, thread_name_prefix="learner-writes")
        self._pool.submit(lambda: None).result()  # the thread exists now, before os.nice

    def run(self, work: Callable[..., Any], *args: Any) -> Any:
        return self._pool.submit(work, *args).result()


_full_priority: _FullPriority | None = None


def at_full_priority(work: Callable[..., Any], *args: Any) -> Any:
    """``work(*args)`` on the child's thread that kept the window's CPU priority (in this
    thread when not in a learner's child).

    The learner's child runs :data:`~reader.ranking.learner.REFIT_NICENESS` below the
    window, which is right for learning, which nobody waits for, but not while it holds
    the library's write lock: a low-priority process descheduled inside a transaction on
    a busy machine would keep the reader's own edit waiting (a priority inversion). On
    Linux, where niceness is per thread, the writes therefore run on a thread started
    before the child lowered its priority; elsewhere the whole child is lowered and they
    run at its priority.
    """
    pool = _full_priority
    if pool is None or threading.current_thread() is not threading.main_thread():
        return work(*args)
    return pool.run(work, *args)


def _give_back_memory() -> None:
    """Return the freed heap of a job to the system (glibc keeps it otherwise): an idle
    child between refits holds its libraries, not the last refit's peak."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name).malloc_trim(0)


def _watch_parent(parent_pid: int) -> None:
    """End this process when its parent is gone (no orphan outlives a killed window)."""
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(0)


def _status_mb(field: str) -> float:
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _reset_peak() -> float:
    """Reset the peak resident size (Linux) and return the resident size now, in MB."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    return _status_mb("VmRSS:")


def _peak_mb() -> float:
    peak = _status_mb("VmHWM:")
    if peak:
        return peak
    import resource

    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
