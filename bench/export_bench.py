"""Benchmark: export 10,000 notes, then re-export them unchanged.

Target: the unchanged re-export is at least 10 times faster than the first export (it
renders and hashes every note but writes nothing, so the notes' mtimes stay).

    python -m bench.export_bench [--papers N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.corpus import build_library, library_path
from reader.export import ExportOptions, export_notes
from reader.library import Library

TARGET_RATIO = 10.0


def measure(workdir: Path, papers: int = 10_000) -> dict[str, float]:
    """Seconds for the first export of ``papers`` notes and for an unchanged re-export."""
    workdir.mkdir(parents=True, exist_ok=True)
    cached = build_library(library_path(workdir, papers), papers)
    run = Path(tempfile.mkdtemp(prefix="export-", dir=workdir))
    shutil.copyfile(cached, run / "library.sqlite")  # each run starts with no export records
    library = Library(run / "library.sqlite")
    try:
        options = ExportOptions(folder=run / "vault")
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
        shutil.rmtree(run, ignore_errors=True)
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
