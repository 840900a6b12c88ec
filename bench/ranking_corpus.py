"""The labelled corpus of the ranking benchmark: real papers of several fields and sources.

Every file is real data (where each comes from: ``bench/data/SOURCES.md``):

- ``bench/data/arxiv-oai-2013-02.txt``: 205 consecutive new arXiv submissions of one day
  in February 2013, all archives;
- ``bench/data/arxiv-oai-2007-2008.txt``: 48 consecutive submissions of two days in 2007
  and 2008, all archives;
- ``bench/data/wiley-chemeurj-2026-04.txt``: 11 articles of a Wiley journal's
  table-of-contents feed (Chemistry - A European Journal, April 2026);
- ``bench/data/digests/``: real digests imported as they are, through the importer's own
  parsers: a Hugging Face Daily Papers page (48 machine-learning papers), arXiv listing
  e-mails, arXiv RSS feeds, a Wiley and a bioRxiv feed and a TMLR journal feed.

A paper's *field* is its label: the archive of its primary arXiv category, with the four
``hep-*`` archives as one field (the label arXiv's own moderators gave it); a paper with
no category (journal and Daily Papers feeds) has its feed's field (:data:`FEEDS`).
:func:`write_digests` turns arXiv records into arXiv API Atom files and
:func:`write_journal_feed` journal records into a Wiley-style RSS 2.0 feed, so benchmark
libraries are built through the real importer (:func:`import_corpus`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reader.importer import Importer
from reader.library import Library

HERE = Path(__file__).resolve().parent / "data"
DATA = HERE / "arxiv-oai-2013-02.txt"
ARXIV_FILES = (DATA, HERE / "arxiv-oai-2007-2008.txt")
JOURNAL_FILES = (HERE / "wiley-chemeurj-2026-04.txt",)
FEEDS = {
    "hf-daily-papers-2026-01-30.txt": "cs",
    "arxiv-cs-listing-2024-11-21.txt": "cs",
    "arxiv-rss-cs.CL-2025-09-19.xml": "cs",
    "journal-tmlr.atom": "cs",
    "arxiv-stat-listing-2025-03-04.eml": "stat",
    "arxiv-rss1-hep-ex-2021-07-08.rdf": "hep",
    "wiley-chembiochem-2024-08-04.rss": "chem",
    "biorxiv-neuroscience.rss": "q-bio",
}
"""Real digests imported as they are, and the field of their papers that have no category."""


@dataclass(frozen=True, slots=True)
class Record:
    """One real paper: id, categories (primary first), authors, title, abstract."""

    arxiv_id: str
    categories: tuple[str, ...]
    authors: tuple[str, ...]
    title: str
    abstract: str
    journal_field: str = ""

    @property
    def field(self) -> str:
        """The paper's field: its primary category's archive, or its journal's field."""
        return field_of_categories(self.categories) or self.journal_field


def field_of_categories(categories: tuple[str, ...] | list[str]) -> str:
    """The field of a paper with these categories (``""`` for none): ``hep-*`` together."""
    if not categories:
        return ""
    archive = categories[0].split(".", 1)[0]
    return "hep" if archive.startswith("hep-") else archive


def records(path: Path = DATA) -> list[Record]:
    """Every record of one data file, in file order."""
    out: list[Record] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#")]
        if not lines:
            continue
        values = dict(line.split(": ", 1) for line in lines)
        out.append(
            Record(
                values["id"],
                tuple(values.get("cat", "").split()),
                tuple(a.strip() for a in values["au"].split(";") if a.strip()),
                values["ti"],
                values["ab"],
                values.get("field", ""),
            )
        )
    return out


def all_records() -> list[Record]:
    """The records of every arXiv and journal data file."""
    return [r for path in ARXIV_FILES + JOURNAL_FILES for r in records(path)]


def fields(items: list[Record], minimum: int = 28) -> list[str]:
    """The fields with at least ``minimum`` papers (enough for a top-20 after 8 ratings)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.field] = counts.get(item.field, 0) + 1
    return sorted(f for f, n in counts.items() if n >= minimum)


def atom(items: list[Record], day: str) -> str:
    """An arXiv API Atom response listing ``items`` (published on ``day``, ISO date)."""
    entries = []
    for item in items:
        authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in item.authors)
        categories = "".join(
            f'<category term="{escape(c)}" scheme="http://arxiv.org/schemas/atom"/>'
            for c in item.categories
        )
        entries.append(
            f"<entry><id>http://arxiv.org/abs/{item.arxiv_id}v1</id>"
            f"<published>{day}T20:00:00Z</published><updated>{day}T20:00:00Z</updated>"
            f"<title>{escape(item.title)}</title><summary>{escape(item.abstract)}</summary>"
            f"{authors}"
            f'<arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" '
            f'term="{escape(item.categories[0])}" scheme="http://arxiv.org/schemas/atom"/>'
            f"{categories}</entry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        '<link href="http://arxiv.org/api/query?search_query=all&amp;max_results=50" '
        'rel="self" type="application/atom+xml"/>'
        "<title>ArXiv Query: search_query=all</title>"
        f"<id>http://arxiv.org/api/bench</id><updated>{day}T00:00:00-05:00</updated>"
        + "".join(entries)
        + "</feed>\n"
    )


def write_digests(
    folder: Path, items: list[Record], per_file: int = 50, prefix: str = "arxiv-api"
) -> list[Path]:
    """Write arXiv ``items`` as Atom digests of ``per_file`` papers; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, start in enumerate(range(0, len(items), per_file), start=1):
        path = folder / f"{prefix}-{number:03d}.atom"
        path.write_text(atom(items[start : start + per_file], f"2013-02-{number:02d}"), "utf-8")
        paths.append(path)
    return paths


def write_journal_feed(path: Path, items: list[Record], journal: str, day: str) -> Path:
    """Write journal ``items`` as one Wiley-style table-of-contents RSS 2.0 feed."""
    entries = []
    for item in items:
        creators = ", \n".join(escape(a) for a in item.authors)
        entries.append(
            "<item>"
            f"<link>https://onlinelibrary.wiley.com/doi/{escape(item.arxiv_id)}</link>"
            f"<dc:date>{day}T10:00:00-07:00</dc:date>"
            f'<guid isPermaLink="false">{escape(item.arxiv_id)}</guid>'
            f"<title>{escape(item.title)}</title>"
            f"<description>{escape(journal)}, EarlyView. </description>"
            f"<dc:description>\nABSTRACT\n{escape(item.abstract)}\n</dc:description>"
            f"<dc:creator>\n{creators}\n</dc:creator>"
            "<category>RESEARCH ARTICLE</category>"
            f"<prism:publicationName>{escape(journal)}</prism:publicationName>"
            f"<prism:doi>{escape(item.arxiv_id)}</prism:doi>"
            "</item>"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<rss xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/" version="2.0">'
        f"<channel><title>{escape(journal)}</title>"
        "<link>https://onlinelibrary.wiley.com/</link>"
        f"<description>Table of Contents for {escape(journal)}.</description>"
        + "".join(entries)
        + "</channel></rss>\n",
        "utf-8",
    )
    return path


def import_corpus(library: Library, folder: Path) -> dict[int, str]:
    """Import the whole labelled corpus into ``library``; returns each paper's field.

    Every source goes through the real importer, one file at a time, so each new paper
    can be labelled: by its categories when it has them, else by its file's field.
    """
    arxiv = [r for path in ARXIV_FILES for r in records(path)]
    chem = [r for path in JOURNAL_FILES for r in records(path)]
    sources: list[tuple[Path, str]] = [
        (p, "") for p in write_digests(folder / "digests", arxiv, per_file=50)
    ]
    feed = write_journal_feed(
        folder / "digests" / "wiley-chemeurj.rss", chem, "Chemistry - A European Journal",
        "2026-04-11",
    )  # fmt: skip
    sources.append((feed, "chem"))
    sources += [(HERE / "digests" / name, field) for name, field in FEEDS.items()]
    labels: dict[int, str] = {}
    importer = Importer(library)
    for path, field in sources:
        before = set(library.paper_ids())
        importer.import_paths([path])
        new = [i for i in library.paper_ids() if i not in before]
        for paper in library.papers_by_id(new, with_appearances=False):
            labels[paper.id] = field_of_categories(list(paper.categories)) or field or "?"
    return labels
