"""``make bench``'s rows for the features: the watched folder, export, the import lock,
rules, formats, the vault, the GUI thread's stalls, ranking, citations and bulk edits."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench.figure import CACHE, SMOKE, Figure, Sizes, at_most, cpus


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
        f"at load {r['load']:.1f} on {cpus()} CPUs; baseline: bibtexparser alone"
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
