"""Watched folders: every complete digest file that lands in one is imported exactly once.

Three threads take part, each with one job:

* the watchdog observer thread only turns file-system events into notes on a queue;
* the settling thread (:class:`~reader.settling.Settler`) decides when a file is complete;
* the :class:`~reader.worker.LibraryWorker` reads, parses and writes it, one file at a time.

Each version of a file is handed on once: the settler remembers the ``(size, mtime_ns)`` it
handed on, and the importer recognises bytes it has seen before by their sha256. Files are
only ever read: the watcher never moves, renames or deletes them.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from reader.importer import Importer, ImportOutcome, ImportReport
from reader.library import Library, LibraryError, LibraryGoneError
from reader.settling import EVENT_TYPES, EventRelay, Note, Settler
from reader.worker import LibraryWorker

log = logging.getLogger(__name__)


class WatchError(Exception):
    """No folder could be watched; ``str()`` says why, in words for people."""


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be watched, in words for people, or ``None`` when it can."""
    try:
        info = folder.stat()
        if not stat.S_ISDIR(info.st_mode):
            return f"{folder} is a file, not a folder"
        with os.scandir(folder) as entries:
            next(entries, None)
    except FileNotFoundError:
        return f"the folder {folder} does not exist"
    except PermissionError:
        return f"the folder {folder} cannot be read (permission denied)"
    except OSError as exc:
        return f"the folder {folder} cannot be read ({exc.strerror or exc})"
    return None


class FolderWatcher:
    """Watches folders and imports every complete digest file exactly once through a worker.

    ``start()`` imports what the folders hold that the library lacks, then follows live
    events, and looks through the folders again every ``rescan_interval`` seconds in case
    the system lost events (only new or changed files are read again).

    ``on_report`` runs on the worker thread (keep it short) for every file that changed the
    library: each import, and each failure that added a row to the import log. A file whose
    exact bytes failed before is not reported again; "already imported" and skipped
    non-digest files are never reported. ``on_error`` gets problems with a folder or with
    the library as one line for people, on the thread that met them (the caller's during
    :meth:`start`).
    """

    def __init__(
        self,
        worker: LibraryWorker,
        folders: Sequence[Path],
        *,
        recursive: bool = True,
        polling: bool = False,
        quiet_period: float = 0.5,
        on_report: Callable[[ImportReport], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        poll_interval: float = 1.0,
        rescan_interval: float = 60.0,
    ) -> None:
        if quiet_period < 0 or poll_interval <= 0 or rescan_interval <= 0:
            raise ValueError("the quiet period and the intervals must be positive")
        self._worker = worker
        self._folders = tuple(dict.fromkeys(Path(f).expanduser().absolute() for f in folders))
        self._recursive = recursive
        self._polling = polling
        self._quiet_period = quiet_period
        self._poll_interval = poll_interval
        self._rescan_interval = rescan_interval
        self._on_report = on_report
        self._on_error = on_error
        self._watching: tuple[Path, ...] = ()
        self._observer: BaseObserver | None = None
        self._settler: Settler | None = None
        self._lock = threading.Lock()
        self._activity = threading.Condition()  # notified when the settler or a job is done
        self._jobs = 0
        self._started = False
        self._stopping = threading.Event()
        self._failure: str | None = None

    @property
    def folders(self) -> tuple[Path, ...]:
        """The folders this watcher was asked to watch (absolute)."""
        return self._folders

    @property
    def failure(self) -> str | None:
        """Why the watcher stopped by itself (the library file is gone), or ``None``."""
        return self._failure

    @property
    def watching(self) -> tuple[Path, ...]:
        """The folders actually being watched since :meth:`start` (symbolic links resolved)."""
        return self._watching

    def start(self) -> None:
        """Watch every usable folder and import what they hold that the library lacks.

        A folder that cannot be watched is reported through ``on_error`` and skipped; when
        none can be, :class:`WatchError` is raised. A watcher starts once.
        """
        with self._lock:
            if self._started:
                raise RuntimeError("a folder watcher starts once; make a new one")
            self._started = True
        problems: list[str] = []
        usable: list[Path] = []
        for folder in self._folders:
            problem = folder_problem(folder)
            if problem is None:
                usable.append(folder.resolve())
            else:
                problems.append(problem)
        if not usable:
            self._stopping.set()
            raise WatchError("; ".join(problems) or "there is no folder to watch")
        try:
            observer = self._make_observer()
            observer.start()
        except OSError as exc:
            self._stopping.set()
            raise WatchError(
                f"folders cannot be watched here ({exc.strerror or exc}); "
                "the polling setting works where native events do not"
            ) from None
        settler = Settler(
            recursive=self._recursive,
            quiet_period=self._quiet_period,
            hand_on=self._hand_on,
            on_error=self._error,
            activity=self._activity,
            sweep_every=self._rescan_interval,
        )
        relay = EventRelay(settler.note)
        watching: list[Path] = []
        for folder in dict.fromkeys(usable):
            try:
                observer.schedule(
                    relay, os.fspath(folder), recursive=self._recursive, event_filter=EVENT_TYPES
                )
            except OSError as exc:
                problems.append(_schedule_problem(folder, exc))
            except RecursionError:
                # watchdog walks the tree recursively to add its watches.
                problems.append(
                    f"the folder {folder} holds folders nested too deep to watch (over a "
                    "thousand levels); watch a folder further down, or turn off sub-folders"
                )
            else:
                watching.append(folder)
        if not watching:
            self._stopping.set()
            observer.stop()
            observer.join()
            raise WatchError("; ".join(problems))
        self._observer, self._settler, self._watching = observer, settler, tuple(watching)
        # The worker opens its connection now, on the library as it is: a library deleted
        # later is then noticed (LibraryGoneError) instead of silently created anew. It
        # counts as a job, so wait_until_idle() also means "the library is held open".
        self._submit_job(_touch)
        settler.start(self._watching)  # events that came meanwhile are queued for it
        log.info("watching %s", ", ".join(str(folder) for folder in self._watching))
        for problem in problems:
            self._error(problem)
        self.scan()

    def _make_observer(self) -> BaseObserver:
        """The observer for this platform: polling when asked, else native events."""
        if self._polling:
            return PollingObserver(timeout=self._poll_interval)
        if sys.platform.startswith("linux"):
            from watchdog.observers.inotify import InotifyObserver

            # Full events turn a move from outside into a move, which says "complete".
            return InotifyObserver(generate_full_events=True)
        return Observer()

    def scan(self) -> None:
        """Look through every watched folder again now (done off the calling thread)."""
        settler = self._settler
        if settler is not None and not self._stopping.is_set():
            for folder in self._watching:
                settler.note(Note.FOLDER, folder)

    def wait_until_idle(self, timeout: float | None = None) -> bool:
        """Wait until no file is waiting to settle or to be imported; False on timeout.

        Events the system has not delivered yet are not counted: drop a file and wait for
        its report first to be sure earlier events arrived.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._activity:
            while self._jobs or not (
                self._settler is None or self._settler.idle or self._stopping.is_set()
            ):
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._activity.wait(remaining)
        return True

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching; files not yet imported are left for the next start. Idempotent.

        The worker is not closed: it belongs to the caller. An import already running
        finishes; queued ones are dropped.
        """
        with self._lock:
            self._started = True  # a stopped watcher cannot be started
            if self._stopping.is_set():
                return
            self._stopping.set()
        deadline = time.monotonic() + timeout
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout)
        if self._settler is not None:
            self._settler.stop(max(0.0, deadline - time.monotonic()))
        with self._activity:
            self._activity.notify_all()

    # ------------------------------------------------------------------ handing on

    def _hand_on(self, path: Path) -> None:
        """Queue one complete file for import (called on the settling thread)."""
        if self._stopping.is_set():
            return
        if not self._submit_job(partial(self._import, path)):
            log.warning("%s was not imported: the library worker was closed", path)

    def _submit_job(self, job: Callable[[Library], object]) -> bool:
        """Queue ``job`` on the worker, counted until it is done; False if it was closed."""
        with self._activity:
            self._jobs += 1
        try:
            future = self._worker.submit(job)
        except RuntimeError:  # the worker was closed before the watcher stopped
            self._job_done()
            return False
        future.add_done_callback(lambda _: self._job_done())
        return True

    def _job_done(self) -> None:
        """Count one job as done and wake whoever waits for the watcher to be idle."""
        with self._activity:
            self._jobs -= 1
            self._activity.notify_all()

    def _import(self, path: Path, library: Library) -> ImportReport | None:
        """Import one file (on the worker thread) and report it if it is news."""
        if self._stopping.is_set():
            return None
        try:
            library.ensure_file_present()
            report = Importer(library).import_file(path, quiet_unknown=True)
        except LibraryGoneError as exc:
            self._fail(str(exc))
            return None
        except LibraryError as exc:
            self._retry_later(path)
            self._error(f"{path} was not imported: {exc}")
            return None
        except Exception:
            log.exception("importing %s failed unexpectedly", path)
            self._retry_later(path)
            self._error(
                f"{path} was not imported: an internal error (a bug in Papershelf; the "
                "details are in the log); it is tried again at the next scan"
            )
            return None
        if self._on_report is not None and _is_news(report):
            try:
                self._on_report(report)
            except Exception:
                log.exception("the import report handler failed for %s", path)
        return report

    def _fail(self, message: str) -> None:
        """Stop for good: nothing more is imported (the library file is gone)."""
        if self._failure is None:
            self._failure = message
            self._error(message)
        self._stopping.set()
        with self._activity:
            self._activity.notify_all()

    def _retry_later(self, path: Path) -> None:
        """Let the next scan hand ``path`` on again (its import failed for a passing reason)."""
        settler = self._settler
        if settler is not None:
            settler.note(Note.RETRY, path)

    def _error(self, message: str) -> None:
        """Tell ``on_error`` (or the log) about a problem; a failing handler is only logged."""
        if self._on_error is None:
            log.warning("%s", message)
            return
        log.info("%s", message)
        try:
            self._on_error(message)
        except Exception:
            log.exception("the error handler failed on: %s", message)


def _touch(library: Library) -> None:
    """A job that only makes the worker open its library."""
    library.ensure_file_present()


def _is_news(report: ImportReport) -> bool:
    """An import, or a failure that added a row to the import log."""
    if report.outcome is ImportOutcome.IMPORTED:
        return True
    return report.outcome is ImportOutcome.FAILED and report.changes.digests


def _schedule_problem(folder: Path, exc: OSError) -> str:
    """Why watching ``folder`` failed with ``exc``, in words for people."""
    if exc.errno in {errno.ENOSPC, errno.EMFILE}:  # the inotify limits
        return (
            f"the folder {folder} cannot be watched: the system's limit on watched folders is "
            "reached (raise fs.inotify.max_user_watches, or turn on polling)"
        )
    return f"the folder {folder} cannot be watched ({exc.strerror or exc})"
