"""The ranking rows of ``make bench``: quality, speed, memory and the window during a refit.

The measurements are :mod:`bench.ranking_quality` (precision on real papers) and
:mod:`bench.ranking` (each speed step in a fresh process, and the window's steps of
:mod:`bench.ranking_window`); this module turns them into :class:`bench.figure.Figure` rows
with their targets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.ranking import measure_speed
from bench.ranking_window import BEAT_MS


def ranking_figures(sizes: Any, work: Path, cache: Path, figure: Any) -> list[Any]:
    """The rows of ``make bench`` (``figure`` is :class:`bench.figure.Figure`)."""
    from bench.corpus import library_path
    from bench.ranking_quality import measure

    smoke = sizes.library_papers < 1000
    seeds = (0,) if smoke else (0, 1) if sizes.library_papers < 50_000 else (0, 1, 2, 3)
    quality = measure(work, seeds=seeds, readers=2 if smoke else None)
    by_field: dict[str, dict[str, float]] = quality["by_field"]  # type: ignore[assignment]
    by_seed: dict[int, dict[str, float]] = quality["by_seed"]  # type: ignore[assignment]
    readers = (
        f"{quality['readers']} simulated readers ({len(by_field)} liked fields, seeds "
        f"{', '.join(map(str, by_seed))}), {quality['papers']} real papers of "
        f"{quality['fields']} fields (arXiv, a Wiley journal, Daily Papers, bioRxiv, TMLR feeds)"
    )

    def spread(method: str) -> str:
        values = [v[method] for v in by_seed.values()]
        return f"seeds {min(values):.3f}-{max(values):.3f}"

    def fields_of(method: str) -> str:
        return ", ".join(f"{f} {v[method]:.2f}" for f, v in by_field.items())

    rows = [
        figure(
            "9. For you top-20 precision, 8 ratings",
            quality["for_you"],
            "",
            baseline=quality["keyword"],
            target="≥ 0.9",
            passed=float(quality["for_you"]) >= 0.9,  # type: ignore[arg-type]
            note=f"{readers}; {spread('for_you')}, lowest reader {quality['worst_reader']:.2f}; "
            f"baselines: keyword search {quality['keyword']:.2f} ({fields_of('keyword')}), "
            f"newest first {quality['newest']:.2f} ({fields_of('newest')}); "
            f"by field: {fields_of('for_you')}",
        ),
        figure(
            "9. similar top-20 precision",
            quality["similar"],
            "",
            baseline=quality["newest"],
            target="reported",
            note=f"for each of the 8 liked papers; {spread('similar')}; by field: "
            f"{fields_of('similar')}; baseline: newest first",
        ),
    ]
    n = sizes.library_papers
    speed = measure_speed(cache, work / "ranking", n, window=not smoke)
    label = f"{n:,} papers"
    refit = speed["refit"]
    rows += [
        figure(
            f"10. refit + score every paper ({label})",
            refit["total_s"],
            "s",
            target="≤ 10 s",
            passed=refit["total_s"] <= 10,
            note=f"CPU {refit['cpu_s']:.2f} s: the learner's child process {refit['child_cpu_s']:.2f} s "
            f"(learning and scoring {refit['compute_s']:.2f} s wall; storing the scores itself "
            f"{refit['write_s']:.2f} s wall, {refit['write_cpu_s']:.2f} s CPU, in {refit['write_transactions']} "
            f"transactions holding the lock at most {refit['write_op_max_s'] * 1000:.0f} ms), the window's "
            f"process {refit['window_wait_cpu_s']:.2f} s waiting and receiving, {refit['window_write_cpu_s']:.2f} s "
            f"publishing the changes; starting the child once per window {refit['child_start_s']:.1f} s",
        ),
        figure(
            f"10. refit extra memory ({label})",
            refit["extra_mb"],
            "MB",
            target="≤ 200 MB",
            passed=refit["extra_mb"] <= 200,
            note=f"the child's peak over its idle self {refit['child_extra_mb']:.0f} MB + the window "
            f"process's peak over before {refit['window_extra_mb']:.0f} MB (its writer's page cache); "
            f"the child's whole peak {refit['child_peak_mb']:.0f} MB, of which "
            f"{refit['child_base_mb']:.0f} MB Python, NumPy, SciPy and scikit-learn, which the window's "
            "process no longer loads; the child stops after 5 idle minutes",
        ),
        figure(
            f"10. first refit, every paper analysed ({label})",
            speed["cold"]["total_s"],
            "s",
            target="reported",
            note=f"once per library; term cache {speed['cold']['cache_mb']:.0f} MB "
            f"({speed['cold']['cache_mb'] * 1e6 / n:.0f} bytes/paper), "
            f"extra memory {speed['cold']['extra_mb']:.0f} MB",
        ),
        figure(
            f"10. score a new 50-paper digest ({label})",
            speed["new"]["median_ms"],
            "ms",
            target="≤ 100 ms",
            passed=speed["new"]["median_ms"] <= 100,
            note=f"CPU median {speed['new']['cpu_median_ms']:.0f} ms, max {speed['new']['cpu_max_ms']:.0f} ms; "
            f"wall max {speed['new']['max_ms']:.0f} ms; first after start {speed['new']['first_ms']:.0f} ms",
        ),
        figure(
            f"10. open the For you view, p95 ({label})",
            speed["views"]["for_you_p95_ms"],
            "ms",
            baseline=speed["views"]["inbox_p95_ms"],
            target="≤ 30 ms",
            passed=speed["views"]["for_you_p95_ms"] <= 30,
            note=f"count and first page; CPU p95 {speed['views']['for_you_cpu_p95_ms']:.1f} ms "
            f"(Inbox {speed['views']['inbox_cpu_p95_ms']:.1f}); baseline: the Inbox view in the same run; p50 "
            f"{speed['views']['for_you_p50_ms']:.1f} ms; scrolling to row 3,000 p95 "
            f"{speed['views']['scroll_p95_ms']:.1f} ms (Inbox {speed['views']['inbox_scroll_p95_ms']:.1f}); "
            f"searching in it p95 {speed['views']['search_p95_ms']:.1f} ms; All view by Match "
            f"{speed['views']['match_sort_all_ms']:.0f} ms",
        ),
        figure(
            f"10. more like this ({label})",
            speed["similar"]["median_s"],
            "s",
            target="reported",
            note=f"extra memory {speed['similar']['extra_mb']:.0f} MB",
        ),
    ]
    rows += _window_rows(speed, label, figure)
    big = library_path(cache, 1_000_000)
    if not smoke and big.exists() and big.with_suffix(".complete").exists():
        million = measure_speed(cache, work / "ranking", 1_000_000)
        big_label = "1,000,000 papers"
        cold, again = million["cold"], million["refit"]
        rows += [
            figure(
                f"10. first refit, every paper analysed ({big_label})",
                cold["total_s"],
                "s",
                target="reported",
                note=f"CPU {cold['cpu_s']:.1f} s (child {cold['child_cpu_s']:.1f} s); child's extra "
                f"memory {cold['child_extra_mb']:.0f} MB, window's {cold['window_extra_mb']:.0f} MB; "
                f"term cache {cold['cache_mb']:.0f} MB",
            ),
            figure(
                f"10. refit + score every paper ({big_label})",
                again["total_s"],
                "s",
                target="reported",
                note=f"CPU {again['cpu_s']:.1f} s: child {again['child_cpu_s']:.1f} s (of which storing "
                f"{again['write_cpu_s']:.1f} s CPU, {again['write_s']:.1f} s wall, {again['write_transactions']} "
                f"transactions of at most {again['write_op_max_s'] * 1000:.0f} ms), window "
                f"{again['window_wait_cpu_s']:.2f} s waiting + {again['window_write_cpu_s']:.2f} s publishing",
            ),
            figure(
                f"10. refit extra memory ({big_label})",
                again["extra_mb"],
                "MB",
                target="reported",
                note=f"child {again['child_extra_mb']:.0f} MB over its idle self (whole peak "
                f"{again['child_peak_mb']:.0f} MB) + window {again['window_extra_mb']:.0f} MB",
            ),
            figure(
                f"10. score a new 50-paper digest ({big_label})",
                million["new"]["median_ms"],
                "ms",
                target="reported",
                note=f"CPU median {million['new']['cpu_median_ms']:.0f} ms; first after start "
                f"{million['new']['first_ms']:.0f} ms",
            ),
            figure(
                f"10. open the For you view, p95 ({big_label})",
                million["views"]["for_you_p95_ms"],
                "ms",
                baseline=million["views"]["inbox_p95_ms"],
                target="reported",
                note=f"CPU p95 {million['views']['for_you_cpu_p95_ms']:.1f} ms (Inbox "
                f"{million['views']['inbox_cpu_p95_ms']:.1f}); baseline: the Inbox view",
            ),
        ]
        rows += _window_rows(million, big_label, figure)
    return rows


def _window_rows(speed: dict[str, dict[str, Any]], label: str, figure: Any) -> list[Any]:
    """The window's figures while a refit runs (quiet, and with searches and ratings)."""
    rows = []
    if "quiet" in speed:
        quiet = speed["quiet"]
        rows.append(
            figure(
                f"10. window while the model refits ({label}), longest GUI stall, nothing else running",
                quiet["gui_stall_max_ms"],
                "ms",
                target="≤ 50 ms",
                passed=quiet["gui_stall_max_ms"] <= 50,
                note=f"a {BEAT_MS} ms heartbeat on the GUI thread through one refit of {quiet['refit_s']:.1f} s "
                f"(p99 gap {quiet['gui_stall_p99_ms']:.0f} ms); the window's process: CPU "
                f"{quiet['window_cpu_s']:.2f} s, peak memory +{quiet['window_extra_mb']:.0f} MB; the "
                f"learner's child: CPU {quiet['child_cpu_s']:.2f} s, +{quiet['child_extra_mb']:.0f} MB",
            )
        )
    if "alone" in speed:
        alone = speed["alone"]
        rows.append(
            figure(
                f"10. window while the model refits ({label}), longest GUI stall, the refit alone",
                alone["gui_stall_max_ms"],
                "ms",
                target="≤ 50 ms",
                passed=alone["gui_stall_max_ms"] <= 50,
                note=f"as above with the window's citation-cache filler stopped first (its own "
                f"background work, issue #13); refit {alone['refit_s']:.1f} s (p99 gap "
                f"{alone['gui_stall_p99_ms']:.0f} ms); the window's process: CPU "
                f"{alone['window_cpu_s']:.2f} s; the learner's child: CPU {alone['child_cpu_s']:.2f} s",
            )
        )
    if "edits" in speed:
        edits = speed["edits"]
        rows.append(
            figure(
                f"10. a rating while the model refits ({label}), slowest to the file",
                edits["rating_max_ms"],
                "ms",
                target="reported",
                note=f"{edits['ratings']} ratings, one every 0.25 s through a refit of "
                f"{edits['refit_s']:.1f} s (median {edits['rating_median_ms']:.0f} ms); longest GUI "
                f"stall meanwhile {edits['gui_stall_max_ms']:.0f} ms; the window's process CPU "
                f"{edits['window_cpu_s']:.2f} s",
            )
        )
    if "window" in speed:
        window = speed["window"]
        rows.append(
            figure(
                f"10. window while the model refits ({label}), longest GUI stall",
                window["gui_stall_max_ms"],
                "ms",
                target="≤ 50 ms",
                passed=window["gui_stall_max_ms"] <= 50,
                note=f"refit {window['refit_s']:.1f} s in the learner's child; meanwhile "
                f"{window['searches']} searches (slowest {window['search_max_ms']:.0f} ms, "
                f"median {window['search_median_ms']:.0f} ms) and {window['ratings']} ratings "
                f"(slowest in the file after {window['rating_max_ms']:.0f} ms): their own stalls count",
            )
        )
    return rows
