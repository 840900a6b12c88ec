"""The Daily Papers page saved as HTML: its JSON, its cards when the JSON is gone, import."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

import reader.digests as digests
from reader.digests import hf_html, hf_text
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.importer import Importer, ImportOutcome
from reader.library import Library
from tests.digests.samples import sample

PAGE = sample("hf-daily-papers-2025-04-10.html")
CAPTURED = datetime(2025, 4, 10, 21, tzinfo=UTC)
IDS = ["2504.06261", "2504.05741", "2504.07053", "2504.07086", "2504.06958"]


def parse(text: str) -> digests.Digest:
    return digests.parse_bytes(text.encode(), captured_at=CAPTURED)


def cards_only(text: str) -> str:
    """The page as a saving tool that drops the hydration data leaves it."""
    return re.sub(r' data-props="[^"]*"', "", text)


def test_sample_field_by_field_from_the_embedded_json() -> None:
    digest = digests.parse(PAGE.path, captured_at=PAGE.captured_at)
    assert digest.format == hf_html.NAME
    assert digest.date == date(2025, 4, 10)
    assert [e.arxiv_id for e in digest.entries] == IDS
    hogwild, ddt, taste, sober, videochat = digest.entries
    assert hogwild.title == "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"
    assert len(hogwild.authors) == 8
    assert hogwild.authors[0] == "Gleb Rodionov"
    assert (hogwild.upvotes, hogwild.comments, hogwild.authors_count) == (112, 6, 8)
    assert (hogwild.organization, hogwild.organization_handle) == ("Yandex", "yandex")
    assert hogwild.published == date(2025, 4, 8)
    assert hogwild.url == "https://huggingface.co/papers/2504.06261"
    assert ddt.organization_handle == "MCG-NJU"
    assert taste.title.startswith("TASTE: Text-Aligned Speech Tokenization")
    assert taste.abstract.startswith("Large Language Models (LLMs) excel")
    assert (sober.upvotes, sober.comments) == (19, 0)
    assert videochat.upvotes == 0


def test_cards_when_the_json_is_gone() -> None:
    digest = parse(cards_only(PAGE.text()))
    assert digest.format == hf_html.NAME
    assert digest.date == date(2025, 4, 10)  # from the canonical link
    assert [e.arxiv_id for e in digest.entries] == IDS
    hogwild, ddt, taste, sober, videochat = digest.entries
    assert hogwild.title == "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"
    assert (hogwild.upvotes, hogwild.comments, hogwild.authors_count) == (112, 6, 8)
    assert hogwild.authors == ()  # the card shows 5 of 8 faces: no partial list
    assert (hogwild.organization, hogwild.organization_handle) == ("Yandex", "yandex")
    assert hogwild.abstract.startswith("Large Language Models (LLMs) have demonstrated")
    assert hogwild.line is not None
    assert hogwild.line > 1
    assert ddt.authors == ("Shuai Wang", "Zhi Tian", "Weilin Huang", "Limin Wang")
    assert (ddt.organization, ddt.organization_handle) == (
        "Multimedia Computing Group-Nanjing University",
        "MCG-NJU",
    )
    assert taste.organization is None
    assert (sober.upvotes, sober.comments) == (19, None)  # no comment link shown for 0
    assert videochat.upvotes == 0  # "-"
    assert videochat.authors_count == 10


def test_a_card_without_a_heading_takes_its_title_from_the_paper_link() -> None:
    page = """<!DOCTYPE html><html><head><title>Daily Papers - Hugging Face</title></head><body>
<article><a href="/papers/2401.00001"><img src="x.png"></a><div>7</div>
<a href="/papers/2401.00001" class="title">A Title Without a Heading</a>
<a href="/papers/2401.00001"><span>· 2 authors</span></a>
<a href="/papers/2401.00001#community">3</a></article>
<article><h3><a href="https://huggingface.co/papers/2401.00002">Second &amp; <em>last</em></a></h3>
<p>An abstract.</p><span>Published on Jan 2</span></article>
</body></html>"""
    first, second = parse(page).entries
    assert (first.title, first.arxiv_id, first.upvotes, first.comments) == (
        "A Title Without a Heading", "2401.00001", 7, 3,
    )  # fmt: skip
    assert first.authors_count == 2
    assert (second.title, second.arxiv_id) == ("Second & last", "2401.00002")
    assert second.abstract == "An abstract."
    assert second.published == date(2025, 1, 2)


def test_broken_json_falls_back_to_the_cards() -> None:
    text = PAGE.text().replace('data-props="{', 'data-props="{broken', 1)
    assert [e.arxiv_id for e in parse(text).entries] == IDS


def test_a_page_without_cards_is_an_error() -> None:
    page = (
        '<!DOCTYPE html><html><head><link rel="canonical" href="https://huggingface.co/papers">'
        '</head><body><a href="/papers/2401.00001">a paper</a></body></html>'
    )
    assert hf_html.sniff(page)
    with pytest.raises(DigestFormatError, match="no paper cards"):
        parse(page)


def test_the_text_capture_sniffer_does_not_claim_the_page() -> None:
    pretty = PAGE.text().replace("<h1", "\nDaily Papers\n<h1")  # a line saying just that
    assert not hf_text.sniff(pretty)
    fmt = digests.detect(pretty.encode())
    assert fmt is not None
    assert fmt.name == hf_html.NAME


@pytest.mark.parametrize(
    "page",
    [
        "<!DOCTYPE html><html><body><h1>Daily Papers</h1><p>My own list.</p></body></html>",
        '<html><body><a href="https://arxiv.org/abs/2401.00001">arXiv</a></body></html>',
        "Notes\n<!DOCTYPE html> is how pages start; see huggingface.co/papers/2401.00001\n",
    ],
)
def test_other_html_is_not_claimed(page: str) -> None:
    assert not hf_html.sniff(page)
    assert digests.detect(page.encode()) is None


def test_text_that_is_no_page_is_refused_by_the_parser() -> None:
    with pytest.raises(UnknownFormatError):
        hf_html.parse("just text", CAPTURED)


def test_import_end_to_end(library: Library) -> None:
    report = Importer(library).import_file(PAGE.path, captured_at=PAGE.captured_at)
    assert report.outcome is ImportOutcome.IMPORTED, report.message
    assert (report.entries, report.new) == (5, 5)
    papers = {p.arxiv_id: p for p in library.papers()}
    assert set(papers) == set(IDS)
    ddt = papers["2504.05741"]
    assert ddt.authors == ("Shuai Wang", "Zhi Tian", "Weilin Huang", "Limin Wang")
    assert ddt.upvotes == 64
    assert ddt.comments == 3
    assert ddt.organization == "Multimedia Computing Group-Nanjing University"
    (record,) = library.digests()
    assert (record.format, record.digest_date) == (hf_html.NAME, date(2025, 4, 10))
