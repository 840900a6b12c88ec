"""Benchmark: citations out of a big library.

Targets: 100,000 papers to BibTeX in at most 5 s (reading them from the library
included); 1,000 selected papers as formatted citations in at most 1 s (APA, the most
complex bundled style; IEEE and Chicago are reported too). Also reported: the other
export formats, and giving citekeys to 100,000 papers that have none (what the first
open after the upgrade that added keys does).

The exports read the shared bench corpus (:func:`bench.corpus.build_library`, the
cached ``library-100000-v5.sqlite``; point ``PAPERSHELF_BENCH_CACHE`` at a folder that
holds a copy). Formatted citations are measured on a small library of its own, at its
richest: every paper has 1–12 author names (some non-ASCII or in TeX, with particles and
suffixes), an arXiv id and categories, a fifth a journal DOI; titles and abstracts from
the shared corpus's word model, a third with math or ``& % # _ { }`` and non-ASCII
sprinkled in. Each style is timed three ways, the library read included:

- ``citeproc``: every entry rendered by citeproc-py (no cache; the way before the cache);
- ``first``: a copy through an empty citation cache (renders and keeps every entry);
- ``cached``: a copy once the background fill has run (the usual copy: a lookup).

The fill itself (what the window's background work costs per 1,000 papers) is reported;
what the filling costs the window itself is :mod:`bench.cite_window`.

    python -m bench.cite [--papers N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from reader.digests.model import Digest, Entry

TARGET_BIBTEX_S = 5.0
TARGET_FORMATTED_S = 1.0
SELECTION = 1_000
RICH_VERSION = 2

_GIVEN = ["Ashish", "Noam", "Yichen", "Wei", "Anna", "David", "Priya", "Jean-Pierre", "Kenji",
          "María José", "Björn", "Łukasz", "Søren", "Zoë", "Ahmed", "Olga"]  # fmt: skip
_FAMILY = [
    "Vaswani", "Shazeer", "Shi", "Zhang", "Wang", "Smith", "Kumar", "Nakamura", "Lindqvist",
    "de la Cruz", "van der Berg", "O'Brien", "King Jr.", "García Márquez", "Müller",
    "Hern\\'andez", "Ommer", "Kaiser", "Chen", "Rossi",
]  # fmt: skip
_MATH = ["$O(n^2)$", "$\\mathcal{O}(\\log n)$", "$k$", "$\\alpha=0.5$", "$10^{-3}$"]
_SPECIALS = ["by 37%", "R&D", "C#", "state_of_the_art", "{sic}", "naïve", "—", "“zero-shot”"]
_CATEGORIES = ["cs.CL", "cs.LG", "cs.CV", "stat.ML", "math.OC", "q-bio.NC"]


def _sprinkle(rng: random.Random, text: str, odds: float) -> str:
    """``text`` with math or LaTeX specials inserted now and then, as real abstracts have."""
    words = text.split(" ")
    for pool in (_MATH, _SPECIALS):
        if rng.random() < odds:
            words.insert(rng.randrange(len(words)), rng.choice(pool))
    return " ".join(words)


def entries(count: int, seed: int = 11) -> Iterator[Entry]:
    """``count`` distinct papers as an arXiv listing gives them: names (some non-ASCII or
    TeX, with particles and suffixes), an id and categories, a fifth with a journal DOI;
    titles and abstracts from the shared corpus's word model, a third of them with math
    or ``& % # _ { }`` and non-ASCII sprinkled in."""
    from bench.corpus import WordModel

    rng = random.Random(seed)
    model = WordModel(rng)
    start = date(2019, 1, 1)
    for serial in range(count):
        names = tuple(
            f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}" for _ in range(rng.randint(1, 12))
        )
        day = start + timedelta(days=rng.randint(0, 2500))
        yield Entry(
            title=_sprinkle(rng, model.title(serial), 0.15),
            abstract=_sprinkle(rng, model.abstract(), 0.35),
            authors=names,
            authors_count=len(names),
            published=day,
            arxiv_id=f"{day:%y%m}.{serial % 100_000:05d}",
            categories=tuple(rng.sample(_CATEGORIES, k=2)),
            doi=f"10.1145/{3000000 + serial}" if serial % 5 == 0 else None,
        )


def build(path: Path, count: int) -> Path:
    """The benchmark library (built once through the importer's write path, then cached)."""
    from reader.library import Library
    from reader.library.ingest import SourceFile, record_digest

    marker = path.with_suffix(".complete")
    if path.exists() and marker.exists():
        return path
    path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    stream = entries(count)
    with Library(path) as library:
        for number in range(0, count, 500):
            batch = tuple(e for _, e in zip(range(500), stream, strict=False))
            source = SourceFile(f"/digests/cite-{number}.json", None, f"cite-{number}", "bench")
            record_digest(library, source, Digest("synthetic", batch, date(2026, 1, 1)))
        library.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    marker.touch()
    return path


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``work()`` (CPU time is what a shared machine's load
    does not inflate; the targets are for the wall clock of an idle machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(workdir: Path, papers: int = 100_000, cache: Path | None = None) -> dict[str, float]:
    """Seconds (wall, and CPU as ``…_cpu_s``) for each export of every paper of the shared
    corpus's library of ``papers`` (found or built in ``cache``, default ``workdir``), for
    formatted citations of 1,000 papers, and for giving keys to every paper of a library
    that has none."""
    from bench.corpus import build_library, library_path
    from reader.cite import citation_records, export_text
    from reader.cite.record import CitationRecord
    from reader.library import Library
    from reader.library import citekeys as keys

    shared = build_library(library_path(cache or workdir, papers), papers)
    with Library(shared):  # a cached library from an older schema is upgraded once, untimed
        pass
    result: dict[str, float] = {"papers": float(papers)}
    with Library(shared, read_only=True) as library:
        ids = library.paper_ids(descending=False)
        result["papers"] = float(len(ids))
        records: list[CitationRecord] = []
        result["read_s"], result["read_cpu_s"] = _timed(
            lambda: records.extend(citation_records(library, ids))
        )

        def write(fmt: str, written: list[str]) -> None:
            written.append(export_text(records, fmt))

        for fmt in ("bibtex", "biblatex", "csl-json", "ris"):
            written: list[str] = []
            result[f"{fmt}_s"], result[f"{fmt}_cpu_s"] = _timed(partial(write, fmt, written))
            result[f"{fmt}_mb"] = len(written[0].encode("utf-8")) / 1e6
        records.clear()
        result["bibtex_total_s"] = result["read_s"] + result["bibtex_s"]
        result["bibtex_total_cpu_s"] = result["read_cpu_s"] + result["bibtex_cpu_s"]
    result.update(measure_formatted(workdir, min(SELECTION, papers)))
    run_dir = Path(tempfile.mkdtemp(prefix="cite-", dir=workdir))
    try:
        copy = run_dir / "library.sqlite"
        shutil.copyfile(shared, copy)
        with Library(copy) as library:
            library.connection.execute("DELETE FROM citekey")
            result["assign_s"], result["assign_cpu_s"] = _timed(
                lambda: keys.assign_missing(library)
            )
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return result


STYLE_IDS = ("apa", "ieee", "chicago-author-date")


def measure_formatted(workdir: Path, count: int = SELECTION) -> dict[str, float]:
    """Seconds (wall and CPU) for ``count`` papers (1,000; fewer for a smoke run) of the
    rich library as formatted citations in each style: by citeproc-py alone, through an
    empty cache, and through a filled one (each with the library read), and for the
    background fill of as many papers."""
    from reader.cite import cache_citations, citation_records, format_citations
    from reader.library import Library
    from reader.library.citation_cache import CitationCache

    rich = build(workdir / f"cite-rich-{count}-v{RICH_VERSION}.sqlite", count)
    result: dict[str, float] = {"selection": float(count)}
    with Library(rich, read_only=True) as library:
        chosen = library.paper_ids(descending=False)
        random.Random(3).shuffle(chosen)
        format_citations(citation_records(library, chosen[:3]), "apa")  # imports, styles
        for style in STYLE_IDS:
            format_citations(citation_records(library, chosen[:3]), style, html=True)

            def copy(s: str = style, c: CitationCache | None = None) -> object:
                return format_citations(citation_records(library, chosen), s, html=True, cache=c)

            def fill(s: str, c: CitationCache) -> object:
                return cache_citations(citation_records(library, chosen), s, c, html=True)

            result[f"{style}_citeproc_s"], result[f"{style}_citeproc_cpu_s"] = _timed(copy)
            for run in ("first", "fill"):
                path = workdir / f"cite-{style}-{run}.citations"
                path.unlink(missing_ok=True)
                with CitationCache(path) as cache:
                    if run == "first":  # a copy through an empty cache
                        timed = _timed(partial(copy, style, cache))
                    else:  # the background fill from empty, then the usual copy
                        timed = _timed(partial(fill, style, cache))
                        cached = _timed(partial(copy, style, cache))
                        result[f"{style}_cached_s"], result[f"{style}_cached_cpu_s"] = cached
                    result[f"{style}_{run}_s"], result[f"{style}_{run}_cpu_s"] = timed
                path.unlink(missing_ok=True)
    return result


def main() -> None:
    """Run the benchmark and print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, help="default: a temporary folder")
    parser.add_argument("--cache", type=Path, help="where the shared corpus library is")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="papershelf-cite-bench-") as temp:
        r = measure(args.workdir or Path(temp), args.papers, args.cache)
    n = int(r["papers"])
    print(f"read {n:,} papers as citation records: {_both(r, 'read')}")
    for fmt in ("bibtex", "biblatex", "csl-json", "ris"):
        print(f"{fmt}: {_both(r, fmt)} ({r[f'{fmt}_mb']:.0f} MB)")
    verdict = "meets" if r["bibtex_total_s"] <= TARGET_BIBTEX_S else "MISSES"
    print(f"{n:,} papers to BibTeX: {_both(r, 'bibtex_total')} ({verdict} {TARGET_BIBTEX_S:g} s)")
    for style in STYLE_IDS:
        print(
            f"{int(r['selection']):,} formatted citations, {style}: cached {_both(r, style + '_cached')}; "
            f"first copy {_both(r, style + '_first')}; citeproc alone "
            f"{_both(r, style + '_citeproc')}; background fill {_both(r, style + '_fill')}"
        )
    print(f"citekeys for {n:,} papers without one: {_both(r, 'assign')}")


def _both(r: dict[str, float], name: str) -> str:
    return f"{r[name + '_s']:.2f} s (CPU {r[name + '_cpu_s']:.2f} s)"


if __name__ == "__main__":
    main()
