"""One background thread that owns a library connection: where every import is written.

SQLite has one writer. Imports from the watched folder, File ▸ Import, drag and drop and
exports all go through one :class:`LibraryWorker`, in the order they were submitted; the
GUI thread keeps its own connection for reads (WAL lets both run at once).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from reader.library import Library

T = TypeVar("T")
log = logging.getLogger(__name__)


class LibraryWorker:
    """A single-thread executor whose jobs receive that thread's :class:`Library`.

    ``submit(job)`` runs ``job(library)`` on the worker thread and returns a
    :class:`~concurrent.futures.Future`. Jobs run one at a time, in submission order.
    """

    def __init__(self, library_path: str | os.PathLike[str]) -> None:
        self.library_path = Path(library_path)
        self._library: Library | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papershelf-writer")
        self._closed = False
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (no more jobs are taken)."""
        return self._closed

    def submit(self, job: Callable[[Library], T]) -> Future[T]:
        """Queue ``job``; it runs on the worker thread with the worker's library."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the library worker has been closed")
            return self._executor.submit(self._run, job)

    def _run(self, job: Callable[[Library], T]) -> T:
        if self._library is None:
            self._library = Library(self.library_path)
        return job(self._library)

    def close(self, *, wait: bool = True) -> None:
        """Finish queued jobs (or drop them with ``wait=False``), then close the connection."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
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
