"""Background work: library jobs on the writer thread, results back on the GUI thread.

Every job is a function ``(Library) -> T`` that never touches a widget (Anki's
``QueryOp``/``CollectionOp``). :class:`TaskRunner` submits it to the one
:class:`~reader.worker.LibraryWorker` and delivers the result or the exception to callbacks
on the GUI thread through a queued signal. Work that reads the library file through
connections of its own and writes elsewhere (the daily backup: minutes of copying and
checking on a large library) runs *aside*, on a thread of its own, so that no edit waits
behind it on the writer (:meth:`TaskRunner.run_aside`). :class:`ImportTask` and :class:`ExportTask`
report progress without flooding the event loop (Orange's ``TaskState``: emit only when the
shown value changes) and can be cancelled between files.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from reader.importer import Importer, ImportReport, expand_paths
from reader.library import Library
from reader.worker import LibraryWorker

if TYPE_CHECKING:
    from reader.export import ExportOptions, ExportReport

T = TypeVar("T")
log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class TaskRunner(QObject):
    """Runs library jobs on the worker thread and calls back on the GUI thread."""

    _delivered = Signal(object, object, object)
    idle_changed = Signal(bool)
    """Emitted with ``True`` when the last running job finished, ``False`` when one starts."""

    def __init__(self, worker: LibraryWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._running = 0
        self._closed = False
        self._lock = threading.Lock()
        self._aside_turn = threading.Lock()  # aside jobs run one at a time
        self.stopping = threading.Event()
        """Set when the window closes: long aside work (the daily backup) stops at its next
        pause and removes what it had not finished."""
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def worker(self) -> LibraryWorker:
        """The worker jobs run on."""
        return self._worker

    @property
    def busy(self) -> bool:
        """Whether a job submitted through this runner has not been delivered yet."""
        return self._running > 0

    def run(
        self,
        job: Callable[[Library], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
        *,
        wait_for_lock: bool = False,
    ) -> Future[T]:
        """Run ``job(library)`` on the worker; ``on_done(result)`` / ``on_error(exc)`` on the GUI thread.

        Without ``on_error``, exceptions are logged and re-raised on the GUI thread (where the
        application's exception hook shows them).
        """
        future = self._worker.submit(job, wait_for_lock=wait_for_lock)
        self._running += 1
        if self._running == 1:
            self.idle_changed.emit(False)
        future.add_done_callback(lambda f: self._emit(f, on_done, on_error))
        return future

    def run_aside(
        self,
        job: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
    ) -> Future[T]:
        """Run ``job()`` on a thread of its own (not the writer): for work that opens its
        own read-only connections and writes no library row, such as the daily backup.
        The callbacks arrive on the GUI thread, as :meth:`run`'s do."""
        future: Future[T] = Future()

        def run() -> None:
            with self._aside_turn:
                if self.stopping.is_set() or not future.set_running_or_notify_cancel():
                    future.cancel()
                    return
                try:
                    future.set_result(job())
                except BaseException as exc:
                    future.set_exception(exc)

        # A daemon thread: a job still copying when the window closes does not keep the
        # process alive (the interpreter joins every ThreadPoolExecutor thread at exit, and
        # a large library's backup copy and check take minutes). Its unfinished copy has a
        # temporary name that the next start removes (reader.library.leftovers).
        threading.Thread(target=run, name="papershelf-aside", daemon=True).start()
        self._running += 1
        if self._running == 1:
            self.idle_changed.emit(False)
        future.add_done_callback(lambda f: self._emit(f, on_done, on_error))
        return future

    def _emit(self, future: Future[Any], on_done: Done | None, on_error: Failed | None) -> None:
        with self._lock:
            if self._closed:
                return
            try:
                self._delivered.emit(future, on_done, on_error)
            except RuntimeError:  # the runner was deleted with its window
                log.debug("task finished after its window closed")

    def _deliver(self, future: Future[Any], on_done: Done | None, on_error: Failed | None) -> None:
        self._running -= 1
        try:
            if future.cancelled():
                return
            exc = future.exception()
            if exc is not None:
                if on_error is not None:
                    on_error(exc)
                    return
                raise exc
            if on_done is not None:
                on_done(future.result())
        finally:
            if self._running == 0:
                self.idle_changed.emit(True)

    def close(self) -> None:
        """Stop delivering results (the window is going away); work running aside (a
        backup) is told to stop (:attr:`stopping`) and never keeps the process alive, and
        the aside jobs not started are dropped."""
        with self._lock:
            self._closed = True
        self.stopping.set()


class ProgressTask(QObject):
    """A long library job with throttled progress and cancellation between steps.

    Signals arrive on the GUI thread. :attr:`progress` is emitted only when the shown value
    (steps done, or whole percent for big jobs) changes; :meth:`cancel` asks the job to stop
    at its next check.
    """

    progress = Signal(int, int)
    """Steps done, steps in total."""
    finished = Signal(object)
    """The job's result."""
    failed = Signal(object)
    """The exception that stopped the job (a full disk, a locked library…)."""

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._cancel = threading.Event()
        self._shown: tuple[int, int] | None = None
        self.total = 0

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Stop at the next step."""
        self._cancel.set()

    def start(self) -> Future[Any]:
        """Queue the job on the worker."""
        return self._runner.run(self.job, self.finished.emit, self.failed.emit)

    def job(self, library: Library) -> Any:
        """The work, on the worker thread (only signals may leave it)."""
        raise NotImplementedError

    def _progress(self, done: int, total: int) -> None:
        self.total = total
        shown = (done, total) if total <= 100 else (done * 100 // max(total, 1), 100)
        if shown != self._shown:
            self._shown = shown
            self.progress.emit(done, total)


class ImportTask(ProgressTask):
    """Import files and folders on the worker thread, reporting each file as it is done.

    A file already started when :meth:`cancel` is called finishes: its transaction is all or
    nothing anyway.
    """

    report = Signal(object)
    """One :class:`~reader.importer.ImportReport` per file."""

    def __init__(
        self,
        runner: TaskRunner,
        paths: Sequence[str | os.PathLike[str]],
        *,
        recursive: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._paths = [Path(p) for p in paths]
        self._recursive = recursive

    @property
    def paths(self) -> list[Path]:
        """What is being imported."""
        return list(self._paths)

    def job(self, library: Library) -> list[ImportReport]:
        total = sum(1 for _ in expand_paths(self._paths, recursive=self._recursive))
        done = 0
        self._progress(done, total)

        def on_report(report: ImportReport) -> None:
            nonlocal done
            done += 1
            self.report.emit(report)
            self._progress(done, total)

        return Importer(library).import_paths(
            self._paths,
            recursive=self._recursive,
            on_report=on_report,
            cancelled=self._cancel.is_set,
        )


class ExportTask(ProgressTask):
    """Export Markdown notes (:func:`reader.export.export_notes`) on the worker thread."""

    def __init__(
        self, runner: TaskRunner, options: ExportOptions, parent: QObject | None = None
    ) -> None:
        super().__init__(runner, parent)
        self.options = options

    def job(self, library: Library) -> ExportReport:
        from reader.export import export_notes

        return export_notes(
            library, self.options, progress=self._progress, cancelled=self._cancel.is_set
        )
