"""GUI thread, longest stall: the window on a 100,000-paper library, driven by real keys.

A heartbeat timer ticks every 5 ms on the GUI thread (:class:`bench.stall_probe.Heartbeat`);
the longest gap between two ticks while a scenario runs (from its first key press until
its edit is in the file and the window has settled) is that scenario's stall, in wall time
— what a user feels — together with the GUI thread's own CPU time within that gap.

Keys are sent the way a person types: ``QTest.keyClick`` on the focused widget, one key at
a time, with the event loop running :data:`KEY_GAPS_S` (100–150 ms) between keys. Each
scenario's edit is checked in the library file by a thread with a connection of its own
(:class:`bench.stall_watch.FileWatch`), which notes how long after the key it arrived.

Scenarios: rating one paper in All and in a title-sorted view; typing a one-letter and a
two-word search; Ctrl+A and a rating, and its undo; a rating and a note typed while another
process holds the write lock for :data:`LOCK_S` seconds.

The measurement runs in a fresh process (``python -m bench.gui_stall LIBRARY``) on a copy
of the cached library, with XDG folders in a temporary directory; it prints one JSON line.
With ``PAPERSHELF_STALL_STACKS=1`` it also samples the GUI thread's Python stack whenever
the heartbeat is late, and prints the most frequent stacks per scenario (to stderr).
Target: every scenario ≤ 50 ms, and every edit reaches the file.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bench.stall_probe import Heartbeat, StackSampler
from bench.stall_watch import DialogAnswerer, FileWatch, GcWatch

ROOT = Path(__file__).resolve().parents[1]
LOCK_S = 8.0
TARGET_MS = 50.0
KEY_GAPS_S = (0.12, 0.10, 0.14, 0.11, 0.15, 0.13)
"""The pauses between two keys (a person types 7–10 keys a second)."""
SETTLE_S = 0.4
"""After the edit is in the file, the window keeps being watched this long (repaints,
refreshes, counts arriving)."""
SCENARIO_TIMEOUT_S = 120.0
BULK_TIMEOUT_S = 400.0
"""A bulk edit of 100,000 papers is one transaction on the writer (about 20 s on a quiet
machine, over 100 s on a loaded one): how long its scenario waits for the file to have it."""

SCENARIOS = (
    "rate one paper in All",
    "rate one paper, title-sorted view",
    "type a one-letter search",
    "type a two-word search",
    "select all + rate",
    "undo the select-all rating",
    "rate and type a note, write lock held 8 s",
)

_HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
conn.close()
"""

Key = object
"""A key for ``QTest.keyClick``: a character, a ``Qt.Key``, or ``(Qt.Key, modifiers)``."""


def _spin(until: Callable[[], bool], timeout: float = SCENARIO_TIMEOUT_S) -> bool:
    """Run the event loop until ``until()`` holds (or the time is up)."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if until():
            return True
        time.sleep(0.001)
    return until()


def _settle(seconds: float = SETTLE_S) -> None:
    end = time.monotonic() + seconds
    _spin(lambda: time.monotonic() >= end, seconds + 1)


def _views() -> tuple[object, object]:
    try:
        from ui.views import ALL, INBOX
    except ImportError:  # the window before the views had a module of their own
        from ui.sidebar import ALL, INBOX  # type: ignore[no-redef]
    return ALL, INBOX


def _loaded(window: object) -> bool:
    """Whether the window has nothing on its way (every read and write arrived)."""
    model = window.model  # type: ignore[attr-defined]
    return (
        not getattr(model, "loading", False)
        and getattr(model, "complete", True)
        and getattr(window, "idle", True)
    )


class Typist:
    """Presses keys on the focused widget one at a time, the event loop running between."""

    def __init__(self, window: object) -> None:
        self._window = window
        self._gaps = itertools.cycle(KEY_GAPS_S)

    def focused(self) -> object:
        """The widget that has the keyboard focus (the window when none has)."""
        from PySide6.QtWidgets import QApplication

        return QApplication.focusWidget() or self._window

    def press(self, keys: Iterable[Key]) -> float:
        """Press ``keys`` in turn; returns ``time.monotonic()`` of the last press."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        pressed = time.monotonic()
        for n, key in enumerate(keys):
            if n:
                _settle(next(self._gaps))
            pressed = time.monotonic()
            if isinstance(key, tuple):
                QTest.keyClick(self.focused(), key[0], key[1])
            elif isinstance(key, str):
                QTest.keyClick(self.focused(), key)
            else:
                QTest.keyClick(self.focused(), key, Qt.KeyboardModifier.NoModifier)
        return pressed


def run(library: Path) -> dict[str, object]:
    """Every scenario on ``library`` (a copy: it is edited); figures in milliseconds."""
    from PySide6.QtCore import Qt

    from ui.app import start_session
    from ui.models import Column

    session = start_session(library)
    if isinstance(session, int):
        raise RuntimeError(f"the window did not open ({session})")
    window = session.window
    window.resize(1280, 800)
    window.activateWindow()
    files = FileWatch(library)
    answers = DialogAnswerer()
    beat = Heartbeat()
    sampler = StackSampler(beat) if os.environ.get("PAPERSHELF_STALL_STACKS") else None
    typist = Typist(window)
    collector = GcWatch()
    pauses: dict[str, dict[str, object]] = {}
    ALL, _INBOX = _views()
    results: dict[str, float] = {}
    working: dict[str, float] = {}
    unloaded: dict[str, float] = {}
    busiest: dict[str, float] = {}
    reached: dict[str, bool] = {}
    to_file: dict[str, float | None] = {}
    took: dict[str, float] = {}
    worst: dict[str, list[list[float]]] = {}
    worst_threads: dict[str, list[list[tuple[str, float]]]] = {}
    key = Qt.Key
    ctrl = Qt.KeyboardModifier.ControlModifier
    _spin(lambda: _loaded(window), 60)
    _settle(1.0)

    def show_view(view: object) -> None:
        window.sidebar.select_key(view)
        _spin(lambda: _loaded(window) and window.model.rowCount() > 0, 60)
        _settle()
        window.paper_list.setFocus(Qt.FocusReason.OtherFocusReason)
        window.paper_list.select_row(0)
        _settle()

    def measure(
        name: str,
        keys: list[Key],
        check: Callable[[Callable[..., object]], bool] | None,
        shown: Callable[[], bool] = lambda: True,
        *,
        poll: float = 0.05,
        timeout: float = SCENARIO_TIMEOUT_S,
    ) -> None:
        """Press ``keys``; wait until ``check`` holds in the file and ``shown()`` in the
        window (a search has no file to check: its result shown is when it arrived)."""
        if check is not None:
            files.expect(check, poll)
        if sampler is not None:
            sampler.take()
        collector.take()
        beat.start()
        clock_at_start = time.perf_counter()  # CLOCK_MONOTONIC (Linux): as `perf -k` stamps
        started = time.monotonic()
        pressed = typist.press(keys)
        ok = _spin(
            lambda: (check is None or files.reached) and shown() and _loaded(window), timeout
        )
        arrived = files.reached_at if check is not None else time.monotonic()
        took[name] = round(time.monotonic() - started, 1)
        _settle()
        files.cancel()
        results[name], cpu, unloaded[name] = (round(v, 1) for v in beat.stop())
        working[name] = cpu
        worst[name] = beat.worst()
        worst_threads[name] = beat.worst_threads()
        busiest[name] = round(beat.busiest * 1000, 1)
        pauses[name] = collector.take()
        reached[name] = ok
        to_file[name] = None if arrived is None else round(arrived - pressed, 2)
        print(
            f"  {name}: {results[name]} ms (GUI thread CPU {cpu} ms of it); "
            f"without its wait for a core {unloaded[name]} ms; "
            f"its longest burst of work {busiest[name]} ms; "
            f"{'in the file' if check else 'shown'} {to_file[name]} s after the key; "
            f"longest gaps [wall, GUI cpu, its wait for a core, others' cpu (ms), at s]: "
            f"{worst[name]}; "
            f"the other threads that ran most in them (CPU ms): {worst_threads[name]}; "
            f"garbage collector: {pauses[name]}; gaps' 'at' counts from {clock_at_start:.3f}",
            file=sys.stderr,
            flush=True,
        )
        if check is not None and not files.reached:
            print(f"    the file never showed it (last error: {files.error})", file=sys.stderr)
        if sampler is not None:
            for count, stack in sampler.take():
                print(f"    {count} samples:\n    {stack}", file=sys.stderr, flush=True)

    def rating_is(paper: int, stars: int) -> Callable[[Callable[..., object]], bool]:
        return lambda one: one("SELECT rating FROM paper WHERE id = ?", (paper,)) == stars

    # 1. One rating in All.
    show_view(ALL)
    paper = window.paper_list.current_id()
    measure(SCENARIOS[0], [key.Key_3], rating_is(paper, 3))

    # 2. One rating in a title-sorted view.
    header = window.paper_list.horizontalHeader()
    header.setSortIndicator(Column.TITLE, Qt.SortOrder.AscendingOrder)
    _spin(lambda: _loaded(window), 60)
    _settle(1.0)
    window.paper_list.setFocus(Qt.FocusReason.OtherFocusReason)
    window.paper_list.select_row(0)
    _settle()
    paper = window.paper_list.current_id()
    measure(SCENARIOS[1], [key.Key_4], rating_is(paper, 4))
    header.setSortIndicator(Column.ADDED, Qt.SortOrder.DescendingOrder)
    _spin(lambda: _loaded(window), 60)
    _settle(1.0)

    # 3 and 4. Searches typed into the search field, a key at a time.
    def shows(text: str) -> Callable[[], bool]:
        return lambda: window.model.view.search == text

    def clear_search() -> None:
        typist.press([key.Key_Escape])  # clears the search
        _spin(lambda: window.model.view.search == "" and _loaded(window), 120)
        _settle()

    measure(SCENARIOS[2], [(key.Key_F, ctrl), "a"], None, shows("a"))
    clear_search()
    measure(SCENARIOS[3], [(key.Key_F, ctrl), *"sparse attention"], None, shows("sparse attention"))
    clear_search()

    # 5 and 6. Select all, rate 2; undo.
    show_view(ALL)
    total = int(files.one("SELECT count(*) FROM paper") or 0)
    before_twos = int(files.one("SELECT count(*) FROM paper WHERE rating = 2") or 0)

    def twos(count: int) -> Callable[[Callable[..., object]], bool]:
        return lambda one: one("SELECT count(*) FROM paper WHERE rating = 2") == count

    bulk = {"poll": 0.5, "timeout": BULK_TIMEOUT_S}
    measure(SCENARIOS[4], [(key.Key_A, ctrl), key.Key_2], twos(total), **bulk)  # type: ignore[arg-type]
    measure(SCENARIOS[5], [(key.Key_Z, ctrl)], twos(before_twos), **bulk)  # type: ignore[arg-type]

    # 7. A rating and a note while another process holds the write lock.
    show_view(ALL)
    window.paper_list.select_row(5)
    _settle()
    paper = window.paper_list.current_id()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(library), str(LOCK_S)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    holder.stdout.readline()  # "locked"
    note = "typed while the library was locked"

    def both_stored(one: Callable[..., object]) -> bool:
        text = one("SELECT note FROM paper WHERE id = ?", (paper,))
        return rating_is(paper, 5)(one) and note in str(text or "")

    started = time.monotonic()
    # 5 rates, N opens the note, the note is typed, Escape saves it and goes back to the list.
    keys: list[Key] = [key.Key_5, key.Key_N, *note, key.Key_Escape]
    measure(SCENARIOS[6], keys, both_stored, timeout=LOCK_S + 30)
    holder.wait(30)
    lock_wait = time.monotonic() - started

    if sampler is not None:
        sampler.close()
    session.close()
    return {
        "stall_ms": results,
        "stall_gui_cpu_ms": working,
        "stall_without_core_wait_ms": unloaded,
        "gui_longest_burst_ms": busiest,
        "load_average": os.getloadavg()[0],
        "reached": reached,
        "seconds_to_file": to_file,
        "seconds_total": took,
        "worst_gaps": worst,
        "worst_gap_threads": worst_threads,
        "gc_pauses": pauses,
        "lock_scenario_s": round(lock_wait, 1),
        "error_messages": answers.messages,
        "papers": total,
    }


def measure(workdir: Path, papers: int = 100_000) -> dict[str, object]:
    """Run the scenarios in a fresh process on a copy of the cached ``papers`` library."""
    from bench.corpus import build_library, library_path

    source = build_library(library_path(Path(workdir), papers), papers)
    with tempfile.TemporaryDirectory(prefix="papershelf-stall-") as home:
        copy = Path(home) / "library.sqlite"
        shutil.copyfile(source, copy)
        env = dict(os.environ)
        env.update(
            QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
            XDG_DATA_HOME=str(Path(home) / "data"),
            XDG_CONFIG_HOME=str(Path(home) / "config"),
            XDG_STATE_HOME=str(Path(home) / "state"),
            XDG_CACHE_HOME=str(Path(home) / "cache"),
            PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
        )
        done = subprocess.run(
            [sys.executable, "-m", "bench.gui_stall", str(copy)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        sys.stderr.write(done.stderr[-4000:])
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"the scenarios failed ({done.returncode})")
        return dict(json.loads(lines[-1]))


def main() -> None:
    """Run the scenarios on the library named on the command line; print one JSON line."""
    result = run(Path(sys.argv[1]))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
