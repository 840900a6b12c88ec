"""Where the window's time goes during the ranking window bench: gaps, writes, publishes.

:mod:`bench.ranking_window` measures the window's longest GUI gap and each rating's time
to reach the file. These probes say what those figures are made of:

- :class:`GapLog`: every heartbeat gap with the GUI thread's own CPU in it
  (``time.thread_time``) and the CLOCK_MONOTONIC time it ended: a gap the GUI thread spent
  computing has its CPU; one it spent waiting (the interpreter lock, the scheduler) has none.
- :class:`WriterLog`: every job of the window's writer, with its wait in the queue, its
  wall and CPU, and from SQLite's statement trace the time its ``BEGIN IMMEDIATE`` took
  (the wait for the write lock, which the learner's child holds while it stores scores)
  and its ``COMMIT`` (with any checkpoint the commit ran).
- :class:`PublishLog`: every change published on the window's bus, with the GUI thread's
  wall and CPU in its subscribers, and whether it named every paper or a set of ids.

Each is installed on a running window by the bench and read with its ``summary``.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class GapLog:
    """Heartbeat gaps on the GUI thread: (gap ms, GUI thread CPU ms, end time s)."""

    gaps: list[tuple[float, float, float]] = field(default_factory=list)
    _last: tuple[float, float] | None = None

    def beat(self) -> None:
        """Call on every heartbeat tick (on the GUI thread)."""
        now, cpu = time.monotonic(), time.thread_time()
        if self._last is not None:
            wall0, cpu0 = self._last
            self.gaps.append(((now - wall0) * 1000, (cpu - cpu0) * 1000, now))
        self._last = (now, cpu)

    def worst(self, count: int = 5, since: float = 0.0) -> list[dict[str, float]]:
        """The ``count`` longest gaps: ms, the GUI thread's CPU ms in them, when they ended."""
        top = sorted(self.gaps, reverse=True)[:count]
        return [
            {"ms": round(g, 1), "gui_cpu_ms": round(c, 1), "at_s": round(t - since, 3)}
            for g, c, t in top
        ]


@dataclass
class Job:
    """One writer job: when it was queued, started and ended, its CPU, its statements."""

    queued: float
    started: float = 0.0
    ended: float = 0.0
    cpu_s: float = 0.0
    statements: list[tuple[float, str]] = field(default_factory=list)

    def lock_wait_s(self) -> float:
        """From ``BEGIN IMMEDIATE`` starting to the next statement starting (lock waits)."""
        for (t, sql), (t_next, _) in zip(self.statements, self.statements[1:], strict=False):
            if sql.startswith("BEGIN IMMEDIATE"):
                return t_next - t
        return 0.0

    def commit_s(self) -> float:
        """From ``COMMIT`` starting to the job's end (the commit and any checkpoint it ran)."""
        for t, sql in reversed(self.statements):
            if sql.startswith("COMMIT"):
                return self.ended - t
        return 0.0

    def row(self, since: float) -> dict[str, float]:
        """The job's figures in ms (times in s from ``since``)."""
        return {
            "queued_at_s": round(self.queued - since, 3),
            "queue_ms": round((self.started - self.queued) * 1000, 1),
            "wall_ms": round((self.ended - self.started) * 1000, 1),
            "cpu_ms": round(self.cpu_s * 1000, 1),
            "lock_wait_ms": round(self.lock_wait_s() * 1000, 1),
            "commit_ms": round(self.commit_s() * 1000, 1),
            "statements": len(self.statements),
        }


class WriterLog:
    """Times every job the window's writer (:class:`~reader.worker.LibraryWorker`) runs."""

    def __init__(self, worker: Any) -> None:
        self.jobs: list[Job] = []
        self._current: Job | None = None
        self._traced: set[int] = set()
        submit = worker.submit

        def timed_submit(job: Callable[[Any], Any], **kwargs: Any) -> Any:
            record = Job(time.monotonic())
            self.jobs.append(record)

            def run(library: Any) -> Any:
                self._trace(library)
                record.started, cpu = time.monotonic(), time.thread_time()
                self._current = record
                try:
                    return job(library)
                finally:
                    self._current = None
                    record.ended, record.cpu_s = time.monotonic(), time.thread_time() - cpu

            return submit(run, **kwargs)

        worker.submit = timed_submit

    def _trace(self, library: Any) -> None:
        conn = library._conn  # the writer's own connection (a bench probe, not the API)
        if id(conn) in self._traced:
            return
        self._traced.add(id(conn))

        def statement(sql: str) -> None:
            job = self._current
            if job is not None and threading.current_thread().name.startswith("papershelf"):
                job.statements.append((time.monotonic(), sql.lstrip()[:40]))

        conn.set_trace_callback(statement)

    def summary(self, since: float, until: float) -> dict[str, Any]:
        """The jobs queued between ``since`` and ``until``: the slowest, and the maxima."""
        jobs = [j for j in self.jobs if since <= j.queued <= until and j.ended]
        if not jobs:
            return {"jobs": 0}
        slowest = sorted(jobs, key=lambda j: j.ended - j.queued, reverse=True)[:3]
        return {
            "jobs": len(jobs),
            "wall_max_ms": round(max(j.ended - j.started for j in jobs) * 1000, 1),
            "queue_max_ms": round(max(j.started - j.queued for j in jobs) * 1000, 1),
            "lock_wait_max_ms": round(max(j.lock_wait_s() for j in jobs) * 1000, 1),
            "commit_max_ms": round(max(j.commit_s() for j in jobs) * 1000, 1),
            "slowest": [j.row(since) for j in slowest],
        }


class PublishLog:
    """Times the GUI thread's work in every change the window's bus publishes."""

    def __init__(self, bus: Any) -> None:
        self.rows: list[dict[str, Any]] = []
        publish = bus.publish

        profile = bool(os.environ.get("RANKING_PROFILE"))  # what a slow publish ran
        self.profiles: list[str] = []

        def timed_publish(changes: Any, initiator: object = None) -> None:
            profiler = cProfile.Profile() if profile else None
            began, cpu = time.monotonic(), time.thread_time()
            if profiler is not None:
                profiler.runcall(publish, changes, initiator)
            else:
                publish(changes, initiator)
            if profiler is not None and time.monotonic() - began > 0.02:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(12)
                self.profiles.append(f"at {began:.3f}: " + out.getvalue()[-3000:])
            self.rows.append(
                {
                    "at": began,
                    "ms": (time.monotonic() - began) * 1000,
                    "cpu_ms": (time.thread_time() - cpu) * 1000,
                    "ids": len(changes.paper_ids),
                    "every_paper": bool(getattr(changes, "every_paper", False)),
                    "fields": sorted(changes.fields),
                }
            )

        bus.publish = timed_publish

    def interest_after(self, since: float) -> bool:
        """Whether interest changes were published after ``since`` (a refit's)."""
        return any(r["at"] >= since and "interest" in r["fields"] for r in self.rows)

    def summary(self, since: float) -> dict[str, Any]:
        """The slowest publish, and the refit's (its biggest change)."""
        if not self.rows:
            return {"publishes": 0}
        slowest = max(self.rows, key=lambda r: r["ms"])
        biggest = max(self.rows, key=lambda r: (r["every_paper"], r["ids"]))

        def shown(row: dict[str, Any]) -> dict[str, Any]:
            return {
                **{k: round(v, 1) if isinstance(v, float) else v for k, v in row.items()},
                "at": round(row["at"] - since, 3),
            }

        return {
            "publishes": len(self.rows),
            "slowest": shown(slowest),
            "refit": shown(biggest),
            "profiles": self.profiles[:3],
        }


def learner_publishes() -> list[dict[str, Any]]:
    """Time every :meth:`Stored.publish <reader.ranking.update.Stored.publish>` from now on
    (the learner's thread turning a store's changed ids into the :class:`Changes` it
    publishes): its wall and its thread's CPU, in ms. Returns the list the rows go in."""
    from reader.ranking import update

    rows: list[dict[str, Any]] = []
    publish = update.Stored.publish

    def timed(self: Any) -> Any:
        began, cpu = time.monotonic(), time.thread_time()
        op = publish(self)
        rows.append(
            {
                "ms": (time.monotonic() - began) * 1000,
                "cpu_ms": (time.thread_time() - cpu) * 1000,
                "changed": int(self.changed.size),
                "thread": threading.current_thread().name,
            }
        )
        return op

    update.Stored.publish = timed  # type: ignore[method-assign]
    return rows


class GcLog:
    """Every garbage collection of the window's process: when, how long, on which thread."""

    def __init__(self) -> None:
        import gc

        self.rows: list[tuple[float, float, int, str]] = []  # start, ms, generation, thread
        self._began: dict[int, float] = {}

        def callback(phase: str, info: dict[str, int]) -> None:
            me = threading.get_ident()
            if phase == "start":
                self._began[me] = time.monotonic()
            elif me in self._began:
                began = self._began.pop(me)
                self.rows.append(
                    (
                        began,
                        (time.monotonic() - began) * 1000,
                        info.get("generation", -1),
                        threading.current_thread().name,
                    )
                )

        gc.callbacks.append(callback)

    def summary(self, since: float, until: float) -> dict[str, Any]:
        """The collections between ``since`` and ``until``: how many, the longest five."""
        rows = [r for r in self.rows if since <= r[0] <= until]
        top = sorted(rows, key=lambda r: r[1], reverse=True)[:5]
        return {
            "collections": len(rows),
            "total_ms": round(sum(r[1] for r in rows), 1),
            "longest": [
                {"at_s": round(t - since, 3), "ms": round(ms, 1), "gen": g, "thread": name}
                for t, ms, g, name in top
            ],
        }
