"""Benchmark: export 10,000 notes, then re-export them unchanged.

Target: the unchanged re-export is at least 10 times faster than the first export (it
renders and hashes every note but writes nothing, so the notes' mtimes stay).

    python -m bench.export_bench [--papers N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from reader.digests.model import Digest, Entry
from reader.export import ExportOptions, export_notes
from reader.library import Library, Status
from reader.library.ingest import SourceFile, record_digest

TARGET_RATIO = 10.0
_WORDS = (
    "attention sparse long context scaling language models diffusion retrieval agents "
    "reasoning vision speech tokenization alignment memory efficient training inference "
    "benchmark evaluation graph neural reinforcement learning robust multilingual"
).split()


def build_library(path: Path, papers: int, *, seed: int = 7) -> Library:
    """A library of ``papers`` synthetic papers in digests of 500, with some user fields set."""
    rng = random.Random(seed)
    library = Library(path)
    day = date(2025, 1, 1)
    for start in range(0, papers, 500):
        entries = []
        for n in range(start, min(start + 500, papers)):
            words = rng.sample(_WORDS, 6)
            entries.append(
                Entry(
                    title=f"{' '.join(words).capitalize()}: study {n}",
                    abstract=" ".join(rng.choice(_WORDS) for _ in range(180)),
                    authors_count=rng.randint(1, 30),
                    published=day - timedelta(days=rng.randint(0, 900)),
                    comments=rng.randint(0, 40) or None,
                    arxiv_id=f"25{n // 100_000:02d}.{n % 100_000:05d}" if n % 3 else None,
                )
            )
        digest = Digest(
            format="bench",
            entries=tuple(entries),
            date=day,
            captured_at=datetime(day.year, day.month, day.day, 18, tzinfo=UTC),
        )
        record_digest(library, SourceFile(f"bench-{start}.txt", None, None, "bench"), digest)
        day += timedelta(days=1)
    ids = library.paper_ids()
    library.add_tags(ids[::7], ["long context"])
    library.add_tags(ids[::11], ["to read/maybe"])
    library.set_rating(ids[::5], 4)
    library.set_status(ids[::9], Status.QUEUE)
    for paper_id in ids[::13]:
        library.set_note(paper_id, f"Thoughts on {paper_id}:\n\n- promising\n- check the code\n")
    return library


def measure(workdir: Path, papers: int = 10_000) -> dict[str, float]:
    """Seconds for the first export of ``papers`` notes and for an unchanged re-export."""
    workdir.mkdir(parents=True, exist_ok=True)
    library = build_library(workdir / "bench.sqlite", papers)
    try:
        options = ExportOptions(folder=workdir / "vault")
        started = time.perf_counter()
        first = export_notes(library, options)
        first_s = time.perf_counter() - started
        assert len(first.written) == papers + 1, first.summary()
        started = time.perf_counter()
        again = export_notes(library, options)
        reexport_s = time.perf_counter() - started
        assert not again.written, again.summary()
        assert len(again.unchanged) == papers + 1, again.summary()
    finally:
        library.close()
    return {
        "papers": float(papers),
        "first_s": first_s,
        "reexport_s": reexport_s,
        "ratio": first_s / reexport_s if reexport_s else float("inf"),
    }


def main() -> None:
    """Run the benchmark and print the figures against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, help="default: a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="papershelf-export-bench-") as temp:
        result = measure(args.workdir or Path(temp), args.papers)
    print(f"export of {int(result['papers']):,} notes: {result['first_s']:.2f} s")
    print(f"unchanged re-export: {result['reexport_s']:.2f} s")
    verdict = "meets" if result["ratio"] >= TARGET_RATIO else "MISSES"
    print(f"ratio: {result['ratio']:.1f}x ({verdict} the {TARGET_RATIO:g}x target)")


if __name__ == "__main__":
    main()
