"""The citation cache behind Edit ▸ Copy, and filling it in the background.

Copying a thousand papers as formatted citations costs citeproc-py 1–3 s of CPU, so
each paper's entry is rendered once and kept beside the library
(:mod:`reader.library.citation_cache`, under a digest of what it was rendered from, so an
edit is never served stale; :mod:`reader.cite.cached`). Copies read and fill it as they
go; this module also fills it ahead of them: the papers an import brings or an edit
changes (title, authors, year, journal, ids, citekey, a merge) are rendered in the chosen
style on the citations' reader thread, a small chunk at a time, once the changes have
been quiet for a moment, so that a copy waits at most for one chunk and the cache is
written only by that thread, never by the library's writer. The filling yields to the
user (:mod:`reader.yieldgate`): a job renders :data:`SLICE` papers at a time (a few ms
of CPU) and hands the rest of its chunk back as soon as the user types or clicks, or a
read or write the user waits for runs; the next job starts when the user has paused. Some time after the window
opens, the papers never rendered in the chosen style follow, newest first (after an
upgrade, or a new style: a 100,000-paper library is some minutes of one core's time);
just before, the entries under keys no paper answers to any more are pruned, a bounded
step a job (:func:`~reader.library.citation_cache.prune_stale`).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from reader.library import Changes, Library
from reader.library.citation_cache import (
    CitationCache,
    PruneCursor,
    cache_path,
    prune_stale,
    uncached_papers,
)
from reader.worker import LibraryReader
from reader.yieldgate import GATE, YieldGate
from ui.operations import QueryRunner

CHUNK = 50
"""Papers rendered per background job (about 0.1–0.2 s of CPU in APA)."""
SLICE = 3
"""Papers rendered between two looks at the yield gate (about 10 ms of CPU at most)."""
QUIET_MS = 2000
"""How long the changes must have been quiet before the background rendering starts."""
IDLE_MS = 15_000
"""How long after the window opens the papers never rendered start to be (newest first)."""
CITED_FIELDS = frozenset({"imported", "details", "citekey", "merged", "deleted"})
"""Change fields that can change a paper's citation (``deleted``: a restore from the trash)."""


class CitationCacheFiller(QObject):
    """The citation cache of one library, opened on its reader thread, and its filling."""

    filled = Signal(int)
    """A background job stored this many entries."""
    pruned = Signal(int)
    """A prune step dropped this many entries (keys no paper answers to)."""

    def __init__(
        self,
        reader: Callable[[], LibraryReader],
        library_path: str | Path,
        style_id: Callable[[], str],
        parent: QObject | None = None,
        *,
        gate: YieldGate | None = None,
    ) -> None:
        super().__init__(parent)
        self.gate = GATE if gate is None else gate
        """Where the filling looks whether the user is active (the process's gate)."""
        self._path = cache_path(library_path)
        self._style_id = style_id
        self._reader = reader  # made when first needed: a window may never copy or change
        self._queries: QueryRunner | None = None
        self._cache: CitationCache | None = None
        self._pending: dict[int, None] = {}  # ids in arrival order
        self._running = False
        self._closed = False
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(self._next)
        # Papers never rendered, newest last: array('q'), 8 bytes a paper (every paper of a
        # million-paper library after an upgrade or a change of style: 38 MB as a list).
        self._backlog: array[int] | None = None
        self._prune_from: PruneCursor | None = None  # None: no prune under way
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_MS)
        self._idle.timeout.connect(self._find_backlog)
        self._yield = QTimer(self)  # the user is active: look again when they may not be
        self._yield.setSingleShot(True)
        self._yield.timeout.connect(self._next)

    def start(self) -> None:
        """Render, some time from now and a chunk at a time, every paper of the library
        that has never been rendered in the chosen style (an upgrade, a new style)."""
        if not self._closed:
            self._idle.start()

    def _find_backlog(self) -> None:
        if self._closed:
            return
        style_id = self._style_id()

        def job(library: Library) -> array[int]:
            # citeproc-py, lxml and some fifty modules load here, on the reader thread:
            # on the GUI thread this import was a 40-60 ms stall 15 s after the window
            # opened (in the middle of whatever the user was doing).
            from reader.cite.cached import cache_style

            return uncached_papers(library, self.cache(), cache_style(style_id, True))

        self._queries_of().run("cache-backlog", job, self._found, self._failed)

    def _found(self, ids: Sequence[int]) -> None:
        self._backlog = array("q", reversed(ids))  # popped from the end: newest first
        self._prune_from = ("", "")  # first the entries of keys gone since, a step a job
        self._next()

    def cache(self) -> CitationCache:
        """The cache (opened on first use). Only the reader thread calls this."""
        if self._cache is None:
            self._cache = CitationCache(self._path)
        return self._cache

    @property
    def pruning(self) -> bool:
        """Whether the prune of entries no paper answers to is still under way."""
        return self._prune_from is not None

    @property
    def pending(self) -> int:
        """How many papers wait to be rendered (changed ones, then never rendered ones)."""
        return len(self._pending) + len(self._backlog or ())

    def _queries_of(self) -> QueryRunner:
        if self._queries is None:
            self._queries = QueryRunner(self._reader(), self)
        return self._queries

    def on_changes(self, changes: Changes, initiator: object = None) -> None:
        """Queue the papers whose citations ``changes`` may have changed."""
        del initiator
        if self._closed or not changes.paper_ids:
            return
        if not (changes.papers_added or changes.fields & CITED_FIELDS):
            return
        for paper_id in sorted(changes.paper_ids, reverse=True):  # newest first
            self._pending[paper_id] = None
        self._quiet.start()

    def fill(self, ids: Sequence[int]) -> None:
        """Queue ``ids`` and start at once (without waiting for quiet)."""
        for paper_id in ids:
            self._pending[paper_id] = None
        self._next()

    def _next(self) -> None:
        if self._closed or self._running or self._quiet.isActive():
            return
        wait_s = self.gate.wait_s()
        if wait_s > 0 and (self._pending or self._backlog):
            self._yield.start(max(1, round(wait_s * 1000)))
            return
        if self._pending:
            chunk = list(itertools.islice(self._pending, CHUNK))
            for paper_id in chunk:
                del self._pending[paper_id]
        elif self._prune_from is not None:
            self._prune(self._prune_from)
            return
        elif self._backlog:
            chunk = self._backlog[-CHUNK:][::-1].tolist()
            del self._backlog[-CHUNK:]
        else:
            return
        self._running = True
        style_id, gate = self._style_id(), self.gate

        def job(library: Library) -> tuple[int, list[int]]:
            from reader.cite import cache_citations, citation_records

            stored = 0
            for at in range(0, len(chunk), SLICE):
                if at and gate.busy():  # the user is active: the rest waits for a pause
                    return stored, chunk[at:]
                part = citation_records(library, chunk[at : at + SLICE])
                stored += cache_citations(part, style_id, self.cache(), html=True)
            return stored, []

        self._queries_of().run("cache-fill", job, self._done, self._failed)

    def _prune(self, after: PruneCursor) -> None:
        self._running = True

        def job(library: Library) -> tuple[int, PruneCursor | None]:
            return prune_stale(library, self.cache(), after)

        self._queries_of().run("cache-prune", job, self._pruned_step, self._failed)

    def _pruned_step(self, result: tuple[int, PruneCursor | None]) -> None:
        gone, self._prune_from = result
        self._running = False
        self.pruned.emit(gone)
        QTimer.singleShot(0, self._next)

    def _done(self, result: tuple[int, list[int]]) -> None:
        stored, left = result
        self._running = False
        if left:  # handed back: first again, in the same order
            self._pending = dict.fromkeys([*left, *self._pending])
        self.filled.emit(stored)
        QTimer.singleShot(0, self._next)

    def _failed(self, exc: BaseException) -> None:
        # Nothing is lost: the papers are rendered when they are copied.
        del exc
        self._running = False
        self._pending.clear()
        self._backlog = None
        self._prune_from = None

    def close(self) -> None:
        """Start nothing more (the window is closing); :meth:`close_cache` once the reader
        thread has stopped."""
        self._closed = True
        self._quiet.stop()
        self._idle.stop()
        self._yield.stop()
        self._pending.clear()
        if self._queries is not None:
            self._queries.close()

    def close_cache(self) -> None:
        """Close the cache's connection (after the reader thread has stopped)."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None
