"""``make bench``: every benchmark, one table of figures against their targets.

Each figure is measured against a baseline taken in the same run (shared machines make
absolute times meaningless); the table is printed and written as JSON to
``bench/results/latest.json``. ``--quick`` runs everything on small sizes in about a
minute; the full run takes a few minutes on 2 cores (the 100,000-paper library is built
once and cached under ``bench/.cache``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench.feature_figures import (
    bench_bulk_edit,
    bench_cite,
    bench_export,
    bench_formats,
    bench_gui_stall,
    bench_import_lock,
    bench_ranking,
    bench_rules,
    bench_vault,
    bench_watch,
)
from bench.figure import CACHE, FULL, QUICK, RESULTS, SMOKE, Figure, Sizes, at_most, cpus
from bench.library_figures import bench_import, bench_import_scale, bench_queries, bench_window

__all__ = ["CACHE", "FULL", "QUICK", "SMOKE", "Figure", "Sizes", "at_most", "main", "run"]


BENCHMARKS: dict[str, Callable[[Sizes, Path], list[Figure]]] = {
    "import": bench_import,
    "queries": bench_queries,
    "window": bench_window,
    "import_scale": bench_import_scale,
    "watch": bench_watch,
    "export": bench_export,
    "import-lock": bench_import_lock,
    "formats": bench_formats,
    "gui_stall": bench_gui_stall,
    "vault": bench_vault,
    "ranking": bench_ranking,
    "cite": bench_cite,
    "rules": bench_rules,
    "bulk_edit": bench_bulk_edit,
}


def run(sizes: Sizes, only: list[str] | None, work: Path) -> list[Figure]:
    """Run the chosen benchmarks; a benchmark that crashes becomes a failed row."""
    figures: list[Figure] = []
    for name, bench in BENCHMARKS.items():
        if only and name not in only:
            continue
        started = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            figures.extend(bench(sizes, work))
        except Exception as exc:
            traceback.print_exc()
            figures.append(Figure(name, None, "", passed=False, note=f"error: {exc}"))
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return figures


def table(figures: list[Figure]) -> str:
    """The figures as a plain-text table."""
    rows = [("figure", "value", "baseline", "ratio", "target", "result")]
    for f in figures:
        rows.append(
            (
                f.name,
                "—" if f.value is None else f"{f.value:,.3f} {f.unit}".strip(),
                "" if f.baseline is None else f"{f.baseline:,.3f} {f.unit}",
                "" if f.ratio is None else f"{f.ratio:.2f}",
                f.target,
                {True: "pass", False: "FAIL", None: ""}[f.passed],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {f.name}: {f.note}" for f in figures if f.note]
    return "\n".join(lines + (["", *notes] if notes else []))


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, write the JSON; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, about a minute")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks that it runs")
    parser.add_argument("--only", nargs="*", choices=list(BENCHMARKS), help="run only these")
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json")
    parser.add_argument(
        "--papers", type=int, help="library size for the search, view and window figures"
    )
    parser.add_argument(
        "--stride", type=int, help="measure every n-th (query, view, order) case only"
    )
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else QUICK if args.quick else FULL
    if args.papers:
        sizes = dataclasses.replace(sizes, library_papers=args.papers)
    if args.stride:
        sizes = dataclasses.replace(sizes, query_stride=args.stride)
    work = CACHE / ("smoke" if args.smoke else "quick" if args.quick else "full")
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    figures = run(sizes, args.only, work)
    print(table(figures))
    elapsed = time.perf_counter() - started
    print(f"\n{len(figures)} figures in {elapsed:.0f} s; JSON in {args.json}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "mode": "smoke" if args.smoke else "quick" if args.quick else "full",
                "machine": {"python": platform.python_version(), "cpus": cpus()},
                "seconds": round(elapsed, 1),
                "figures": [asdict(f) | {"ratio": f.ratio} for f in figures],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
