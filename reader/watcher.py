"""Watched folders: every complete digest file that lands in one is imported exactly once.

Three threads take part, each with one job:

* the watchdog observer thread only turns file-system events into notes on a queue;
* the settling thread (:class:`_Settler`) decides when a file is complete: its size and
  modification time have stayed the same for the quiet period, or it was renamed to its
  final name (how browsers finish a download) and has not changed since;
* the :class:`~reader.worker.LibraryWorker` reads, parses and writes it, one file at a time.

Each version of a file is handed on once: the settler remembers the ``(size, mtime_ns)`` it
handed on, and the importer recognises bytes it has seen before by their sha256. Files are
only ever read: the watcher never moves, renames or deletes them.
"""

from __future__ import annotations

import errno
import heapq
import itertools
import logging
import os
import queue
import stat
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum, auto
from functools import partial
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from reader.importer import Importer, ImportOutcome, ImportReport, expand_paths, is_candidate_name
from reader.library import Library, LibraryError, LibraryGoneError
from reader.worker import LibraryWorker

log = logging.getLogger(__name__)

COMPLETION_GRACE = 0.05
"""Seconds a file must stay unchanged after a close-after-write or a rename to its name."""

_EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
]  # not opened/closed-without-writing: the importer's own reads would show up as events

_Stat = tuple[int, int]
"""What tells one version of a file from the next: ``(size, mtime_ns)``."""


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
        self._settler: _Settler | None = None
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
        settler = _Settler(
            recursive=self._recursive,
            quiet_period=self._quiet_period,
            hand_on=self._hand_on,
            on_error=self._error,
            activity=self._activity,
            sweep_every=self._rescan_interval,
        )
        relay = _EventRelay(settler.note)
        watching: list[Path] = []
        for folder in dict.fromkeys(usable):
            try:
                observer.schedule(
                    relay, os.fspath(folder), recursive=self._recursive, event_filter=_EVENT_TYPES
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
                settler.note(_Note.FOLDER, folder)

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
        settler = self._settler
        if settler is not None:
            settler.note(_Note.RETRY, path)

    def _error(self, message: str) -> None:
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
    if exc.errno in {errno.ENOSPC, errno.EMFILE}:  # the inotify limits
        return (
            f"the folder {folder} cannot be watched: the system's limit on watched folders is "
            "reached (raise fs.inotify.max_user_watches, or turn on polling)"
        )
    return f"the folder {folder} cannot be watched ({exc.strerror or exc})"


# ---------------------------------------------------------------------- the threads


class _Note(Enum):
    """What the observer (or the watcher) tells the settler about a path."""

    CHANGED = auto()  # created, written to, attributes changed, or found by a scan
    COMPLETE = auto()  # renamed to its final name (a finished download): done if it stays so
    GONE = auto()  # deleted or renamed away
    FOLDER = auto()  # a folder appeared or is to be scanned again
    FOLDER_GONE = auto()  # a folder was deleted or renamed away
    RETRY = auto()  # importing it failed for a reason outside the file: forget it
    STOP = auto()  # the settler's thread ends


class _EventRelay(FileSystemEventHandler):
    """Turns watchdog events into notes for the settler; runs on the observer thread."""

    def __init__(self, note: Callable[[_Note, Path], None]) -> None:
        super().__init__()
        self._note = note

    def dispatch(self, event: FileSystemEvent) -> None:
        """Hand the event's paths on; never raises (that would end the observer thread)."""
        try:
            src = Path(os.fsdecode(event.src_path)) if event.src_path else None
            dest = Path(os.fsdecode(event.dest_path)) if event.dest_path else None
            kind, folder = event.event_type, event.is_directory
            if kind in {"created", "moved", "deleted"}:
                moved = f" to {dest}" if kind == "moved" and dest is not None else ""
                log.info("watched folder: %s %s%s", kind, src, moved)
            if kind in {"moved", "deleted"}:
                if src is not None:
                    self._note(_Note.FOLDER_GONE if folder else _Note.GONE, src)
                if kind == "moved" and dest is not None:
                    self._note(_Note.FOLDER if folder else _Note.COMPLETE, dest)
            elif src is None:
                return
            elif folder:
                if kind == "created":
                    self._note(_Note.FOLDER, src)
            elif kind == "closed":
                # Not proof of completeness: `echo >> file` and some sync tools close the
                # file after every chunk. It waits out the quiet period like any write.
                self._note(_Note.CHANGED, src)
            elif kind in {"created", "modified", "attrib"}:
                self._note(_Note.CHANGED, src)
        except Exception:
            log.exception("could not hand on the file-system event %r", event)


@dataclass(slots=True)
class _Pending:
    """A file waiting to be complete."""

    stat: _Stat
    changed_at: float  # when this stat was first seen (monotonic)
    complete_at: float | None = None  # when a close or rename said "done"
    due: float = 0.0  # when to look at it again


class _Settler:
    """Holds each noted file until it is complete, then hands it on; its own thread.

    Everything here runs on that thread, so its state needs no lock: notes arrive on a
    queue and timers live in a heap.
    """

    def __init__(
        self,
        *,
        recursive: bool,
        quiet_period: float,
        hand_on: Callable[[Path], None],
        on_error: Callable[[str], None],
        activity: threading.Condition,
        sweep_every: float,
    ) -> None:
        self._activity = activity
        self._sweep_every = sweep_every
        self._unread = 0
        self._working = False
        self._recursive = recursive
        self._quiet = quiet_period
        self._grace = min(COMPLETION_GRACE, quiet_period)
        self._hand_on = hand_on
        self._on_error = on_error
        self._roots: tuple[Path, ...] = ()
        self._inbox: queue.SimpleQueue[tuple[_Note, Path]] = queue.SimpleQueue()
        self._pending: dict[Path, _Pending] = {}
        self._timers: list[tuple[float, int, Path]] = []
        self._order = itertools.count()
        self._handed: dict[Path, _Stat] = {}
        self._thread = threading.Thread(target=self._run, name="papershelf-settle", daemon=True)

    def note(self, kind: _Note, path: Path) -> None:
        """Tell the settler about a path (any thread)."""
        with self._activity:
            self._unread += 1
        self._inbox.put((kind, path))

    def start(self, roots: tuple[Path, ...]) -> None:
        """Start settling files under ``roots``."""
        self._roots = roots
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Stop; pending files are dropped."""
        self._inbox.put((_Note.STOP, Path()))
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def idle(self) -> bool:
        """No note unread, none being dealt with, no file waiting (read under ``activity``)."""
        return self._unread == 0 and not self._working and not self._pending

    def _run(self) -> None:
        next_sweep = time.monotonic() + self._sweep_every
        while True:
            wake = min(self._timers[0][0], next_sweep) if self._timers else next_sweep
            try:
                kind, path = self._inbox.get(timeout=max(0.0, wake - time.monotonic()))
            except queue.Empty:
                kind = None
            if kind is _Note.STOP:
                return
            with self._activity:
                self._working = True
            if kind is not None:
                self._safely(self._receive, kind, path)
            if time.monotonic() >= next_sweep:  # events can be lost (a full inotify queue)
                for root in self._roots:
                    self._safely(self._scan, root)
                next_sweep = time.monotonic() + self._sweep_every
            self._safely(self._settle_due)
            with self._activity:
                if kind is not None:
                    self._unread -= 1
                self._working = False
                self._activity.notify_all()

    @staticmethod
    def _safely(step: Callable[..., None], *args: object) -> None:
        try:
            step(*args)
        except Exception:
            log.exception("the folder watcher met an unexpected error; it keeps running")

    def _receive(self, kind: _Note, path: Path) -> None:
        if kind is _Note.FOLDER:
            self._scan(path)
        elif kind is _Note.RETRY:
            self._handed.pop(path, None)
        elif kind is _Note.GONE:
            self._handed.pop(path, None)
            self._pending.pop(path, None)
        elif kind is _Note.FOLDER_GONE:
            if path in self._roots:
                self._on_error(f"the watched folder {path} is gone; it is not watched any more")
            for known in (self._handed, self._pending):
                for stale in [p for p in known if p.is_relative_to(path)]:
                    del known[stale]
        else:
            self._observe(path, complete=kind is _Note.COMPLETE)

    def _wanted(self, path: Path, *, folder: bool = False) -> bool:
        """Whether ``path`` is inside a watched folder, under names that are not temporary."""
        for root in self._roots:
            if not path.is_relative_to(root):
                continue
            parts = path.relative_to(root).parts
            depth = len(parts) - (0 if folder else 1)
            if (depth == 0 or self._recursive) and all(is_candidate_name(p) for p in parts):
                return folder or bool(parts)
        return False

    def _scan(self, folder: Path) -> None:
        if not self._wanted(folder, folder=True):
            return
        try:
            found = [path for path, _ in expand_paths([folder], recursive=self._recursive)]
        except OSError as exc:
            log.info("cannot scan %s: %s", folder, exc)
            return
        for path in found:
            self._observe(path, complete=False)

    def _observe(self, path: Path, *, complete: bool) -> None:
        if not self._wanted(path):
            return
        current = _stat(path)
        if current is None or current == self._handed.get(path):
            self._pending.pop(path, None)
            return
        now = time.monotonic()
        entry = self._pending.get(path)
        if entry is None or entry.stat != current:
            entry = self._pending[path] = _Pending(current, changed_at=now)
        if complete:
            entry.complete_at = now
        self._schedule(path, entry)

    def _schedule(self, path: Path, entry: _Pending) -> None:
        due = entry.changed_at + self._quiet
        if entry.complete_at is not None:
            due = min(due, entry.complete_at + self._grace)
        if due != entry.due:
            entry.due = due
            heapq.heappush(self._timers, (due, next(self._order), path))

    def _settle_due(self) -> None:
        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now:
            due, _, path = heapq.heappop(self._timers)
            entry = self._pending.get(path)
            if entry is None or entry.due != due:
                continue  # a later note moved its timer
            del self._pending[path]
            current = _stat(path)
            if current is None:
                continue
            if current != entry.stat:  # still being written: wait again
                self._observe(path, complete=False)
                continue
            if current[0] == 0:  # an empty placeholder: its content comes with later events
                continue
            self._handed[path] = current
            self._hand_on(path)


def _stat(path: Path) -> _Stat | None:
    """``(size, mtime_ns)`` of a regular file (links followed), or ``None``."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_size, info.st_mtime_ns
