"""Warming the OS page cache with what search and views read, in the background.

After a reboot, or a day of other work, a library's pages are not in the OS page cache,
and the reader's first searches wait on the disk: at 100,000 papers a first keystroke took
168 ms of wall time for 43 ms of CPU (issue #14). :class:`Warmup` reads, on a thread of its
own at low priority, the pages that a window's first counts, searches and views read
(:func:`plan`): the index the sidebar's counts scan, the words index's facet tokens
(status, rating, note, tags) and one- and two-letter prefixes (``paper_words``), the
rows of the Rated view (which has no sort index of its own), the interior pages of every
sort index, and the small lists beside them. At a million papers that is 0.2 GB of the
file's 5.5 (100,000: 30 MB of 0.55): not the other papers' rows (a page shows 60), not
the phrase index, not the rest of the words index (a longer prefix is one list, read
when it is typed).

How: the b-trees' pages are found from the file itself (SQLite's documented file format:
each b-tree's root page is in ``sqlite_schema``; its interior pages name their children),
then read in file order in chunks of :data:`CHUNK_BYTES` (asked for with
``posix_fadvise(WILLNEED)``, the last page read: :func:`_read_batch`), between which the
thread stops when asked (the library closing) and waits at ``pause`` (a
:class:`reader.yieldgate.YieldGate`'s, while a read the reader waits for runs). The file
is opened read-only: nothing is written, no SQLite lock or snapshot is held while reading
(a writer's checkpoints go on). Pages a writer changed since the last checkpoint are read
by SQLite from the WAL, which was just written and is cached; the file's older copies
read here do no harm (at worst a few pages are warmed for nothing).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.library import btree_pages
from reader.yieldgate import YieldGate

log = logging.getLogger(__name__)

SIDEBAR_COUNTS = (
    "SELECT status, count(*) FROM paper GROUP BY status",
    "SELECT count(*) FROM paper WHERE rating >= 4",
)
"""The sidebar's counts (:func:`reader.library.papers.view_counts`): each scans an index
(at a million papers the first scans ``paper_by_status_tags``, 28 MB): the indexes
they scan are read whole."""

WORDS = "paper_words"
"""The words index: what every search with words, and every count, reads first."""

WORD_TERMS = ((b"0\xee\x80", b"0\xee\x81"), (b"1", b"2"), (b"2", b"3"))
"""The words index's terms read whole (FTS5 keeps the index number before each term): the
facet tokens (status, rating, note, tags: U+E000…U+E03F; every view and count of a status
or rating reads them) and the one- and two-letter prefixes (every search's first two
keystrokes). Longer prefixes and words are each one short list, read when typed."""

RATED = "SELECT id FROM paper WHERE rating >= 4"
"""The Rated view's papers (4–5 stars: a range of ``paper_by_rating``; ordered by id,
SQLite would walk the papers' table instead). The view has no sort index of its
own: its searches and other orders read its papers' rows (at 100,000 papers 2,500 rows on
as many pages, 200 ms from a cold disk for the first keystroke), so their rows are read."""

RATED_ROWS = 25_000
"""At most this many of the Rated view's rows (100 MB of pages at one a page)."""

SMALL_LISTS = ("paper_word", "paper_with_note", "paper_tag_by_tag", "paper_tag", "tag")
"""Small b-trees read whole: the long words' vocabulary, the note and tag lists."""

CHUNK_BYTES = 1 << 20
"""Bytes read between two looks at ``stop`` and ``pause``."""

FOREGROUND_STEP_S = 0.005
"""How often a warm-up waiting behind a foreground read looks again."""

NICE = 10
"""How much the warming thread lowers its CPU priority (Linux: per thread)."""

_SEGMENT = 1 << 37
"""FTS5's rowid of a segment's pages: segment id × 2³⁷ + page (2³⁶ set: its doclist index)."""


@dataclass(frozen=True, slots=True)
class Part:
    """Pages read for one purpose, in file order."""

    name: str
    pages: tuple[int, ...]


@dataclass
class Report:
    """What a warm-up read, and how long it took."""

    parts: list[str] = field(default_factory=list)
    """The parts read, each with its MB."""
    pages: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    finished: bool = False
    """Every page was read (not stopped, no error)."""
    error: str | None = None


def _root(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute(
        "SELECT rootpage FROM sqlite_schema WHERE name = ? AND rootpage > 0", [name]
    ).fetchone()
    return int(row[0]) if row else None


def scanned_indexes(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The indexes SQLite's plan for ``sql`` reads whole (``SCAN … USING [COVERING] INDEX
    name``; a ``SEARCH`` reads a range of one, left to the query)."""
    found = []
    for *_, detail in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
        words = str(detail).split()
        if words[:1] == ["SCAN"] and "INDEX" in words and words.index("INDEX") + 1 < len(words):
            found.append(words[words.index("INDEX") + 1])
    return found


def _word_rowids(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """The ``paper_words_data`` rowids of :data:`WORD_TERMS` in every segment, its
    doclist indexes and its two records (averages: 1, structure: 10)."""
    ranges = [(1, 1), (10, 10)]
    segments = [r[0] for r in conn.execute(f"SELECT DISTINCT segid FROM {WORDS}_idx")]
    for segment in segments:
        base = segment * _SEGMENT
        ranges.append((base + (1 << 36), base + _SEGMENT - 1))  # its doclist indexes
        for low, high in WORD_TERMS:
            first = conn.execute(
                f"SELECT pgno FROM {WORDS}_idx WHERE segid = ? AND term <= ? "
                "ORDER BY term DESC LIMIT 1",
                [segment, low],
            ).fetchone()
            last = conn.execute(
                f"SELECT pgno FROM {WORDS}_idx WHERE segid = ? AND term >= ? ORDER BY term LIMIT 1",
                [segment, high],
            ).fetchone()
            # _idx keeps page × 2 (+1: the page's term has a doclist index); the page of
            # the first term past the range may begin with the range's last list.
            ranges.append(
                (
                    base + (first[0] >> 1 if first else 1),
                    base + (last[0] >> 1 if last else (1 << 31) - 1),
                )
            )
    return ranges


def plan(
    conn: sqlite3.Connection, fd: int, between: Callable[[], object] = lambda: None
) -> list[Part]:
    """What to read, most wanted first: the sidebar counts' index, the words index's
    facets and short prefixes, the Rated view's rows, the sort indexes' interior pages,
    the small lists. ``between`` is called before each b-tree is walked (the walks read
    its interior pages: a warm-up waits there too)."""
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])

    def walk(name: str, **how: object) -> list[int]:
        between()
        root = _root(conn, name)
        if root is None:
            return []
        return btree_pages.pages(fd, root, page_size, page_count, **how)  # type: ignore[arg-type]

    counted = dict.fromkeys(i for sql in SIDEBAR_COUNTS for i in scanned_indexes(conn, sql))
    parts = [Part("sidebar counts", tuple(p for name in counted for p in walk(name)))]
    words = walk(f"{WORDS}_idx") + walk(f"{WORDS}_data", rowids=_word_rowids(conn))
    parts.append(Part("words index", tuple(words)))
    rated = [(i, i) for i in sorted(r[0] for r in conn.execute(RATED))[-RATED_ROWS:]]
    parts.append(Part("Rated view's rows", tuple(walk("paper", rowids=rated)) if rated else ()))
    sort_indexes = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'paper' "
            "AND rootpage > 0 ORDER BY name"
        )
    ]
    interior = [p for name in sort_indexes if name not in counted for p in walk(name, leaves=False)]
    parts.append(Part("sort indexes (interior pages)", tuple(interior)))
    parts.append(Part("small lists", tuple(p for name in SMALL_LISTS for p in walk(name))))
    seen: set[int] = set()
    out = []
    for part in parts:  # each page once, in the first part that wants it
        mine = sorted(set(part.pages) - seen)
        seen.update(mine)
        out.append(Part(part.name, tuple(mine)))
    return out


def _runs(pages: Iterable[int], most: int) -> list[tuple[int, int]]:
    """Sorted pages as (first, count) runs of consecutive numbers, each ≤ ``most`` long."""
    out: list[tuple[int, int]] = []
    for number in sorted(set(pages)):
        if out and out[-1][0] + out[-1][1] == number and out[-1][1] < most:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((number, 1))
    return out


class _Stopped(Exception):
    """:meth:`Warmup.stop` was called: the warm-up ends where it is."""


def _batches(runs: list[tuple[int, int]], most: int) -> Iterator[list[tuple[int, int]]]:
    """``runs`` in consecutive batches of at most ``most`` pages each."""
    batch: list[tuple[int, int]] = []
    pages = 0
    for run in runs:
        if batch and pages + run[1] > most:
            yield batch
            batch, pages = [], 0
        batch.append(run)
        pages += run[1]
    if batch:
        yield batch


def _read_batch(fd: int, batch: list[tuple[int, int]], page_size: int) -> int:
    """Read a batch of page runs into the OS page cache; the bytes asked for.

    Where the system has it, every run is asked for at once (``posix_fadvise(WILLNEED)``:
    the kernel reads them side by side, without copying them here; the Rated view's rows,
    one page each here and there, come in 4× sooner and for a third of the CPU than one
    ``pread`` after another) and the batch's last page is then read, which waits for it.
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return sum(len(os.pread(fd, n * page_size, (a - 1) * page_size)) for a, n in batch)
    for first, count in batch:
        advise(fd, (first - 1) * page_size, count * page_size, os.POSIX_FADV_WILLNEED)
    first, count = batch[-1]
    os.pread(fd, page_size, (first + count - 2) * page_size)
    return sum(count for _, count in batch) * page_size


class Warmup:
    """One warm-up of a library file's search pages, on a daemon thread.

    ``pause(stopped)`` is called between chunks and may wait (it returns once
    ``stopped()`` is true); :meth:`stop` ends the thread at its next chunk. :attr:`report`
    says what was read; it is complete once :meth:`wait` returns true.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        pause: Callable[[Callable[[], bool]], object] | None = None,
        nice: int = NICE,
    ) -> None:
        self.path = Path(path)
        self.report = Report()
        self._pause = pause
        self._nice = nice
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="papershelf-warmup", daemon=True)

    def start(self) -> Warmup:
        """Start reading (once); returns ``self``."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop at the next chunk and wait (up to ``timeout`` s) for the thread to end."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the warm-up to end (finished, stopped or failed); whether it ended."""
        return self._done.wait(timeout)

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stop.is_set()

    def _lower_priority(self) -> None:
        if sys.platform.startswith("linux") and self._nice > 0:
            # On Linux a thread id names one thread (elsewhere it would be the process).
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self._nice)

    def _run(self) -> None:
        self._lower_priority()
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            self._read()
        except _Stopped:
            pass
        except (OSError, sqlite3.Error) as exc:
            self.report.error = str(exc)
        finally:
            r = self.report
            r.seconds = time.perf_counter() - started
            r.cpu_seconds = time.thread_time() - cpu
            log.info(
                "page-cache warm-up of %s %s: %.1f MB in %.2f s (CPU %.2f s)%s",
                self.path.name,
                "finished" if r.finished else "stopped",
                r.bytes_read / 1e6,
                r.seconds,
                r.cpu_seconds,
                f"; {r.error}" if r.error else "",
            )
            self._done.set()

    def _between(self) -> None:
        """Wait at ``pause``; raise :class:`_Stopped` once :meth:`stop` was called."""
        if self._pause is not None:
            self._pause(self._stop.is_set)
        if self._stop.is_set():
            raise _Stopped

    def _read(self) -> None:
        uri = f"file:{self.path.absolute().as_posix()}?mode=ro"
        fd = os.open(self.path, os.O_RDONLY)
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            try:  # the plan reads the schema and a few small lists: no snapshot kept
                parts = plan(conn, fd, self._between)
                page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
            finally:
                conn.close()
            most = max(1, CHUNK_BYTES // page_size)
            for part in parts:
                before = self.report.bytes_read
                for batch in _batches(_runs(part.pages, most), most):
                    self._between()
                    self.report.bytes_read += _read_batch(fd, batch, page_size)
                    self.report.pages += sum(count for _, count in batch)
                mb = (self.report.bytes_read - before) / 1e6
                self.report.parts.append(f"{part.name}: {mb:.1f} MB")
            self.report.finished = True
        finally:
            os.close(fd)


def behind_foreground(gate: YieldGate) -> Callable[[Callable[[], bool]], float]:
    """A ``pause`` for :class:`Warmup` that waits while ``gate`` has a foreground read or
    write running (the reads the reader waits for get the disk), not for the reader to
    stop typing: between two keys the warm-up reads on, so the next keys find more of the
    library in memory. Returns the seconds waited."""

    def pause(stopped: Callable[[], bool]) -> float:
        started = time.monotonic()
        while gate.foreground_running and not stopped():
            time.sleep(FOREGROUND_STEP_S)
        return time.monotonic() - started

    return pause


def start_warmup(path: str | os.PathLike[str], gate: YieldGate | None = None) -> Warmup:
    """Start warming ``path``'s search pages in the background (see :class:`Warmup`),
    waiting behind ``gate``'s foreground jobs when one is given."""
    return Warmup(path, pause=None if gate is None else behind_foreground(gate)).start()
