"""The issue's bad input all at once, through the importer and the library: a paper with
no year, one with no authors, a 300-character title, TeX in names and two papers whose
keys would collide each give a valid entry in every format and every style."""

from __future__ import annotations

import json
from datetime import date

import rispy

from reader.cite import STYLES, citation_records, export_text, format_citations
from reader.digests.model import Entry
from reader.library import Library
from tests.cite.conftest import AddPapers
from tests.cite.test_bibtex import strict_parse

LONG_TITLE = ("Scaling sparse attention & retrieval to 100% of the #context_window " * 5)[:300]

BAD = (
    Entry(title="A paper with no year", authors=("Ada Lovelace",)),
    Entry(title="A paper with no authors", authors_count=7, published=date(2024, 2, 1)),
    Entry(title=LONG_TITLE, authors=("Grace Hopper",), published=date(2023, 5, 6)),
    Entry(
        title="TeX in names",
        authors=(r"Bj\"{o}rn Ommer", r"Jos\'e Hern\'andez", "Jean-Pierre de la Cruz Jr."),
        published=date(2022, 1, 2),
    ),
    Entry(title="Same Key Twice", authors=("Wei Zhang",), published=date(2021, 3, 4)),
    Entry(
        title="Same key twice, with another ending",
        authors=("Wei Zhang",),
        published=date(2021, 9, 9),
    ),
)


def test_the_issues_bad_input_gives_valid_entries_everywhere(
    library: Library, papers: AddPapers
) -> None:
    ids = papers(*BAD)
    records = citation_records(library, ids)
    keys = [r.key for r in records]
    assert len({k.casefold() for k in keys}) == len(BAD)
    assert {keys[4], keys[5]} == {"zhangSameKeyTwice2021", "zhangSameKeyTwice2021a"}
    for fmt in ("bibtex", "biblatex"):
        text = export_text(records, fmt)
        strict_parse(text)
        assert "{{...}}" not in text
    bib = export_text(records, "bibtex")
    assert "note = {7 authors; names not recorded}" in bib
    assert r"Ommer, Bj{\"o}rn" in bib  # the TeX accent read, then written one way
    assert len(json.loads(export_text(records, "csl-json"))) == len(BAD)
    assert len(rispy.loads(export_text(records, "ris"))) == len(BAD)
    for style_id in STYLES:
        entries = format_citations(records, style_id)
        assert len(entries) == len(BAD)
        assert all(e.strip() for e in entries)
        assert any("Ommer" in e for e in entries)
