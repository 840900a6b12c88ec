"""Operations on the library, the change bus, and reads off the GUI thread.

Modelled on Anki's ``CollectionOp``/``QueryOp`` (``qt/aqt/operations/``):

- :class:`OperationRunner` runs an *operation* — a function ``(Library) -> Changes`` that
  never touches a widget — on the one writer thread. Success and failure callbacks arrive
  on the GUI thread; on success the :class:`Changes` go out on the :class:`ChangeBus` with
  the operation's *initiator*, so every view refreshes itself. A write that meets another
  program's lock waits on the writer thread and the runner says so
  (:attr:`OperationRunner.waiting_changed`); it is applied when the lock is released.
- :class:`ChangeBus` carries ``(changes, initiator)``; the list model, the sidebar and the
  detail pane subscribe and each refreshes only what the change can have touched (Anki's
  ``operation_did_execute``).
- :class:`QueryRunner` runs reads that grow with the library (searches, view loads,
  counts) on the :class:`~reader.worker.LibraryReader`; a newer read on a channel
  supersedes the older one, whose result is never delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from reader.library import Changes, Library
from reader.worker import LibraryReader, Superseded
from ui.tasks import TaskRunner

T = TypeVar("T")
log = logging.getLogger(__name__)

Operation = Callable[[Library], Changes]
"""A write: runs on the writer thread, returns what it changed."""


class ChangeBus(QObject):
    """The one place changes are announced: ``changed(changes, initiator)``."""

    changed = Signal(object, object)
    """:class:`Changes` and who made them (an object or ``None``; e.g. the note editor)."""

    def publish(self, changes: Changes, initiator: object = None) -> None:
        """Tell every subscriber (nothing when ``changes`` is empty)."""
        if not changes.empty:
            self.changed.emit(changes, initiator)


class OperationRunner(QObject):
    """Runs operations on the writer thread; results and changes on the GUI thread."""

    waiting_changed = Signal(bool)
    """True while a write waits for another program to release the library."""
    busy_changed = Signal(bool)
    """True while an operation is queued or running."""
    failed = Signal(str, object)
    """An operation without its own failure callback failed: a title and the exception."""
    _waiting = Signal(bool)

    def __init__(self, tasks: TaskRunner, bus: ChangeBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.bus = bus
        self._pending = 0
        self._waiting.connect(self.waiting_changed, Qt.ConnectionType.QueuedConnection)
        tasks.worker.on_wait = self._waiting.emit

    @property
    def busy(self) -> bool:
        """Whether an operation has not finished yet."""
        return self._pending > 0

    def run(
        self,
        op: Operation,
        *,
        initiator: object = None,
        on_success: Callable[[Changes], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        title: str = "The change was not saved",
    ) -> Future[Changes] | None:
        """Queue ``op``; ``None`` when the writer is closed (the window is closing)."""
        if self._tasks.worker.closed:
            return None
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

        def done(changes: Changes) -> None:
            self._finished()
            self.bus.publish(changes, initiator)  # views start refreshing first
            if on_success is not None:
                on_success(changes)

        def failed(exc: BaseException) -> None:
            self._finished()
            log.warning("%s: %s", title, exc)
            if on_failure is not None:
                on_failure(exc)
            else:
                self.failed.emit(title, exc)

        return self._tasks.run(op, done, failed, wait_for_lock=True)

    def _finished(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)


class QueryRunner(QObject):
    """Reads on the reader thread; only the newest read of each channel is delivered."""

    _delivered = Signal(object, object, object, object)
    busy_changed = Signal(bool)

    def __init__(self, reader: LibraryReader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._newest: dict[str, Future[Any]] = {}
        self._closed = False
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """Whether a read has not been delivered yet."""
        return bool(self._newest)

    def run(
        self,
        channel: str,
        job: Callable[[Library], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        urgent: bool = False,
    ) -> None:
        """Read ``job(library)`` on the reader; ``on_done(result)`` on the GUI thread
        (``urgent``: ahead of the reads already queued)."""
        if self._closed:
            return
        future = self._reader.submit(job, channel=channel, urgent=urgent)
        was_idle = not self._newest
        self._newest[channel] = future
        if was_idle:
            self.busy_changed.emit(True)
        future.add_done_callback(
            lambda f: self._emit(channel, f, on_done, on_error)  # on the reader thread
        )

    def _emit(self, channel: str, future: Future[Any], on_done: Any, on_error: Any) -> None:
        if self._closed:
            return
        try:
            self._delivered.emit(channel, future, on_done, on_error)
        except RuntimeError:  # the runner went away with its window
            log.debug("read finished after its window closed")

    def _deliver(self, channel: str, future: Future[Any], on_done: Any, on_error: Any) -> None:
        if self._closed or self._newest.get(channel) is not future:
            return  # superseded by a newer read of the same channel
        del self._newest[channel]
        try:
            exc = future.exception()
            if isinstance(exc, Superseded):
                return
            if exc is not None:
                if on_error is None:
                    raise exc
                on_error(exc)
                return
            on_done(future.result())
        finally:
            if not self._newest:
                self.busy_changed.emit(False)

    def close(self) -> None:
        """Deliver nothing more."""
        self._closed = True
        self._newest.clear()
