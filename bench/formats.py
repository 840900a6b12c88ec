"""Reference-manager exports: a 5,000-entry ``.bib`` (and RIS, CSL-JSON) through the importer,
and how the readers' time grows on hostile input.

Each import runs into a fresh library file through :class:`reader.importer.Importer` (parse,
then one transaction); the baseline is the third-party parser alone on the same bytes
(bibtexparser, rispy, ``json``), so the ratio is what Papershelf adds. The growth figure
parses hostile inputs (deep braces, runs of ``$``, unclosed entries, endless tag lines) at
n and 4n bytes: a linear reader takes about 4× as long.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

WORDS = (
    "model language attention sparse retrieval graph quantum spin lattice protein neural "
    "efficient robust scalable transformer diffusion kernel bound theorem inference data"
).split()
NAMES = ("M{\\\"u}ller, Hans", "Garc{\\'\\i}a, Mar{\\'\\i}a", "Doe, Jane", "{van der Berg}, Anna",
         "Smith, Jr., John", "Nguyen, Thi", "Çelik, Ayşe", "O'Brien, Seán")  # fmt: skip


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def bib_text(n: int, seed: int = 7) -> str:
    """``n`` BibTeX entries as Zotero, JabRef and Google Scholar write them; 1 in 500 broken."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if i % 500 == 499:
            out.append(f"@article{{broken{i},\n  title = {{{_words(rng, 6)}\n")
            continue
        authors = " and ".join(rng.sample(NAMES, rng.randint(2, 6)))
        abstract = f"We study {_words(rng, 60)} with $O(n^2)$ cost and \\emph{{{_words(rng, 2)}}}, 50\\% faster. {_words(rng, 60)}"
        ident = (
            f"  eprint = {{{2001 + i % 20}.{i:05d}}}, archivePrefix = {{arXiv}}, primaryClass = {{cs.CL}},\n"
            if i % 2
            else f"  doi = {{10.1000/bench.{i}}},\n  journal = {{Journal of {_words(rng, 2)}}},\n"
        )
        out.append(
            f"@article{{key{i},\n  title = {{{{{_words(rng, 1).title()}}}: {_words(rng, 8)} number {i}}},\n"
            f"  author = {{{authors}}},\n  year = {{{2000 + i % 25}}},\n  month = {{{rng.choice(['jan', 'feb', 'sep'])}}},\n"
            f"{ident}  abstract = {{{abstract}}},\n  keywords = {{{_words(rng, 3)}, cs.LG}},\n}}\n"
        )
    return "\n".join(out)


def ris_text(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(
            f"TY  - JOUR\nTI  - {_words(rng, 8)} number {i}\nAU  - Doe, Jane\nAU  - Roe, Richard\n"
            f"PY  - {2000 + i % 25}\nDO  - 10.1000/ris.{i}\nT2  - Journal of {_words(rng, 2)}\n"
            f"AB  - {_words(rng, 120)}\nKW  - {_words(rng, 1)}\nUR  - https://example.org/{i}\nER  - \n"
        )
    return "\n".join(out)


def csl_text(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    items = [
        {
            "id": f"k{i}", "type": "article-journal", "title": f"{_words(rng, 8)} number {i}",
            "author": [{"family": "Doe", "given": "Jane"}, {"family": "Roe", "given": "Richard"}],
            "issued": {"date-parts": [[2000 + i % 25, 1 + i % 12]]}, "DOI": f"10.1000/csl.{i}",
            "container-title": "Journal", "abstract": _words(rng, 120),
        }
        for i in range(n)
    ]  # fmt: skip
    return json.dumps(items, indent=1)


def _import_seconds(work: Path, name: str, text: str) -> tuple[float, float, int, int]:
    """Import ``text`` as ``name`` into a fresh library: CPU and wall seconds, new papers,
    warnings. CPU time is the figure: on a shared machine the wall time mostly measures the
    queue for a core."""
    from reader.importer import Importer
    from reader.library import Library

    path = work / name
    path.write_text(text, encoding="utf-8")
    db = work / f"{name}.sqlite"
    for leftover in work.glob(f"{name}.sqlite*"):
        leftover.unlink()
    library = Library(db)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        report = Importer(library).import_file(path)
        return (
            time.process_time() - cpu,
            time.perf_counter() - started,
            report.new,
            len(report.warnings),
        )
    finally:
        library.close()


def _best(
    fn: Callable[[], object], repeat: int = 5, clock: Callable[[], float] = time.perf_counter
) -> float:
    times = []
    for _ in range(repeat):
        started = clock()
        fn()
        times.append(clock() - started)
    return min(times)


def growth(n: int) -> tuple[float, str]:
    """The worst time ratio between hostile inputs of 4n and n characters, and which input."""
    from reader.digests import bibtex, csl_json, ris, scholar_email

    captured = datetime(2025, 1, 1, tzinfo=UTC)

    def run(module: object, text: str) -> None:
        try:
            module.parse(text, captured)  # type: ignore[attr-defined]
        except Exception as exc:  # a DigestError is expected: the time is the point
            if type(exc).__module__ != "reader.digests.errors":
                raise

    cases: dict[str, tuple[object, Callable[[int], str]]] = {
        "bib deep braces": (bibtex, lambda k: "@article{k, title = {" + "{" * k + "x" + "}" * k + "}}"),
        "bib dollars": (bibtex, lambda k: "@article{k, title = {" + "$a" * k + "}}"),
        "bib unclosed entries": (bibtex, lambda k: "@article{k, title = {x\n" * (k // 20)),
        "bib backslashes": (bibtex, lambda k: "@article{k, title = {" + "\\'" * (k // 2) + "}}"),
        "ris endless record": (ris, lambda k: "TY  - JOUR\nTI  - T\n" + "AU  - Doe, J\n" * (k // 12)),
        "csl nested lists": (csl_json, lambda k: '[{"type":"book","title":"t","author":' + "[" * min(k, 900) + "]" * min(k, 900) + "}]"),
        "scholar nested divs": (scholar_email, lambda k: '<a class="gse_alrt_title">t</a><div class="gse_alrt_sni">' + "<div>" * (k // 5) + "</div>"),
    }  # fmt: skip
    worst, which = 0.0, ""
    for name, (module, make) in cases.items():
        small, large = make(n), make(4 * n)
        # CPU time, not wall time: other work on a shared machine cannot fake growth.
        cpu = time.process_time
        ratio = _best(lambda t=large, m=module: run(m, t), clock=cpu) / max(
            _best(lambda t=small, m=module: run(m, t), clock=cpu), 1e-6
        )
        if ratio > worst:
            worst, which = ratio, name
    return worst, which


def measure(work: Path, entries: int) -> dict[str, float | int | str]:
    """Import ``entries`` references in each format; the parser-only baselines; growth."""
    import bibtexparser
    import rispy

    work.mkdir(parents=True, exist_ok=True)
    bib, ris, csl = bib_text(entries), ris_text(entries), csl_text(entries)
    bib_s, bib_wall, bib_new, bib_warnings = _import_seconds(work, "library.bib", bib)
    ris_s, ris_wall, ris_new, _ = _import_seconds(work, "library.ris", ris)
    csl_s, csl_wall, csl_new, _ = _import_seconds(work, "library.json", csl)
    cpu = time.process_time
    worst, which = growth(100_000 if entries >= 1_000 else 50_000)
    return {
        "entries": entries,
        "bib_s": bib_s,
        "bib_new": bib_new,
        "bib_warnings": bib_warnings,
        "bib_wall_s": bib_wall,
        "bib_baseline_s": _best(lambda: bibtexparser.parse_string(bib), repeat=1, clock=cpu),
        "ris_s": ris_s,
        "ris_new": ris_new,
        "ris_wall_s": ris_wall,
        "ris_baseline_s": _best(lambda: rispy.loads(ris), repeat=1, clock=cpu),
        "csl_s": csl_s,
        "csl_new": csl_new,
        "csl_wall_s": csl_wall,
        "csl_baseline_s": _best(lambda: json.loads(csl), repeat=1, clock=cpu),
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0,
        "growth": worst,
        "growth_case": which,
    }
