"""Hand-written digests in every format Papershelf reads besides the text capture.

Each file follows the real format closely, quirks included (TeX accents and affiliations in
arXiv author lines, quoted-printable mail bodies, announce types, old-style arXiv ids,
bioRxiv's ``Surname, I.`` creators, Markdown escapes, a page whose JSON and cards agree).
``SAMPLES`` says which format each one is and when it was "captured": dates without a
year are read relative to that.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from reader.digests import (
    arxiv_atom,
    arxiv_email,
    arxiv_rss,
    bibtex,
    csl_json,
    feeds,
    hf_html,
    hf_json,
    hf_markdown,
    ris,
    scholar_email,
)

FOLDER = Path(__file__).resolve().parent


class Sample(NamedTuple):
    """A sample file, the format that must read it and the moment it was saved."""

    name: str
    format: str
    captured_at: datetime

    @property
    def path(self) -> Path:
        return FOLDER / self.name

    def text(self) -> str:
        return self.path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 21, 0, tzinfo=UTC)


SAMPLES: tuple[Sample, ...] = (
    Sample("arxiv-cs-listing-2024-11-21.txt", arxiv_email.NAME, _at(2024, 11, 21)),
    Sample("arxiv-stat-listing-2025-03-04.eml", arxiv_email.NAME, _at(2025, 3, 5)),
    Sample("arxiv-rss-cs.CL-2025-09-19.xml", arxiv_rss.NAME, _at(2025, 9, 19)),
    Sample("arxiv-api-query-long-context.atom", arxiv_atom.NAME, _at(2024, 11, 22)),
    # Real: the old RSS 1.0 feed (descriptions shortened by the fixture it comes from,
    # github.com/steog/physbiblio tests): CROSS LISTED, UPDATED, 909 authors not shown.
    Sample("arxiv-rss1-hep-ex-2021-07-08.rdf", arxiv_rss.NAME, _at(2021, 7, 9)),
    Sample("biorxiv-neuroscience.rss", feeds.NAME, _at(2024, 11, 21)),
    Sample("journal-tmlr.atom", feeds.NAME, _at(2024, 11, 21)),
    # Real: two items of Wiley's ChemBioChem TOC feed (via github.com/supersciencegrl/easy-wiley).
    Sample("wiley-chembiochem-2024-08-04.rss", feeds.NAME, _at(2024, 8, 4)),
    Sample("elsevier-jpeds-2018-12-17.rdf", feeds.NAME, _at(2018, 12, 17)),
    Sample("hf-daily-papers-2025-04-10.json", hf_json.NAME, _at(2025, 4, 10)),
    Sample("hf-paper-2504.06261.json", hf_json.NAME, _at(2025, 4, 10)),
    Sample("hf-daily-papers-2025-04-10.md", hf_markdown.NAME, _at(2025, 4, 10)),
    # Reconstructed from the 2026 page as Obsidian Web Clipper writes it (#16): plain headings,
    # the paper linked from the preview video ("View paper") above, upvotes as links.
    Sample("hf-daily-papers-2026-01-30-clipper.md", hf_markdown.NAME, _at(2026, 1, 30)),
    Sample("hf-daily-papers-2025-04-10.html", hf_html.NAME, _at(2025, 4, 10)),
)

REFERENCE_SAMPLES: tuple[Sample, ...] = (
    Sample("zotero-bbt-eprint.bib", bibtex.NAME, _at(2025, 4, 10)),
    Sample("jabref-biblatex-examples.bib", bibtex.NAME, _at(2025, 4, 10)),
    Sample("bbt-math-in-title.bib", bibtex.NAME, _at(2025, 4, 10)),
    Sample("google-scholar-readme-citations.bib", bibtex.NAME, _at(2025, 4, 10)),
    Sample("readme-citations-arxiv-zotero.bib", bibtex.NAME, _at(2025, 4, 10)),
    Sample("scopus-export.ris", ris.NAME, _at(2025, 4, 10)),
    Sample("endnote-export.ris", ris.NAME, _at(2025, 4, 10)),
    Sample("utf-chars.ris", ris.NAME, _at(2025, 4, 10)),
    Sample("numbered-records.ris", ris.NAME, _at(2025, 4, 10)),
    Sample("web-of-science-export.txt", ris.NAME, _at(2025, 4, 10)),
    Sample("bbt-dates.csl.json", csl_json.NAME, _at(2025, 4, 10)),
    Sample("bbt-minimal.csl.json", csl_json.NAME, _at(2025, 4, 10)),
    Sample("bbt-pandoc.csl.json", csl_json.NAME, _at(2025, 4, 10)),
    Sample("crossref-medrxiv.csl.json", csl_json.NAME, _at(2025, 4, 10)),
    Sample("scholar-alert-2019-12-10.eml", scholar_email.NAME, _at(2019, 12, 10)),
    Sample("scholar-alert-citations-2019-12-10.eml", scholar_email.NAME, _at(2019, 12, 10)),
)
"""Real exports of reference managers and Scholar alerts, from other projects' fixtures
(``SOURCES.md`` says whose). Kept apart from ``SAMPLES``, whose paper counts other tests
rely on."""


def sample(name: str) -> Sample:
    """The sample called ``name``."""
    return next(s for s in (*SAMPLES, *REFERENCE_SAMPLES) if s.name == name)
