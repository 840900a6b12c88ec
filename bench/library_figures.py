"""``make bench``'s rows for the library at scale: import, search and views (warm and
cold page cache), the import rate at 1M, and the window's start."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.figure import CACHE, Figure, Sizes, at_most


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
