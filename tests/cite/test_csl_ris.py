"""CSL-JSON rendered by citeproc-py with every bundled style; RIS read back by rispy."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import rispy

from reader.cite import (
    STYLES,
    StyleError,
    citation_record,
    csl_item,
    export_text,
    format_citations,
    markdown_link,
    pandoc_citation,
)
from reader.cite.csl import style
from tests.cite.test_bibtex import ARXIV, HOSTILE_TITLES, paper

RECORDS = [
    citation_record(ARXIV, "vaswaniAttentionAllYou2017"),
    citation_record(paper(id=2, title="No year, no authors", published=None, authors_count=4), "a"),
    citation_record(paper(id=3, doi="10.1145/3290605.3300857", authors=("Ada Lovelace",)), "b"),
    *(
        citation_record(paper(id=10 + n, title=t, authors=(t[:30],)), f"hostile{n}")
        for n, t in enumerate(HOSTILE_TITLES)
    ),
]


def test_a_csl_item_for_an_arxiv_paper() -> None:
    item = csl_item(RECORDS[0])
    assert item["id"] == item["citation-key"] == "vaswaniAttentionAllYou2017"
    assert item["type"] == "article"
    assert item["author"][:3] == [
        {"family": "Vaswani", "given": "Ashish"},
        {"family": "Shazeer", "given": "Noam"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
    ]
    assert item["author"][3]["suffix"] == "Jr."
    assert item["issued"] == {"date-parts": [[2017, 6, 12]]}
    assert item["DOI"] == "10.48550/arXiv.1706.03762"
    assert item["number"] == "arXiv:1706.03762"
    assert item["publisher"] == "arXiv"
    assert csl_item(RECORDS[2])["type"] == "article-journal"
    assert "author" not in csl_item(RECORDS[1])
    assert json.loads(export_text(RECORDS, "csl-json"))[0] == item


def test_the_bundled_styles_exist_and_say_their_licence() -> None:
    assert list(STYLES) == ["apa", "ieee", "chicago-author-date"]
    for bundled in STYLES.values():
        text = bundled.path.read_text(encoding="utf-8")
        assert "creativecommons.org/licenses/by-sa/3.0" in text, bundled.id
    readme = next(iter(STYLES.values())).path.parent / "README.md"
    assert "CC BY-SA 3.0" in readme.read_text(encoding="utf-8")
    with pytest.raises(StyleError, match="apa, ieee"):
        style("harvard")


@pytest.mark.parametrize("style_id", list(STYLES))
def test_every_style_renders_every_record(style_id: str) -> None:
    texts = format_citations(RECORDS, style_id)
    assert len(texts) == len(RECORDS)
    assert all(t.strip() for t in texts)
    joined = "\n".join(texts)
    assert "Attention Is All You Need" in joined or "Attention is all you need" in joined
    assert "Vaswani" in joined
    html = format_citations(RECORDS[:1], style_id, html=True)[0]
    assert "Vaswani" in html


def test_ieee_numbers_its_entries() -> None:
    texts = format_citations(RECORDS[:3], "ieee")
    assert [t.split(" ", 1)[0] for t in texts] == ["[1]", "[2]", "[3]"]


def test_ris_reads_back() -> None:
    text = export_text(RECORDS, "ris")
    references = rispy.loads(text)
    assert len(references) == len(RECORDS)
    first = references[0]
    assert first["type_of_reference"] == "UNPB"
    assert first["id"] == "vaswaniAttentionAllYou2017"
    assert first["authors"][:2] == ["Vaswani, Ashish", "Shazeer, Noam"]
    assert first["authors"][3] == "King, Martin Luther, Jr."
    assert first["doi"] == "10.48550/arXiv.1706.03762"
    assert first["accession_number"] == "arXiv:1706.03762"
    assert first["date"] == "2017/06/12"
    assert references[1]["notes"] == ["4 authors; names not recorded"]
    assert references[2]["type_of_reference"] == "JOUR"
    for reference, record in zip(references, RECORDS, strict=True):
        assert reference["title"] == " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", record.title).split())
    assert not text.startswith("1.")
    assert export_text([], "ris") == ""


def test_markdown_link_and_pandoc_citation() -> None:
    assert markdown_link(RECORDS[0]) == (
        "[Attention Is All You Need](https://arxiv.org/abs/1706.03762)"
    )
    tricky = citation_record(
        paper(title="[Brackets] *and* (parens)", published=date(2020, 1, 1)), "k"
    )
    link = markdown_link(tricky)
    assert link.startswith("[\\[Brackets\\] \\*and\\* (parens)](https://huggingface.co/papers?q=")
    assert "(" not in link.split("](", 1)[1][:-1]
    assert pandoc_citation(RECORDS[:2]) == "[@vaswaniAttentionAllYou2017; @a]"
    assert pandoc_citation([]) == ""


_PLAIN_CITEPROC = """
import json, sys, warnings
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter
from citeproc.source.json import CiteProcJSON
items, path = json.loads(sys.stdin.read()), sys.argv[1]
warnings.simplefilter("ignore")
bib = CitationStylesBibliography(
    CitationStylesStyle(path, validate=False), CiteProcJSON(items), formatter.plain
)
for item in items:
    bib.register(Citation([CitationItem(item["id"])]))
bib.sort()
print(json.dumps([" ".join(str(e).split()) for e in bib.bibliography()]))
"""


@pytest.mark.parametrize("style_id", list(STYLES))
def test_memoised_rendering_is_citeprocs_own(style_id: str) -> None:
    """The lookups memoised in reader.cite.render change nothing: plain citeproc-py, in a
    process of its own, renders the same entries."""
    import subprocess
    import sys

    from reader.cite.render import _UNKNOWN_TO_CITEPROC

    items = [
        {k: v for k, v in csl_item(r).items() if k not in _UNKNOWN_TO_CITEPROC} for r in RECORDS
    ]
    plain = subprocess.run(
        [sys.executable, "-c", _PLAIN_CITEPROC, str(style(style_id).path)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    expected = [re.sub(r"^(\[\d+\])(?=\S)", r"\1 ", t) for t in json.loads(plain.stdout)]
    assert format_citations(RECORDS, style_id) == expected
