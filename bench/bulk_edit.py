"""A bulk edit of a whole library on the writer: rate every paper, move every paper, undo.

What the window's writer thread runs after Select All (Ctrl+A) and a rating or a status:
the undoable commands of :mod:`ui.commands` (``do`` and ``undo_change``, one transaction
each), on a copy of the cached library (the cache is never written). Each is timed in wall
time and in the CPU time of the thread that runs it (the machine may be shared).

``python -m bench.bulk_edit PAPERS [--cache DIR]`` prints the figures as JSON.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from bench.corpus import build_library, library_path
from reader.library import Changes, Library, Status


def _timed(action: Callable[[], Changes]) -> dict[str, float]:
    cpu, wall = time.thread_time(), time.perf_counter()
    changes = action()
    return {
        "cpu_s": time.thread_time() - cpu,
        "wall_s": time.perf_counter() - wall,
        "papers": float(len(changes.paper_ids)),
    }


def measure(cache: Path, work: Path, papers: int = 100_000) -> dict[str, dict[str, float]]:
    """Rate every paper 3 stars and undo, then move every paper to Queue and undo."""
    from ui.commands import SetRatingCommand, SetStatusCommand

    source = build_library(library_path(cache, papers), papers)
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "bulk-edit.sqlite"
    shutil.copyfile(source, copy)
    out: dict[str, dict[str, float]] = {}
    try:
        with Library(copy) as library:  # (the upgrade, if any, before the clock starts)
            ids = library.paper_ids()
            rate = SetRatingCommand(ids, 3)
            out["rate"] = _timed(lambda: rate.do(library))
            out["rate_undo"] = _timed(lambda: rate.undo_change(library))
            move = SetStatusCommand(ids, Status.QUEUE)
            out["status"] = _timed(lambda: move.do(library))
            out["status_undo"] = _timed(lambda: move.undo_change(library))
    finally:
        for leftover in (
            copy,
            copy.with_name(copy.name + "-wal"),
            copy.with_name(copy.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
    return out


if __name__ == "__main__":
    import argparse
    import json
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", type=int, nargs="?", default=100_000)
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".cache")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(measure(args.cache, Path(tmp), args.papers), indent=2))
