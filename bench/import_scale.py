"""Bulk import at scale: papers per second as the library grows, and at 100,000 and at N.

Two measurements, both through the real write path
(:func:`reader.library.ingest.record_digest`: digests of 50, one transaction each, both
full-text indexes, the words' vocabulary and every sort index updated):

- **growth**: a library built from empty through that path, to ``GROWTH`` papers, and the
  rate at each size in ``CHECKPOINTS``. Its full-text indexes were built the way a
  reader's are, one import after another, so their segments (FTS5's merge levels: what
  an import pays for as the index grows) are the real ones.
  Each rate is over all papers since the previous checkpoint (so the big, rare merges
  are in it), beside the rows SQLite wrote per paper (``total_changes``: every row
  inserted, updated or deleted, each full-text page and merge output included), which
  load on the machine cannot change.
  A rate that falls as the library grows shows here (it did: one FTS5 segment per paper
  made it ~70 papers/s of CPU at 9,000 papers).
- **at size**: the same new papers (``DIGESTS`` digests, after ``WARMUP`` untimed ones
  that give the index's lower levels their segments) into a copy of each cached library
  (100,000 and N). Those were built with the indexes made once at the end
  (:mod:`bench.corpus_bulk`), so their upper levels are one optimized segment; the growth
  curve is what shows the merge levels' cost. Each rate comes with the bytes the process
  wrote per paper (``written_kb_per_paper``: the WAL and its checkpoints), which load
  cannot change. A library made by :mod:`bench.corpus_bulk` before stop 5 has its sort
  indexes made by ``CREATE INDEX`` (every leaf full): each first insert into a leaf splits
  it, which at a million papers lasts for tens of thousands of papers and shows here as
  ~45% more bytes written per paper than at 100,000 (see that module). The CPU is split
  into user and system time, beside the read calls per paper (``reads_per_paper``:
  SQLite reads a page per call, a page its 16 MiB cache did not hold; system time is
  mostly those calls and the writes).

CPU time is reported beside wall time (the machine is shared), and the library's bytes
per paper, and each index's segments and levels when measured.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from bench.corpus import build_library, library_path, papers
from reader.digests.model import Digest, Entry
from reader.library import Library
from reader.library.fts_segments import layout
from reader.library.ingest import SourceFile, record_digest

DIGESTS = 20
WARMUP = 10
BATCH = 50
GROWTH = 20_000
CHECKPOINTS = (300, 1_000, 3_000, 10_000, 20_000, 50_000, 100_000)
INDEXES = ("paper_fts", "paper_words")


def _digests(count: int, seed: int, tag: str) -> Iterator[tuple[SourceFile, Digest]]:
    """``count`` digests of ``BATCH`` new papers: titles marked and arXiv ids from a range
    the corpus never uses, so that none is known (the corpus numbers its ids from 2301.)."""
    stream = enumerate(papers(count * BATCH, seed=seed))
    for number in range(count):
        entries: tuple[Entry, ...] = tuple(
            dataclasses.replace(
                e,
                title=f"{e.title} ({tag})",
                arxiv_id=e.arxiv_id and f"{3001 + serial // 99_999}.{serial % 99_999:05d}",
            )
            for _, (serial, e) in zip(range(BATCH), stream, strict=False)
        )
        day = date(2030, 1, 1) + timedelta(days=number)
        source = SourceFile(f"/digests/{tag}-{day}.txt", None, f"{tag}-{number}", "bench")
        yield source, Digest("synthetic", entries, day)


def _indexes(library: Library) -> dict[str, dict[str, int]]:
    """Each full-text index's segments and levels (empty levels included, as FTS5 counts)."""
    out = {}
    for table in INDEXES:
        found = layout(library.connection, table)
        out[table] = {"segments": found.segments, "levels": len(found.levels)}
    return out


def _io(field: str = "wchar") -> int:
    """This process's ``/proc/self/io`` counter ``field`` (Linux; 0 elsewhere): ``wchar``
    bytes written, ``rchar`` bytes read, ``syscr`` read calls (SQLite reads a page a call:
    a page its own cache did not hold)."""
    try:
        with Path("/proc/self/io").open() as io:
            return next(int(line.split()[1]) for line in io if line.startswith(f"{field}:"))
    except (OSError, StopIteration):
        return 0


def _written() -> int:
    """Bytes this process has written (Linux; 0 elsewhere)."""
    return _io("wchar")


def _size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def growth(scratch: Path, total: int = GROWTH) -> dict[str, object]:
    """Build a library of ``total`` papers from empty; the rate before each checkpoint."""
    path = scratch / "growth.sqlite"
    _remove(path)
    checkpoints = [c for c in CHECKPOINTS if c <= total] or [total]
    cpu = wall = 0.0
    since = 0
    out: dict[str, object] = {}
    try:
        with Library(path) as library:
            changes = library.connection.total_changes
            for number, (source, digest) in enumerate(
                _digests(total // BATCH, seed=1415, tag="growth")
            ):
                started_wall, started_cpu = time.perf_counter(), time.process_time()
                record_digest(library, source, digest)
                cpu += time.process_time() - started_cpu
                wall += time.perf_counter() - started_wall
                done = (number + 1) * BATCH
                if done in checkpoints:
                    rows = library.connection.total_changes - changes
                    out[str(done)] = {
                        "window": f"{since:,}-{done:,}",
                        "per_s_cpu": (done - since) / cpu,
                        "per_s_wall": (done - since) / wall,
                        "rows_written_per_paper": rows / (done - since),
                        "bytes_per_paper": _size(path) / done,
                        **_indexes(library),
                    }
                    cpu = wall = 0.0
                    since = done
                    changes = library.connection.total_changes
    finally:
        _remove(path)
    return out


def _rate(path: Path, scratch: Path, digests: int, warmup: int) -> dict[str, object]:
    """Import ``digests`` new digests into a copy of ``path``; rates and the size."""
    copy = scratch / f"scale-{path.name}"
    shutil.copyfile(path, copy)
    try:
        with Library(copy) as library:
            bytes_per_paper = path.stat().st_size / max(library.count(), 1)
            stream = _digests(warmup + digests, seed=1414, tag="scale probe")
            for _, (source, digest) in zip(range(warmup), stream, strict=False):
                record_digest(library, source, digest)
            timed = list(stream)  # made before the clocks start: the generator is no import
            count = library.count()
            written, reads = _written(), _io("syscr")
            wall = time.perf_counter()
            cpu = time.process_time()
            times = os.times()
            for source, digest in timed:
                record_digest(library, source, digest)
            wall_s = time.perf_counter() - wall
            cpu_s = time.process_time() - cpu
            after = os.times()
            written, reads = _written() - written, _io("syscr") - reads
            added = library.count() - count
            indexes = _indexes(library)
    finally:
        _remove(copy)
    return {
        "papers": float(count),
        "added": float(added),
        "per_s_wall": added / wall_s,
        "per_s_cpu": added / cpu_s,
        "written_kb_per_paper": written / 1024 / max(added, 1),
        "user_ms_per_paper": (after.user - times.user) * 1000 / max(added, 1),
        "system_ms_per_paper": (after.system - times.system) * 1000 / max(added, 1),
        "reads_per_paper": reads / max(added, 1),
        "bytes_per_paper": bytes_per_paper,
        **indexes,
    }


def measure(
    cache: Path,
    papers_at: int,
    *,
    digests: int = DIGESTS,
    warmup: int = WARMUP,
    grow_to: int = GROWTH,
    at_sizes: tuple[int, ...] | None = None,
) -> dict[str, object]:
    """The growth curve, and the import rate at 100,000 papers and at ``papers_at`` (or at
    each of ``at_sizes``: none for a quick run)."""
    out: dict[str, object] = {"growth": growth(cache, grow_to) if grow_to else {}}
    for size in sorted({100_000, papers_at} if at_sizes is None else set(at_sizes)):
        path = build_library(library_path(cache, size), size)
        out[str(size)] = _rate(path, cache, digests, warmup)
    return out


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", type=int, nargs="?", default=1_000_000)
    parser.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("PAPERSHELF_BENCH_CACHE", "bench/.cache"))
    )
    parser.add_argument("--digests", type=int, default=DIGESTS)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--grow-to", type=int, default=GROWTH, help="0: no growth curve")
    parser.add_argument("--growth-only", action="store_true")
    args = parser.parse_args()
    if args.growth_only:
        result: dict[str, object] = {"growth": growth(args.cache, args.grow_to)}
    else:
        result = measure(
            args.cache, args.papers, digests=args.digests, warmup=args.warmup, grow_to=args.grow_to
        )
    print(json.dumps(result, indent=2))
