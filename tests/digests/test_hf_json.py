"""Hugging Face papers JSON: the daily list and a single paper, odd shapes, and import."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

import reader.digests as digests
from reader.digests import hf_json
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.importer import Importer, ImportOutcome
from reader.library import Library
from tests.digests.samples import sample

DAILY = sample("hf-daily-papers-2025-04-10.json")
PAPER = sample("hf-paper-2504.06261.json")
CAPTURED = datetime(2025, 4, 10, 21, tzinfo=UTC)


def parse(text: str) -> digests.Digest:
    return digests.parse_bytes(text.encode(), captured_at=CAPTURED)


def test_daily_sample_field_by_field() -> None:
    digest = digests.parse(DAILY.path, captured_at=DAILY.captured_at)
    assert digest.format == hf_json.NAME
    assert digest.date == date(2025, 4, 10)  # the day most papers were put on the list
    assert digest.warnings == ()
    taste, hogwild, ddt, sober, videochat, gpt4o = digest.entries
    # The paper's title had arXiv's line wrap in it.
    assert taste.title == (
        "TASTE: Text-Aligned Speech Tokenization and Embedding for Spoken Language Modeling"
    )
    assert taste.arxiv_id == "2504.07053"
    assert taste.url == "https://huggingface.co/papers/2504.07053"
    assert taste.authors == (
        "Liang-Hsuan Tseng", "Yi-Chang Chen", "Kuan-Yi Lee", "Da-Shan Shiu", "Hung-yi Lee",
    )  # fmt: skip
    assert taste.authors_count == 5
    assert taste.upvotes == 31
    assert taste.comments == 2  # numComments
    assert taste.published == date(2025, 4, 9)
    assert taste.organization is None
    assert taste.abstract.startswith("Large Language Models (LLMs) excel in text-based")
    assert "\n" not in taste.abstract
    assert taste.categories == ()  # ai_keywords are no subject categories
    assert hogwild.organization == "Yandex"
    assert hogwild.organization_handle == "yandex"
    assert hogwild.authors_count == 8
    assert (hogwild.upvotes, hogwild.comments) == (112, 6)
    assert ddt.organization == "Multimedia Computing Group-Nanjing University"
    assert ddt.organization_handle == "MCG-NJU"
    assert (sober.upvotes, sober.comments) == (19, 0)
    assert (videochat.upvotes, videochat.comments) == (0, 0)  # zero, not unknown
    assert gpt4o.authors_count == 19
    assert gpt4o.published == date(2025, 4, 8)


def test_single_paper_sample() -> None:
    digest = digests.parse(PAPER.path, captured_at=PAPER.captured_at)
    assert digest.format == hf_json.NAME
    assert digest.date == date(2025, 4, 10)  # submittedOnDailyAt
    (paper,) = digest.entries
    assert paper.arxiv_id == "2504.06261"
    assert paper.title == "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"
    assert paper.upvotes == 112
    assert paper.comments is None  # a lone paper has no comment count
    assert paper.organization == "Yandex"
    assert paper.authors[0] == "Gleb Rodionov"
    assert paper.authors_count == 8


def test_the_pages_own_json_object_is_read_too() -> None:
    items = json.loads(DAILY.text())
    digest = parse(json.dumps({"dailyPapers": items[:2], "date": "2025-04-10"}))
    assert [e.arxiv_id for e in digest.entries] == ["2504.07053", "2504.06261"]


def test_odd_items_are_skipped_with_a_warning() -> None:
    items = json.loads(DAILY.text())
    odd = [
        items[0],
        {"paper": "not an object"},
        {"paper": {"id": "2504.00001", "summary": "no title", "upvotes": 3}},
        {
            "paper": {
                "id": "not-an-arxiv-id", "title": "  Odd\n  paper ", "upvotes": "1.2k",
                "authors": None, "publishedAt": "yesterday", "summary": 7,
            },
            "numComments": -3,
        },
        {"paper": {"id": "2504.00002", "title": "True", "upvotes": True, "authors": [{"x": 1}, "Ann"]}},
    ]  # fmt: skip
    digest = parse(json.dumps(odd))
    assert [e.title for e in digest.entries] == [items[0]["title"], "Odd paper", "True"]
    assert digest.warnings == (
        "paper 2 of the list has no title and was skipped",
        "paper 3 of the list has no title and was skipped",
    )
    odd_paper, true = digest.entries[1:]
    assert odd_paper.arxiv_id is None
    assert odd_paper.url is None
    assert (odd_paper.upvotes, odd_paper.comments, odd_paper.published) == (None, None, None)
    assert odd_paper.abstract == ""
    assert odd_paper.authors_count is None
    assert true.upvotes is None  # a boolean is no count
    assert true.authors == ()
    assert true.authors_count is None


def test_broken_json_names_its_line() -> None:
    text = DAILY.text()
    cut = text[: len(text) // 2]
    assert hf_json.sniff(cut)
    with pytest.raises(DigestFormatError) as info:
        parse(cut)
    assert info.value.line is not None
    assert info.value.line > 100
    assert "JSON" in str(info.value)


def test_deep_nesting_is_a_digest_error() -> None:
    deep = (
        '[{"paper": {"id": "2401.00001", "title": "x", "summary": '
        + "[" * 100_000
        + "]" * 100_000
        + "}}]"
    )
    with pytest.raises(DigestFormatError):
        hf_json.parse(deep, CAPTURED)


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "papershelf", "version": 1}',
        '[{"id": "2401.00001", "title": "A list of plain objects"}]',
        '{"paper": {"id": "2401.00001"}}',
        "[]",
        '{"items": [{"paper": {"id": "2401.00001", "title": "x", "summary": "y"}}]}',
    ],
)
def test_other_json_is_not_claimed(text: str) -> None:
    assert not hf_json.sniff(text)
    assert digests.detect(text.encode()) is None
    with pytest.raises(UnknownFormatError):
        hf_json.parse(text, CAPTURED)


def test_import_end_to_end(library: Library) -> None:
    importer = Importer(library)
    report = importer.import_file(DAILY.path, captured_at=DAILY.captured_at)
    assert report.outcome is ImportOutcome.IMPORTED, report.message
    assert (report.entries, report.new) == (6, 6)
    single = importer.import_file(PAPER.path, captured_at=PAPER.captured_at)
    assert (single.entries, single.new) == (1, 0)
    papers = {p.arxiv_id: p for p in library.papers()}
    assert len(papers) == 6
    hogwild = papers["2504.06261"]
    assert hogwild.upvotes == 112
    assert hogwild.comments == 6
    assert hogwild.organization == "Yandex"
    assert hogwild.authors_count == 8
    assert len(hogwild.authors) == 8
    assert hogwild.url == "https://huggingface.co/papers/2504.06261"
    assert len(hogwild.appearances) == 2
    assert [a.comments for a in hogwild.appearances] == [6, None]
    (record, _) = sorted(library.digests(), key=lambda d: d.id)
    assert record.format == hf_json.NAME
    assert record.digest_date == date(2025, 4, 10)
