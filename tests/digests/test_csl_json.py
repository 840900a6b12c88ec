"""CSL-JSON: field by field on real files (Better BibTeX exports, a doi.org answer), then
the edge cases, and the line between CSL-JSON and Hugging Face's JSON.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

import reader.digests as digests
from reader.digests import csl_json, hf_json
from reader.digests.errors import DigestFormatError
from reader.digests.model import Digest
from tests.digests.samples import sample

CAPTURED = datetime(2025, 4, 10, 21, tzinfo=UTC)


def read(name: str) -> Digest:
    return digests.parse(sample(name).path, captured_at=CAPTURED)


def parse(data: object) -> Digest:
    return csl_json.parse(json.dumps(data), CAPTURED)


def test_better_bibtex_dates_field_by_field() -> None:
    digest = read("bbt-dates.csl.json")
    assert digest.format == csl_json.NAME
    got = [(e.title, e.published) for e in digest.entries]
    assert got == [
        ("A manuscript", date(2014, 12, 31)),  # a range: its first date
        ("container, event-date, and submitted test", None),  # no issued date at all
        ("open-ended date range test", date(2014, 12, 31)),
        ("single date test", date(2014, 12, 31)),
        ("BC tests", None),  # year -334: no date Papershelf stores
        ("BC tests 2", None),
        ("The Politics of Film Canons", date(1985, 1, 1)),
    ]
    staiger = digest.entries[-1]
    assert staiger.authors == ("Janet Staiger",)
    assert staiger.journal == "Cinema Journal"
    assert staiger.url == "http://www.jstor.org/stable/1225428"
    assert all(e.authors == ("John Doe",) for e in digest.entries[:-1])


def test_better_bibtex_minimal_item() -> None:
    (entry,) = read("bbt-minimal.csl.json").entries
    assert (
        entry.title
        == "A case study in integration of case-based and temporal reasoning using CAFE and Tachyon"
    )
    assert entry.authors == ("Piero Bonissone", "Jonathan Stillman")
    assert entry.authors_count == 2
    assert entry.published is None


def test_doi_org_answer_with_a_jats_abstract() -> None:
    (entry,) = read("crossref-medrxiv.csl.json").entries
    assert entry.title.startswith("Significant reduction in humoral immunity among healthcare")
    assert entry.doi == "10.1101/2021.08.15.21262067"
    assert entry.url == "http://dx.doi.org/10.1101/2021.08.15.21262067"
    assert entry.published == date(2021, 8, 18)
    assert entry.authors_count == 17
    assert entry.authors[0] == "David H. Canaday"
    assert entry.authors[7] == "Kerri St. Denis"
    assert entry.journal is None  # Crossref writes "container-title": []
    # JATS tags and the leading "Abstract" heading are gone; the text is whole.
    assert entry.abstract.startswith("High COVID-19 mortality among nursing home (NH) residents")
    assert entry.abstract.endswith("boosting NH residents may be warranted.")
    assert "<" not in entry.abstract


def test_zotero_arxiv_preprint_item() -> None:
    (entry,) = parse(
        [
            {
                "id": "http://zotero.org/users/1/items/ABC", "type": "article",
                "title": "Attention Is All You Need", "publisher": "arXiv",
                "number": "arXiv:1706.03762", "DOI": "10.48550/arXiv.1706.03762",
                "URL": "http://arxiv.org/abs/1706.03762", "keyword": "Computer Science - Computation and Language, cs.CL",
                "author": [{"family": "Vaswani", "given": "Ashish"}, {"literal": "Google Brain"}],
                "issued": {"date-parts": [["2017", "6", "12"]]},
            }
        ]
    ).entries  # fmt: skip
    assert entry.arxiv_id == "1706.03762"
    assert entry.doi == "10.48550/arXiv.1706.03762"
    assert entry.categories == ("cs.CL",)
    assert entry.authors == ("Ashish Vaswani", "Google Brain")
    assert entry.published == date(2017, 6, 12)  # date parts written as strings


@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        ({"date-parts": [[2020, 2, 30]]}, date(2020, 2, 1)),  # no 30 February: the month
        ({"date-parts": [[2020, 13]]}, date(2020, 1, 1)),
        ({"date-parts": [[0]]}, None),
        ({"date-parts": [[True]]}, None),
        ({"date-parts": "2020"}, None),
        ({"raw": "2019-05-07"}, date(2019, 5, 7)),
        ({"literal": "13th cent"}, None),
        ({"date-parts": [[10**30]]}, None),
    ],
)
def test_odd_dates(issued: object, expected: date | None) -> None:
    (entry,) = parse([{"type": "book", "title": "T", "issued": issued}]).entries
    assert entry.published == expected


def test_names_with_particles_and_suffixes() -> None:
    (entry,) = parse(
        [{"type": "book", "title": "T", "author": [
            {"family": "Hall", "given": "H. K.", "suffix": "Jr."},
            {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
            {"family": "Gogh", "given": "Vincent", "dropping-particle": "van"},
            {"given": "Only"}, {"family": ""}, "not a person",
        ]}]
    ).entries  # fmt: skip
    assert entry.authors == ("H. K. Hall Jr.", "Ludwig van Beethoven", "Vincent van Gogh", "Only")


def test_lone_surrogates_and_controls_from_json_escapes_are_cleaned() -> None:
    (entry,) = csl_json.parse(
        '[{"type": "book", "title": "Bad \\ud800 char\\u0007s", "abstract": "x\\u0000y"}]', CAPTURED
    ).entries
    assert entry.title == "Bad \ufffd char s"
    assert entry.abstract == "x y"
    entry.title.encode("utf-8")  # storable


def test_items_without_a_title_are_counted() -> None:
    digest = parse(
        [{"type": "book", "title": "Kept"}, {"type": "book"}, 7, {"type": "book", "title": ""}]
    )
    assert [e.title for e in digest.entries] == ["Kept"]
    assert digest.warnings == ("3 items without a title were skipped (items 2, 3, 4)",)


def test_broken_json_that_is_plainly_csl_says_where_it_breaks() -> None:
    text = '[{"type": "book", "title": "T", "author": [{"family": "Doe", "given": "J"}], "issued": '
    assert csl_json.sniff(text)
    with pytest.raises(DigestFormatError, match="line 1: the JSON is not valid"):
        csl_json.parse(text, CAPTURED)


def test_hugging_face_json_is_never_csl_and_csl_never_hugging_face() -> None:
    for name in ("hf-daily-papers-2025-04-10.json", "hf-paper-2504.06261.json"):
        text = sample(name).text()
        assert not csl_json.sniff(text)
        assert hf_json.sniff(text)
    for name in ("bbt-dates.csl.json", "bbt-minimal.csl.json", "crossref-medrxiv.csl.json"):
        text = sample(name).text()
        assert csl_json.sniff(text)
        assert not hf_json.sniff(text)
    # A Hugging Face paper that happens to carry a "type" stays Hugging Face's.
    paper = {
        "id": "2504.06261",
        "title": "T",
        "type": "paper",
        "summary": "S",
        "authors": [{"name": "A"}],
    }
    assert not csl_json.sniff(json.dumps(paper))
    assert not csl_json.sniff(json.dumps([{"paper": paper, "title": "T", "type": "x"}]))
    # Other JSON with a "type" and "title" but no CSL field is neither.
    assert not csl_json.sniff(json.dumps([{"type": "issue", "title": "Bug"}]))


def test_better_bibtex_pandoc_export_with_markup_in_titles() -> None:
    adams, berndt, dunning, wordsworth = read("bbt-pandoc.csl.json").entries
    assert (
        adams.title
        == "The physical volcanology of the 1600 eruption of Huaynaputina, southern Peru"
    )
    assert adams.authors_count == 7
    assert adams.authors[0] == "Nancy K Adams"
    assert adams.journal == "Bulletin of Volcanology"
    assert adams.published == date(2014, 12, 31)
    assert berndt.title == (
        "Skizze zur Auslegungsgeschichte der Bücher Prouerbia und Ecclesiastes in der abendländischen Kirche"
    )
    assert (berndt.doi, berndt.url) == (
        "10.1484/J.SE.2.303788",
        "http://dx.doi.org/10.1484/J.SE.2.303788",
    )
    assert dunning.title.endswith(
        "Collecta ex diuersis auditis in scola magistri Willelmi de Monte"
    )
    assert dunning.authors == ("Andrew N.J. Dunning",)
    # "(g<sub>1</sub>)": inline markup goes without splitting the word.
    assert "(g1)" in wordsworth.title
    assert wordsworth.authors == ("John Wordsworth",)  # an edited book: its editor
    assert wordsworth.published == date(1883, 1, 1)
