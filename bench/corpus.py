"""Deterministic synthetic corpora: Daily Papers digests and ready-made large libraries.

Titles and ~1,500-character abstracts come from a small word model, so the text has the
length, vocabulary size and word-frequency skew of real abstracts (which is what FTS5 and
the page cache care about). Everything is a pure function of the seed.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from reader.digests import hf_text
from reader.digests.model import Digest, Entry

if TYPE_CHECKING:
    from reader.library import Library
    from reader.library.ingest import SourceFile

_STEMS = (
    "attention transformer diffusion language vision model models learning reinforcement "
    "policy reward agent agents reasoning retrieval augmented generation sparse dense mixture "
    "experts token tokens tokenizer context long length sequence sequences memory efficient "
    "scalable training inference decoding speculative quantization pruning distillation "
    "alignment preference feedback human benchmark evaluation dataset data synthetic multimodal "
    "image video audio speech text code program graph neural network networks convolutional "
    "recurrent state space kernel linear optimization gradient stochastic adaptive robust "
    "uncertainty calibration causal counterfactual representation embedding contrastive "
    "self-supervised pretraining finetuning instruction tuning prompt prompting chain thought "
    "planning world simulation robotics control navigation detection segmentation depth "
    "estimation reconstruction rendering 3D point cloud protein molecule DNA genomics medical "
    "clinical pathology scientific discovery theorem proving math arithmetic logic symbolic "
    "hallucination factuality safety jailbreak privacy federated distributed parallel pipeline "
    "hardware GPU accelerator compiler latency throughput energy compression retrieval index "
    "search ranking recommendation summarization translation multilingual low-resource"
).split()
_GLUE = "a an the of for with in on via and to from by under towards using without beyond".split()
_VERBS = (
    "improves enables reduces achieves outperforms scales learns unifies rethinks revisits".split()
)
_ORGS = (
    ("google", "Google"), ("ibm-research", "IBM Research"), ("internlm", "Intern Large Models"),
    ("meta-llama", "Meta Llama"), ("nvidia", "NVIDIA"), ("allenai", "Ai2"), ("deepseek-ai", "DeepSeek"),
)  # fmt: skip
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


_COMMON = "model models learning data performance method results language training".split()
_FUNCTION = (
    "the of and to in a is we that for on with as by this are from be can our which an "
    "these it at show both while than such has have not more their its into over"
).split()
_SYLLABLES = (
    "ka ro ti ne mu sa lo ve ri da no pe ta li mo ru se fi ga be co de tra ple stro "
    "gra pli for mer tion al ic ous ive ent ize ing"
).split()


def _tail_vocabulary(size: int, rng: random.Random) -> list[str]:
    """Pronounceable pseudo-words: the long tail of a real corpus's vocabulary."""
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class WordModel:
    """Abstracts with a realistic vocabulary: function words, a few topics, a long tail.

    Each abstract is about 3–5 topic words (so a topic word is in a few percent of papers,
    as "diffusion" or "speculative" are on arXiv), uses a handful of very common words
    ("model", "data"), and draws the rest from a 30,000-word Zipf-distributed tail.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.tail = _tail_vocabulary(30_000, random.Random(99))
        self._tail_cumulative = list(
            itertools.accumulate(1.0 / (rank + 10) for rank in range(len(self.tail)))
        )

    def words(self, n: int) -> list[str]:
        """``n`` content words from the tail."""
        return self.rng.choices(self.tail, cum_weights=self._tail_cumulative, k=n)

    def title(self, serial: int) -> str:
        """A paper-like title; ``serial`` makes it unique."""
        rng = self.rng
        name = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(3, 6)))
        topics = rng.sample(_STEMS, k=rng.randint(2, 4))
        head = " ".join(w.capitalize() for w in topics)
        tail = " ".join(self.words(rng.randint(1, 3)))
        return f"{name}-{serial}: {head} {rng.choice(_GLUE)} {tail.title()}"

    def abstract(self, target: int = 1500) -> str:
        """An abstract of about ``target`` characters, in sentences."""
        rng = self.rng
        topics = rng.sample(_STEMS, k=rng.randint(3, 5))
        sentences: list[str] = []
        size = 0
        while size < target:
            words = self.words(rng.randint(3, 7))
            words += rng.choices(_FUNCTION, k=rng.randint(4, 8))
            words += rng.choices(topics, k=rng.randint(1, 2))
            if rng.random() < 0.5:
                words.append(rng.choice(_COMMON))
            rng.shuffle(words)
            words.insert(rng.randint(1, len(words) - 1), rng.choice(_VERBS))
            sentence = " ".join(words).capitalize() + "."
            sentences.append(sentence)
            size += len(sentence) + 1
        return " ".join(sentences)


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """How many digests, entries per digest, and the share of entries seen before."""

    digests: int = 1000
    entries_per_digest: int = 50
    repeat_share: float = 0.6
    seed: int = 20260130


_GIVEN = "Ada Alan Ashish Chen Emma Hugo Ines Jun Lena Li Maria Noam Priya Quoc Wei Yann".split()
_FAMILY = (
    "Wang Zhang Li Liu Chen Yang Huang Zhao Wu Zhou Kim Lee Park Singh Kumar Gupta Smith "
    "Johnson Brown Garcia Martin Müller Schmidt Dubois Rossi Tanaka Sato Nguyen Ivanov Cohen "
    "Vaswani Shazeer Hinton LeCun Bengio Sutskever Goodfellow Karpathy Le Dean"
).split()


def _names(rng: random.Random, count: int) -> tuple[str, ...]:
    """Up to five names of ``count`` authors; a family name first in some ("Le, Quoc")."""
    out = []
    for _ in range(min(count, 5)):
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        out.append(f"{family}, {given}" if rng.random() < 0.1 else f"{given} {family}")
    return tuple(out)


def papers(count: int, seed: int = 1) -> Iterator[Entry]:
    """``count`` distinct synthetic papers. Authors' names (for three in four), upvotes
    and arXiv ids come from their own generator, so the other fields stay as they were."""
    rng = random.Random(seed)
    more = random.Random(seed + 19)
    model = WordModel(rng)
    start = date(2023, 1, 1)
    for serial in range(count):
        org = rng.random() < 0.08
        handle, name = rng.choice(_ORGS)
        authors_count = None if org else rng.randint(1, 40)
        named = authors_count is not None and more.random() < 0.75
        yield Entry(
            title=model.title(serial),
            abstract=model.abstract(),
            authors=_names(more, authors_count) if named and authors_count else (),
            upvotes=more.choice((None, 0, 1, 2, 3, 5, 8, 13, 40, more.randint(0, 500))),
            arxiv_id=None
            if more.random() < 0.1
            else f"{2301 + serial // 99_999}.{serial % 99_999:05d}",
            authors_count=authors_count,
            organization=name if org else None,
            organization_handle=handle if org else None,
            published=start + timedelta(days=rng.randint(0, 1000)),
            comments=rng.choice((None, None, None, rng.randint(1, 40))),
        )


def digests(spec: CorpusSpec) -> Iterator[tuple[date, list[Entry]]]:
    """The digests of a corpus in capture order: (digest date, entries)."""
    rng = random.Random(spec.seed)
    pool: list[Entry] = []
    fresh = papers(spec.digests * spec.entries_per_digest, seed=spec.seed + 1)
    day = date(2024, 1, 1)
    for _ in range(spec.digests):
        chosen: list[Entry] = []
        seen: set[str] = set()
        while len(chosen) < spec.entries_per_digest:
            if pool and rng.random() < spec.repeat_share:
                item = rng.choice(pool[-2000:])
            else:
                item = next(fresh)
                pool.append(item)
            if item.title not in seen:
                seen.add(item.title)
                chosen.append(item)
        yield day, chosen
        day += timedelta(days=1)


def write_digests(folder: Path, spec: CorpusSpec) -> list[Path]:
    """Write a corpus as Daily Papers text captures; returns the files in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, (day, entries) in enumerate(digests(spec), start=1):
        path = folder / f"daily-papers-{number:05d}.txt"
        path.write_text(hf_text.render(entries, day), encoding="utf-8")
        paths.append(path)
    return paths


CORPUS_VERSION = 5
"""Bumped whenever the generator changes, so cached libraries are rebuilt."""


def library_path(folder: Path, count: int) -> Path:
    """Where the cached library of ``count`` papers lives in ``folder``."""
    return folder / f"library-{count}-v{CORPUS_VERSION}.sqlite"


def build_log(path: Path) -> Path:
    """Where :func:`build_library` records how fast the papers went in (JSON)."""
    return path.with_suffix(".build.json")


def daily_digests(count: int, *, seed: int, batch: int) -> Iterator[tuple[int, SourceFile, Digest]]:
    """What the bench libraries import: the ``count`` papers of ``seed`` in daily digests
    of ``batch`` from 2021-01-01, each with how many papers come before it and its file."""
    from reader.library.ingest import SourceFile

    stream = papers(count, seed=seed)
    for number in range(0, count, batch):
        entries = tuple(e for _, e in zip(range(batch), stream, strict=False))
        day = date(2021, 1, 1) + timedelta(days=number // batch)
        source = SourceFile(
            f"/digests/daily-papers-{day}.txt", None, f"bench-{seed}-{number}", "bench"
        )
        yield number, source, Digest("synthetic", entries, day)


def add_signals(library: Library, rng: random.Random) -> None:
    """What a reader has done in a bench library: a tenth of its papers (drawn by ``rng``)
    tagged, half of those rated and half given a status; one paper in thirteen a note."""
    from reader.library import Status

    ids = library.paper_ids()
    sample = rng.sample(ids, k=len(ids) // 10)
    tags = ["nlp", "vision", "to read", "reinforcement learning", "theory", "systems"]
    for start in range(0, len(sample), 500):
        chunk = sample[start : start + 500]
        library.add_tags(chunk, [rng.choice(tags)])
        library.set_rating(chunk[: len(chunk) // 2], rng.randint(1, 5))
        library.set_status(chunk[len(chunk) // 2 :], rng.choice(list(Status)))
    for paper_id in ids[::13]:
        library.set_note(paper_id, f"Thoughts on {paper_id}:\n\n- promising\n- check the code\n")


def build_library(path: Path, count: int, *, seed: int = 7, batch: int = 50) -> Path:
    """A library of ``count`` distinct papers at ``path`` (reused when it already exists).

    Papers go in through the real write path (:func:`reader.library.ingest.record_digest`)
    in daily digests of ``batch`` entries (100,000 papers: 2,000 digests); a tenth get
    tags, ratings and statuses, one in thirteen a note.
    """
    from reader.library import Library
    from reader.library.ingest import record_digest

    marker = path.with_suffix(".complete")
    if path.exists() and marker.exists():
        return path
    import json
    import time

    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    rates: list[float] = []  # papers per second, per tenth of the build
    tenth = max(batch, count // 10)
    started = time.perf_counter()
    with Library(path) as library:
        lap = time.perf_counter()
        for number, source, digest in daily_digests(count, seed=seed, batch=batch):
            record_digest(library, source, digest)
            if (number + batch) % tenth == 0:
                now = time.perf_counter()
                rates.append(tenth / (now - lap))
                lap = now
        imported_s = time.perf_counter() - started
        add_signals(library, rng)
        library.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        library.connection.execute("ANALYZE")
    build_log(path).write_text(
        json.dumps({"papers": count, "import_s": imported_s, "papers_per_s_by_tenth": rates}),
        encoding="utf-8",
    )
    marker.touch()
    return path


if __name__ == "__main__":
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    print(len(write_digests(out, CorpusSpec(digests=n))), "digests written to", out)
