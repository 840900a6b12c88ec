"""The labelled corpus of the ranking benchmark: real arXiv papers of several fields.

``bench/data/arxiv-oai-2013-02.txt`` holds 205 consecutive new arXiv submissions of one
day in February 2013, all archives (see the file's header for where they come from). A
paper's *field* is the archive of its primary category, with the four ``hep-*`` archives
as one field: the label arXiv's own moderators gave it. :func:`write_digests` turns the
records into arXiv API Atom files, the format Papershelf imports, so benchmark libraries
are built through the real importer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

DATA = Path(__file__).resolve().parent / "data" / "arxiv-oai-2013-02.txt"


@dataclass(frozen=True, slots=True)
class Record:
    """One real paper: arXiv id, categories (primary first), authors, title, abstract."""

    arxiv_id: str
    categories: tuple[str, ...]
    authors: tuple[str, ...]
    title: str
    abstract: str

    @property
    def field(self) -> str:
        """The paper's field: its primary category's archive (``hep-*`` together)."""
        archive = self.categories[0].split(".", 1)[0]
        return "hep" if archive.startswith("hep-") else archive


def records(path: Path = DATA) -> list[Record]:
    """Every record of the data file, in file order."""
    out: list[Record] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#")]
        if not lines:
            continue
        values = dict(line.split(": ", 1) for line in lines)
        out.append(
            Record(
                values["id"],
                tuple(values["cat"].split()),
                tuple(a.strip() for a in values["au"].split(";") if a.strip()),
                values["ti"],
                values["ab"],
            )
        )
    return out


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


def write_digests(folder: Path, items: list[Record], per_file: int = 50) -> list[Path]:
    """Write ``items`` as Atom digests of ``per_file`` papers; returns the files in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, start in enumerate(range(0, len(items), per_file), start=1):
        path = folder / f"arxiv-api-{number:03d}.atom"
        path.write_text(atom(items[start : start + per_file], f"2013-02-{number:02d}"), "utf-8")
        paths.append(path)
    return paths
