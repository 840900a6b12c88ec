"""BibTeX and BibLaTeX: the arXiv fields, authors, escaping; strict parses of hostile input."""

from __future__ import annotations

import unicodedata
from datetime import date

import bibtexparser
import pybtex.errors
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string
from pylatexenc.latex2text import LatexNodes2Text

from reader.cite import citation_record, export_text
from reader.cite.bibtex import Dialect, entry
from reader.cite.latex import latex_text
from reader.library.model import Paper, Status

HOSTILE_TITLES = [
    "50% of #1 & {braces} _under_ $5 costs ~ ^ \\ back\\slash}",
    "An $O(n^2)$ method for $\\mathcal{L}_{50%}$ and $a{$ broken math",
    "Hern\\'andez meets M\\\"uller — “quotes” 张伟 😀 naïve café ß",
    "}{ unbalanced {{ braces }",
    "@misc{injected, title = {x}} %comment",
    "Line\nbreak\tand\x00control\x1fcharacters\x7f",
    "T" * 300,
    " ".join(["Supercalifragilistic"] * 15),
    "e\u0301 combining and \u2028 separators",
    '"quoted" title, with = signs and # hashes',
]


def paper(**fields: object) -> Paper:
    """A paper as the library would give it."""
    values: dict[str, object] = {
        "id": 1,
        "key": "title:x",
        "title": "Attention Is All You Need",
        "abstract": "",
        "authors_count": None,
        "organization": None,
        "published": date(2017, 6, 12),
        "comments": None,
        "arxiv_id": None,
        "authors": (),
        "upvotes": None,
        "url": None,
        "doi": None,
        "categories": (),
        "first_seen": __import__("datetime").datetime(2026, 1, 1),
        "status": Status.INBOX,
        "rating": 0,
        "note": "",
        "note_updated_at": None,
        "opened_at": None,
        "tags": (),
    }
    values.update(fields)
    return Paper(**values)  # type: ignore[arg-type]


def strict_parse(text: str) -> None:
    """Both parsers, strictly: no errors, no failed blocks."""
    pybtex.errors.set_strict_mode(True)
    parse_string(text, "bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    assert len(library.entries) == text.count("\n@") + text.startswith("@")


ARXIV = paper(
    arxiv_id="1706.03762",
    authors=("Ashish Vaswani", "Noam Shazeer", "Ludwig van Beethoven", "Martin Luther King Jr."),
    categories=("cs.CL", "cs.LG"),
    tags=("nlp", "to read"),
    abstract="We propose the Transformer & friends: 100% attention.",
)


def test_an_arxiv_paper_in_bibtex() -> None:
    text = entry(citation_record(ARXIV, "vaswaniAttentionAllYou2017"), Dialect.BIBTEX)
    assert text.startswith("@misc{vaswaniAttentionAllYou2017,\n")
    for line in [
        "  author = {Vaswani, Ashish and Shazeer, Noam and van Beethoven, Ludwig and King, Jr., Martin Luther},",
        "  eprint = {1706.03762},",
        "  archivePrefix = {arXiv},",
        "  primaryClass = {cs.CL},",
        "  doi = {10.48550/arXiv.1706.03762},",
        "  url = {https://arxiv.org/abs/1706.03762},",
        "  year = {2017},",
        "  month = jun,",
        "  keywords = {nlp, to read},",
        "  abstract = {We propose the Transformer \\& friends: 100\\% attention.},",
    ]:
        assert line in text.splitlines(), line
    strict_parse(text)
    fields = parse_string(text, "bibtex").entries["vaswaniAttentionAllYou2017"]
    assert [str(p) for p in fields.persons["author"]][:2] == ["Vaswani, Ashish", "Shazeer, Noam"]


def test_an_arxiv_paper_in_biblatex() -> None:
    text = entry(citation_record(ARXIV, "k"), Dialect.BIBLATEX)
    assert text.startswith("@online{k,\n")
    for line in [
        "  eprint = {1706.03762},",
        "  eprinttype = {arxiv},",
        "  eprintclass = {cs.CL},",
        "  date = {2017-06-12},",
        "  doi = {10.48550/arXiv.1706.03762},",
    ]:
        assert line in text.splitlines(), line
    assert "archivePrefix" not in text
    assert "arXiv:" not in text
    strict_parse(text)


def test_a_journal_doi_makes_an_article_that_keeps_its_eprint() -> None:
    published = paper(arxiv_id="2301.00001v3", doi="https://doi.org/10.1038/s41586-023-0001-x")
    record = citation_record(published, "k")
    text = entry(record)
    assert text.startswith("@article{k,")
    assert "  doi = {10.1038/s41586-023-0001-x}," in text
    assert "  eprint = {2301.00001v3}," in text or "  eprint = {2301.00001}," in text
    assert "10.48550" not in text


def test_a_preprint_server_doi_is_no_journal() -> None:
    record = citation_record(
        paper(doi="10.1101/2024.11.18.624137", url="https://www.biorxiv.org/content/x"), "k"
    )
    text = entry(record)
    assert text.startswith("@misc{k,")
    assert "  howpublished = {bioRxiv}," in text
    assert "@online{k," in entry(record, Dialect.BIBLATEX)


def test_a_paper_with_only_a_count_of_authors_says_so() -> None:
    text = entry(citation_record(paper(authors_count=5), "k"))
    assert "author" not in text.replace("authors;", "")
    assert "  note = {5 authors; names not recorded}," in text
    text = entry(citation_record(paper(organization="Google DeepMind"), "k"))
    assert "  note = {Google DeepMind; author names not recorded}," in text
    strict_parse(text)


def test_no_year_no_authors_still_an_entry() -> None:
    text = export_text([citation_record(paper(published=None), "k")], "bibtex")
    assert "year" not in text
    assert "month" not in text
    strict_parse(text)


def test_tex_in_names_is_read_then_written_one_way() -> None:
    record = citation_record(
        paper(authors=('Bj\\"{o}rn Ommer', "Hern\\'andez, J.", "Research and Development Team")),
        "k",
    )
    text = entry(record)
    assert (
        "  author = {Ommer, Bj{\\\"o}rn and Hern{\\'a}ndez, J. and {Research and Development Team}},"
        in text
    )
    strict_parse(text)
    persons = parse_string(text, "bibtex").entries["k"].persons["author"]
    assert len(persons) == 3  # the team is one author, not two


def test_math_stays_math_and_capitals_are_protected() -> None:
    assert latex_text("BERT and LLMs in $O(n^2)$ time", protect_case=True) == (
        "{BERT} and {LLMs} in $O(n^2)$ time"
    )
    assert latex_text("costs $5 and $10") == "costs \\$5 and \\$10"
    assert latex_text("$\\mathcal{L}_{50%}$") == "$\\mathcal{L}_{50\\%}$"


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_parse_strictly(title: str) -> None:
    record = citation_record(
        paper(title=title, abstract=title, authors=(title[:40],), tags=(title[:30],)), "k"
    )
    for dialect in Dialect:
        strict_parse(entry(record, dialect))


def _decoded(latex: str) -> str:
    text = LatexNodes2Text(math_mode="verbatim").latex_to_text(latex)
    text = text.replace("ˆ", "^").replace("˜", "~")  # how pylatexenc reads \\textascii…
    return " ".join(unicodedata.normalize("NFKC", text).split())


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_any_text_parses_strictly(text: str) -> None:
    for protect in (False, True):
        escaped = latex_text(text, protect_case=protect)
        strict_parse(f"@misc{{k,\n  title = {{{escaped}}},\n}}\n")


_READABLE = (
    # pylatexenc's reader knows no \\textbraceleft: braces are checked by the parsers above
    "".join(chr(c) for c in range(32, 127) if chr(c) not in "$\\{}")
    + "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœŒłŁżŻšŠčČğıİ–—“”‘’…"
)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_READABLE, max_size=80))
def test_escaped_text_reads_back_as_written(text: str) -> None:
    escaped = latex_text(text, protect_case=True)
    # TeX's own ligatures are TeX's reading of the text: -- is an en dash, `` and '' quotes.
    expected = " ".join(unicodedata.normalize("NFKC", text).split())
    for ligature, char in (
        ("---", "—"),
        ("--", "–"),
        ("``", "“"),
        ("''", "”"),
        ("!`", "¡"),
        ("?`", "¿"),
    ):
        expected = expected.replace(ligature, char)
    assert _decoded(escaped) == expected


def test_every_paper_of_a_big_export_parses(library_with_many: list[Paper]) -> None:
    records = [citation_record(p, f"key{p.id}") for p in library_with_many]
    for fmt in ("bibtex", "biblatex"):
        strict_parse(export_text(records, fmt))


@pytest.fixture
def library_with_many() -> list[Paper]:
    """Papers with every combination of the fields that change an entry."""
    combos = []
    n = 0
    for arxiv in (None, "2411.13560"):
        for doi in (None, "10.1101/2024.1", "10.1145/3290605.3300857"):
            for authors in ((), ("Ada Lovelace",)):
                for published in (None, date(2020, 1, 31)):
                    for title in HOSTILE_TITLES[:4]:
                        n += 1
                        combos.append(
                            paper(
                                id=n, arxiv_id=arxiv, doi=doi, authors=authors,
                                published=published, title=title, authors_count=3,
                            )
                        )  # fmt: skip
    return combos


_NAME_PART = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "Pd", "Po")), min_size=1, max_size=12
)


@settings(max_examples=100, deadline=None)
@given(
    title=st.text(max_size=120),
    abstract=st.text(max_size=300),
    names=st.lists(st.tuples(_NAME_PART, _NAME_PART), max_size=5),
    tags=st.lists(st.text(min_size=1, max_size=20), max_size=3),
)
def test_any_paper_gives_entries_both_parsers_read_with_every_author(
    title: str, abstract: str, names: list[tuple[str, str]], tags: list[str]
) -> None:
    authors = tuple(f"{given} {family}" for given, family in names)
    record = citation_record(
        paper(title=title or "x", abstract=abstract, authors=authors, tags=tuple(tags)), "k"
    )
    for dialect in Dialect:
        text = entry(record, dialect)
        strict_parse(text)
        persons = parse_string(text, "bibtex").entries["k"].persons.get("author", [])
        assert len(persons) == len(record.authors)


@pytest.mark.parametrize("key", ["3DGaussianSplatting2023", "smith:2020.a-b+c/d_e", "_x"])
def test_every_key_a_user_may_choose_parses(key: str) -> None:
    from reader.cite.citekey import clean_citekey

    assert clean_citekey(key) == key
    for dialect in Dialect:
        text = entry(citation_record(paper(), key), dialect)
        strict_parse(text)
        assert list(parse_string(text, "bibtex").entries) == [key]
