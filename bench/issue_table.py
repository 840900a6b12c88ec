"""Issue #14's table, rerun: what the list does per keystroke, cell by cell.

Each cell times ``count``, ``paper_ids(limit=60)`` and ``rows`` together (as the issue
measured them), for the issue's queries in the All view newest first, sorted by title,
rating and published (the slowest of the three), and in the Inbox newest first; CPU time
of the thread first (what load cannot change), wall time beside it. A cell that takes
longer than the cap is interrupted and shown as ``>cap``.

``python -m bench.issue_table PAPERS [--cache DIR]`` prints the table as Markdown.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from bench.corpus import build_library, library_path
from bench.queries import _timed
from reader.library import Library, PaperFilter, SortKey, Status

QUERIES = ("a", "th", "le", "learn", "model", "network", "-model", "has:note", "org:google")
COLUMNS = (
    ("All, newest first", PaperFilter(), ((SortKey.ADDED, True),)),
    (
        "sorted by title / rating / published",
        PaperFilter(),
        ((SortKey.TITLE, False), (SortKey.RATING, True), (SortKey.PUBLISHED, True)),
    ),
    ("Inbox, newest first", PaperFilter(status=Status.INBOX), ((SortKey.ADDED, True),)),
)


def cell(library: Library, view: PaperFilter, key: SortKey, descending: bool) -> None:
    """What the list did per keystroke when the issue was filed: count, first page, rows."""
    library.count(view)
    library.rows(library.paper_ids(view, key, descending=descending, limit=60))


def table(library: Library, cap_ms: float) -> str:
    """The issue's table for ``library`` as Markdown."""
    lines = ["| query | " + " | ".join(c[0] for c in COLUMNS) + " |", "|---" * 4 + "|"]
    for query in QUERIES:
        cells = []
        for _, view, orders in COLUMNS:
            worst = worst_cpu = 0.0
            capped = False
            for key, descending in orders:
                searched = dataclasses.replace(view, search=query)
                ms, hit, cpu = _timed(
                    library, lambda v=searched, k=key, d=descending: cell(library, v, k, d), cap_ms
                )
                worst, worst_cpu = max(worst, ms), max(worst_cpu, cpu)
                capped = capped or hit
            cells.append(
                f">{cap_ms:,.0f} ms" if capped else f"{worst_cpu:,.1f} ms CPU ({worst:,.1f} wall)"
            )
        lines.append(f"| `{query}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table for a cached library of the given size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", type=int)
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".cache")
    parser.add_argument("--cap-ms", type=float, default=5000)
    args = parser.parse_args(argv)
    path = build_library(library_path(args.cache, args.papers), args.papers)
    with Library(path) as library:
        for _, view, orders in COLUMNS:  # warm up: the window has been open a moment
            library.rows(library.paper_ids(view, orders[0][0], limit=60))
        print(table(library, args.cap_ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
