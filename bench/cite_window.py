"""Benchmark: the window while its citation cache fills, at any library size.

The citation filler (:mod:`ui.citecache`) renders every paper that has no entry in the
chosen style, starting 15 s after the window opens: at a million papers that is most of an
hour of citeproc-py. In a fresh process (offscreen Qt) the real window opens a copy of a
library with no citation cache, its learner not started, and is watched for a minute or
so with a heartbeat on the GUI thread: the window process's CPU (whatever its threads
did), the GUI thread's longest gap, and the entries the filler stored (per second, from
its first report on), with the child's CPU where the rendering runs in one.

    python -m bench.cite_window LIBRARY [--seconds 90] [--stopped]

prints one JSON line (``--stopped``: the filler stopped at once, the control).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BEAT_MS = 5
"""The heartbeat of :func:`window_fill` (its longest gap is the GUI thread's worst stall)."""


def window_fill(path: Path, seconds: float = 90.0, *, stopped: bool = False) -> dict[str, Any]:
    """Open the real window on the library at ``path`` (its citation cache deleted first,
    so the filler has every paper to render; the learner stopped, so nothing else runs)
    and watch it for ``seconds``: the window process's CPU, the GUI thread's longest gap
    and its 99th percentile, how many entries the filler stored, and (when it renders in a
    child) the child's CPU. With ``stopped`` the filler is stopped at once (the control).
    Run it in a fresh process: ``python -m bench.cite_window LIBRARY``."""
    from reader.library.citation_cache import CitationCache, cache_path

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="cite-window-"))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(home / name.lower())
    for suffix in ("", "-wal", "-shm"):
        Path(f"{cache_path(path)}{suffix}").unlink(missing_ok=True)
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.library import Library
    from reader.settings import Settings
    from reader.worker import LibraryWorker
    from ui.window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    library = Library(path)
    worker = LibraryWorker(path)
    window = MainWindow(
        library,
        worker,
        Settings(),
        state_path=home / "state.ini",
        settings_path=home / "s.json",
        start_learner=False,  # a first refit at a million papers would take a core for minutes
    )
    window.show()
    window.heap.start()  # as ui.app does: the collector then walks only recent objects
    filler = window.citations.cache
    if stopped:
        filler.close()
    stored: list[float] = []  # the time of each report, and how many entries
    counts: list[int] = []

    def filled(count: int) -> None:
        stored.append(time.perf_counter())
        counts.append(count)

    filler.filled.connect(filled)
    gaps: list[float] = []
    at: list[float] = []  # seconds since the window was made, at each gap's end
    # CPU ms in each gap: the GUI thread's own, and the whole process's (every thread):
    # a long gap with little of either is a wait for a core (the machine's load), one
    # with the process busy and the GUI thread not is a wait for the interpreter lock.
    gui_ms: list[float] = []
    process_ms: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed(), time.thread_time(), time.process_time()]

    def beat() -> None:
        now, thread, process = clock.elapsed(), time.thread_time(), time.process_time()
        gaps.append(now - last[0])
        at.append(time.perf_counter() - wall)
        gui_ms.append(1000 * (thread - last[1]))
        process_ms.append(1000 * (process - last[2]))
        last[:] = [now, thread, process]

    heart = QTimer()
    heart.setInterval(BEAT_MS)
    heart.timeout.connect(beat)
    heart.start()
    end = wall + seconds
    children: dict[int, float] = {}  # the CPU of each child seen, by process id
    looked = 0.0
    copies: list[float] = []  # seconds from Edit ▸ Copy to the clipboard, per copy
    asked: list[float] = []
    window.citations.copied.connect(lambda _n: copies.append(time.perf_counter() - asked[-1]))
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)
        since = time.perf_counter() - wall
        if len(asked) < 2 and since > COPY_AT_S + 10 * len(asked):
            # A copy of papers never rendered (in the middle of the list: not the newest,
            # which the backlog renders first), while the filler works.
            rows = window.model.rowCount()
            first = rows // 2 + 20 * len(asked)
            selection = window.paper_list.selectionModel()
            selection.clearSelection()
            for row in range(first, min(rows, first + COPY_PAPERS)):
                selection.select(window.model.index(row, 0), selection.SelectionFlag.Select)
            asked.append(time.perf_counter())
            window.citations.copy_formatted()
        if time.perf_counter() - looked > 0.5:  # twice a second: the looks cost the window
            looked = time.perf_counter()
            pid = getattr(filler, "child_pid", None)
            if pid is not None:
                children[pid] = max(children.get(pid, 0.0), _child_cpu_s(pid))
    child_cpu = sum(children.values())
    heart.stop()
    from PySide6.QtGui import QGuiApplication

    # The copies' data left on the clipboard crashes the offscreen platform at exit
    # (SIGSEGV after the figures, with the filler in a thread or in a child alike).
    QGuiApplication.clipboard().clear()
    result: dict[str, Any] = {
        "seconds": time.perf_counter() - wall,
        "window_cpu_s": time.process_time() - cpu,
        "child_cpu_s": child_cpu,
        "gui_stall_max_ms": max(gaps[1:], default=0.0),
        "gui_stall_p99_ms": statistics.quantiles(gaps, n=100)[-1] if len(gaps) > 100 else 0.0,
        # The five longest gaps, (ms, seconds after opening), to tell start-up from filling
        # with the GUI thread's and the process's CPU ms in each
        "gui_gaps_top": [
            (g, round(t, 1), round(u, 1), round(c, 1))
            for g, t, u, c in sorted(zip(gaps, at, gui_ms, process_ms, strict=True), reverse=True)[
                :5
            ]
        ],
        "gui_stall_max_at_s": at[gaps.index(max(gaps[1:]))] if len(gaps) > 1 else 0.0,
        # From 15 s on (the filler's backlog starts then): the window's start-up left out.
        "gui_stall_max_after_15s_ms": max(
            (g for g, t in zip(gaps, at, strict=True) if t > 15), default=0.0
        ),
        "stored": float(sum(counts)),
        "fill_s": stored[-1] - stored[0] if len(stored) > 1 else 0.0,
        "load_average_start": load,
        "load_average_end": os.getloadavg()[0],
    }
    result["copy_s"] = max(copies, default=-1.0)  # -1: no copy arrived
    result["copies"] = float(len(copies))
    first = counts[0] if counts else 0
    result["entries_per_s"] = (sum(counts) - first) / result["fill_s"] if result["fill_s"] else 0.0
    started = time.perf_counter()
    window.close()
    window.shutdown()
    worker.close()
    library.close()
    result["close_s"] = time.perf_counter() - started
    with CitationCache(cache_path(path)) as cache:
        result["entries_in_file"] = float(cache.count())
    return result


COPY_AT_S = 30.0
"""When :func:`window_fill` copies :data:`COPY_PAPERS` papers (again 10 s later)."""
COPY_PAPERS = 20
FILL_SECONDS = 60.0
"""How long :func:`fill_figures` watches the window (the backlog starts 15 s in)."""


def fill_figures(papers: int, work: Path, cache: Path, figure: Any) -> list[Any]:
    """``make bench``'s figures of the window while its citation filler renders a library
    of ``papers`` that has no entry yet: the window process's CPU and the GUI thread's
    longest gap (from 15 s on, when the backlog starts; #13's target, 50 ms), and how fast
    the child fills the cache. Runs :func:`window_fill` in a fresh process on a copy of the
    shared library (the window writes the cache beside the library it opens)."""
    from bench.corpus import build_library, library_path

    # A smoke run's few hundred papers are rendered in seconds once the backlog starts.
    seconds = FILL_SECONDS if papers >= 10_000 else 20.0

    shared = build_library(library_path(cache, papers), papers)
    copy = work / "cite-window" / shared.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "--sparse=always", str(shared), str(copy)], check=True)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "bench.cite_window", str(copy), "--seconds", str(seconds)],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
    r = json.loads(out.splitlines()[-1])
    load = f"load average {r['load_average_start']:.1f} → {r['load_average_end']:.1f}"
    gap = r["gui_stall_max_after_15s_ms"]
    return [
        figure(
            f"11. window's CPU over {seconds:.0f} s, citation filler running, {papers:,}",
            r["window_cpu_s"],
            "s",
            target="reported",
            note=f"the filler's child {r['child_cpu_s']:.1f} s CPU; {load}",
        ),
        figure(
            f"11. GUI thread's longest gap, citation filler running, {papers:,}",
            gap,
            "ms",
            target="≤ 50 ms",
            passed=gap <= 50,
            note=f"p99 {r['gui_stall_p99_ms']:.0f} ms; from 15 s after opening; {load}",
        ),
        figure(
            f"11. citation filler, entries per second, {papers:,}",
            r["entries_per_s"],
            "/s",
            target="reported",
            note=f"{r['stored']:.0f} entries in {r['fill_s']:.0f} s, in its child "
            f"(nice 10); the window closed in {r['close_s']:.2f} s",
        ),
    ]


def _child_cpu_s(pid: int | None) -> float:
    """The CPU seconds (user + system) of the process ``pid`` so far (0: none, or gone)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    """Watch the window on the library given and print the figures as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--stopped", action="store_true", help="with the filler stopped")
    args = parser.parse_args()
    print(json.dumps(window_fill(args.library, args.seconds, stopped=args.stopped)))


if __name__ == "__main__":
    main()
