"""Honest ranking quality: simulated readers on real arXiv papers, against two baselines.

Every reader likes one field: they rate 8 of its papers 5 stars and archive 8 papers of
another field straight from the inbox, in a library holding the whole labelled corpus
(:mod:`bench.ranking_corpus`, imported through the real importer). Then, over the
papers still to triage:

- **For you**: precision of the top 20 of :func:`reader.library.interest.for_you_ids`;
- **similar**: precision of the top 20 of ``similar`` for each of the 8 liked papers;
- **newest first**: the inbox as it opens by default (the first baseline);
- **keyword search**: the library's own search for each of the 5 most frequent content
  words of the 8 liked papers, papers ranked by how many of them they match (the second).

Precision is the share of papers of the reader's field; results are averaged over every
(liked field, archived field, seed) reader.
"""

from __future__ import annotations

import random
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from bench.ranking_corpus import Record, fields, records, write_digests
from reader.importer import Importer
from reader.library import Library, PaperFilter, Status

TOP = 20
LIKED = 8
ARCHIVED = 8


def _field_of(library: Library) -> dict[int, str]:
    out: dict[int, str] = {}
    for paper in library.papers_by_id(library.paper_ids(), with_appearances=False):
        archive = paper.categories[0].split(".", 1)[0] if paper.categories else "?"
        out[paper.id] = "hep" if archive.startswith("hep-") else archive
    return out


def _keyword_ranking(library: Library, liked: list[int], candidates: set[int]) -> list[int]:
    from reader.ranking.features import _words

    counts: Counter[str] = Counter()
    for paper in library.papers_by_id(liked, with_appearances=False):
        counts.update(set(_words(f"{paper.title} {paper.abstract}")))
    hits: Counter[int] = Counter()
    for word, _ in counts.most_common(5):
        for paper_id in library.paper_ids(PaperFilter(status=Status.INBOX, search=f'"{word}"')):
            if paper_id in candidates:
                hits[paper_id] += 1
    return sorted(candidates, key=lambda i: (-hits[i], -i))


def _precision(ids: list[int], field: dict[int, str], wanted: str) -> float:
    top = ids[:TOP]
    return sum(field[i] == wanted for i in top) / TOP if top else 0.0


def measure(
    work: Path | None = None, seeds: int = 2, readers: int | None = None
) -> dict[str, float]:
    """Mean top-20 precision of each method over every simulated reader (or the first few)."""
    from reader import ranking

    items: list[Record] = records()
    kinds = fields(items)
    results: dict[str, list[float]] = {"for_you": [], "similar": [], "newest": [], "keyword": []}
    per_field: dict[str, list[float]] = {f: [] for f in kinds}
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        folder = Path(tmp)
        digests = write_digests(folder / "digests", items)
        template = folder / "template.sqlite"
        with Library(template) as library:
            Importer(library).import_paths(digests)
            field = _field_of(library)
        pairs = [(a, b, s) for a in kinds for b in kinds if a != b for s in range(seeds)]
        for number, (liked_field, archived_field, seed) in enumerate(pairs[:readers]):
            path = folder / f"reader-{number}.sqlite"
            path.write_bytes(template.read_bytes())
            rng = random.Random(f"{liked_field}/{archived_field}/{seed}")
            with Library(path) as library:
                ids = sorted(field)
                liked = rng.sample([i for i in ids if field[i] == liked_field], LIKED)
                archived = rng.sample([i for i in ids if field[i] == archived_field], ARCHIVED)
                library.set_rating(liked, 5)
                library.set_status(archived, Status.ARCHIVED)
                ranking.rank(library)
                for_you = ranking.for_you_ids(library, limit=TOP)
                results["for_you"].append(_precision(for_you, field, liked_field))
                per_field[liked_field].append(results["for_you"][-1])
                sims = [
                    _precision(
                        [s.paper_id for s in ranking.similar(library, q, limit=TOP)],
                        field,
                        liked_field,
                    )
                    for q in liked
                ]
                results["similar"].append(statistics.mean(sims))
                candidates = set(ranking.for_you_ids(library))
                newest = sorted(candidates, reverse=True)
                results["newest"].append(_precision(newest, field, liked_field))
                keyword = _keyword_ranking(library, liked, candidates)
                results["keyword"].append(_precision(keyword, field, liked_field))
    out = {name: statistics.mean(values) for name, values in results.items()}
    out |= {f"for_you_{f}": statistics.mean(v) for f, v in per_field.items() if v}
    out["readers"] = float(len(results["for_you"]))
    out["papers"] = float(len(items))
    return out


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(measure(seeds=int(sys.argv[1]) if len(sys.argv) > 1 else 1), indent=2))
