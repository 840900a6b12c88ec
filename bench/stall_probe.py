"""The instruments of the GUI-stall bench (:mod:`bench.gui_stall`).

- :class:`Heartbeat`: a precise 5 ms timer on the GUI thread; the longest gap between two
  ticks is the stall a user feels (wall time), and the GUI thread's own CPU time
  (``time.thread_time``) within that gap says how much of it the thread worked rather than
  waited (for a core on a busy machine, or for the interpreter lock).
- :class:`StackSampler` (``PAPERSHELF_STALL_STACKS=1``): when the heartbeat is late, what
  the GUI thread's Python stack is, summed per scenario — where a stall comes from.

The file, the garbage collector and the dialogs are watched by :mod:`bench.stall_watch`.
"""

from __future__ import annotations

import faulthandler
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

BEAT_MS = 5


def _schedstat() -> Callable[[], float]:
    """The calling thread's time waiting for a core (s): Linux's per-thread schedstat
    (``0.0`` where there is none). What a loaded machine adds to a stall."""
    try:
        fd = os.open(f"/proc/self/task/{threading.get_native_id()}/schedstat", os.O_RDONLY)
    except OSError:
        return lambda: 0.0

    def waited() -> float:
        return int(os.pread(fd, 128, 0).split()[1]) / 1e9

    return waited


class ThreadClocks:
    """The CPU time of each of the process's other Python threads, read at every beat, so
    that a long gap says which threads ran in it (and what they were running)."""

    REFRESH_EVERY = 40
    """Beats between two looks at which threads exist."""

    def __init__(self) -> None:
        self._own = threading.get_ident()
        self._clocks: dict[int, int] = {}
        self._beats = 0

    def _refresh(self) -> None:
        clocks: dict[int, int] = {}
        for thread in threading.enumerate():
            ident = thread.ident
            if ident is None or ident == self._own or not thread.is_alive():
                continue
            try:
                clocks[ident] = time.pthread_getcpuclockid(ident)
            except (OSError, AttributeError):  # gone, or not on this system
                continue
        self._clocks = clocks

    def sample(self) -> dict[int, float]:
        """Each other thread's CPU time so far (s), by thread ident."""
        if self._beats % self.REFRESH_EVERY == 0:
            self._refresh()
        self._beats += 1
        cpu: dict[int, float] = {}
        for ident, clock in self._clocks.items():
            try:
                cpu[ident] = time.clock_gettime(clock)
            except OSError:  # the thread ended since the last look
                continue
        return cpu

    @staticmethod
    def label(ident: int, dump: str | None = None) -> str:
        """The thread's name and the innermost Papershelf function it is running (several
        threads are called ``papershelf-reader``: the job tells them apart). ``dump``: the
        stacks as :func:`_dump_stacks` read them (read now when not given)."""
        name = next((t.name for t in threading.enumerate() if t.ident == ident), str(ident))
        ours: list[str] = []  # Papershelf's functions on its stack, innermost first
        stacks = _dump_stacks() if dump is None else dump
        for path, function in reversed(_frames(stacks, ident)):  # no frame objects
            mine = f"{os.sep}reader{os.sep}" in path or f"{os.sep}ui{os.sep}" in path
            if mine and not path.endswith(f"{os.sep}worker.py"):
                ours.append(f"{Path(path).stem}.{function}")
        if not ours:
            return name
        # The job (outermost) and where in it the thread was (innermost).
        return f"{name} ({' > '.join(dict.fromkeys([ours[-1], ours[0]]))})"

    @classmethod
    def busiest(
        cls, before: dict[int, float], after: dict[int, float], top: int = 3
    ) -> list[tuple[str, float]]:
        """The ``top`` threads that used the most CPU between two samples (label, s)."""
        used = sorted(((after[i] - before[i], i) for i in after if i in before), reverse=True)[:top]
        used = [(spent, i) for spent, i in used if spent >= 0.001]
        dump = _dump_stacks() if used else ""  # once for all of them
        return [(cls.label(i, dump), spent) for spent, i in used]


class Heartbeat:
    """The longest gaps between ticks of a fast timer on the GUI thread.

    Each gap is split into the GUI thread's own CPU time, its time waiting for a core (the
    machine's load: Linux schedstat), and the rest — waiting for the interpreter lock (the
    process's other threads) or anything else that blocked it.
    """

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(BEAT_MS)
        self._timer.timeout.connect(self._tick)
        self._started = 0.0
        self._last = 0.0
        self._last_cpu = 0.0
        self._last_process = 0.0
        self._last_queued = 0.0
        self._queued = _schedstat()
        self._threads = ThreadClocks()
        self._last_threads: dict[int, float] = {}
        self.busiest = 0.0
        """The most CPU the GUI thread used between two ticks (s): its longest burst of
        work, whatever the machine's load made of it."""
        self.gaps: list[tuple[float, float, float, float, float]] = []
        """The longest gaps: (wall s, GUI-thread CPU s, its wait for a core s, the other
        threads' CPU s, seconds after the start)."""
        self.gap_threads: dict[float, list[tuple[str, float]]] = {}
        """For each of those gaps (by its start), the other threads that ran the most in it:
        (name and what it was running, CPU s)."""

    @property
    def last_tick(self) -> float:
        """``time.perf_counter()`` of the last tick (read by the stack sampler)."""
        return self._last

    def _tick(self) -> None:
        now, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
        queued = self._queued()
        threads = self._threads.sample()
        if self._last:
            gap = now - self._last
            own = cpu - self._last_cpu
            self.busiest = max(self.busiest, own)
            if len(self.gaps) < 5 or gap > self.gaps[-1][0]:
                others = process - self._last_process - own
                waited = queued - self._last_queued
                at = self._last - self._started
                self.gaps.append((gap, own, waited, others, at))
                self.gaps.sort(reverse=True)
                del self.gaps[5:]
                self.gap_threads[at] = ThreadClocks.busiest(self._last_threads, threads)
                kept = {g[4] for g in self.gaps}
                self.gap_threads = {a: t for a, t in self.gap_threads.items() if a in kept}
            if time.perf_counter() - now > 0.0005:  # the bench's own bookkeeping (labels)
                # is kept out of the next gap: it measures the window, not the bench
                now, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
                queued = self._queued()
        self._last, self._last_cpu, self._last_process = now, cpu, process
        self._last_queued = queued
        self._last_threads = threads

    def start(self) -> None:
        """Begin a measurement."""
        self.gaps = []
        self.gap_threads = {}
        self.busiest = 0.0
        self._last_threads = self._threads.sample()
        self._started = self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._last_process = time.process_time()
        self._last_queued = self._queued()
        self._timer.start()

    def stop(self) -> tuple[float, float, float]:
        """End it: the longest stall (ms beyond one beat), the GUI thread's CPU in it, and
        that stall without the GUI thread's wait for a core (ms; the longest such)."""
        self._tick()
        self._timer.stop()
        if not self.gaps:
            return 0.0, 0.0, 0.0
        wall, cpu, _queued, _others, _at = self.gaps[0]
        unloaded = max(w - q for w, _c, q, _o, _a in self.gaps)
        return (
            max(0.0, wall * 1000 - BEAT_MS),
            cpu * 1000,
            max(0.0, unloaded * 1000 - BEAT_MS),
        )

    def worst(self) -> list[list[float]]:
        """The longest gaps: ``[wall, GUI cpu, GUI wait for a core, others' cpu]`` (ms)
        and when (s after the start)."""
        return [
            [
                round(w * 1000, 1),
                round(c * 1000, 1),
                round(q * 1000, 1),
                round(o * 1000, 1),
                round(a, 2),
            ]
            for w, c, q, o, a in self.gaps
        ]

    def worst_threads(self) -> list[list[tuple[str, float]]]:
        """For each of :meth:`worst`'s gaps, the other threads that ran the most in it:
        ``(name (what it was running), CPU ms)``."""
        return [
            [(label, round(spent * 1000, 1)) for label, spent in self.gap_threads.get(a, [])]
            for _w, _c, _q, _o, a in self.gaps
        ]


_DUMP_FD: int | None = None
"""The in-memory file :func:`_dump_stacks` writes the stacks to (``-1``: none on this system)."""


def _dump_stacks() -> str:
    """Every thread's Python stack as :func:`faulthandler.dump_traceback` writes them.

    It reads the stacks without making frame objects: a frame object taken from another
    thread (``sys._current_frames``) keeps that function's locals alive after it returns,
    and a ``QPainter`` kept past its ``paintEvent`` crashed the window ("endPaint() called
    with active painter", then a segmentation fault).
    """
    global _DUMP_FD
    if _DUMP_FD is None:  # in memory: a file on a busy disk made the GUI thread wait
        _DUMP_FD = os.memfd_create("papershelf-stacks") if hasattr(os, "memfd_create") else -1
    if _DUMP_FD < 0:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
            faulthandler.dump_traceback(out, all_threads=True)
            out.seek(0)
            return out.read()
    os.ftruncate(_DUMP_FD, 0)
    os.lseek(_DUMP_FD, 0, os.SEEK_SET)
    faulthandler.dump_traceback(_DUMP_FD, all_threads=True)
    size = os.lseek(_DUMP_FD, 0, os.SEEK_END)
    return os.pread(_DUMP_FD, size, 0).decode("utf-8", "replace")


def _frames(dump: str, ident: int) -> list[tuple[str, str]]:
    """One thread's frames from :func:`_dump_stacks`, outermost first: (path, function)."""
    wanted = f"0x{ident:016x}"
    frames: list[tuple[str, str]] = []
    inside = False
    for line in dump.splitlines():
        if line.startswith(("Thread 0x", "Current thread 0x")):
            inside = wanted in line
            continue
        text = line.strip()
        if inside and text.startswith('File "'):  # File "/path/x.py", line 12 in name
            path, _, rest = text[6:].partition('", line ')
            number, _, function = rest.partition(" in ")
            frames.append((f"{path}:{number}", function))
    return frames[::-1]


def _thread_stack(dump: str, ident: int) -> list[str]:
    """One thread's frames, outermost first, as ``folder/file.py:line function``."""
    return [
        f"{Path(path).parent.name}/{Path(path).name} {function}"
        for path, function in _frames(dump, ident)
    ]


class StackSampler:
    """Samples the GUI thread's Python stack whenever the heartbeat is late (through
    :func:`_dump_stacks`, which makes no frame objects)."""

    LATE_S = 0.025

    def __init__(self, beat: Heartbeat) -> None:
        self._beat = beat
        self._gui = threading.get_ident()
        self._stop = threading.Event()
        self.stacks: Counter[str] = Counter()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            if time.perf_counter() - self._beat.last_tick < self.LATE_S:
                continue
            stack = _thread_stack(_dump_stacks(), self._gui)
            if stack:
                self.stacks["\n    ".join(stack[-30:])] += 1

    def take(self) -> list[tuple[int, str]]:
        """The samples since the last call, most frequent first (and forget them)."""
        top = [(n, stack) for stack, n in self.stacks.most_common(6)]
        self.stacks.clear()
        return top

    def close(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(2)
