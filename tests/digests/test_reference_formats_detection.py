"""The reference-manager samples among all the others: each is read by its own format and
claimed by no other sniff, the older samples are claimed by none of the new formats, and
damaged copies (cut short, lines dropped or repeated, re-saved as UTF-16) end in a digest
or a DigestError a parser raised itself — never the registry's safety net.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reader.digests as digests
from reader.digests import FORMATS, bibtex, csl_json, ris, scholar_email
from reader.digests.errors import DigestError
from reader.digests.model import Digest
from tests.digests.samples import REFERENCE_SAMPLES, SAMPLES, Sample
from tests.digests.test_format_properties import lines_dropped_or_repeated

CAPTURED = datetime(2025, 12, 31, tzinfo=UTC)
NEW_FORMATS = {m.NAME for m in (bibtex, ris, csl_json, scholar_email)}
DAMAGE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def claimed_by(text: str) -> set[str]:
    return {fmt.name for fmt in FORMATS if fmt.sniff(text)}


@pytest.mark.parametrize("item", REFERENCE_SAMPLES, ids=lambda s: s.name)
def test_each_reference_sample_is_read_by_its_own_format_only(item: Sample) -> None:
    text = item.text()
    assert claimed_by(text) == {item.format}
    digest = digests.parse(item.path, captured_at=item.captured_at)
    assert digest.format == item.format
    assert digest.entries
    assert digest.warnings == ()


@pytest.mark.parametrize("item", SAMPLES, ids=lambda s: s.name)
def test_no_new_format_claims_an_older_sample(item: Sample) -> None:
    assert not (claimed_by(item.text()) & NEW_FORMATS)


@pytest.mark.parametrize("item", REFERENCE_SAMPLES, ids=lambda s: s.name)
def test_re_saved_as_utf16_with_crlf(item: Sample, tmp_path: Path) -> None:
    path = tmp_path / item.name
    path.write_bytes(item.text().replace("\n", "\r\n").encode("utf-16"))
    again = digests.parse(path, captured_at=item.captured_at)
    original = digests.parse(item.path, captured_at=item.captured_at)
    assert again.format == item.format
    assert [e.title for e in again.entries] == [e.title for e in original.entries]


def check_bytes(data: bytes) -> Digest | None:
    error: DigestError | None = None
    try:
        digest = digests.parse_bytes(data, captured_at=CAPTURED)
    except DigestError as exc:
        error = exc
    if error is not None:
        assert error.__cause__ is None, f"parser bug caught by the safety net: {error!r}"
        assert str(error)
        return None
    assert digest.entries
    return digest


@pytest.mark.parametrize("item", REFERENCE_SAMPLES, ids=lambda s: s.name)
@DAMAGE
@given(cut=st.integers(min_value=0, max_value=1 << 20))
def test_cut_off_anywhere(item: Sample, cut: int) -> None:
    data = item.path.read_bytes()
    check_bytes(data[: cut % (len(data) + 1)])


@pytest.mark.parametrize("item", REFERENCE_SAMPLES, ids=lambda s: s.name)
@DAMAGE
@given(data=st.data())
def test_lines_deleted_or_repeated(item: Sample, data: st.DataObject) -> None:
    check_bytes(lines_dropped_or_repeated(item.text(), data).encode())


UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
RAW = "\x1b]8;;javascript:alert(1)\x07Evil\x1b[2J\x9b\u202eesrever\u2066\x7f "
JSON_ESCAPED = "\\u001b]8;;javascript:alert(1)\\u0007Evil\\u009b\\u202e\\ud800\\udfff "


@pytest.mark.parametrize("item", REFERENCE_SAMPLES, ids=lambda s: s.name)
def test_hostile_characters_in_a_title_come_out_clean(item: Sample) -> None:
    """Terminal escapes, C1 controls, bidi overrides and (in JSON) lone surrogates."""
    text = item.text()
    first = digests.parse_bytes(text.encode(), captured_at=item.captured_at).entries[0]
    anchor = next(a for n in (4, 3, 2, 1) if (a := " ".join(first.title.split()[:n])) in text)
    payload = JSON_ESCAPED if item.format == csl_json.NAME else RAW
    digest = digests.parse_bytes(
        text.replace(anchor, payload + anchor).encode(), captured_at=item.captured_at
    )
    assert digest.format == item.format
    for entry in digest.entries:
        for value in (
            entry.title,
            entry.abstract,
            *entry.authors,
            entry.journal or "",
            entry.url or "",
        ):
            assert UNSAFE.search(value) is None, repr(value)
