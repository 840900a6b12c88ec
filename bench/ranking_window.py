"""The window while the interest model refits a big library: does anything wait for it?

In a fresh process (``python -m bench.ranking_window LIBRARY``, offscreen Qt), the real
:class:`~ui.window.MainWindow` opens a copy of a cached library whose feature cache is
warm (the bench's ``cold`` step built it) and waits for its learner to be idle. Then one
paper is rated through the window, which starts a refit on the learner's thread 0.2 s
later: learning from every signal, scoring every paper, and writing the scores through
the writer in chunks. While it runs:

- a heartbeat timer ticks every :data:`BEAT_MS` on the GUI thread: the longest gap is
  the window's longest stall;
- every :data:`SEARCH_EVERY_S` a search is typed into the window and timed until its
  list arrives (the reader thread's reads, which must not queue behind the refit);
- every :data:`SEARCH_EVERY_S` a rating is made and timed until it is in the file (the
  writer, which the refit's score writes share).

The measurement ends when that first refit has written its scores. With ``quiet`` the
reader does nothing else while the refit runs (only the heartbeat ticks): the stall that
is the refit's own, its work in the learner's child process and its score writes. With
``edits`` only the ratings are made (every :data:`EDIT_EVERY_S`), no searches (``edits:N``:
N of them with the learner stopped, no refit, to compare with): how long
the reader's own edit takes to reach the file while the refit learns and stores its
scores (a search of a million papers would stall the window by itself, issue #14). With
``alone`` it is ``quiet`` with the window's citation-cache filler stopped first: at a
million papers it renders citations (citeproc, pure Python) on a reader thread for
minutes after the window opens, which is the window's own background work (issue #13's
gui_stall bench measures it), not the refit's. ``alone-edits`` and ``alone-edits:N`` are
``edits`` and its control with that filler stopped too.

It prints one JSON line: the refit's wall time, the longest GUI stall, the slowest
search and rating while the refit ran, the window process's peak memory over what it
held before the refit, and what the refit cost the learner's child (CPU, peak memory);
and what the worst gaps, the writer's jobs and the bus's publishes were made of
(:mod:`bench.ranking_probe`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BEAT_MS = 5
SEARCH_EVERY_S = 1.0
EDIT_EVERY_S = 0.25
WORDS = ("attention", "graph", "robust", "token", "video", "reward", "diffusion", "energy")


def measure(
    path: Path,
    control: int = 0,
    *,
    quiet: bool = False,
    edits: bool = False,
    alone: bool = False,
) -> dict[str, Any]:
    """Open the window on ``path``, start a refit, time what the reader does meanwhile.

    With ``control`` > 0 the learner is stopped first and the same searches and ratings
    run ``control`` times with no refit at all: what the window does on this machine
    anyway, to compare with. With ``quiet`` nothing but the refit runs.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="rank-window-"))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(home / name.lower())
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from bench.ranking_probe import GapLog, GcLog, PublishLog, WriterLog, learner_publishes
    from reader.library import Library
    from reader.settings import Settings
    from reader.worker import LibraryWorker
    from ui.window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    library = Library(path)
    worker = LibraryWorker(path)
    window = MainWindow(
        library, worker, Settings(), state_path=home / "state.ini", settings_path=home / "s.json"
    )
    window.show()
    window.heap.start()  # as ui.app does: the collector then walks only recent objects
    writes, publishes, collections = WriterLog(worker), PublishLog(window.bus), GcLog()
    learner = window.interest.learner
    assert learner is not None

    def pump_until(done: Any, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while not done():
            if time.monotonic() > end:
                return False
            app.processEvents()
            time.sleep(0.002)
        return True

    assert pump_until(lambda: learner.wait_idle(0.0), 600), "the learner never settled"
    learner.delay = 0.2
    if alone:
        window.citations.cache.close()
    refits = learner.refits
    if control:
        window.interest.stop()
    with Library(path, read_only=True) as reader:
        unrated = reader.paper_ids(limit=50)

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    probe = GapLog()
    stored_publishes = learner_publishes()

    def beat() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now
        probe.beat()

    heart = QTimer()
    heart.setInterval(BEAT_MS)
    heart.timeout.connect(beat)
    heart.start()
    searches: list[float] = []
    ratings: list[float] = []
    rated_at: list[tuple[float, float]] = []  # (monotonic time of the rating, its wait)
    before_mb = _reset_peak_mb()
    cpu_started = time.process_time()
    started, since = time.perf_counter(), time.monotonic()
    check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    (current,) = check.execute("SELECT rating FROM paper WHERE id = ?", [unrated[0]]).fetchone()
    window.edits.rate([unrated[0]], 4 if current == 5 else 5)  # the edit that starts the refit
    number = 0

    def running() -> bool:
        if control:
            return number < control
        if learner.refits == refits:
            return True
        # That refit is done: wait until the window has published its changes (the learner
        # counts the refit before it hands them over: they are part of what it costs the
        # window), then for its writes (the ratings' own refits are not timed, and a writer
        # kept busy by them must not keep this loop going).
        pump_until(lambda: publishes.interest_after(since), 120)
        pump_until(lambda: not window.runner.busy, 120)
        return False

    while quiet and running():
        pump_until(lambda: not running(), 900)
    while running():
        number += 1
        t0 = time.perf_counter()
        if not edits:
            window.search.set_text(WORDS[number % len(WORDS)])
            window.search.search_changed.emit(window.search.text())
            if pump_until(lambda: not window.model.loading, 60):
                searches.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        paper = unrated[1 + number % (len(unrated) - 1)]
        window.edits.rate([paper], 1 + number % 3)

        def stored(paper: int = paper, stars: int = 1 + number % 3) -> bool:
            row = check.execute("SELECT rating FROM paper WHERE id = ?", [paper]).fetchone()
            return bool(row and row[0] == stars)

        if pump_until(stored, 60):
            ratings.append(time.perf_counter() - t0)
            rated_at.append((time.monotonic() - since - ratings[-1], ratings[-1]))
        every = EDIT_EVERY_S if edits else SEARCH_EVERY_S
        pump_until(lambda t=t0, e=every: time.perf_counter() - t > e, every + 1)
        if time.perf_counter() - started > 900:
            break
    refit_s = time.perf_counter() - started
    until = time.monotonic()
    window_cpu_s = time.process_time() - cpu_started
    window_extra_mb = _hwm_mb() - before_mb
    child = learner.process.last_stats
    heart.stop()
    check.close()
    if not control:
        pump_until(lambda: learner.wait_idle(0.0), 600)  # the ratings' own refits (not timed)
    window.close()
    window.shutdown()
    worker.close()
    library.close()
    return {
        "refit_s": refit_s,
        "gui_stall_max_ms": max(gaps, default=0.0),
        "gui_stall_p99_ms": statistics.quantiles(gaps, n=100)[-1] if len(gaps) > 100 else 0.0,
        "searches": len(searches),
        "search_max_ms": 1000 * max(searches, default=0.0),
        "search_median_ms": 1000 * statistics.median(searches) if searches else 0.0,
        "ratings": len(ratings),
        "rating_max_ms": 1000 * max(ratings, default=0.0),
        "rating_median_ms": 1000 * statistics.median(ratings) if ratings else 0.0,
        "window_cpu_s": window_cpu_s,
        "window_extra_mb": window_extra_mb,
        "child_cpu_s": child.cpu_s if child is not None and not control else 0.0,
        "child_extra_mb": child.extra_mb if child is not None and not control else 0.0,
        "child_peak_mb": child.peak_mb if child is not None and not control else 0.0,
        "load": os.getloadavg()[0],
        "worst_gaps": probe.worst(since=since),
        "slowest_ratings": [
            {"at_s": round(at, 3), "ms": round(ms * 1000, 1)}
            for at, ms in sorted(rated_at, key=lambda r: r[1], reverse=True)[:3]
        ],
        "writer": writes.summary(since, until),
        "bus": publishes.summary(since),
        "gc": collections.summary(since, until),
        "learner_publish": [
            {k: round(v, 1) if isinstance(v, float) else v for k, v in row.items()}
            for row in stored_publishes
        ],
    }


def _reset_peak_mb() -> float:
    """Reset this process's peak resident size (Linux); its resident size now, in MB."""
    from contextlib import suppress

    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    return _status_mb("VmRSS:")


def _hwm_mb() -> float:
    return _status_mb("VmHWM:")


def _status_mb(field: str) -> float:
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    mode = sys.argv[2] if len(sys.argv) > 2 else "0"
    alone = mode == "alone" or mode.startswith("alone-")  # "alone-edits[:N]": filler stopped
    mode = mode.removeprefix("alone-")
    # "edits:N": N ratings as in "edits" with the learner stopped (the control of "edits")
    quiet, edits = mode in ("quiet", "alone"), mode == "edits" or mode.startswith("edits:")
    if mode.startswith("edits:"):
        control = int(mode.partition(":")[2])
    else:
        control = 0 if quiet or edits else int(mode)
    print(json.dumps(measure(Path(sys.argv[1]), control, quiet=quiet, edits=edits, alone=alone)))
