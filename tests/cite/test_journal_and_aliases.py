"""A paper's journal in every export format; keys of merged-away papers still resolve."""

from __future__ import annotations

import json
from datetime import date

import rispy
from pybtex.database import parse_string

from reader.cite import citation_record, citation_records, export_text
from reader.cite.csl import csl_item
from reader.digests.model import Entry
from reader.library import Library
from reader.library.citekeys import paper_for_key
from reader.library.paper_merge import merge_papers
from tests.cite.conftest import AddPapers
from tests.cite.test_bibtex import ARXIV, paper, strict_parse

JOURNAL = "Journal of Machine Learning Research & Friends"


def test_a_journal_makes_an_article_in_bibtex_and_biblatex() -> None:
    record = citation_record(paper(title="Sparse models", journal=JOURNAL), "k")
    bibtex = export_text([record], "bibtex")
    biblatex = export_text([record], "biblatex")
    strict_parse(bibtex)
    strict_parse(biblatex)
    assert bibtex.startswith("@article{k,")
    assert "  journal = {Journal of Machine Learning Research \\& Friends}," in bibtex
    assert biblatex.startswith("@article{k,")
    assert "  journaltitle = {Journal of Machine Learning Research \\& Friends}," in biblatex
    assert parse_string(bibtex, "bibtex").entries["k"].fields["journal"].startswith("Journal")


def test_an_arxiv_paper_with_a_journal_keeps_its_eprint() -> None:
    from dataclasses import replace

    record = citation_record(replace(ARXIV, journal="NeurIPS"), "vaswani")
    text = export_text([record], "bibtex")
    strict_parse(text)
    assert text.startswith("@article{vaswani,")
    assert "  journal = {NeurIPS}," in text
    assert "  eprint = {1706.03762}," in text
    assert "  doi = {10.48550/arXiv.1706.03762}," in text


def test_a_journal_in_csl_json_and_ris() -> None:
    record = citation_record(paper(title="Sparse models", journal=JOURNAL), "k")
    item = csl_item(record)
    assert item["type"] == "article-journal"
    assert item["container-title"] == JOURNAL
    assert json.loads(export_text([record], "csl-json"))[0]["container-title"] == JOURNAL
    text = export_text([record], "ris")
    assert f"JO  - {JOURNAL}" in text.splitlines()
    assert f"T2  - {JOURNAL}" in text.splitlines()
    (ref,) = rispy.loads(text)
    assert ref["type_of_reference"] == "JOUR"
    assert ref["journal_name"] == JOURNAL
    assert ref["secondary_title"] == JOURNAL


def test_no_journal_no_journal_fields() -> None:
    record = citation_record(paper(title="Sparse models"), "k")
    assert "journal" not in export_text([record], "bibtex")
    assert "container-title" not in csl_item(record)
    assert "JO  -" not in export_text([record], "ris")


def test_the_journal_read_from_the_library(library: Library, papers: AddPapers) -> None:
    (pid,) = papers(
        Entry(
            title="Sparse models",
            authors=("Ada Lovelace",),
            published=date(2020, 1, 1),
            journal="Nature",
        )
    )
    (record,) = citation_records(library, [pid])
    assert record.journal == "Nature"
    assert "  journal = {Nature}," in export_text([record], "bibtex")


def test_the_key_of_a_merged_away_paper_finds_the_paper_it_went_into(
    library: Library, papers: AddPapers
) -> None:
    keep, other = papers(
        Entry(title="Sparse models", authors=("Ada Lovelace",), published=date(2020, 1, 1)),
        Entry(title="Dense models", authors=("Alan Turing",), published=date(2021, 1, 1)),
    )
    keys = library.citekeys([keep, other])
    merge_papers(library, keep, other)
    assert paper_for_key(library, keys[keep]) == keep
    assert paper_for_key(library, keys[other]) == keep
    assert paper_for_key(library, "@" + keys[other].upper()) == keep
    assert paper_for_key(library, "nosuchKey2020") is None
