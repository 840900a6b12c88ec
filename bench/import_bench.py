"""Bulk import against the floor: plain ``sqlite3`` ``executemany`` into a table plus FTS5.

Both sides store the same unique papers with the same FTS5 tokenizer, in the same process,
from the same files on disk. Ours also reads and hashes every file, parses it, deduplicates,
records history (appearances) and commits once per digest.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import CorpusSpec, write_digests
from reader.digests import parse
from reader.importer import Importer
from reader.keys import normalise_title
from reader.library import Library


def corpus(workdir: Path, digests: int) -> list[Path]:
    """The benchmark's digest files (written once per size, then reused)."""
    folder = workdir / f"digests-{digests}"
    done = folder / ".complete"
    if done.exists():
        return sorted(folder.glob("*.txt"))
    paths = write_digests(folder, CorpusSpec(digests=digests))
    done.touch()
    return paths


def baseline(paths: list[Path], db_path: Path) -> tuple[float, int]:
    """Seconds to parse ``paths`` and ``executemany`` their unique papers, in one transaction,
    into a table equivalent to ours: the same schema, indexes and FTS5 index (created by
    opening a library), with none of the importer's work (hashing, dedup lookups, history,
    per-file transactions).
    """
    Library(db_path).close()  # the schema, outside the timed part
    start = time.perf_counter()
    unique: dict[str, tuple[object, ...]] = {}
    for path in paths:
        for e in parse(path).entries:
            key = normalise_title(e.title)
            if key not in unique:
                unique[key] = (key, e.title, e.abstract, e.authors_count, e.organization,
                               e.published.isoformat() if e.published else None, e.comments,
                               "2026-01-01T00:00:00Z")  # fmt: skip
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO paper (title_key, title, abstract, authors_count, organization, published, "
        "comments, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        list(unique.values()),
    )
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start, len(unique)


def ours(paths: list[Path], db_path: Path) -> tuple[float, int]:
    """Seconds for Papershelf's importer to import every file, and the papers it holds."""
    start = time.perf_counter()
    with Library(db_path) as library:
        Importer(library).import_paths(paths)
        end = time.perf_counter()
        return end - start, library.count()


def cli(paths: list[Path], db_path: Path) -> float:
    """Seconds for ``papershelf import FOLDER`` as a user runs it."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(db_path), "import", str(paths[0].parent)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def measure(workdir: Path, digests: int = 1000, *, with_cli: bool = True) -> dict[str, float]:
    """Import figures: papers/s for ours and the baseline, and their ratio."""
    workdir.mkdir(parents=True, exist_ok=True)
    paths = corpus(workdir, digests)
    for name in ("baseline.sqlite", "ours.sqlite", "cli.sqlite"):
        for suffix in ("", "-wal", "-shm"):
            (workdir / (name + suffix)).unlink(missing_ok=True)
    base_s, unique = baseline(paths, workdir / "baseline.sqlite")
    ours_s, stored = ours(paths, workdir / "ours.sqlite")
    assert stored == unique, (stored, unique)
    result = {
        "digests": float(len(paths)),
        "unique_papers": float(unique),
        "baseline_s": base_s,
        "ours_s": ours_s,
        "ratio": ours_s / base_s,
        "papers_per_s": unique / ours_s,
        "bytes_per_paper": (workdir / "ours.sqlite").stat().st_size / unique,
    }
    if with_cli:
        result["cli_s"] = cli(paths, workdir / "cli.sqlite")
    return result


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for key, value in measure(Path("bench/.cache/import"), n).items():
        print(f"{key:>16}: {value:,.3f}")
