"""The library's threads: one writer for every write, one reader for searches and views.

SQLite has one writer. Imports from the watched folder, File ▸ Import, drag and drop,
exports, backups and every edit the window makes go through one :class:`LibraryWorker`, in
the order they were submitted. A write that meets another program's lock waits on that
thread, in short steps, and says so (``on_wait``), instead of failing after the busy
timeout: nothing the user did is dropped because another program held the file a while.

:class:`LibraryReader` runs reads whose cost grows with the library (searches, view loads,
counts) on a connection of its own. A newer request on the same *channel* supersedes the
older one: a queued one is dropped, a running one is interrupted (SQLite's
``sqlite3_interrupt``), so the result of the last keystroke arrives first.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from reader.library import Library, LibraryLockedError, search
from reader.library.store import BUSY_TIMEOUT_MS
from reader.yieldgate import YieldGate

T = TypeVar("T")
log = logging.getLogger(__name__)

LOCK_STEP_MS = 300
"""How long one attempt of a write waits for another program's lock before the worker
reports that it is waiting (and tries again)."""
CLOSE_GRACE_S = 10.0
"""After :meth:`LibraryWorker.close`, how long queued writes still wait for a lock."""

WaitCallback = Callable[[bool], None]
"""Told ``True`` when a write starts waiting for another program's lock, ``False`` after."""


class LibraryWorker:
    """A single-thread executor whose jobs receive that thread's :class:`Library`.

    ``submit(job)`` runs ``job(library)`` on the worker thread and returns a
    :class:`~concurrent.futures.Future`. Jobs run one at a time, in submission order. With
    ``wait_for_lock=True`` a job that raises :class:`LibraryLockedError` is run again
    until the lock is released (the job must be one transaction, so a retry is safe);
    ``on_wait`` hears when such waiting starts and ends.
    """

    def __init__(
        self, library_path: str | os.PathLike[str], *, on_wait: WaitCallback | None = None
    ) -> None:
        self.library_path = Path(library_path)
        self.on_wait = on_wait
        self._library: Library | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papershelf-writer")
        self._closed = False
        self._give_up_at: float | None = None
        self._lock = threading.Lock()
        self.gate: YieldGate | None = None
        """Set: background work waits at this gate while a job of this worker runs."""

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (no more jobs are taken)."""
        return self._closed

    def submit(self, job: Callable[[Library], T], *, wait_for_lock: bool = False) -> Future[T]:
        """Queue ``job``; it runs on the worker thread with the worker's library."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the library worker has been closed")
            return self._executor.submit(self._run, job, wait_for_lock)

    def _open(self) -> Library:
        if self._library is None:
            self._library = Library(self.library_path)
        return self._library

    def _run(self, job: Callable[[Library], T], wait_for_lock: bool) -> T:
        if self.gate is None:
            return self._run_job(job, wait_for_lock)
        with self.gate.foreground():
            return self._run_job(job, wait_for_lock)

    def _run_job(self, job: Callable[[Library], T], wait_for_lock: bool) -> T:
        library = self._open()
        # A job that may be retried waits in short steps (and says so); others, such as an
        # import of many files, keep the library's usual busy timeout.
        library.set_busy_timeout(LOCK_STEP_MS if wait_for_lock else BUSY_TIMEOUT_MS)
        waiting = False
        try:
            while True:
                try:
                    return job(library)
                except LibraryLockedError:
                    give_up = self._give_up_at
                    if not wait_for_lock or (give_up is not None and time.monotonic() > give_up):
                        raise
                    if not waiting:
                        waiting = True
                        log.info("waiting for another program to release %s", self.library_path)
                        self._tell(True)
                    time.sleep(0.05)
        finally:
            if waiting:
                self._tell(False)

    def _tell(self, waiting: bool) -> None:
        if self.on_wait is not None:
            try:
                self.on_wait(waiting)
            except Exception:  # a listener's bug must not stop the writer
                log.exception("the lock-wait listener failed")

    def close(self, *, wait: bool = True) -> None:
        """Finish queued jobs (or drop them with ``wait=False``), then close the connection.

        Queued writes still wait up to :data:`CLOSE_GRACE_S` for another program's lock.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._give_up_at = time.monotonic() + (CLOSE_GRACE_S if wait else 0.0)
            self._executor.submit(self._close_library)
        self._executor.shutdown(wait=wait, cancel_futures=not wait)

    def _close_library(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None

    def __enter__(self) -> LibraryWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Request:
    __slots__ = ("channel", "future", "job", "superseded")

    def __init__(self, channel: str, job: Callable[[Library], Any]) -> None:
        self.channel = channel
        self.job = job
        self.future: Future[Any] = Future()
        self.superseded = False


class Superseded(Exception):
    """A read was replaced by a newer one on its channel before it finished."""


class LibraryReader:
    """One thread with a read-only :class:`Library` for reads that grow with the library.

    ``submit(job, channel=...)`` returns a future for ``job(library)``. A newer job on the
    same channel supersedes older ones: queued ones end with :class:`Superseded`, a running
    one is interrupted and ends with :class:`Superseded` too.
    """

    def __init__(self, library_path: str | os.PathLike[str]) -> None:
        self.library_path = Path(library_path)
        self._queue: deque[_Request] = deque()
        self._current: _Request | None = None
        self._library: Library | None = None
        self._cond = threading.Condition()
        self._closed = False
        self.gate: YieldGate | None = None
        """Set: background work waits at this gate while a read of this reader runs."""
        self._thread = threading.Thread(target=self._loop, name="papershelf-reader", daemon=True)
        self._thread.start()

    def submit(
        self, job: Callable[[Library], T], *, channel: str, urgent: bool = False
    ) -> Future[T]:
        """Queue ``job`` on ``channel``, superseding that channel's older jobs.

        An ``urgent`` job (a small read the user waits to see, such as the selected paper)
        goes ahead of the queued ones; it still waits for the read already running.
        """
        request = _Request(channel, job)
        with self._cond:
            if self._closed:
                raise RuntimeError("the library reader has been closed")
            for old in [r for r in self._queue if r.channel == channel]:
                self._queue.remove(old)
                old.future.set_exception(Superseded(channel))
            current = self._current
            if current is not None and current.channel == channel and not current.superseded:
                current.superseded = True
                if self._library is not None:
                    self._library.interrupt()
            if urgent:
                self._queue.appendleft(request)
            else:
                self._queue.append(request)
            self._cond.notify()
        return request.future

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if self._closed and not self._queue:
                    break
                request = self._queue.popleft()
                self._current = request
            try:
                if self._library is None:
                    self._library = Library(self.library_path, read_only=True)
                    # Every 20,000 SQLite steps: stop when the read was superseded
                    # (covers the moment before its statement starts, which interrupt misses).
                    # (Through search: a budgeted walk chains to it and puts it back.)
                    search.set_progress_handler(self._library.connection, self._superseded, 20_000)
                gate = self.gate
                if gate is None:
                    result = request.job(self._library)
                else:
                    with gate.foreground():
                        result = request.job(self._library)
            except BaseException as exc:
                with self._cond:
                    self._current = None
                    superseded = request.superseded
                request.future.set_exception(Superseded(request.channel) if superseded else exc)
                continue
            with self._cond:
                self._current = None
                superseded = request.superseded
            if superseded:
                request.future.set_exception(Superseded(request.channel))
            else:
                request.future.set_result(result)
        if self._library is not None:
            self._library.close()
            self._library = None

    def _superseded(self) -> int:
        current = self._current
        return 1 if current is not None and current.superseded else 0

    def close(self) -> None:
        """Drop queued reads, stop the running one, close the connection."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            for old in self._queue:
                old.future.set_exception(Superseded(old.channel))
            self._queue.clear()
            if self._current is not None and self._library is not None:
                self._current.superseded = True
                self._library.interrupt()
            self._cond.notify_all()
        self._thread.join(timeout=10)

    def __enter__(self) -> LibraryReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
