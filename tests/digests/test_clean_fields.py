"""Every format's fields come out clean: no terminal escapes, C1 controls, bidi overrides or
lone surrogates, whatever the file holds; and a reader's own bug is reported as such.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reader.digests as digests
from reader.digests import DigestInternalError, arxiv_email, hf_html, hf_json, hf_text
from reader.digests.clean import (
    LINE_LIMIT,
    TEXT_LIMIT,
    clean_digest,
    clean_entry,
    clean_line,
    clean_text,
)
from reader.digests.model import Digest, Entry
from reader.importer import STORE_BUG, Importer, ImportOutcome
from reader.library import DigestStatus, Library
from reader.library import ingest as ingest_module
from tests.digests.samples import SAMPLES, Sample
from tests.factories import entry

CAPTURED = datetime(2026, 1, 30, 18, 0, tzinfo=UTC)
NONCHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [
    chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF)
]
UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    + "".join(NONCHARACTERS)
    + "]"
)

# What each kind of file can carry: raw bytes where the syntax allows them, escapes where not.
RAW = "\x1b]8;;javascript:alert(1)\x07Evil\x1b[2J\x9b\u202eesrever\u2066\x7f\ufffe\U0010ffff "
XML = "&#x9b;&#x85;&#x202e;esrever&#x2067;&#x7f;&#xFFFE;&#xFDD0; "  # as references
MARKDOWN = "\x1b[2J\x07Evil\x9b\u202eesrever\u2066\x7f\ufdd0 "  # no "]": it would end the link
JSON = "\\u001b]8;;javascript:alert(1)\\u0007Evil\\u009b\\u202e\\ud800\\udfff\\uffff "


def _text_fields(entry: Entry) -> list[str]:
    values = [entry.title, entry.abstract, *entry.authors, *entry.categories]
    values += [v for v in (entry.organization, entry.url, entry.doi, entry.arxiv_id) if v]
    return values


def _assert_clean(digest: Digest) -> None:
    for item in digest.entries:
        for value in _text_fields(item):
            assert UNSAFE.search(value) is None, repr(value)
            value.encode("utf-8")  # strict: no lone surrogate anywhere
    for warning in digest.warnings:
        assert UNSAFE.search(warning) is None


def _payload(sample: Sample) -> str:
    if sample.format == hf_json.NAME:
        return JSON
    if sample.name.endswith((".xml", ".rss", ".atom")):
        return XML
    if sample.name.endswith(".md"):
        return MARKDOWN
    return RAW


def _hostile(sample: Sample) -> tuple[str, str]:
    """The sample with a payload put before its first paper's title (every place it is)."""
    text = sample.text()
    first = digests.parse_bytes(text.encode(), captured_at=sample.captured_at).entries[0]
    words = first.title.split()
    for count in (4, 3, 2):
        anchor = " ".join(words[:count])
        if anchor in text:
            return text.replace(anchor, _payload(sample) + anchor), anchor
    raise AssertionError(f"the first title of {sample.name} is not in the file as written")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_hostile_titles_come_out_clean_in_every_format(sample: Sample) -> None:
    text, anchor = _hostile(sample)
    digest = digests.parse_bytes(text.encode(), captured_at=sample.captured_at)
    assert digest.format == sample.format
    _assert_clean(digest)
    assert any(anchor in e.title for e in digest.entries), "the paper itself is kept"


def test_a_lone_surrogate_in_json_is_replaced() -> None:
    data = json.dumps({"id": "2504.06261", "title": "A \ud800 title", "summary": "x\udc00"})
    digest = digests.parse_bytes(data.encode(), captured_at=CAPTURED)
    assert digest.entries[0].title == "A \ufffd title"
    assert digest.entries[0].abstract == "x\ufffd"


def test_a_lone_surrogate_in_a_pages_data_props_is_replaced() -> None:
    props = json.dumps(
        {"dailyPapers": [{"paper": {"id": "2504.06261", "title": "Hog\ud800wild", "upvotes": 3,
                                    "authors": [{"name": "Gleb \udfff Rodionov"}]}}]}
    )  # fmt: skip
    page = (
        '<!DOCTYPE html><html><body><div class="SVELTE_HYDRATER" data-target="DailyPapers" '
        f"data-props='{props.replace('&', '&amp;').replace(chr(39), '&#39;')}'></div>"
        '<a href="https://huggingface.co/papers/2504.06261">x</a></body></html>'
    )
    digest = digests.parse_bytes(page.encode(), captured_at=CAPTURED)
    assert digest.format == hf_html.NAME
    assert digest.entries[0].title == "Hog\ufffdwild"
    assert digest.entries[0].authors == ("Gleb \ufffd Rodionov",)


def test_a_utf7_mail_with_a_lone_surrogate_is_read() -> None:
    body = (
        "\\\\\r\narXiv:2411.13560\r\nDate: Thu, 7 Nov 2024 02:49:53 GMT   (31kb)\r\n\r\n"
        "Title: A +2AA- title with +ABs-[2J an escape\r\nAuthors: A. Author\r\n"
        "Categories: cs.AI\r\n\\\\\r\n  Abstract.\r\n\\\\ ( https://arxiv.org/abs/2411.13560 ,"
        " 31kb)\r\n"
    )
    mail = (
        "From: no-reply@arXiv.org\r\nTo: me@example.org\r\nSubject: cs daily\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-7\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + body
    )
    digest = digests.parse_bytes(mail.encode(), captured_at=CAPTURED)
    assert digest.format == arxiv_email.NAME
    assert digest.entries[0].title == "A \ufffd title with [2J an escape"


def test_a_surrogate_in_an_author_reaches_the_library_and_back(library: Library) -> None:
    data = json.dumps(
        [{"paper": {"id": "2504.06261", "title": "T", "authors": [{"name": "Li \ud800 Wei"}],
                    "upvotes": 1}}]
    )  # fmt: skip
    path = library.path.parent / "papers.json"
    path.write_text(data, encoding="utf-8")
    report = Importer(library).import_file(path)
    assert report.outcome is ImportOutcome.IMPORTED
    (paper,) = library.papers()
    assert paper.authors == ("Li \ufffd Wei",)


@given(st.text())
def test_clean_line_and_text_leave_nothing_unsafe(text: str) -> None:
    for cleaned in (clean_line(text), clean_text(text)):
        assert UNSAFE.search(cleaned) is None
        cleaned.encode("utf-8")
    assert "\n" not in clean_line(text)
    assert clean_line(clean_line(text)) == clean_line(text)
    assert clean_text(clean_text(text)) == clean_text(text)


@given(st.lists(st.one_of(st.text(), st.sampled_from(NONCHARACTERS)), max_size=12))
def test_noncharacters_are_dropped_and_nothing_else_changes(parts: list[str]) -> None:
    text = "".join(parts)
    without = "".join(ch for ch in text if ch not in NONCHARACTERS)
    assert clean_line(text) == clean_line(without)
    assert clean_text(text) == clean_text(without)
    assert not any(ch in NONCHARACTERS for ch in clean_text(text))


def test_a_feeds_noncharacter_references_never_reach_the_library(library: Library) -> None:
    feed = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title><item>'
        "<title>Byte&#xFFFE;swapped &#xFDD0;&#x10FFFF;titles</title>"
        "<link>https://example.org/a</link><description>An &#xFFFF;abstract</description>"
        "</item></channel></rss>"
    )
    path = library.path.parent / "feed.rss"
    path.write_text(feed, encoding="utf-8")
    assert Importer(library).import_file(path).outcome is ImportOutcome.IMPORTED
    (paper,) = library.papers()
    assert paper.title == "Byteswapped titles"
    assert paper.abstract == "An abstract"


_NO_TEX = st.characters(blacklist_characters="\\")  # TeX is converted (test_sample.py)


@given(
    title=st.text(_NO_TEX, min_size=1, max_size=60),
    abstract=st.text(_NO_TEX, max_size=60),
    repeat=st.integers(min_value=1, max_value=200),
)
def test_every_field_is_cut_to_its_limit_and_cleaning_again_changes_nothing(
    title: str, abstract: str, repeat: int
) -> None:
    long = Entry(
        title=title * repeat * 2,
        abstract=abstract * repeat * 100,
        authors=(title * repeat * 2, "Ada Lovelace"),
        journal=title * repeat * 2,
    )
    cleaned = clean_entry(long)
    assert 0 < len(cleaned.title) <= LINE_LIMIT
    assert len(cleaned.abstract) <= TEXT_LIMIT
    assert all(len(a) <= LINE_LIMIT for a in cleaned.authors)
    assert cleaned.journal is None or len(cleaned.journal) <= LINE_LIMIT
    assert clean_entry(cleaned) == cleaned
    if len(clean_line(long.title)) <= LINE_LIMIT:  # short enough: cut nowhere
        assert cleaned.title == (clean_line(long.title) or "\ufffd")


def test_a_feed_title_of_megabytes_is_cut_before_it_is_stored(library: Library) -> None:
    feed = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title><item><title>'
        + "Words without end " * 200_000
        + "</title><link>https://example.org/a</link></item></channel></rss>"
    )
    path = library.path.parent / "feed.rss"
    path.write_text(feed, encoding="utf-8")
    assert Importer(library).import_file(path).outcome is ImportOutcome.IMPORTED
    (paper,) = library.papers()
    assert len(paper.title) <= LINE_LIMIT
    assert paper.title.startswith("Words without end Words")
    assert paper.title.endswith("…")


def test_clean_keeps_what_people_write() -> None:
    hebrew = "\u200fמודלי שפה\u200f גדולים"
    assert clean_line(hebrew) == hebrew
    assert clean_line("Emoji 👩‍🔬 and ZWJ, naïve, 東京") == "Emoji 👩‍🔬 and ZWJ, naïve, 東京"
    assert clean_text("One.\n\n\n\nTwo\twith a tab.") == "One.\n\nTwo with a tab."


# ------------------------------------------------------------------------- parser bugs


def _buggy(monkeypatch: pytest.MonkeyPatch) -> None:
    real = hf_text.parse

    def parse(text: str, captured_at: datetime) -> Digest:
        if "BUG" in text:
            return {}["no such key"]  # type: ignore[no-any-return]
        return real(text, captured_at)

    monkeypatch.setattr(hf_text, "parse", parse)


def test_a_parsers_own_bug_is_an_internal_error_with_a_logged_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _buggy(monkeypatch)
    data = hf_text.render([entry(1, title="BUG")], None).encode()
    with caplog.at_level(logging.ERROR), pytest.raises(DigestInternalError) as info:
        digests.parse_bytes(data, captured_at=CAPTURED)
    assert str(info.value).startswith(
        "internal error while reading this file as Hugging Face Daily Papers (text); "
        "please report it"
    )
    assert "not a digest" not in str(info.value)
    (record,) = [r for r in caplog.records if r.name == "reader.digests"]
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError


def test_a_folder_import_goes_on_past_a_file_that_trips_a_bug(
    monkeypatch: pytest.MonkeyPatch, library: Library, tmp_path: Path
) -> None:
    _buggy(monkeypatch)
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name, first in (("a.txt", 1), ("b.txt", 0), ("c.txt", 3)):
        title = "BUG" if first == 0 else None
        text = hf_text.render([entry(first, title=title), entry(first + 10)], None)
        (folder / name).write_text(text, encoding="utf-8")
    real_record = ingest_module.record_digest

    def record(library: Library, source: ingest_module.SourceFile, digest: Digest) -> object:
        if digest.entries[0].title.startswith("Paper number 3"):
            raise IndexError("a bug while storing")
        return real_record(library, source, digest)

    monkeypatch.setattr("reader.importer.record_digest", record)
    reports = Importer(library).import_paths([folder])
    assert [(r.path.name, r.outcome) for r in reports] == [
        ("a.txt", ImportOutcome.IMPORTED),
        ("b.txt", ImportOutcome.FAILED),
        ("c.txt", ImportOutcome.FAILED),
    ]
    assert reports[1].message.startswith("internal error while reading this file as")
    assert reports[2].message == STORE_BUG
    failed = [d for d in library.digests() if d.status is DigestStatus.FAILED]
    assert sorted(Path(d.path).name for d in failed) == ["b.txt", "c.txt"]
    assert library.count() == 2  # a.txt's papers; c.txt's were rolled back


def test_clean_digest_is_applied_by_the_registry_to_any_format() -> None:
    fmt = next(f for f in digests.formats() if f.name == hf_text.NAME)
    text = hf_text.render([dataclasses.replace(entry(1), title="A\x1b[2J title")], None)
    assert fmt.parse(text, CAPTURED).entries[0].title == "A [2J title"


def test_a_cut_field_is_told_in_the_import_result_and_the_file_is_unchanged(
    library: Library,
) -> None:
    title = "Words without end " * 1_000
    feed = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>'
        f"<item><title>{title}</title><link>https://example.org/a</link></item>"
        "<item><title>A short title</title><link>https://example.org/b</link></item>"
        "</channel></rss>"
    )
    path = library.path.parent / "feed.rss"
    path.write_text(feed, encoding="utf-8")
    result = Importer(library).import_file(path)
    assert result.outcome is ImportOutcome.IMPORTED
    (said,) = [w for w in result.warnings if "shortened" in w]
    assert said.startswith("1 paper had text longer than Papershelf keeps (10,000 characters")
    assert said.endswith(
        "was shortened, ending in “…”: title. The digest file itself is unchanged."
    )
    assert path.read_text(encoding="utf-8") == feed


def test_a_digest_with_nothing_too_long_gets_no_warning_and_many_cuts_are_counted() -> None:
    short = Digest(format="rss", entries=(Entry(title="Attention", abstract="Short."),))
    assert clean_digest(short).warnings == ()
    long = "x" * (LINE_LIMIT + 1)
    digest = Digest(
        format="rss",
        entries=(
            Entry(title=long, authors=(long, "Ada")),
            Entry(title="Fine", abstract="y" * (TEXT_LIMIT + 1), journal=long),
            Entry(title="Also fine"),
        ),
        warnings=("the feed said so",),
    )
    warnings = clean_digest(digest).warnings
    assert warnings[0] == "the feed said so"
    assert warnings[1] == (
        "2 papers had text longer than Papershelf keeps (10,000 characters, 100,000 for an "
        "abstract) and were shortened, ending in “…”: title (1), author name (1), "
        "abstract (1), journal (1). The digest file itself is unchanged."
    )
