"""Property tests: the parser never fails with anything but DigestError, and round-trips render()."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import reader.digests as digests
from reader.digests import hf_text
from reader.digests.errors import DigestError
from reader.digests.model import Digest, Entry

CAPTURED = datetime(2026, 1, 30, 18, tzinfo=UTC)
ROBUST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROUND_TRIP = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------ robustness: only DigestError

DIGEST_LINES = (
    "new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
    "byAK and the research community", "Hugging Face", "Models", "Papers", "Previous", "Next",
    "Jan 30", "Jan 5", "Feb 29", "Feb 30", "Dec 31, 2024", "Mar 3, 2024 7", "Apr 9, 2025 4",
    "September 3, 2024", "Jan 0", "Jan 99", "Feb 30, 2024", "Jan 21 3", "ſep 3", "Jan ３",
    "·", "·", "·", " · ", "⋅", "•", "∙", "  • 3 authors", "  • 1 authors", "1 author",
    "• 999999 authors", "google Google", "ibm-research IBM Research",
    "internlm Intern Large Models", "TASTE: Text-Aligned Speech Tokenization",
    "Batch Speculative Decoding Done Right", "A Title That Reads Like a Sentence, Ending In a Period.",
    "We propose a method that works. It is described in this abstract of moderate length.",
    "x" * 301, "", "", "", "   ", "\t", "\u200b", "\ufeff", "\x00", "\r", "\x0b",
)  # fmt: skip

digest_like_text = st.lists(st.sampled_from(DIGEST_LINES) | st.text(max_size=30), max_size=80).map(
    "\n".join
)
captured_times = st.datetimes(timezones=st.none() | st.just(UTC))


def _check(data: bytes, captured_at: datetime) -> None:
    """parse_bytes either returns a sane Digest or raises a DigestError of its own making."""
    error: DigestError | None = None
    try:
        digest = digests.parse_bytes(data, captured_at=captured_at)
    except DigestError as exc:
        error = exc
    if error is None:
        _check_digest(digest)
        return
    # The catch-all in parse_bytes wraps parser bugs (KeyError, IndexError, …) and chains
    # them: a chained cause means the safety net, not the parser, caught the problem.
    assert error.__cause__ is None, f"parser bug caught by the safety net: {error!r}"
    assert str(error)


def _check_digest(digest: Digest) -> None:
    assert digest.format == hf_text.NAME
    assert digest.entries
    lines = [entry.line for entry in digest.entries]
    assert all(isinstance(line, int) and line >= 1 for line in lines)
    assert lines == sorted(set(lines)), "entries out of source order"
    for entry in digest.entries:
        assert entry.title
        assert entry.title == entry.title.strip()
        assert "\n" not in entry.title
        assert entry.abstract
        assert entry.authors_count is None or entry.organization is None
        assert (entry.organization is None) == (entry.organization_handle is None)
        if entry.published is None:
            assert entry.comments is None
            assert entry.authors_count is None
            assert entry.organization is None


@ROBUST
@given(st.binary(max_size=2000), captured_times)
@example(b"", CAPTURED)
@example(b"\xff\xfe", CAPTURED)
@example(b"\xef\xbb\xbf\xc3", CAPTURED)
def test_arbitrary_bytes(data: bytes, captured_at: datetime) -> None:
    _check(data, captured_at)


@ROBUST
@given(st.text(max_size=2000), captured_times)
def test_arbitrary_text(text: str, captured_at: datetime) -> None:
    _check(text.encode("utf-8"), captured_at)


@ROBUST
@given(digest_like_text, captured_times, st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
@example("Daily Papers\nT\nA\n3 authors\n·\nſep 3, 2024", CAPTURED, "utf-8")
@example("Daily Papers\nT\nA\n3 authors\n·\nFeb 29", datetime(1, 1, 1), "utf-8")
def test_digest_like_text(text: str, captured_at: datetime, encoding: str) -> None:
    _check(text.encode(encoding, errors="surrogatepass"), captured_at)


@ROBUST
@given(digest_like_text, captured_times)
def test_digest_like_text_with_header(text: str, captured_at: datetime) -> None:
    header = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    _check((header + text).encode(), captured_at)


@ROBUST
@given(digest_like_text, captured_times)
def test_hf_text_parse_directly(text: str, captured_at: datetime) -> None:
    """The format module itself, even on text its sniff() would have turned away."""
    try:
        digest = hf_text.parse(text, captured_at)
    except DigestError:
        return
    _check_digest(digest)


# ------------------------------------------------------------------ round trip through render()

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßøÅ"
word = st.text(alphabet=LETTERS + "0123456789", min_size=1, max_size=10)
title_token = st.builds(
    lambda w, p: w + p, word, st.sampled_from(["", "", "", ":", ",", "-x", "()", "'s", "?", "!"])
)
abstract_token = st.builds(
    lambda w, p: w + p,
    st.text(alphabet=LETTERS + "0123456789", min_size=3, max_size=10),
    st.sampled_from(["", "", "", ",", ".", ":", "(x)", "-1", "·b", " 3times", "%"]),
)


def _plain_line(text: str) -> bool:
    """Not chrome, not a date, not an authors line: what a real title looks like."""
    folded = text.casefold()
    return not (
        folded in hf_text._CHROME
        or folded.startswith(("byak", "by ak", "get trending papers"))
        or hf_text._PUBLISHED.match(text)
        or hf_text._AUTHORS.match(text)
    )


titles = (
    st.lists(title_token, min_size=1, max_size=8)
    .map(" ".join)
    .map(str.strip)
    .filter(lambda t: bool(t) and not t.endswith(".") and _plain_line(t))
)
abstracts = st.lists(abstract_token, min_size=12, max_size=40).map(lambda ws: " ".join(ws) + ".")
handles = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
org_names = st.lists(word, min_size=1, max_size=4).map(" ".join)
years = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    title, abstract = draw(titles), draw(abstracts)
    kind = draw(st.sampled_from(["authors", "organization", "none"]))
    if kind == "none":
        return Entry(title=title, abstract=abstract)
    published = draw(years)
    comments = draw(st.none() | st.integers(0, 999))
    if kind == "authors":
        return Entry(title=title, abstract=abstract, authors_count=draw(st.integers(1, 50)),
                     published=published, comments=comments)  # fmt: skip
    handle, name = draw(handles), draw(org_names)
    if hf_text._AUTHORS.match(f"{handle} {name}"):  # "5 authors" is an authors line
        name = f"{name} Lab"
    return Entry(title=title, abstract=abstract, organization=name, organization_handle=handle,
                 published=published, comments=comments)  # fmt: skip


digest_dates = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


def _expected(entry: Entry) -> tuple[object, ...]:
    comments = entry.comments or None  # render() leaves out a zero comment count
    return (entry.title, entry.abstract, entry.authors_count, entry.organization,
            entry.organization_handle, entry.published, comments)  # fmt: skip


def _actual(digest: Digest) -> list[tuple[object, ...]]:
    return [
        (e.title, e.abstract, e.authors_count, e.organization, e.organization_handle,
         e.published, e.comments)
        for e in digest.entries
    ]  # fmt: skip


def _captured(digest_date: date | None) -> datetime:
    if digest_date is None:
        return CAPTURED
    return datetime.combine(digest_date, time(23, 59, 59), tzinfo=UTC)


@ROUND_TRIP
@given(st.lists(entries(), min_size=1, max_size=12), digest_dates)
def test_render_then_parse_round_trips(items: list[Entry], digest_date: date | None) -> None:
    text = hf_text.render(items, digest_date)
    digest = digests.parse_bytes(text.encode(), captured_at=_captured(digest_date))
    assert digest.date == digest_date
    assert digest.warnings == ()
    assert _actual(digest) == [_expected(entry) for entry in items]
    # And rendering what was parsed gives the same text back.
    assert hf_text.render(digest.entries, digest.date) == text


LAYOUT_NOISE = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "cr": lambda t: t.replace("\n", "\r"),
    "trailing spaces": lambda t: "\n".join(line + "  \t" for line in t.split("\n")),
    "extra blank lines": lambda t: t.replace("\n\n", "\n\n\n\n"),
    "no blank lines": lambda t: t.replace("\n\n", "\n"),
    "chrome around": lambda t: "Hugging Face\nModels\nPapers\n" + t + "\nPrevious\nNext\n",
}


@ROUND_TRIP
@given(
    st.lists(entries(), min_size=1, max_size=8),
    digest_dates,
    st.sampled_from(sorted(LAYOUT_NOISE)),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom"]),
)
def test_round_trip_survives_layout_noise(
    items: list[Entry], digest_date: date | None, noise: str, encoding: str
) -> None:
    text = LAYOUT_NOISE[noise](hf_text.render(items, digest_date))
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    digest = digests.parse_bytes(data, captured_at=_captured(digest_date))
    assert digest.date == digest_date
    assert _actual(digest) == [_expected(entry) for entry in items]
