"""Hostile input for every format, fuzzed: each file ends with papers or one plain line.

Every real sample of every format is cut, spliced and salted with the bytes each reader is
most likely to trip on, and random bytes follow each format's opening (hypothesis, in this
process). The inputs are small (at most a few hundred kB), so a run is bounded by input
size; a hang trips pytest-timeout. The constructed attacks (entity expansion, nesting
100,000 deep, 50 MB lines, …) are in ``test_hostile_attacks.py``.

"Plain" means: the outcome is papers (at least one entry), or a failure whose message is
one line of words (no exception names, no traceback) and is not a reader's own bug
(Papershelf's "internal error").
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reader.digests as digests
from reader.digests.errors import DigestError, DigestInternalError
from tests.test_hostile import is_for_people

SAMPLES = Path(__file__).parent / "digests" / "samples"
CAPTURED = datetime(2026, 1, 30, 18, tzinfo=UTC)
FUZZ = settings(
    max_examples=int(os.environ.get("PAPERSHELF_FUZZ_EXAMPLES", "150")),  # more for a deep run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

SEEDS = sorted(p for p in SAMPLES.iterdir() if p.suffix not in {".py", ".md"} or "daily" in p.name)
"""Every real sample (one or more per format)."""

TRIPWIRES = (
    b"\x00", b"\xff", b"\xfe\xff", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80",
    b"{", b"}", b"{" * 500, b"}" * 500, b"[", b"]", b"[" * 500, b'"', b"\\", b"\\\\", b"%",
    b"<", b">", b"<" * 500, b"</", b"<![CDATA[", b"]]>", b"<!--", b"-->", b"&", b"&amp;",
    b"&#0;", b"&#xD800;", b"&#x110000;", b"&nosuch;", b'<!DOCTYPE x [<!ENTITY e "e">]>',
    b"\r", b"\r\n", b"\n\n", b"\t", b"\x0b", b"\x1b[2J", "\u202e".encode(),
    b"@", b"@article{", b"@string{", b"#", b" = ", b",", b"TY  - ", b"ER  - ", b"AU  - ",
    b"From ", b"From: ", b"Content-Type: multipart/mixed; boundary=b\n", b"--b\n",
    b"Content-Transfer-Encoding: base64\n", b"=?utf-8?b?", b"=\n", b"=ZZ", b"arXiv:",
    b"Title: ", b"Authors: ", b"Daily Papers", b"\xc2\xb7", b"\xe2\x80\xa2", b"###", b"](",
    b"9" * 400, b"-0", b"e99999", b"null", b"true", b"1e400",
)  # fmt: skip
"""Bytes each reader has a rule about: encodings, brackets, escapes, markers, separators."""

OPENINGS = (
    b"@article{key,\n  title = {",
    b"TY  - JOUR\nTI  - ",
    b'[{"type": "article-journal", "title": "',
    b'[{"paper": {"id": "2501.00001", "title": "',
    b'<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>',
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>',
    (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><item><title>'
    ),
    b"From: no-reply@arXiv.org\nSubject: cs daily Subj-class mailing\n\n\\\\\narXiv:2401.00001\n",
    (
        b"From: Google Scholar Alerts <scholaralerts-noreply@google.com>\n"
        b"Content-Type: text/html\n\n<h3><a href="
    ),
    b"<html><head><title>Daily Papers - Hugging Face</title></head><body><h3><a href=",
    b"# Daily Papers\n\n### [",
    b"Daily Papers\n\nJan 30\n\n",
    b"PT J\nAU ",
)
"""How each format's files begin, so that random bytes behind them reach that reader."""


def check_plain(data: bytes) -> None:
    """``data`` gives papers, or a one-line message that is not a reader's own bug."""
    try:
        digest = digests.parse_bytes(data, captured_at=CAPTURED)
    except DigestInternalError as exc:
        raise AssertionError(f"a reader's bug on this input: {exc.__cause__!r}") from exc
    except DigestError as exc:
        message = str(exc)
        assert is_for_people(message), message
        assert "\n" not in message, message
    else:
        assert digest.entries


def _mutate(seed: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply ``(kind, where, what)`` edits: 0 insert a tripwire, 1 cut the end, 2 delete a
    span, 3 repeat a span."""
    data = bytearray(seed)
    for kind, where, what in edits:
        at = where % (len(data) + 1)
        if kind == 0:
            data[at:at] = TRIPWIRES[what % len(TRIPWIRES)]
        elif kind == 1:
            del data[at:]
        elif kind == 2:
            del data[at : at + what % 200]
        else:
            span = bytes(data[at : at + what % 200])
            data[at:at] = span * 3
        if not data:
            break
    return bytes(data)


_edits = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 1 << 10)), max_size=8
)


@FUZZ
@given(seed=st.sampled_from(SEEDS), edits=_edits)
def test_every_real_sample_mangled_ends_plainly(
    seed: Path, edits: list[tuple[int, int, int]]
) -> None:
    check_plain(_mutate(seed.read_bytes(), edits))


@FUZZ
@given(opening=st.sampled_from(OPENINGS), tail=st.binary(max_size=4096))
def test_random_bytes_behind_each_formats_opening_end_plainly(opening: bytes, tail: bytes) -> None:
    check_plain(opening + tail)


@FUZZ
@given(
    opening=st.sampled_from(OPENINGS),
    parts=st.lists(st.sampled_from(TRIPWIRES) | st.binary(max_size=8), max_size=60),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-32"]),
)
def test_tripwires_in_any_encoding_end_plainly(
    opening: bytes, parts: list[bytes], encoding: str
) -> None:
    text = (opening + b"".join(parts)).decode("utf-8", errors="replace")
    check_plain(text.encode(encoding, errors="surrogatepass"))


_CSL_ITEM = (
    b'{"type": "article-journal", "title": "A title", "author": [{"family": "Doe", '
    b'"given": "Jo"}], "DOI": "10.1000/x", "issued": {"date-parts": [[%s]]}}'
)
_HF_ITEM = (
    b'{"paper": {"id": "2501.00001", "title": "A title", "summary": "An abstract.", '
    b'"authors": [{"name": "Jo Doe"}], "upvotes": %s}}'
)


@pytest.mark.parametrize("item", [_CSL_ITEM, _HF_ITEM], ids=["csl-json", "hf-json"])
def test_a_number_of_thousands_of_digits_loses_its_field_not_the_file(item: bytes) -> None:
    """Python refuses to convert integers of more than 4,300 digits; that was the whole
    file failing with advice about ``sys.set_int_max_str_digits``."""
    good = item % b"2024"
    digest = digests.parse_bytes(b"[" + item % (b"9" * 5000) + b", " + good + b"]")
    assert [e.title for e in digest.entries] == ["A title", "A title"]
    assert digest.entries[1] == digests.parse_bytes(b"[" + good + b"]").entries[0]
    check_plain(b"[" + item % (b"9" * 100_000) + b"]")


@pytest.mark.parametrize(
    "reference",
    ["&#xD800;", "&#55296;", "&#xdfff;", "&#x110000;", "&#1114112;", "&#" + "9" * 5000 + ";"],
)
def test_a_feed_referring_to_no_character_still_gives_its_papers(reference: str) -> None:
    """feedparser's lenient parser raised on these (UnicodeEncodeError, ValueError,
    OverflowError): the whole feed failed. The reference now reads as U+FFFD."""
    for title in (f"A {reference} title", f"A &lt;b&gt;{reference} title"):
        data = (
            '<?xml version="1.0"?>\n<rss version="2.0"><channel><item>'
            f"<title>{title}</title><link>https://example.org/a</link></item></channel></rss>"
        ).encode()
        (entry,) = digests.parse_bytes(data, captured_at=CAPTURED).entries
        assert entry.title.startswith("A ")
        assert entry.title.endswith(" title")
