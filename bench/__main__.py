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
import os
import platform
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("PAPERSHELF_BENCH_CACHE") or ROOT / ".cache")
RESULTS = ROOT / "results"


@dataclass
class Figure:
    """One row of the table."""

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / baseline, when both are known."""
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def at_most(
    name: str,
    value: float,
    limit: float,
    unit: str,
    *,
    note: str = "",
    baseline: float | None = None,
    target: str = "",
) -> Figure:
    """A figure whose target is a ceiling: it passes when ``value`` is at most ``limit``
    (the target reads "≤ limit unit" unless another wording is given)."""
    return Figure(
        name,
        value,
        unit,
        baseline=baseline,
        target=target or f"≤ {limit:g} {unit}",
        passed=value <= limit,
        note=note,
    )


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark runs."""

    digests: int
    library_papers: int
    queries: int
    export_papers: int
    watch_samples: int
    query_stride: int = 1


FULL = Sizes(
    digests=1000, library_papers=100_000, queries=200, export_papers=10_000, watch_samples=20
)
QUICK = Sizes(
    digests=60,
    library_papers=5_000,
    queries=60,
    export_papers=2_000,
    watch_samples=5,
    query_stride=5,
)
SMOKE = Sizes(
    digests=4, library_papers=300, queries=10, export_papers=20, watch_samples=2, query_stride=50
)


def bench_import(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.import_bench import measure

    r = measure(work / "import", sizes.digests, with_cli=False)
    return [
        Figure(
            f"1. bulk import, {int(r['digests'])} digests ({int(r['unique_papers']):,} papers)",
            r["ours_s"],
            "s",
            baseline=r["baseline_s"],
            target="ratio ≤ 2",
            passed=r["ratio"] <= 2,
            note=f"{r['papers_per_s']:,.0f} papers/s; baseline: executemany into the same schema",
        )
    ]


def bench_queries(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.queries import measure

    r = measure(CACHE, sizes.library_papers, stride=sizes.query_stride)
    n = f"{sizes.library_papers:,} papers"
    big = sizes.library_papers >= 1_000_000
    search_p95, search_max, view_p95 = (20, 100, 20) if big else (10, 50, 10)

    def slowest(prefix: str) -> str:
        return "; ".join(r[f"{prefix}_slowest"])  # type: ignore[arg-type]

    def cases(prefix: str) -> str:
        return (
            f"{r[f'{prefix}_cases']} cases, p50 {r[f'{prefix}_p50_ms']:.1f} ms; CPU p95 "
            f"{r[f'{prefix}_cpu_p95_ms']:.1f} ms, max {r[f'{prefix}_cpu_max_ms']:.1f} ms"
        )

    def ms(key: str) -> float:
        return float(r[key])  # type: ignore[arg-type]

    return [
        *_cold_figures(sizes.library_papers, n),
        at_most(
            f"2. search as you type, first page, p95, warm page cache ({n})",
            ms("search_p95_ms"),
            search_p95,
            "ms",
            note=f"{cases('search')} (bench/workload.py: every query × view × order)",
        ),
        at_most(
            f"2. search as you type, first page, max, warm page cache ({n})",
            ms("search_max_ms"),
            search_max,
            "ms",
            note=f"slowest: {slowest('search')}",
        ),
        at_most(
            f"3. open a view in any order, p95, warm page cache ({n})",
            ms("view_p95_ms"),
            view_p95,
            "ms",
            note=f"{cases('view')}, max {r['view_max_ms']:.1f} ms; slowest: {slowest('view')}",
        ),
        at_most(
            f"3. exact count of a view or search, max, warm page cache ({n})",
            ms("count_max_ms"),
            100,
            "ms",
            note=f"{cases('count')}, p95 {r['count_p95_ms']:.1f} ms; slowest: {slowest('count')}",
        ),
        Figure(
            f"8. library size per paper ({n})",
            float(r["bytes_per_paper"]),  # type: ignore[arg-type]
            "bytes",
            target="reported",
        ),
    ]


def _cold_figures(papers: int, n: str) -> list[Figure]:
    """The window's first reads with the library evicted from the OS page cache, before
    and after the warm-up (bench/cold_queries.py); reported, beside the warm targets."""
    from bench import cold_queries
    from bench.corpus import library_path

    typing = cold_queries.TYPING_S if papers >= 100_000 else 0.0  # quick and smoke: no waits
    r = cold_queries.measure(library_path(CACHE, papers), typing_s=typing)
    load = "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())

    def step(name: str) -> str:
        got = [
            f"{c} {r[f'{c}_{name}_max_ms']:.1f} ms (CPU {r[f'{c}_{name}_cpu_max_ms']:.1f})"
            for c in cold_queries.CONDITIONS
        ]
        return "; ".join(got) + f"; slowest cold: {r[f'cold_{name}_slowest']}"

    def figure(label: str, name: str) -> Figure:
        return Figure(
            f"2c. {label}, max, cold page cache ({n})",
            float(r[f"cold_{name}_max_ms"]),  # type: ignore[arg-type]
            "ms",
            baseline=float(r[f"warmed_{name}_max_ms"]),  # type: ignore[arg-type]
            target="reported (baseline: after the warm-up)",
            note=f"{step(name)}; {load}",
        )

    return [
        figure("window's first counts and Inbox page", "open"),
        figure("first keystroke's page", "first_keystroke"),
        figure("any keystroke's page while typing a word", "keystroke"),
        figure("a keystroke's count", "count"),
        figure("next view opened", "view"),
        Figure(
            f"2c. warm-up after the first paint, MB read ({n})",
            float(r["warmup_mb"]),  # type: ignore[arg-type]
            "MB",
            target="reported",
            note=f"{r['warmup_s']:.2f} s wall, {r['warmup_cpu_s']:.2f} s CPU; {load}",
        ),
    ]


def bench_import_scale(sizes: Sizes, work: Path) -> list[Figure]:
    """Bulk import at ``papers`` against 100,000: the same new digests into a copy of each
    cached library today (bench/import_scale.py), the growth curve of a library built
    through the real path, and the last tenth of each cached library's build."""
    from bench import import_scale
    from bench.corpus import build_log, library_path

    papers = max(sizes.library_papers, 100_000)
    quick = sizes.library_papers < 100_000
    scale = import_scale.measure(
        CACHE,
        papers,
        grow_to=1_000 if quick else import_scale.GROWTH,
        at_sizes=() if quick else None,
    )
    at_n, at_100k = scale.get(str(papers)), scale.get("100000")
    today = []
    if isinstance(at_n, dict) and isinstance(at_100k, dict) and papers > 100_000:
        today.append(
            Figure(
                f"1. bulk import, papers/s of CPU at {papers:,} (new digests into a copy)",
                float(at_n["per_s_cpu"]),
                "papers/s",
                baseline=float(at_100k["per_s_cpu"]),
                target="within 20% of 100,000",
                passed=float(at_n["per_s_cpu"]) >= 0.8 * float(at_100k["per_s_cpu"]),
                note=(
                    f"wall {at_n['per_s_wall']:,.0f} vs {at_100k['per_s_wall']:,.0f} papers/s; "
                    f"{at_n['bytes_per_paper']:,.0f} bytes per paper; per paper written "
                    f"{at_n['written_kb_per_paper']:.0f} vs {at_100k['written_kb_per_paper']:.0f} KB, "
                    f"CPU user {at_n['user_ms_per_paper']:.3f} vs {at_100k['user_ms_per_paper']:.3f}"
                    f" ms, system {at_n['system_ms_per_paper']:.3f} vs "
                    f"{at_100k['system_ms_per_paper']:.3f} ms, read calls "
                    f"{at_n['reads_per_paper']:.1f} vs {at_100k['reads_per_paper']:.1f}"
                ),
            )
        )
    elif isinstance(at_100k, dict):
        today.append(
            Figure(
                "1. bulk import, papers/s of CPU at 100,000 (new digests into a copy)",
                float(at_100k["per_s_cpu"]),
                "papers/s",
                target="reported",
                note=(
                    f"wall {at_100k['per_s_wall']:,.0f} papers/s; "
                    f"{at_100k['bytes_per_paper']:,.0f} bytes per paper"
                ),
            )
        )
    grown = scale["growth"]
    assert isinstance(grown, dict)
    if grown:
        first, last = grown[min(grown, key=int)], grown[max(grown, key=int)]
        today.append(
            Figure(
                f"1. bulk import, papers/s of CPU at {int(max(grown, key=int)):,} papers built "
                "through the real path (its own full-text merge levels)",
                float(last["per_s_cpu"]),
                "papers/s",
                baseline=float(first["per_s_cpu"]),
                note=(
                    f"rows written per paper {last['rows_written_per_paper']:.1f} vs "
                    f"{first['rows_written_per_paper']:.1f}; curve: "
                    + ", ".join(f"{int(k):,}: {v['per_s_cpu']:,.0f}" for k, v in grown.items())
                ),
            )
        )

    def last_tenth(count: int) -> float | None:
        log = build_log(library_path(CACHE, count))
        if not log.exists():
            return None
        rates = json.loads(log.read_text(encoding="utf-8")).get(
            "papers_per_s_by_tenth"
        )  # bulk: none
        return float(rates[-1]) if rates else None

    ours = last_tenth(papers)
    if ours is None:
        return today
    base = last_tenth(100_000)
    return [
        *today,
        Figure(
            f"1. bulk import, papers/s at {papers:,} (last tenth of the build)",
            ours,
            "papers/s",
            baseline=base,
            target="within 20% of 100,000",
            passed=None if base is None else ours >= 0.8 * base,
            note="the cached library's build through record_digest; baseline: the same at 100,000",
        ),
    ]


def bench_window(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.window_start import max_rss, measure

    r = measure(CACHE, sizes.library_papers)
    rss = max_rss(r)  # the window open, its list's every id read and its end shown
    n = f"{sizes.library_papers:,} papers"
    rss_budget = 120 if sizes.library_papers >= 1_000_000 else 80
    return [
        at_most(
            f"4. cold start to first paint ({n})",
            r["app_start_s"],
            r["bare_start_s"] + 0.5,
            "s",
            baseline=r["bare_start_s"],
            target="≤ bare + 0.5 s",
            note=(
                f"+{r['app_start_s'] - r['bare_start_s']:.2f} s over a bare PySide6 window; "
                f"CPU +{r['app_cpu_s'] - r['bare_cpu_s']:.2f} s (GUI thread "
                f"{r['app_gui_cpu_s']:.2f} s)"
            ),
        ),
        Figure(
            f"4. cold start to the list's first page ({n})",
            r["app_rows_start_s"],
            "s",
            baseline=r["bare_start_s"],
            note=(
                f"+{r['app_rows_start_s'] - r['bare_start_s']:.2f} s over a bare PySide6 "
                f"window; CPU +{r['app_rows_cpu_s'] - r['bare_cpu_s']:.2f} s; "
                f"+{r['app_rows_rss_mb'] - r['bare_rss_mb']:.0f} MB"
            ),
        ),
        at_most(
            f"5. resident memory, window open ({n})",
            rss,
            r["bare_rss_mb"] + rss_budget,
            "MB",
            baseline=r["bare_rss_mb"],
            target=f"≤ bare + {rss_budget} MB",
            note=(
                f"+{rss - r['bare_rss_mb']:.0f} MB over a bare PySide6 window (at first paint "
                f"+{r['app_rss_mb'] - r['bare_rss_mb']:.0f} MB)"
            ),
        ),
    ]


def bench_watch(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.watch_latency import measure, percentile

    latencies = measure(work / "watch", sizes.watch_samples)
    p95 = percentile(latencies, 0.95)
    return [
        Figure(
            "6. watch latency, file landed → committed, p95",
            p95,
            "s",
            target="≤ 1 s",
            passed=p95 <= 1.0,
            note=f"p50 {statistics.median(latencies):.3f} s over {len(latencies)} files",
        )
    ]


def bench_export(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.export_bench import measure

    r = measure(work / "export", sizes.export_papers)
    return [
        Figure(
            f"7. unchanged re-export of {sizes.export_papers:,} notes",
            r["reexport_s"],
            "s",
            baseline=r["first_s"],
            target="≥ 10× faster than the first",
            passed=r["ratio"] >= 10,
            note=f"first export {r['first_s']:.2f} s; {r['ratio']:.1f}× faster",
        )
    ]


def bench_import_lock(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.import_lock import measure
    from reader.library.store import BUSY_TIMEOUT_MS

    entries = max(sizes.library_papers // 10, 200)
    r = measure(work / "import-lock", entries)
    return [
        Figure(
            f"9. another writer's longest wait during a {entries:,}-paper import",
            r["max_wait_s"],
            "s",
            target=f"< busy timeout ({BUSY_TIMEOUT_MS / 1000:g} s)",
            passed=r["max_wait_s"] < BUSY_TIMEOUT_MS / 1000,
            note=f"import {r['import_s']:.2f} s; median edit {r['p50_wait_s'] * 1000:.1f} ms",
        )
    ]


def bench_rules(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.rules_bench import measure

    papers = max(sizes.library_papers // 10, 500)
    r = measure(work / "rules", papers, 200)
    return [
        Figure(
            f"rules: import of 200 new papers ({papers:,} in the library) with five rules",
            r["rules_s"],
            "s",
            baseline=r["plain_s"],
            target="ratio ≤ 2 (the rules run inside the import's write lock)",
            passed=r["rules_s"] <= 2 * r["plain_s"],
            note=f"CPU {r['rules_cpu_s']:.3f} s with rules, {r['plain_cpu_s']:.3f} s without; "
            "baseline: the same import with no rule",
        )
    ]


def bench_formats(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.formats import measure

    r = measure(work / "formats", min(5_000, sizes.digests * 5))
    n = f"{int(r['entries']):,}"
    bib_note = (
        f"{r['bib_new']:,} papers, {r['bib_warnings']} warnings; {r['bib_wall_s']:.1f} s wall "
        f"at load {r['load']:.1f} on {_cpus()} CPUs; baseline: bibtexparser alone"
    )
    imports = (
        ("F1", f"a {n}-entry .bib (one transaction)", "bib", bib_note),
        ("F2", f"a {n}-record .ris", "ris", f"{r['ris_wall_s']:.1f} s wall; baseline: rispy alone"),
        (
            "F3",
            f"a {n}-item CSL-JSON file",
            "csl",
            f"{r['csl_wall_s']:.1f} s wall; baseline: json.loads alone",
        ),
    )
    return [
        *(
            at_most(
                f"{label}. import {what}, CPU time",
                float(r[f"{key}_s"]),
                5,
                "s",
                baseline=float(r[f"{key}_baseline_s"]),
                note=note,
            )
            for label, what, key, note in imports
        ),
        at_most(
            "F4. reference readers on hostile input, CPU time at 4n / at n",
            float(r["growth"]),
            6,
            "×",
            target="≤ 6 (linear: 4)",
            note=f"worst case: {r['growth_case']}",
        ),
    ]


def bench_vault(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.vault import TARGET_RATIO, TARGET_S, measure

    edited = max(sizes.export_papers // 10, 1)
    r = measure(work / "vault", sizes.export_papers, edited, rounds=1 if sizes is SMOKE else 3)
    rounds = f"median of {int(r['rounds'])} rounds, load {r['load'][0]:.1f}"
    return [
        at_most(
            f"11. re-export of {sizes.export_papers:,} notes, {edited:,} edited in the vault",
            r["edited_s"],
            TARGET_S,
            "s",
            baseline=r["unchanged_s"],
            target=f"≤ {TARGET_S:g} s, no conflicts",
            note=f"cpu {r['edited_cpu_s']:.2f} s; {rounds}; first export {r['first_s']:.2f} s "
            f"(cpu {r['first_cpu_s']:.2f}); unchanged {r['unchanged_s']:.2f} s "
            f"(cpu {r['unchanged_cpu_s']:.2f}); on {r['disk']}",
        ),
        at_most(
            f"11b. the same {edited:,} also changed in the library: three-way merges",
            r["merged_s"],
            TARGET_S,
            "s",
            baseline=r["unchanged_s"],
            target=f"≤ {TARGET_S:g} s, no conflicts",
            note=f"cpu {r['merged_cpu_s']:.2f} s; {rounds}; merged notes written, one disk "
            "wait per batch",
        ),
        Figure(
            f"11c. unchanged re-export of {sizes.export_papers:,} notes vs the first export",
            r["unchanged_s"],
            "s",
            baseline=r["first_s"],
            target=f"≥ {TARGET_RATIO:g}× faster than the first",
            passed=r["ratio"] >= TARGET_RATIO,
            note=f"{r['ratio']:.1f}× faster ({rounds}: "
            + ", ".join(f"{x:.1f}×" for x in r["ratios"])
            + f"); cpu {r['cpu_ratio']:.1f}× ("
            + ", ".join(f"{x:.1f}×" for x in r["cpu_ratios"])
            + f"); again {r['unchanged_again_s']:.2f} s (cpu {r['unchanged_again_cpu_s']:.2f})",
        ),
    ]


def _others_in_stall(r: dict[str, Any], name: str) -> str:
    """The other threads' CPU in a scenario's longest gap, and the busiest of them."""
    gaps = r.get("worst_gaps", {}).get(name) or []
    if not gaps:
        return ""
    threads = (r.get("worst_gap_threads", {}).get(name) or [[]])[0]
    busiest = ", ".join(f"{label} {ms:.0f} ms" for label, ms in threads)
    return f"other threads' CPU {gaps[0][3]:.0f} ms in it" + (
        f" ({busiest}), " if busiest else ", "
    )


def bench_gui_stall(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.gui_stall import SCENARIOS, TARGET_MS, measure

    r = measure(CACHE, sizes.library_papers)
    stalls, reached = r["stall_ms"], r["reached"]
    n = f"{sizes.library_papers:,} papers"
    return [
        Figure(
            f"10. GUI thread, longest stall: {name} ({n})",
            stalls.get(name),
            "ms",
            target=f"≤ {TARGET_MS:.0f} ms, edit in the file",
            passed=stalls.get(name) is not None
            and stalls[name] <= TARGET_MS
            and bool(reached.get(name)),
            note=(
                f"GUI thread's own CPU {r['stall_gui_cpu_ms'].get(name, 0):.0f} ms of it, "
                f"{_others_in_stall(r, name)}"
                f"{r['stall_without_core_wait_ms'].get(name, 0):.0f} ms without its wait for"
                f" a core, longest burst of its own work"
                f" {r['gui_longest_burst_ms'].get(name, 0):.0f} ms"
                f" (load average {r['load_average']:.1f}); "
                + (
                    f"{'shown' if 'search' in name else 'in the file'}"
                    f" {r['seconds_to_file'].get(name)} s after the key"
                    if reached.get(name)
                    else "the edit did NOT reach the file"
                )
            ),
        )
        for name in SCENARIOS
    ]


def bench_ranking(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.ranking_figures import ranking_figures

    return ranking_figures(sizes, work, CACHE, Figure)


def bench_cite(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.cite import STYLE_IDS, TARGET_BIBTEX_S, TARGET_FORMATTED_S, measure

    r = measure(work / "cite", sizes.library_papers, CACHE)
    n = f"{int(r['papers']):,} papers"
    cpu = "CPU {:.2f} s (the wall clock on a shared machine is inflated by its load)"
    figures = [
        at_most(
            f"11. {n} to BibTeX (read + write)",
            r["bibtex_total_s"],
            TARGET_BIBTEX_S,
            "s",
            note=cpu.format(r["bibtex_total_cpu_s"])
            + f"; read {r['read_s']:.2f} s, BibLaTeX {r['biblatex_s']:.2f} s, "
            f"CSL-JSON {r['csl-json_s']:.2f} s, RIS {r['ris_s']:.2f} s; the shared corpus",
        ),
    ]
    for style in STYLE_IDS:
        figures.append(
            at_most(
                f"11. {int(r['selection']):,} papers as formatted citations, {style}",
                r[f"{style}_cached_s"],
                TARGET_FORMATTED_S,
                "s",
                baseline=r[f"{style}_citeproc_s"],
                note=cpu.format(r[f"{style}_cached_cpu_s"])
                + "; through the filled citation cache, off the GUI thread; baseline: "
                f"citeproc-py alone (CPU {r[f'{style}_citeproc_cpu_s']:.2f} s); first copy "
                f"(empty cache) {r[f'{style}_first_s']:.2f} s (CPU "
                f"{r[f'{style}_first_cpu_s']:.2f} s); background fill "
                f"{r[f'{style}_fill_s']:.2f} s (CPU {r[f'{style}_fill_cpu_s']:.2f} s)",
            )
        )
    figures.append(
        Figure(f"11. citekeys for {n} without one", r["assign_s"], "s", target="reported")
    )
    from bench.cite_window import fill_figures

    return figures + fill_figures(sizes.library_papers, work, CACHE, Figure)


def bench_bulk_edit(sizes: Sizes, work: Path) -> list[Figure]:
    from bench.bulk_edit import measure

    papers = min(sizes.library_papers, 100_000)
    r = measure(CACHE, work / "bulk-edit", papers)
    names = {"rate": "rate", "rate_undo": "undo the rating", "status": "move to Queue",
             "status_undo": "undo the move"}  # fmt: skip
    return [
        Figure(
            f"12. select all + {label}, {int(r[key]['papers']):,} papers, on the writer",
            r[key]["wall_s"],
            "s",
            target="seconds (one transaction)",
            note=f"CPU {r[key]['cpu_s']:.2f} s",
        )
        for key, label in names.items()
    ]


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
                "machine": {"python": platform.python_version(), "cpus": _cpus()},
                "seconds": round(elapsed, 1),
                "figures": [asdict(f) | {"ratio": f.ratio} for f in figures],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return 0 if all(f.passed is not False for f in figures) else 1


def _cpus() -> int:
    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
