"""The Daily Papers page clipped to Markdown: cards, upvotes, escapes, dates, import."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import reader.digests as digests
from reader.digests import hf_markdown, hf_text
from reader.digests.errors import UnknownFormatError
from reader.importer import Importer, ImportOutcome
from reader.library import Library
from tests.digests.samples import sample

CLIP = sample("hf-daily-papers-2025-04-10.md")
CAPTURED = datetime(2025, 4, 10, 21, tzinfo=UTC)


def parse(text: str, captured_at: datetime = CAPTURED) -> digests.Digest:
    return digests.parse_bytes(text.encode(), captured_at=captured_at)


def test_sample_field_by_field() -> None:
    digest = digests.parse(CLIP.path, captured_at=CLIP.captured_at)
    assert digest.format == hf_markdown.NAME
    assert digest.date == date(2025, 4, 10)  # from the clipped address
    e = digest.entries
    assert [x.arxiv_id for x in e] == [
        "2504.06261", "2504.05741", "2504.05979", "2504.07053", "2504.06263", "2504.06958",
    ]  # fmt: skip
    assert [x.upvotes for x in e] == [112, 64, 53, 31, 27, 0]  # "\-" is none
    assert [x.authors_count for x in e] == [8, 4, 19, 5, 10, 10]
    assert [x.comments for x in e] == [6, 3, 1, 2, None, None]
    assert [x.line for x in e] == [29, 48, 64, 78, 94, 106]
    hogwild = e[0]
    assert hogwild.title == "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"
    assert hogwild.url == "https://huggingface.co/papers/2504.06261"
    assert hogwild.abstract.startswith("Large Language Models (LLMs) have demonstrated")
    assert hogwild.abstract.endswith("with the same attention cache.")
    assert (hogwild.organization, hogwild.organization_handle) == ("Yandex", "yandex")
    assert e[1].organization is None
    assert e[2].abstract == ""  # the card had no abstract
    assert e[4].title == "OmniSVG: A Unified Scalable Vector Graphics Generation Model"
    assert e[4].url == "https://huggingface.co/papers/2504.06263"  # a relative link
    videochat = e[5]
    assert videochat.abstract.endswith(
        "This work explores reinforcement fine-tuning for video MLLMs."
    )
    # The footer after the last card is chrome, not part of its abstract.
    assert "System theme" not in videochat.abstract
    assert "Company" not in videochat.abstract


MINIMAL = """## Daily Papers

## Jan 3

5

### [\\[Re\\] Reproducing *Attention* Is All You Need](https://huggingface.co/papers/2401.01234 "Re")

Published on Dec 30, 2023

- · 3 authors

-

### [Second \\_Paper\\_](/papers/2401.05678)

Published on Jan 2

A short abstract sentence that ends in a period.
"""


def test_escapes_dates_without_a_year_and_bare_dashes() -> None:
    digest = parse(MINIMAL, datetime(2024, 1, 3, 12, tzinfo=UTC))
    first, second = digest.entries
    assert first.title == "[Re] Reproducing *Attention* Is All You Need"
    assert first.arxiv_id == "2401.01234"
    assert first.upvotes == 5
    assert first.published == date(2023, 12, 30)
    assert first.authors_count == 3
    assert second.title == "Second _Paper_"
    assert second.upvotes == 0
    assert second.published == date(2024, 1, 2)  # no year: the capture's
    assert second.abstract == "A short abstract sentence that ends in a period."
    assert digest.date == date(2024, 1, 3)  # the "Jan 3" heading, the capture's year


def test_the_text_capture_sniffer_does_not_claim_a_clipping() -> None:
    text = CLIP.text()
    assert "Daily Papers" in text
    assert not hf_text.sniff(text)
    assert not hf_text.sniff(MINIMAL)
    fmt = digests.detect(text.encode())
    assert fmt is not None
    assert fmt.name == hf_markdown.NAME


@pytest.mark.parametrize(
    "text",
    [
        "# My notes\n\n### [A link](https://example.org/papers/2401.01234)\n",
        "### Attention Is All You Need\n\nhttps://huggingface.co/papers/1706.03762\n",
        "Reading: [paper](https://huggingface.co/papers/2401.01234)\n",
        '[{"title": "### [x](https://huggingface.co/papers/2401.01234)"}]',
    ],
)
def test_other_markdown_is_not_claimed(text: str) -> None:
    assert not hf_markdown.sniff(text)
    with pytest.raises(UnknownFormatError):
        hf_markdown.parse(text, CAPTURED)


def test_import_end_to_end(library: Library) -> None:
    report = Importer(library).import_file(CLIP.path, captured_at=CLIP.captured_at)
    assert report.outcome is ImportOutcome.IMPORTED, report.message
    assert (report.entries, report.new) == (6, 6)
    papers = {p.arxiv_id: p for p in library.papers()}
    videochat = papers["2504.06958"]
    assert videochat.upvotes == 0
    assert videochat.authors_count == 10
    assert videochat.url == "https://huggingface.co/papers/2504.06958"
    assert papers["2504.06261"].organization == "Yandex"
    assert papers["2504.06261"].comments == 6
    (record,) = library.digests()
    assert (record.format, record.digest_date) == (hf_markdown.NAME, date(2025, 4, 10))


CLIPPER_2026 = sample("hf-daily-papers-2026-01-30-clipper.md")


def test_the_2026_clipper_layout_plain_headings_video_links_and_linked_upvotes() -> None:
    digest = digests.parse(CLIPPER_2026.path, captured_at=CLIPPER_2026.captured_at)
    assert digest.format == hf_markdown.NAME
    assert digest.date == date(2026, 1, 30)
    got = [
        (e.arxiv_id, e.upvotes, e.authors_count, e.comments, e.organization, e.title)
        for e in digest.entries
    ]
    assert got == [
        ("2504.07053", 1090, 5, 2, None,
         "TASTE: Text-Aligned Speech Tokenization and Embedding for Spoken Language Modeling"),
        ("2504.06261", 112, 8, 6, "Yandex",
         "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"),
        ("2504.05741", 0, 4, None, None, "DDT: Decoupled Diffusion Transformer"),
        ("2308.16137", 2300, 6, 4, None,
         "LM-Infinite: Simple On-the-Fly Length Generalization for Large Language Models"),
    ]  # fmt: skip
    assert digest.entries[2].abstract.startswith("Diffusion transformers have demonstrated")
    assert all(e.url == f"https://huggingface.co/papers/{e.arxiv_id}" for e in digest.entries)


def test_plain_headings_without_a_paper_link_above_are_page_chrome() -> None:
    text = (
        '## Daily Papers\n\n### Trending\n\n[<video src="x.mp4"></video>]'
        '(https://huggingface.co/papers/2504.07053 "View paper")\n\n[12](https://huggingface.co/'
        "papers/2504.07053)\n\n### A Real Paper\n\nIts abstract, which is a sentence.\n\n"
        "### Related links\n"
    )
    digest = parse(text)
    assert [(e.title, e.arxiv_id, e.upvotes) for e in digest.entries] == [
        ("A Real Paper", "2504.07053", 12)
    ]
