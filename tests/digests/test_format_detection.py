"""Which format reads which file: every sample detected as its own format, claimed by no
other format's sniff (the cross matrix), the text capture included.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import reader.digests as digests
from reader.digests import FORMATS, arxiv_atom, arxiv_rss, feeds, hf_text
from reader.digests.model import Entry
from tests.digests.samples import SAMPLES

# A generic format may also accept what a specific one reads: the registry puts the
# specific one first. Nothing else may overlap.
GENERALISATIONS = {arxiv_rss.NAME: {feeds.NAME}, arxiv_atom.NAME: {feeds.NAME}}


def text_capture() -> str:
    """A Daily Papers text capture, rendered (the real one may not be around)."""
    entries = [
        Entry(
            title=f"Paper number {n}: a study of synthetic digests",
            abstract=f"We study synthetic digest number {n} and find that it parses well.",
            authors_count=3,
            published=date(2025, 4, 9),
            comments=n,
        )
        for n in range(4)
    ]
    return hf_text.render(entries, date(2025, 4, 10))


DOCUMENTS: dict[str, tuple[str, str]] = {s.name: (s.format, s.text()) for s in SAMPLES} | {
    "rendered text capture": (hf_text.NAME, text_capture())
}


def claimed_by(text: str) -> set[str]:
    return {fmt.name for fmt in FORMATS if fmt.sniff(text)}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_is_read_by_its_own_format(name: str) -> None:
    expected, text = DOCUMENTS[name]
    data = text.encode()
    fmt = digests.detect(data)
    assert fmt is not None
    assert fmt.name == expected
    digest = digests.parse_bytes(data, captured_at=datetime(2025, 12, 31, tzinfo=UTC))
    assert digest.format == expected
    assert digest.entries


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_no_other_format_claims_it(name: str) -> None:
    expected, text = DOCUMENTS[name]
    assert claimed_by(text) == {expected} | GENERALISATIONS.get(expected, set())


def test_the_real_text_capture_is_claimed_by_the_text_format_only(sample_path: Path) -> None:
    text = sample_path.read_text(encoding="utf-8")
    assert claimed_by(text) == {hf_text.NAME}


def test_every_sample_as_utf16_with_bom_and_crlf(tmp_path: Path) -> None:
    """Windows tools re-save files: detection does not depend on the encoding or line ends."""
    for sample in SAMPLES:
        text = sample.text().replace("\n", "\r\n")
        path = tmp_path / sample.name
        path.write_bytes(text.encode("utf-16"))
        digest = digests.parse(path, captured_at=sample.captured_at)
        assert digest.format == sample.format, sample.name


def test_registry_order_puts_specific_formats_first() -> None:
    names = [fmt.name for fmt in FORMATS]
    assert names.index(arxiv_rss.NAME) < names.index(feeds.NAME)
    assert names.index(arxiv_atom.NAME) < names.index(feeds.NAME)
    assert names[-1] == hf_text.NAME  # the loosest sniff goes last
    assert len(set(names)) == len(names)
    for fmt in FORMATS:
        assert fmt.label
        assert fmt.module.__doc__


def test_samples_are_realistic_in_size() -> None:
    for sample in SAMPLES:
        digest = digests.parse(sample.path, captured_at=sample.captured_at)
        assert 1 <= len(digest.entries) <= 10, sample.name
        assert digest.warnings == (), sample.name
