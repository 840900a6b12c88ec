"""The citation cache behind Edit ▸ Copy, and filling it in the background.

Copying a thousand papers as formatted citations costs citeproc-py 1–3 s of CPU, so
each paper's entry is rendered once and kept beside the library
(:mod:`reader.library.citation_cache`, under a digest of what it was rendered from, so an
edit is never served stale; :mod:`reader.cite.cached`). This module fills it ahead of
copies: the papers an import brings or an edit changes (title, authors, year, journal,
ids, citekey, a merge) are rendered in the chosen style once the changes have been quiet
for a moment, a chunk at a time, and some time after the window opens the papers never
rendered in it follow, newest first (after an upgrade, or a new style: at a million
papers that is most of an hour of one core); just before, the entries under keys no paper
answers to any more are pruned, a bounded step a job
(:func:`~reader.library.citation_cache.prune_stale`).

The rendering runs in a child process (:class:`reader.cite.fill_process.CitationProcess`,
at a lower CPU priority), which reads the library and stores the entries itself: on a
thread of the window's process it held the interpreter lock against the GUI thread
(60–160 ms gaps at a million papers) and cost the window a core. This object only keeps
what is to be rendered (ids: the backlog as ``array('q')``, 8 bytes a paper) and sends the
child one chunk at a time, so a copy's own request (:meth:`render_now`, which goes before
every chunk) waits at most for one. The filling yields to the user
(:mod:`reader.yieldgate`): no chunk is sent while they type or click, or while a read or
write they wait for runs. Closing the window ends the child at once.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from reader.cite.fill_process import CitationProcess, Closed
from reader.library import Changes
from reader.library.citation_cache import CitationCache, PruneCursor, cache_path
from reader.ranking.child import ChildDied
from reader.yieldgate import GATE, YieldGate

CHUNK = 25
"""Papers rendered per job in the child (about 50–80 ms of its CPU in APA): what a copy
waits for at most before its own entries are rendered (at the window's priority)."""
QUIET_MS = 2000
"""How long the changes must have been quiet before the background rendering starts."""
IDLE_MS = 15_000
"""How long after the window opens the papers never rendered start to be (newest first)."""
RENDER_WAIT_S = 60.0
"""How long a copy waits for the child to render its entries before rendering them itself."""
RETRY_MS = (500, 10_000, 60_000)
"""After the child died in a job (killed, out of memory): when its job is sent again, one
delay per death in a row; after the last the filling stops until the next change."""
CITED_FIELDS = frozenset({"imported", "details", "citekey", "merged", "deleted"})
"""Change fields that can change a paper's citation (``deleted``: a restore from the trash)."""


class CitationCacheFiller(QObject):
    """The citation cache of one library and its filling by a child process."""

    filled = Signal(int)
    """A background job stored this many entries."""
    pruned = Signal(int)
    """A prune step dropped this many entries (keys no paper answers to)."""
    _arrived = Signal(object, object, object)  # (on_done, result, exception), any thread

    def __init__(
        self,
        library_path: str | Path,
        style_id: Callable[[], str],
        parent: QObject | None = None,
        *,
        gate: YieldGate | None = None,
        process: CitationProcess | None = None,
    ) -> None:
        super().__init__(parent)
        self.gate = GATE if gate is None else gate
        """Where the filling looks whether the user is active (the process's gate)."""
        self._library = str(library_path)
        self._path = cache_path(library_path)
        self._style_id = style_id
        self.process = process or CitationProcess()
        """The child that renders and stores (started on the first job)."""
        self._cache: CitationCache | None = None
        self._pending: dict[int, None] = {}  # ids in arrival order
        self._running = False
        self._sent: list[int] = []  # the chunk in the child: sent again if the child dies
        self._deaths = 0  # children that died in a job, in a row
        self.restarts = 0
        """How many jobs were sent again because their child died (for tests)."""
        self._closed = False
        self._arrived.connect(self._deliver)
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(self._next)
        # Papers never rendered, newest last: array('q'), 8 bytes a paper (every paper of a
        # million-paper library after an upgrade or a change of style: 38 MB as a list).
        self._backlog: array[int] | None = None
        self._more: int | None = None  # where the next page of the backlog starts
        self._prune_from: PruneCursor | None = None  # None: no prune under way
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_MS)
        self._idle.timeout.connect(self._find_backlog)
        self._yield = QTimer(self)  # the user is active: look again when they may not be
        self._yield.setSingleShot(True)
        self._yield.timeout.connect(self._next)

    @property
    def child_pid(self) -> int | None:
        """The rendering child's process id while it runs (for tests and benchmarks)."""
        return self.process.pid

    def start(self) -> None:
        """Render, some time from now and a chunk at a time, every paper of the library
        that has never been rendered in the chosen style (an upgrade, a new style)."""
        if not self._closed:
            self._idle.start()

    def _send(self, job: str, *args: Any, on_done: Callable[[Any], None]) -> None:
        """``job(*args)`` in the child; ``on_done(result)`` on this thread when it is back."""
        future = self.process.submit(job, *args)

        def back(done: Future[Any]) -> None:  # on the process's thread
            exc = done.exception()
            self._arrived.emit(on_done, None if exc else done.result(), exc)

        future.add_done_callback(back)

    def _deliver(self, on_done: Callable[[Any], None], result: Any, exc: object) -> None:
        if self._closed:
            return
        if isinstance(exc, BaseException):
            self._failed(exc)
        else:
            on_done(result)

    def _find_backlog(self) -> None:
        if self._closed:
            return
        if self._running:  # a job of the style before is in the child: look again later
            self._idle.start()
            return
        self._running = True
        self._backlog = None
        self._send("backlog", self._library, self._style_id(), None, on_done=self._found)

    def _found(self, result: tuple[array[int], int | None]) -> None:
        ids, self._more = result
        self._running = False
        if self._backlog is None:  # the first page: first the entries of keys gone since,
            self._prune_from = ("", "")  # a step a job
        self._backlog = ids[::-1]  # popped from the end: newest first
        self._next()

    def cache(self) -> CitationCache:
        """The cache (opened on first use), for copies. Only the reader thread calls this."""
        if self._cache is None:
            self._cache = CitationCache(self._path)
        return self._cache

    def render_now(self, ids: Sequence[int], style_id: str) -> bool:
        """Have the child render what the cache lacks of ``ids`` in ``style_id`` before any
        chunk still queued, and wait for it (a copy's job, on the reader thread: never on
        the GUI thread). ``False`` when the child could not (the copy renders them
        itself); raises :class:`~reader.cite.fill_process.Closed` when closing."""
        if not ids:
            return True
        future = self.process.submit("fill", self._library, style_id, list(ids), True, urgent=True)
        try:
            future.result(RENDER_WAIT_S)
        except Closed:
            raise
        except Exception:  # the child died, failed or hangs: the copy does without it
            return False
        return True

    @property
    def pruning(self) -> bool:
        """Whether the prune of entries no paper answers to is still under way."""
        return self._prune_from is not None

    @property
    def pending(self) -> int:
        """How many papers wait to be rendered (changed ones, then never rendered ones of
        the backlog's pages found so far), and one while another page is to be looked at."""
        more = 1 if self._more is not None else 0
        return len(self._pending) + len(self._backlog or ()) + more

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
            self._running = True
            self._send("prune", self._library, self._prune_from, on_done=self._pruned_step)
            return
        elif self._backlog:
            chunk = self._backlog[-CHUNK:][::-1].tolist()
            del self._backlog[-CHUNK:]
        elif self._backlog is not None and self._more is not None:
            self._running = True  # the next page of the backlog
            more = self._more
            self._send("backlog", self._library, self._style_id(), more, on_done=self._found)
            return
        else:
            return
        self._running = True
        self._sent = chunk
        self._send("chunk", self._library, self._style_id(), chunk, on_done=self._done)

    def _pruned_step(self, result: tuple[int, PruneCursor | None]) -> None:
        gone, self._prune_from = result
        self._running = False
        self.pruned.emit(gone)
        QTimer.singleShot(0, self._next)

    def _done(self, result: tuple[int, list[int]]) -> None:
        stored, left = result
        self._running = False
        self._sent, self._deaths = [], 0
        if left:  # handed back for a copy: first again, in the same order
            self._pending = dict.fromkeys([*left, *self._pending])
        self.filled.emit(stored)
        QTimer.singleShot(0, self._next)

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        sent, self._sent = self._sent, []
        if isinstance(exc, ChildDied) and self._deaths < len(RETRY_MS):
            # Killed mid-way: what it stored is whole (a transaction a slice), the rest of
            # its chunk goes first again, on a new child.
            self._pending = dict.fromkeys([*sent, *self._pending])
            retry = self._find_backlog if self._backlog is None and not sent else self._next
            QTimer.singleShot(RETRY_MS[self._deaths], self, retry)
            self._deaths += 1
            self.restarts += 1
            return
        # Nothing is lost: the papers are rendered when they are copied (or the next time
        # the window opens, for the backlog).
        self._pending.clear()
        self._backlog = self._more = None
        self._prune_from = None

    def close(self) -> None:
        """Start nothing more and end the child (the window is closing); :meth:`close_cache`
        once the reader thread has stopped."""
        self._closed = True
        self._quiet.stop()
        self._idle.stop()
        self._yield.stop()
        self._pending.clear()
        self._backlog = self._more = None
        self.process.close()

    def close_cache(self) -> None:
        """Close the cache's connection (after the reader thread has stopped)."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None
