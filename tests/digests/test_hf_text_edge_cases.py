"""Edge cases of the Hugging Face "Daily Papers" text capture, built inline."""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import reader.digests as digests
from reader.digests import hf_text
from reader.digests.errors import (
    DigestError,
    DigestFormatError,
    DigestReadError,
    UnknownFormatError,
)
from reader.digests.model import Digest, Entry
from reader.digests.source import read_digest_bytes

CAPTURED = datetime(2026, 1, 30, 18, tzinfo=UTC)
HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
)
ABSTRACT = (
    "We study a problem that matters to many people and show a method that works well "
    "on three benchmarks, beating strong baselines by a clear margin."
)
ABSTRACT_2 = (
    "Long contexts are expensive. We propose a cheap trick and evaluate it at scale, "
    "finding that it helps most when sequences are longest."
)
ABSTRACT_3 = "A third paragraph of text that describes a paper in enough words to be an abstract."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


# ---------------------------------------------------------------------------------- helpers


def paper(
    title: str,
    abstract: str = ABSTRACT,
    who: str = "  • 3 authors",
    when: str | None = "Jan 5, 2025",
) -> str:
    """One entry as the page's text shows it; ``when=None`` leaves out the meta block."""
    parts = [title, abstract]
    if when is not None:
        parts.append(f"{who}\n·\n{when}")
    return "\n\n".join(parts)


def capture(*papers: str, header: tuple[str, ...] = HEADER, day: str | None = "Jan 30") -> str:
    """A whole capture: header chrome, the digest date, then the papers."""
    top = [*header] + ([day] if day is not None else [])
    return "\n\n".join([*top, *papers]) + "\n"


def parse(text: str | bytes, captured_at: datetime = CAPTURED) -> Digest:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return digests.parse_bytes(data, captured_at=captured_at)


def fields(digest: Digest) -> list[tuple[object, ...]]:
    """What a capture says about each entry (everything but the source line number)."""
    return [
        (e.title, e.abstract, e.authors_count, e.organization, e.organization_handle,
         e.published, e.comments)
        for e in digest.entries
    ]  # fmt: skip


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` that is exactly ``needle``."""
    return [line.strip() for line in text.split("\n")].index(needle) + 1


BASIC = capture(
    paper("First Paper: A Study", ABSTRACT, "  • 5 authors", "Apr 9, 2025"),
    paper("Second Paper Without Meta", ABSTRACT_2, when=None),
    paper("Third Paper", ABSTRACT_3, "ibm-research IBM Research", "Jan 21 4"),
)
BASIC_FIELDS = [
    ("First Paper: A Study", ABSTRACT, 5, None, None, date(2025, 4, 9), None),
    ("Second Paper Without Meta", ABSTRACT_2, None, None, None, None, None),
    ("Third Paper", ABSTRACT_3, None, "IBM Research", "ibm-research", date(2026, 1, 21), 4),
]


def test_basic_capture() -> None:
    digest = parse(BASIC)
    assert digest.format == hf_text.NAME
    assert digest.date == date(2026, 1, 30)
    assert digest.warnings == ()
    assert fields(digest) == BASIC_FIELDS
    assert [e.line for e in digest.entries] == [
        line_of(BASIC, "First Paper: A Study"),
        line_of(BASIC, "Second Paper Without Meta"),
        line_of(BASIC, "Third Paper"),
    ]


# --------------------------------------------------------------- encodings and whitespace


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf-8 BOM", b"\xef\xbb\xbf" + BASIC.encode()),
        ("CRLF", BASIC.replace("\n", "\r\n").encode()),
        ("lone CR", BASIC.replace("\n", "\r").encode()),
        ("trailing spaces", "\n".join(line + "   " for line in BASIC.split("\n")).encode()),
        ("trailing tabs", "\n".join(line + " \t" for line in BASIC.split("\n")).encode()),
        ("leading spaces", "\n".join("  " + line for line in BASIC.split("\n")).encode()),
        ("no-break spaces", "\n".join(line + "\u00a0" for line in BASIC.split("\n")).encode()),
        ("three blank lines", BASIC.replace("\n\n", "\n\n\n\n").encode()),
        ("no blank lines", BASIC.replace("\n\n", "\n").encode()),
        ("blank lines inside meta", BASIC.replace("\n·\n", "\n\n·\n\n\n").encode()),
        ("blank lines with spaces", BASIC.replace("\n\n", "\n   \n\t\n").encode()),
        ("no final newline", BASIC.rstrip("\n").encode()),
        ("many final newlines", (BASIC + "\n\n\n\n").encode()),
        ("utf-16-le BOM", BASIC.encode("utf-16")),
        ("utf-16-be BOM", b"\xfe\xff" + BASIC.encode("utf-16-be")),
        ("utf-16 BOM CRLF", BASIC.replace("\n", "\r\n").encode("utf-16")),
        ("windows-1252", BASIC.encode("cp1252")),
    ],
)
def test_layout_and_encoding_variants(name: str, data: bytes) -> None:
    digest = parse(data)
    assert fields(digest) == BASIC_FIELDS, name
    assert digest.date == date(2026, 1, 30)
    assert digest.warnings == ()


def test_line_numbers_count_crlf_and_cr_lines_once() -> None:
    expected = [e.line for e in parse(BASIC).entries]
    assert [e.line for e in parse(BASIC.replace("\n", "\r\n").encode()).entries] == expected
    assert [e.line for e in parse(BASIC.replace("\n", "\r").encode()).entries] == expected


def test_windows_1252_title_with_accents() -> None:
    text = capture(
        paper("Réseaux de neurones: une étude", ABSTRACT, "  • 2 authors", "Mar 3, 2024")
    )
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    digest = parse(data)
    assert digest.entries[0].title == "Réseaux de neurones: une étude"
    assert digest.entries[0].authors_count == 2
    assert digest.entries[0].published == date(2024, 3, 3)


def test_latin_1_digest_without_bullets() -> None:
    # Latin-1 has '·' (0xB7) and 'é' but no '•': the authors line goes without its bullet.
    text = capture(paper("Café au lait: a study", "Résumé. " + ABSTRACT, "3 authors", "Jan 5"))
    digest = parse(text.encode("latin-1"))
    entry = digest.entries[0]
    assert entry.title == "Café au lait: a study"
    assert entry.abstract.startswith("Résumé. ")
    assert entry.authors_count == 3
    assert entry.published == date(2026, 1, 5)


def test_utf8_cut_off_inside_the_last_character() -> None:
    # A capture cut off in the middle of a multi-byte character is still UTF-8: decoding it
    # all as Windows-1252 would turn every '·' into 'Â·' and lose the meta blocks.
    text = capture(
        paper("Café Models", ABSTRACT, "  • 5 authors", "Apr 9, 2025"),
        paper("Über Second", ABSTRACT_2, "  • 2 authors", "Apr 9, 2025"),
        paper("Third", ABSTRACT_3, when=None),
    )
    data = text.encode() + "  •".encode()[:-1]
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    digest = parse(data)
    assert [e.title for e in digest.entries] == ["Café Models", "Über Second", "Third"]
    assert [e.authors_count for e in digest.entries] == [5, 2, None]
    assert digest.warnings == ()


def test_windows_1252_file_ending_in_an_accent() -> None:
    text = capture(paper("Plain Title", ABSTRACT, "3 authors", "Jan 5")) + "\nCafé"
    digest = parse(text.encode("cp1252"))
    assert digest.entries[0].authors_count == 3
    assert "Café" in digest.warnings[0]


def test_zero_width_and_control_characters_are_ignored() -> None:
    text = BASIC.replace("Third Paper", "\u200bThird Paper\ufeff").replace("·", "\u200b·\x0b")
    assert fields(parse(text)) == BASIC_FIELDS


# ------------------------------------------------------------------------------ header


@pytest.mark.parametrize(
    "header",
    [
        HEADER,
        ("Hugging Face", "Models", "Datasets", "Spaces", "Papers", *HEADER, "Previous", "Next"),
        (
            "Hugging Face's logo",
            "Hugging Face",
            "Search models, datasets, users...",
            "Models",
            "Datasets",
            "Spaces",
            "Posts",
            "Docs",
            "Enterprise",
            "Pricing",
            "Log In",
            "Sign Up",
            *HEADER,
            "Daily",
            "Weekly",
            "Monthly",
        ),
        ("Daily Papers",),
        ("Daily Papers", "byAK and the research community"),
        ("new", "Subscribe", "Daily Papers"),
        (
            "Get trending papers in your email inbox",
            "Daily Papers",
            "by AK and the research community",
        ),
        ("DAILY PAPERS", "BYAK AND THE RESEARCH COMMUNITY"),
        (),
    ],
    ids=[
        "standard",
        "extra-chrome",
        "full-site-chrome",
        "only-title",
        "title-and-byline",
        "partial",
        "variants",
        "upper-case",
        "none",
    ],
)
def test_header_chrome_variations(header: tuple[str, ...]) -> None:
    digest = parse(capture(*BASIC.split("Jan 30\n\n", 1)[1:], header=header))
    assert digest.date == date(2026, 1, 30)
    assert fields(digest) == BASIC_FIELDS


@pytest.mark.parametrize(
    "after_date",
    [
        ("Previous", "Next"),
        ("Previous",),
        ("Next",),
        ("Daily", "Weekly", "Monthly"),
        ("Previous", "Next", "Search", "Trending"),
    ],
)
def test_chrome_lines_between_date_and_first_paper(after_date: tuple[str, ...]) -> None:
    body = BASIC.split("Jan 30\n\n", 1)[1]
    text = capture(*after_date, body)
    digest = parse(text)
    assert digest.date == date(2026, 1, 30)
    assert fields(digest) == BASIC_FIELDS


def test_chrome_after_date_then_paper_with_organisation_line() -> None:
    text = capture(
        "Previous", "Next", paper("Org Paper", ABSTRACT, "google Google", "Oct 21, 2025 5")
    )
    digest = parse(text)
    assert fields(digest) == [
        ("Org Paper", ABSTRACT, None, "Google", "google", date(2025, 10, 21), 5)
    ]


LONG_PERIOD_TITLE = "We Show That Large Language Models Can Count To Ten Reliably."


@pytest.mark.parametrize("day", ["Jan 30", None])
@pytest.mark.parametrize("who", ["  • 4 authors", "google Google"])
def test_chrome_then_a_title_ending_with_a_period(day: str | None, who: str) -> None:
    header = (*HEADER, "Previous", "Next") if day is not None else HEADER
    text = capture(
        paper(LONG_PERIOD_TITLE, ABSTRACT, who, "Jan 5"), paper("Two"), header=header, day=day
    )
    digest = parse(text)
    assert [e.title for e in digest.entries] == [LONG_PERIOD_TITLE, "Two"]
    assert digest.entries[0].abstract == ABSTRACT
    assert digest.entries[0].published == date(2026, 1, 5)


def test_first_paper_titled_like_a_chrome_word_is_kept() -> None:
    text = capture(paper("Papers", ABSTRACT), paper("Next", ABSTRACT_2, when=None))
    assert [e.title for e in parse(text).entries] == ["Papers", "Next"]


def test_trailing_footer_chrome_is_ignored() -> None:
    text = BASIC + "\nPrevious\n\nNext\n\nSystem theme\n\nCompany\n\nTOS\n\nPrivacy\n\nAbout\n"
    digest = parse(text)
    assert fields(digest) == BASIC_FIELDS
    assert digest.warnings == ()


@pytest.mark.parametrize(
    "header", [HEADER, ("Hugging Face", "Papers", *HEADER, "Previous", "Next"), ("Daily Papers",)]
)
def test_missing_digest_date(header: tuple[str, ...]) -> None:
    text = capture(*BASIC.split("Jan 30\n\n", 1)[1:], header=header, day=None)
    digest = parse(text)
    assert digest.date is None
    assert fields(digest) == BASIC_FIELDS


def test_missing_header_and_date_with_an_authors_line() -> None:
    text = capture(BASIC.split("Jan 30\n\n", 1)[1], header=(), day=None)
    digest = parse(text)
    assert digest.date is None
    assert fields(digest) == BASIC_FIELDS


@pytest.mark.parametrize(
    ("line", "captured", "expected"),
    [
        ("Jan 30", CAPTURED, date(2026, 1, 30)),
        ("Jan 30, 2024", CAPTURED, date(2024, 1, 30)),
        ("January 30", CAPTURED, date(2026, 1, 30)),
        ("jan 30", CAPTURED, date(2026, 1, 30)),
        ("Dec 31", datetime(2026, 1, 2, tzinfo=UTC), date(2025, 12, 31)),
        ("Jan 1", datetime(2026, 1, 1, 0, 5, tzinfo=UTC), date(2026, 1, 1)),
    ],
)
def test_digest_date_forms(line: str, captured: datetime, expected: date) -> None:
    digest = parse(capture(paper("A Paper"), day=line), captured_at=captured)
    assert digest.date == expected


def test_invalid_digest_date_names_its_line() -> None:
    text = capture(paper("A Paper"), day="Feb 31")
    with pytest.raises(DigestFormatError) as info:
        parse(text)
    assert info.value.line == line_of(text, "Feb 31")
    assert "'Feb 31' is not a valid date" in str(info.value)


# ------------------------------------------------------------------------------ titles and abstracts


@pytest.mark.parametrize(
    "title",
    [
        "TASTE: Text-Aligned Speech Tokenization",
        "UloRL:An Ultra-Long Output Approach",
        "Re: Attention: Is It All You Need?",
        "Attention Is All You Need.",
        "We Show That Large Language Models Can Count To Ten Reliably.",
        "Transformers learn in-context by gradient descent (sometimes).",
        "Don't Take It Literally",
        "BERT 2: 3 authors and 5 ideas",
        "Jan 5 Is Not a Date Here",
        "· A Title Starting With a Dot",
        "1 authors is a lot",
        "ÜberNet: 多语言 модель — résumé ✓",
        "🚀 Rocket: emoji 🤗 in titles 👩‍🔬",
        "نماذج اللغة الكبيرة: دراسة",
        "\u200fמודלי שפה\u200f גדולים",
        "x" * 250,
    ],
)
@pytest.mark.parametrize("position", ["first", "middle", "last", "no-meta"])
def test_unusual_titles(title: str, position: str) -> None:
    target = paper(title, ABSTRACT_2, when=None if position == "no-meta" else "Jan 5, 2025")
    others = [paper("Plain Title One", ABSTRACT), paper("Plain Title Two", ABSTRACT_3)]
    order = {
        "first": [target, *others],
        "middle": [others[0], target, others[1]],
        "last": [*others, target],
        "no-meta": [others[0], target, others[1]],
    }[position]
    digest = parse(capture(*order))
    titles = [e.title for e in digest.entries]
    assert len(titles) == 3
    entry = digest.entries[titles.index(title)]
    assert entry.abstract == ABSTRACT_2
    if position == "no-meta":
        assert entry.published is None
    else:
        assert (entry.authors_count, entry.published) == (3, date(2025, 1, 5))
    assert digest.warnings == ()


@pytest.mark.parametrize(
    "abstract",
    [
        "We define a · b as the dot product of vectors a and b, and use it throughout.",
        "We reach 3times speed-up and O(nm) memory with 12.5% fewer FLOPs on 1,024 GPUs.",
        "Code: https://github.com/example/repo and http://arxiv.org/abs/2401.00001v2 are public.",
        "Following Erd\\'{o}s and Ny\\'{n}, we bound $\\sum_i x_i^2 \\leq 1$ in \\mathcal{O}(n).",
        "Unicode: naïve café, 東京, Ω≈√2, ∀x∈ℝ; emoji 🤗 and math 𝔼[X] — all kept.",
        "Jan 5, 2025 is when we started; 3 authors wrote this; · and • appear inline.",
        "Short one.",
        "Numbers only 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
        "An abstract without a final period but long enough to be one",
        "a" * 5000,
    ],
)
def test_unusual_abstracts(abstract: str) -> None:
    text = capture(
        paper("Before", ABSTRACT),
        paper("Target Paper", abstract, "  • 4 authors", "Mar 3, 2024 7"),
        paper("After", ABSTRACT_3, when=None),
    )
    digest = parse(text)
    assert [e.title for e in digest.entries] == ["Before", "Target Paper", "After"]
    target = digest.entries[1]
    expected = {  # the one TeX rule: accents outside math become letters, math stays
        "Following Erd\\'{o}s and Ny\\'{n}, we bound $\\sum_i x_i^2 \\leq 1$ in \\mathcal{O}(n).": (
            "Following Erdós and Nyń, we bound $\\sum_i x_i^2 \\leq 1$ in \\mathcal{O}(n)."
        )
    }
    assert target.abstract == expected.get(abstract, abstract)
    assert (target.authors_count, target.published, target.comments) == (4, date(2024, 3, 3), 7)


# ------------------------------------------------------------------------------ meta blocks


@pytest.mark.parametrize(
    ("who", "authors", "organization", "handle"),
    [
        ("  • 1 authors", 1, None, None),
        ("  • 1 author", 1, None, None),
        ("• 12 authors", 12, None, None),
        ("  •   7   authors", 7, None, None),
        ("3 authors", 3, None, None),
        ("  • 250 AUTHORS", 250, None, None),
        ("google Google", None, "Google", "google"),
        ("ibm-research IBM Research", None, "IBM Research", "ibm-research"),
        ("internlm Intern Large Models", None, "Intern Large Models", "internlm"),
        ("mit-han-lab MIT HAN Lab", None, "MIT HAN Lab", "mit-han-lab"),
        ("deepseek-ai DeepSeek", None, "DeepSeek", "deepseek-ai"),
        ("openai", None, "openai", "openai"),
        ("Qwen Qwen", None, "Qwen", "Qwen"),
        ("facebook AI at Meta", None, "AI at Meta", "facebook"),
        ("nvidia NVIDIA · Research", None, "NVIDIA · Research", "nvidia"),
    ],
)
def test_who_line(
    who: str, authors: int | None, organization: str | None, handle: str | None
) -> None:
    text = capture(
        paper("No Meta Before", ABSTRACT_3, when=None),
        paper("Target Paper", ABSTRACT, who, "Jun 26, 2025"),
        paper("After", ABSTRACT_2),
    )
    digest = parse(text)
    target = digest.entries[1]
    assert target.title == "Target Paper"
    assert (target.authors_count, target.organization, target.organization_handle) == (
        authors,
        organization,
        handle,
    )
    assert target.published == date(2025, 6, 26)
    assert digest.entries[0].published is None
    assert digest.entries[2].authors_count == 3


def test_organisation_line_on_the_first_paper() -> None:
    digest = parse(
        capture(paper("Org First", ABSTRACT, "internlm Intern Large Models", "Jul 17, 2025 3"))
    )
    assert fields(digest) == [
        ("Org First", ABSTRACT, None, "Intern Large Models", "internlm", date(2025, 7, 17), 3)
    ]


def test_several_papers_without_meta_in_a_row() -> None:
    text = capture(
        paper("One", ABSTRACT, when=None),
        paper("Two", ABSTRACT_2, when=None),
        paper("Three", ABSTRACT_3, "google Google", "Jan 3"),
        paper("Four", ABSTRACT, when=None),
        paper("Five", ABSTRACT_2, when=None),
    )
    digest = parse(text)
    assert [(e.title, e.organization, e.published) for e in digest.entries] == [
        ("One", None, None),
        ("Two", None, None),
        ("Three", "Google", date(2026, 1, 3)),
        ("Four", None, None),
        ("Five", None, None),
    ]


@pytest.mark.parametrize(
    ("when", "captured", "published", "comments"),
    [
        ("Apr 9, 2025", CAPTURED, date(2025, 4, 9), None),
        ("Apr 9, 2025 4", CAPTURED, date(2025, 4, 9), 4),
        ("Apr 9,2025 12", CAPTURED, date(2025, 4, 9), 12),
        ("Jan 21", CAPTURED, date(2026, 1, 21), None),
        ("Jan 21 3", CAPTURED, date(2026, 1, 21), 3),
        ("Jan 30", CAPTURED, date(2026, 1, 30), None),
        ("Jan 31", CAPTURED, date(2025, 1, 31), None),
        ("Nov 2", CAPTURED, date(2025, 11, 2), None),
        ("September 3, 2024", CAPTURED, date(2024, 9, 3), None),
        ("Sept 3, 2024", CAPTURED, date(2024, 9, 3), None),
        ("Sep. 3, 2024 999", CAPTURED, date(2024, 9, 3), 999),
        ("February 29, 2024", CAPTURED, date(2024, 2, 29), None),
        ("december 25 2", CAPTURED, date(2025, 12, 25), 2),
        ("MAY 1, 2023", CAPTURED, date(2023, 5, 1), None),
        ("Dec 30", datetime(2026, 1, 2, tzinfo=UTC), date(2025, 12, 30), None),
        ("Jan 2", datetime(2026, 1, 2, tzinfo=UTC), date(2026, 1, 2), None),
        ("Jan 3", datetime(2026, 1, 2, 23, 59, tzinfo=UTC), date(2025, 1, 3), None),
        ("Feb 29", datetime(2026, 3, 1, tzinfo=UTC), date(2024, 2, 29), None),
        ("Feb 29", datetime(2024, 3, 1, tzinfo=UTC), date(2024, 2, 29), None),
        ("Feb 29", datetime(2024, 2, 28, tzinfo=UTC), date(2020, 2, 29), None),
        ("Feb 28", datetime(2026, 3, 1, tzinfo=UTC), date(2026, 2, 28), None),
    ],
)
def test_published_dates(
    when: str, captured: datetime, published: date, comments: int | None
) -> None:
    text = capture(paper("Dated Paper", ABSTRACT, when=when), day=None)
    entry = parse(text, captured_at=captured).entries[0]
    assert entry.published == published
    assert entry.comments == comments


def test_naive_capture_time_is_accepted() -> None:
    entry = parse(capture(paper("P", ABSTRACT, when="Jan 21")), captured_at=datetime(2026, 1, 30))
    assert entry.entries[0].published == date(2026, 1, 21)


@pytest.mark.parametrize(
    ("captured", "expected"),
    [
        (date(2026, 1, 30), date(2026, 1, 21)),
        (date(2026, 1, 21), date(2026, 1, 21)),
        (date(2026, 1, 20), date(2025, 1, 21)),
        (date(2026, 12, 31), date(2026, 1, 21)),
    ],
)
def test_infer_year(captured: date, expected: date) -> None:
    assert hf_text.infer_year(1, 21, captured) == expected


def test_infer_year_leap_day() -> None:
    assert hf_text.infer_year(2, 29, date(2026, 1, 30)) == date(2024, 2, 29)
    assert hf_text.infer_year(2, 29, date(2101, 3, 1)) == date(2096, 2, 29)
    with pytest.raises(ValueError):
        hf_text.infer_year(2, 30, date(2026, 1, 30))


# ------------------------------------------------------------------------------ broken captures


@pytest.mark.parametrize(
    "bad", ["Feb 30, 2024", "Feb 30", "Apr 31, 2025 3", "Jan 0", "Feb 29, 2023"]
)
def test_invalid_published_date(bad: str) -> None:
    text = capture(paper("Good Paper"), paper("Bad Date Paper", ABSTRACT_2, when=bad))
    with pytest.raises(DigestFormatError) as info:
        parse(text)
    assert info.value.line == line_of(text, bad)
    assert str(info.value) == f"line {info.value.line}: '{bad}' is not a valid date"


@pytest.mark.parametrize(
    "after_dot",
    [
        "yesterday",
        "5 authors",
        "Jan",
        "Smarch 3, 2024",
        "Jan 5, 24",
        "2025-01-05",
        "Jan 5, 2025 x",
        # Unicode look-alikes: long s, dotless i, Kelvin sign, full-width and Arabic digits.
        "ſep 3, 2024",
        "aprıl 3, 2024",
        "JaK 3",
        "Jan ３",
        "Jan ٣, 2024",
    ],
)
def test_dot_followed_by_a_non_date(after_dot: str) -> None:
    text = capture(paper("Good Paper"), paper("Bad Meta Paper", ABSTRACT_2, when=after_dot))
    with pytest.raises(DigestFormatError) as info:
        parse(text)
    line = line_of(text, after_dot)
    assert info.value.line == line
    assert f"line {line}" in str(info.value)
    assert "expected a date after '·'" in str(info.value)
    assert after_dot in str(info.value)


@pytest.mark.parametrize("ending", ["\n·", "\n·\n", "\n·\n\n\n", "\n· \n  "])
def test_truncated_right_after_the_dot(ending: str) -> None:
    text = (
        capture(paper("Good Paper")) + "\nCut Paper\n\n" + ABSTRACT_2 + "\n\n  • 2 authors" + ending
    )
    with pytest.raises(DigestFormatError) as info:
        parse(text)
    assert info.value.line == len(text.rstrip().split("\n"))
    assert "expected a date after '·'" in str(info.value)
    assert "the file ends here" in str(info.value)


def test_truncated_after_a_title() -> None:
    text = capture(paper("Good Paper"), paper("Second Good Paper", ABSTRACT_2, when=None))
    text += "\nTruncated Title Without Abstract\n"
    digest = parse(text)
    assert [e.title for e in digest.entries] == ["Good Paper", "Second Good Paper"]
    assert len(digest.warnings) == 1
    line = line_of(text, "Truncated Title Without Abstract")
    assert f"line {line}" in digest.warnings[0]
    assert "Truncated Title Without Abstract" in digest.warnings[0]


def test_truncated_after_the_authors_line() -> None:
    text = capture(paper("Good Paper")) + "\nCut Paper\n\n" + ABSTRACT_2 + "\n\n  • 2 authors\n"
    digest = parse(text)
    assert [e.title for e in digest.entries] == ["Good Paper", "Cut Paper"]
    assert digest.entries[1].abstract == ABSTRACT_2
    assert len(digest.warnings) == 1
    assert f"line {line_of(text, '• 2 authors')}" in digest.warnings[0]


@pytest.mark.parametrize(
    "text",
    [
        capture(),
        capture(day=None),
        capture(header=("Daily Papers", "byAK and the research community", "Previous", "Next")),
        "\n".join(HEADER) + "\nJan 30\n\nPrevious\n\nNext\n",
    ],
    ids=["with-date", "no-date", "chrome-after-date", "footer"],
)
def test_header_without_papers(text: str) -> None:
    with pytest.raises(DigestFormatError) as info:
        parse(text)
    assert "no papers" in str(info.value)
    assert info.value.line is not None


def test_paper_without_abstract_before_its_meta_block() -> None:
    text = capture(paper("Good Paper"), "Lonely Title\n\n  • 2 authors\n·\nJan 5, 2025")
    with pytest.raises(DigestFormatError) as info:
        parse(text)
    assert info.value.line is not None


def test_two_meta_blocks_in_a_row() -> None:
    text = capture(paper("Good Paper")) + "\n  • 2 authors\n·\nJan 6, 2025\n"
    with pytest.raises(DigestFormatError):
        parse(text)


# ------------------------------------------------------------------------------ not a digest


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty", b"", "empty"),
        ("whitespace", b"  \n\n\t \r\n  ", "empty"),
        ("BOM only", b"\xef\xbb\xbf", "empty"),
        ("BOM and blank lines", b"\xef\xbb\xbf\n\n  \n", "empty"),
        ("UTF-16 BOM only", b"\xff\xfe", "empty"),
        ("no-break spaces", "\u00a0\u00a0\n\u00a0".encode(), "empty"),
        (
            "prose",
            b"It was a bright cold day in April, and the clocks were striking thirteen.\n",
            "not a digest",
        ),
        ("PNG", PNG, "binary"),
        ("NULs", b"\x00" * 64, "binary"),
        ("NUL in text", b"Daily Papers\n\x00\nJan 30\n", "binary"),
        ("random binary", bytes(range(256)) * 4, "binary"),
        (
            "UTF-16 prose",
            "\ufeffSome notes about my reading list.\nNothing more.\n".encode("utf-16-le"),
            "not a digest",
        ),
        ("UTF-16 prose, no BOM", "Notes about my reading.\n".encode("utf-16-le"), "not a digest"),
        ("UTF-32 prose", "Notes about my reading.\n".encode("utf-32"), "not a digest"),
        ("broken UTF-16", b"\xff\xfe\x00\xd8a", "not a digest"),
        ("NUL pairs, not UTF-16", b"ab\x00\x00cd\x00\x00" * 10, "binary"),
        (
            "JSON",
            b'[{"paper": {"id": "2401.00001", "title": "A"}, "numComments": 3}]',
            "not a digest",
        ),
        ("CSV", b"title,authors,date\nA paper,3,2025-01-05\n", "not a digest"),
        ("Latin-1 prose", "Résumé of the café meeting.\n".encode("latin-1"), "not a digest"),
    ],
)
def test_not_a_digest(name: str, data: bytes, message: str) -> None:
    with pytest.raises(UnknownFormatError) as info:
        digests.parse_bytes(data, captured_at=CAPTURED)
    text = str(info.value)
    assert message in text, name
    assert "Error" not in text  # a sentence for a person, not a wrapped exception
    assert digests.detect(data) is None


def test_utf16_and_utf32_digests_parse() -> None:
    for encoded in (BASIC.encode("utf-16"), b"\xff\xfe" + BASIC.encode("utf-16-le"),
                    b"\xfe\xff" + BASIC.encode("utf-16-be"), BASIC.encode("utf-32"),
                    b"\x00\x00\xfe\xff" + BASIC.encode("utf-32-be"),
                    BASIC.encode("utf-16-le"), BASIC.encode("utf-16-be")):  # fmt: skip
        assert fields(parse(encoded)) == BASIC_FIELDS
        fmt = digests.detect(encoded)
        assert fmt is not None
        assert fmt.name == hf_text.NAME


def test_detect() -> None:
    fmt = digests.detect(BASIC.encode())
    assert fmt is not None
    assert fmt.name == hf_text.NAME
    assert fmt in digests.FORMATS
    assert digests.detect(PNG) is None
    assert digests.detect(b"") is None
    assert digests.detect(b"just some words\n") is None


def test_sniff() -> None:
    assert hf_text.sniff(BASIC)
    assert hf_text.sniff(capture(BASIC.split("Jan 30\n\n", 1)[1], header=(), day=None))
    assert not hf_text.sniff("")
    assert not hf_text.sniff("Hello\nWorld\n")


def test_hf_text_parse_of_blank_text_is_unknown_format() -> None:
    with pytest.raises(UnknownFormatError):
        hf_text.parse("\n \n", CAPTURED)


def test_errors_are_digest_errors() -> None:
    for cls in (UnknownFormatError, DigestFormatError, DigestReadError):
        assert issubclass(cls, DigestError)
    error = DigestFormatError("bad thing", line=7)
    assert (str(error), error.message, error.line) == ("line 7: bad thing", "bad thing", 7)
    assert str(UnknownFormatError("plain")) == "plain"


# ------------------------------------------------------------------------------ render


def test_render_round_trip_with_organisation_and_without_meta() -> None:
    entries = [
        Entry(title="Org Paper: A Study", abstract=ABSTRACT, organization="IBM Research",
              organization_handle="ibm-research", published=date(2025, 6, 26), comments=3),
        Entry(title="No Meta Paper", abstract=ABSTRACT_2),
        Entry(title="Authors Paper", abstract=ABSTRACT_3, authors_count=1,
              published=date(2026, 1, 21)),
        Entry(title="Org Without Handle", abstract=ABSTRACT, organization="Intern Large Models",
              published=date(2025, 1, 31)),
    ]  # fmt: skip
    text = hf_text.render(entries, date(2026, 1, 30))
    assert "Jan 21\n" in text  # same year as the digest: no year, as the page does
    assert "Jan 31, 2025" in text
    assert "ibm-research IBM Research" in text
    digest = parse(text)
    assert digest.date == date(2026, 1, 30)
    assert fields(digest) == [
        ("Org Paper: A Study", ABSTRACT, None, "IBM Research", "ibm-research", date(2025, 6, 26), 3),
        ("No Meta Paper", ABSTRACT_2, None, None, None, None, None),
        ("Authors Paper", ABSTRACT_3, 1, None, None, date(2026, 1, 21), None),
        ("Org Without Handle", ABSTRACT, None, "Intern Large Models", "intern-large-models",
         date(2025, 1, 31), None),
    ]  # fmt: skip


def test_render_without_digest_date() -> None:
    entries = [Entry(title="Only", abstract=ABSTRACT, authors_count=2, published=date(2026, 1, 2))]
    text = hf_text.render(entries, None)
    assert "Jan 2, 2026" in text
    digest = parse(text)
    assert digest.date is None
    assert fields(digest) == [("Only", ABSTRACT, 2, None, None, date(2026, 1, 2), None)]


# ------------------------------------------------------------------------------ files


def test_parse_path(tmp_path: Path) -> None:
    path = tmp_path / "Daily Papers - Hugging Face.txt"
    path.write_bytes(BASIC.encode())
    os.utime(path, (CAPTURED.timestamp(), CAPTURED.timestamp()))
    digest = digests.parse(path)
    assert digest.captured_at == CAPTURED
    assert fields(digest) == BASIC_FIELDS
    # The modification time decides the year of yearless dates.
    earlier = datetime(2026, 1, 10, tzinfo=UTC).timestamp()
    os.utime(path, (earlier, earlier))
    digest = digests.parse(path)
    assert digest.date == date(2025, 1, 30)
    assert digest.entries[2].published == date(2025, 1, 21)


def test_parse_path_with_explicit_capture_time(tmp_path: Path) -> None:
    path = tmp_path / "capture"
    path.write_bytes(BASIC.encode())
    assert digests.parse(str(path), captured_at=CAPTURED).date == date(2026, 1, 30)


def _read_error(path: Path) -> DigestReadError:
    with pytest.raises(DigestReadError) as info:
        digests.parse(path)
    assert path.name in str(info.value)
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    assert "no longer exists" in str(_read_error(tmp_path / "gone.txt"))


def test_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "dangling.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    assert "no longer exists" in str(_read_error(link))


def test_directory_named_like_a_digest(tmp_path: Path) -> None:
    folder = tmp_path / "x.txt"
    folder.mkdir()
    assert "folder" in str(_read_error(folder))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_symlink_to_dev_zero(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in str(_read_error(link))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert "not a regular file" in str(_read_error(fifo))


def test_symlink_loop(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    assert "points back at itself" in str(_read_error(a))


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(digests.MAX_DIGEST_BYTES + 1024 * 1024)  # sparse: costs nothing
    assert "MB" in str(_read_error(big))


def test_read_digest_bytes_limit(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_bytes(b"x" * 100)
    assert read_digest_bytes(path, limit=100) == b"x" * 100
    with pytest.raises(DigestReadError) as info:
        read_digest_bytes(path, limit=99)
    assert "small.txt" in str(info.value)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root (or Windows) can read anything"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_bytes(BASIC.encode())
    path.chmod(0)
    try:
        assert "permission denied" in str(_read_error(path))
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("failing", ["stat", "open"])
def test_permission_denied_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """The same message when the OS refuses access (simulated: root may read anything)."""
    path = tmp_path / "secret.txt"
    path.write_bytes(BASIC.encode())
    owner, name = (Path, "stat") if failing == "stat" else (os, "open")
    real = getattr(owner, name)

    def refuse(self: object, *args: object, **kwargs: object) -> object:
        if str(self).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, refuse)
    assert "secret.txt: permission denied" in str(_read_error(path))


def test_binary_file_on_disk_is_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(PNG)
    with pytest.raises(UnknownFormatError):
        digests.parse(path)
