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

How: in a child process (:class:`Warmup` says why not a thread), the b-trees' pages are
found from the file itself (SQLite's documented file format: each b-tree's root page is
in ``sqlite_schema``; its interior pages name their children), then read in file order in
chunks of :data:`CHUNK_BYTES` (asked for with ``posix_fadvise(WILLNEED)``, the last page
read: :func:`_read_batch`), between which the child stops when told (the library
closing) and holds while the window's gate (:class:`reader.yieldgate.YieldGate`) has a
read the reader waits for running. The file is opened read-only: nothing is written, no
SQLite lock or snapshot is held while reading (a writer's checkpoints go on). Pages a
writer changed since the last checkpoint are read by SQLite from the WAL, which was just
written and is cached; the file's older copies read here do no harm (at worst a few
pages are warmed for nothing). What is read: :mod:`reader.library.warmup_plan`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from reader.library.warmup_plan import plan
from reader.yieldgate import YieldGate

log = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
"""Bytes read between two looks at the parent's "hold" and "stop"."""

FOREGROUND_STEP_S = 0.005
"""How often the warm-up's thread looks whether a foreground read started or ended."""

NICE = 10
"""How much the warming thread lowers its CPU priority (Linux: per thread)."""


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
    held_seconds: float = 0.0
    """How long the child was held behind foreground reads."""
    niceness: int = 0
    """The child's CPU priority (its nice value)."""


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


def read_planned(path: Path, report: Report, between: Callable[[], object] = lambda: None) -> None:
    """Plan and read ``path``'s pages into the OS page cache, filling ``report``;
    ``between()`` is called before each b-tree walk and each chunk (it may wait, or raise
    to stop). Runs in the warm-up's child process (see :class:`Warmup` for why)."""
    uri = f"file:{path.absolute().as_posix()}?mode=ro"
    fd = os.open(path, os.O_RDONLY)
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:  # the plan reads the schema and a few small lists: no snapshot kept
            parts = plan(conn, fd, between)
            page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        finally:
            conn.close()
        most = max(1, CHUNK_BYTES // page_size)
        for part in parts:
            before = report.bytes_read
            for batch in _batches(_runs(part.pages, most), most):
                between()
                report.bytes_read += _read_batch(fd, batch, page_size)
                report.pages += sum(count for _, count in batch)
            report.parts.append(f"{part.name}: {(report.bytes_read - before) / 1e6:.1f} MB")
        report.finished = True
    finally:
        os.close(fd)


class Warmup:
    """One warm-up of a library file's search pages, in a child process of its own.

    Not a thread of the window's process: closing a file descriptor of the library file
    drops every POSIX lock the process holds on it (POSIX's rule, whichever descriptor
    held them), SQLite's included, and another process opening the library would then
    take the window's connections for gone and delete the WAL they write to. The child
    (``spawn``: a fresh interpreter, at ``nice`` below this process's CPU priority) opens
    and closes the file alone. A thread here tells it to hold while ``gate`` has a
    foreground read or write running (the reads the reader waits for get the disk; not
    while the reader types: between two keys the warm-up reads on), and to stop.
    :attr:`report` is complete once :meth:`wait` returns true.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, gate: YieldGate | None = None, nice: int = NICE
    ) -> None:
        self.path = Path(path)
        self.report = Report()
        self._gate = gate
        self._nice = nice
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="papershelf-warmup", daemon=True)

    def start(self) -> Warmup:
        """Start the child (once); returns ``self``."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the child at its next chunk and wait (up to ``timeout`` s) for it."""
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

    def _run(self) -> None:
        started = time.perf_counter()
        context = multiprocessing.get_context("spawn")  # never fork a Qt process
        parent, child = context.Pipe()
        process = context.Process(
            target=_child,
            args=(child, os.fspath(self.path), self._nice),
            name="papershelf-warmup",
            daemon=True,
        )
        begun = False
        try:
            process.start()
            begun = True
            child.close()
            self._steer(parent)
        except Exception as exc:  # no child (a main module without its guard), a dead one
            self.report.error = self.report.error or f"the warm-up's child failed: {exc}"
        finally:
            parent.close()
            if begun:
                process.join(STOP_GRACE_S)
                if process.is_alive():
                    process.kill()
                    process.join(STOP_GRACE_S)
            r = self.report
            r.seconds = time.perf_counter() - started
            log.info(
                "page-cache warm-up of %s %s: %.1f MB in %.2f s (child's CPU %.2f s)%s",
                self.path.name,
                "finished" if r.finished else "stopped",
                r.bytes_read / 1e6,
                r.seconds,
                r.cpu_seconds,
                f"; {r.error}" if r.error else "",
            )
            self._done.set()

    def _steer(self, conn: Connection) -> None:
        """Hold and free the child with the gate, stop it, and take its report."""
        held = False
        while True:
            if self._stop.is_set():
                conn.send("stop")
                if conn.poll(STOP_GRACE_S):
                    self._take(conn.recv())
                return
            busy = self._gate is not None and self._gate.foreground_running
            if busy != held:
                conn.send("hold" if busy else "go")
                held = busy
            if conn.poll(FOREGROUND_STEP_S):
                self._take(conn.recv())
                return

    def _take(self, sent: object) -> None:
        if isinstance(sent, dict):
            self.report = Report(**sent)


STOP_GRACE_S = 2.0
"""How long a stopped child has to send its report and end before it is killed."""


def _child(conn: Connection, path: str, nice: int) -> None:
    """The child process: lower its priority, read, send the report (a dict)."""
    if nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)
    report = Report()
    cpu = time.process_time()
    held_since: list[float] = []

    def between() -> None:
        while conn.poll():
            message = conn.recv()
            while message == "hold":
                held_since.append(time.perf_counter())
                message = conn.recv()  # waits for "go" or "stop"
                report.held_seconds += time.perf_counter() - held_since.pop()
            if message == "stop":
                raise _Stopped

    try:
        read_planned(Path(path), report, between)
    except _Stopped:
        pass
    except (OSError, sqlite3.Error, EOFError) as exc:
        report.error = str(exc)
    report.cpu_seconds = time.process_time() - cpu
    report.niceness = os.getpriority(os.PRIO_PROCESS, 0) if hasattr(os, "getpriority") else 0
    with contextlib.suppress(OSError):
        conn.send(dataclasses.asdict(report))


def start_warmup(path: str | os.PathLike[str], gate: YieldGate | None = None) -> Warmup:
    """Start warming ``path``'s search pages in a child process (see :class:`Warmup`),
    holding it while ``gate`` has a foreground job running, when one is given."""
    return Warmup(path, gate=gate).start()
