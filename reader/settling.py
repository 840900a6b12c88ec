"""Settling watched files: from file-system events to files that are complete.

The watchdog observer thread turns events into :class:`Note` s (:class:`EventRelay`); the
settling thread (:class:`Settler`) holds each noted file until it is complete, then hands it
on: its size and modification time have stayed the same for the quiet period, or it was
renamed to its final name (how browsers finish a download) and has not changed since.
Each version of a file, told by its ``(size, mtime_ns)``, is handed on once. Files are only
ever looked at (``stat``), never opened, moved or deleted here.

:class:`reader.watcher.FolderWatcher` puts the two together with the library's worker.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import queue
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto
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

from reader.importer import expand_paths, is_candidate_name

log = logging.getLogger(__name__)

COMPLETION_GRACE = 0.05
"""Seconds a file must stay unchanged after a close-after-write or a rename to its name."""

EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
]
"""The events the observer is asked for: not opened/closed-without-writing, because the
importer's own reads would show up as events."""

_Stat = tuple[int, int]
"""What tells one version of a file from the next: ``(size, mtime_ns)``."""


class Note(Enum):
    """What the observer (or the watcher) tells the settler about a path."""

    CHANGED = auto()  # created, written to, attributes changed, or found by a scan
    COMPLETE = auto()  # renamed to its final name (a finished download): done if it stays so
    GONE = auto()  # deleted or renamed away
    FOLDER = auto()  # a folder appeared or is to be scanned again
    FOLDER_GONE = auto()  # a folder was deleted or renamed away
    RETRY = auto()  # importing it failed for a reason outside the file: forget it
    STOP = auto()  # the settler's thread ends


class EventRelay(FileSystemEventHandler):
    """Turns watchdog events into notes for the settler; runs on the observer thread."""

    def __init__(self, note: Callable[[Note, Path], None]) -> None:
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
                    self._note(Note.FOLDER_GONE if folder else Note.GONE, src)
                if kind == "moved" and dest is not None:
                    self._note(Note.FOLDER if folder else Note.COMPLETE, dest)
            elif src is None:
                return
            elif folder:
                if kind == "created":
                    self._note(Note.FOLDER, src)
            elif kind == "closed":
                # Not proof of completeness: `echo >> file` and some sync tools close the
                # file after every chunk. It waits out the quiet period like any write.
                self._note(Note.CHANGED, src)
            elif kind in {"created", "modified", "attrib"}:
                self._note(Note.CHANGED, src)
        except Exception:
            log.exception("could not hand on the file-system event %r", event)


@dataclass(slots=True)
class _Pending:
    """A file waiting to be complete."""

    stat: _Stat
    changed_at: float  # when this stat was first seen (monotonic)
    complete_at: float | None = None  # when a close or rename said "done"
    due: float = 0.0  # when to look at it again


class Settler:
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
        self._inbox: queue.SimpleQueue[tuple[Note, Path]] = queue.SimpleQueue()
        self._pending: dict[Path, _Pending] = {}
        self._timers: list[tuple[float, int, Path]] = []
        self._order = itertools.count()
        self._handed: dict[Path, _Stat] = {}
        self._thread = threading.Thread(target=self._run, name="papershelf-settle", daemon=True)

    def note(self, kind: Note, path: Path) -> None:
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
        self._inbox.put((Note.STOP, Path()))
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def idle(self) -> bool:
        """No note unread, none being dealt with, no file waiting (read under ``activity``)."""
        return self._unread == 0 and not self._working and not self._pending

    def _run(self) -> None:
        """The thread: read notes, sweep the folders now and then, hand on what settled."""
        next_sweep = time.monotonic() + self._sweep_every
        while True:
            wake = min(self._timers[0][0], next_sweep) if self._timers else next_sweep
            try:
                kind, path = self._inbox.get(timeout=max(0.0, wake - time.monotonic()))
            except queue.Empty:
                kind = None
            if kind is Note.STOP:
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
        """Run one step; an unexpected error is logged and the thread goes on."""
        try:
            step(*args)
        except Exception:
            log.exception("the folder watcher met an unexpected error; it keeps running")

    def _receive(self, kind: Note, path: Path) -> None:
        """Act on one note."""
        if kind is Note.FOLDER:
            self._scan(path)
        elif kind is Note.RETRY:
            self._handed.pop(path, None)
        elif kind is Note.GONE:
            self._handed.pop(path, None)
            self._pending.pop(path, None)
        elif kind is Note.FOLDER_GONE:
            if path in self._roots:
                self._on_error(f"the watched folder {path} is gone; it is not watched any more")
            for known in (self._handed, self._pending):
                for stale in [p for p in known if p.is_relative_to(path)]:
                    del known[stale]
        else:
            self._observe(path, complete=kind is Note.COMPLETE)

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
        """Note every candidate file under ``folder`` (a scan finds what events missed)."""
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
        """Start or restart the wait of a file whose version is new (not handed on yet)."""
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
        """Set the timer of a waiting file: the quiet period, or the grace after "complete"."""
        due = entry.changed_at + self._quiet
        if entry.complete_at is not None:
            due = min(due, entry.complete_at + self._grace)
        if due != entry.due:
            entry.due = due
            heapq.heappush(self._timers, (due, next(self._order), path))

    def _settle_due(self) -> None:
        """Hand on each file whose timer ran out and that has not changed since."""
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
