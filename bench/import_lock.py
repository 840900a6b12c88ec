"""How long another writer waits while a large digest is imported.

A second connection (as the window's writer or another ``papershelf`` command would) sets
a rating every 10 ms while one digest of ``entries`` new papers is imported into a library
that already holds ``entries`` papers. The figure is the longest wait of one such edit:
the time the import holds the write lock. It must stay well under the busy timeout
(``reader.library.connection.BUSY_TIMEOUT_MS``), past which the edit fails as "busy".
"""

from __future__ import annotations

import statistics
import threading
import time
from datetime import date
from pathlib import Path

from reader.digests.model import Digest, Entry
from reader.library import Library
from reader.library.ingest import SourceFile, record_digest


def _digest(first: int, count: int) -> Digest:
    return Digest(
        "bench",
        tuple(
            Entry(
                title=f"Lock benchmark paper {n}: on waiting writers",
                abstract=f"We measure paper {n} and the writers waiting for it. " * 6,
                authors_count=4,
                published=date(2025, 5, 1),
            )
            for n in range(first, first + count)
        ),
        date(2026, 1, 30),
    )


def measure(workdir: Path, entries: int) -> dict[str, float]:
    """Import ``entries`` new papers while another connection keeps editing."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"lock-{entries}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    with Library(path) as library:
        record_digest(library, SourceFile("seed", 1, "seed", "bench"), _digest(0, entries))
    waits: list[float] = []
    done = threading.Event()

    def edit() -> None:
        with Library(path) as other:
            stars = 0
            while not done.is_set():
                stars = (stars + 1) % 6
                started = time.perf_counter()
                other.set_rating(1, stars)
                waits.append(time.perf_counter() - started)
                time.sleep(0.01)

    editor = threading.Thread(target=edit)
    editor.start()
    time.sleep(0.1)
    with Library(path) as library:
        started = time.perf_counter()
        record_digest(library, SourceFile("big", 1, "big", "bench"), _digest(entries, entries))
        total = time.perf_counter() - started
    time.sleep(0.05)
    done.set()
    editor.join()
    return {
        "entries": entries,
        "import_s": total,
        "max_wait_s": max(waits),
        "p50_wait_s": statistics.median(waits),
    }
