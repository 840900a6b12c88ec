"""What import rules add to an import: a digest of new papers with and without five rules.

A library of ``papers`` papers takes a digest of ``new`` new papers twice (two copies of
the library): once with no rule, once with five rules whose searches range from a rare
filter to a word most papers have. The figure is the import's extra time (wall and CPU)
with the rules, which runs inside the import's transaction, holding the write lock.
"""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

from reader.digests.model import Digest, Entry
from reader.library import Library, rules
from reader.library.ingest import SourceFile, record_digest

RULES = (
    ("model", {"tags": ["models"]}),
    ('"language model"', {"status": "queue"}),
    ("diffusion -survey", {"rating": 3}),
    ("org:google", {"tags": ["google"]}),
    ("tag:models attention", {"tags": ["attention"]}),
)
WORDS = ("model", "language", "diffusion", "attention", "survey", "graph", "speech", "vision")


def _digest(first: int, count: int) -> Digest:
    entries = tuple(
        Entry(
            title=f"A {WORDS[n % 8]} {WORDS[(n * 3) % 8]} paper number {n}",
            abstract=f"We study {WORDS[(n * 5) % 8]} language model matters {n}. " * 4,
            authors_count=3,
            published=date(2025, 5, 1),
        )
        for n in range(first, first + count)
    )
    return Digest("bench", entries, date(2026, 1, 30))


def measure(workdir: Path, papers: int, new: int) -> dict[str, float]:
    """Seconds (wall, CPU) of importing ``new`` papers into ``papers``, without and with rules."""
    workdir.mkdir(parents=True, exist_ok=True)
    seed = workdir / f"rules-seed-{papers}.sqlite"
    if not seed.exists():
        with Library(seed) as library:
            for start in range(0, papers, 5000):
                batch = _digest(start, min(5000, papers - start))
                record_digest(library, SourceFile(f"seed{start}", 1, f"s{start}", "b"), batch)
    results: dict[str, float] = {}
    for label, with_rules in (("plain", False), ("rules", True)):
        path = workdir / f"rules-{label}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(seed, path)
        with Library(path) as library:
            if with_rules:
                for query, actions in RULES:
                    rules.add_rule(library, query, **actions)  # type: ignore[arg-type]
            wall, cpu = time.perf_counter(), time.process_time()
            record_digest(library, SourceFile("new", 1, "new", "b"), _digest(papers, new))
            results[f"{label}_s"] = time.perf_counter() - wall
            results[f"{label}_cpu_s"] = time.process_time() - cpu
    return results
