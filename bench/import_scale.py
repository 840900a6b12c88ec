"""Bulk import at scale: papers per second into the cached library of 100,000 and of N.

The same new papers (``DIGESTS`` daily digests of 50, none known to the library) go in
through the real write path (:func:`reader.library.ingest.record_digest`, one transaction
per digest, both full-text indexes and every sort index updated) into a copy of each
cached library, so the rate is the one a reader of that library sees today, with
today's schema (the cached libraries were built with an older one). CPU time is reported
beside wall time: the machine is shared. Also the library's bytes per paper.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from bench.corpus import build_library, library_path, papers
from reader.digests.model import Digest
from reader.library import Library
from reader.library.ingest import SourceFile, record_digest

DIGESTS = 20
BATCH = 50


def _rate(path: Path, scratch: Path, digests: int) -> dict[str, float]:
    """Import ``digests`` new digests into a copy of ``path``; rates and the size."""
    copy = scratch / f"scale-{path.name}"
    shutil.copyfile(path, copy)
    try:
        with Library(copy) as library:
            count = library.count()
            bytes_per_paper = path.stat().st_size / max(count, 1)
            stream = papers(digests * BATCH, seed=1414)
            wall = time.perf_counter()
            cpu = time.process_time()
            for number in range(digests):
                entries = tuple(
                    dataclasses.replace(e, title=f"{e.title} (scale probe)")
                    for _, e in zip(range(BATCH), stream, strict=False)
                )
                day = date(2030, 1, 1) + timedelta(days=number)
                source = SourceFile(f"/digests/scale-{day}.txt", None, f"scale-{number}", "bench")
                record_digest(library, source, Digest("synthetic", entries, day))
            wall_s = time.perf_counter() - wall
            cpu_s = time.process_time() - cpu
            added = library.count() - count
    finally:
        for leftover in (
            copy,
            copy.with_name(copy.name + "-wal"),
            copy.with_name(copy.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
    return {
        "papers": float(count),
        "added": float(added),
        "per_s_wall": added / wall_s,
        "per_s_cpu": added / cpu_s,
        "bytes_per_paper": bytes_per_paper,
    }


def measure(cache: Path, papers_at: int, *, digests: int = DIGESTS) -> dict[str, object]:
    """The import rate at 100,000 papers and at ``papers_at`` (both built if missing)."""
    sizes = sorted({100_000, papers_at})
    out: dict[str, object] = {}
    for size in sizes:
        path = build_library(library_path(cache, size), size)
        out[str(size)] = _rate(path, cache, digests)
    return out


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--cache", type=Path, default=Path("bench/.cache"))
    parser.add_argument("--digests", type=int, default=DIGESTS)
    args = parser.parse_args()
    print(json.dumps(measure(args.cache, args.papers, digests=args.digests), indent=2))
