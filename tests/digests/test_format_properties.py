"""Property tests for every format beyond the text capture: junk and damaged samples end in a
sane digest or a :class:`DigestError` the parser raised itself — never another exception,
never the registry's safety net — and whatever parses can be written to a library.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reader.digests as digests
from reader.digests import (
    FORMATS,
    arxiv_atom,
    arxiv_email,
    arxiv_rss,
    feeds,
    hf_html,
    hf_json,
    hf_markdown,
)
from reader.digests.errors import DigestError
from reader.digests.model import Digest
from reader.keys import normalise_arxiv_id
from reader.library import Library
from reader.library.ingest import SourceFile, record_digest
from tests.digests.samples import SAMPLES, Sample

JUNK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAMAGE = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
CAPTURED = datetime(2025, 4, 10, 21, tzinfo=UTC)
MODULES: tuple[ModuleType, ...] = (
    arxiv_email, arxiv_rss, arxiv_atom, feeds, hf_json, hf_html, hf_markdown,
)  # fmt: skip
FORMAT_NAMES = {fmt.name for fmt in FORMATS}


def check_digest(digest: Digest) -> None:
    """What every parsed digest promises, whatever its format."""
    assert digest.format in FORMAT_NAMES
    assert digest.entries
    for entry in digest.entries:
        assert entry.title
        assert entry.title == entry.title.strip()
        assert "\n" not in entry.title
        assert isinstance(entry.abstract, str)
        if entry.arxiv_id is not None:
            assert normalise_arxiv_id(entry.arxiv_id) == entry.arxiv_id
        for count in (entry.authors_count, entry.comments, entry.upvotes):
            assert count is None or (isinstance(count, int) and count >= 0)
        assert all(isinstance(name, str) and name for name in entry.authors)
        assert all(isinstance(term, str) and term for term in entry.categories)
        assert entry.line is None or entry.line >= 1
        assert (entry.organization is None) == (entry.organization_handle is None)
    assert all(isinstance(w, str) and w for w in digest.warnings)


def check_bytes(data: bytes) -> Digest | None:
    """``parse_bytes`` gives a sane digest or a DigestError not caught by the safety net."""
    error: DigestError | None = None
    try:
        digest = digests.parse_bytes(data, captured_at=CAPTURED)
    except DigestError as exc:
        error = exc
    if error is not None:
        assert error.__cause__ is None, f"parser bug caught by the safety net: {error!r}"
        assert str(error)
        return None
    check_digest(digest)
    return digest


def check_module(module: ModuleType, text: str) -> None:
    """The module's own parse, even on text its sniff turns away: only DigestError."""
    try:
        digest = module.parse(text, CAPTURED)
    except DigestError as exc:
        message = str(exc)
    else:
        check_digest(digest)
        return
    assert message


# ------------------------------------------------------------------------------ junk


def _vocabulary(module: ModuleType) -> list[str]:
    """Lines of this module's samples: junk made of them reaches deep into the parser."""
    lines: list[str] = []
    for sample in SAMPLES:
        if sample.format == module.NAME or (module is feeds and "xml" in sample.text()[:10]):
            lines += sample.text().split("\n")
    return lines or ["x"]


def format_junk(module: ModuleType) -> st.SearchStrategy[str]:
    lines = st.sampled_from(_vocabulary(module)) | st.text(max_size=40)
    return st.lists(lines, max_size=60).map("\n".join)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.NAME)
@JUNK
@given(data=st.data())
def test_junk_in_the_formats_own_words(module: ModuleType, data: st.DataObject) -> None:
    text = data.draw(format_junk(module))
    check_module(module, text)
    check_bytes(text.encode("utf-8", errors="surrogatepass"))


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.NAME)
@JUNK
@given(text=st.text(max_size=600))
def test_arbitrary_text(module: ModuleType, text: str) -> None:
    check_module(module, text)


@JUNK
@given(data=st.binary(max_size=1500))
def test_arbitrary_bytes(data: bytes) -> None:
    check_bytes(data)


# ------------------------------------------------------------------------------ damage


def _truncated(sample: Sample, cut: int) -> bytes:
    data = sample.path.read_bytes()
    return data[: cut % (len(data) + 1)]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
@DAMAGE
@given(cut=st.integers(min_value=0, max_value=1 << 20))
def test_samples_cut_off_anywhere(sample: Sample, cut: int) -> None:
    data = _truncated(sample, cut)
    check_bytes(data)
    text = data.decode("utf-8", errors="ignore")
    module = next(fmt.module for fmt in FORMATS if fmt.name == sample.format)
    check_module(module, text)


def lines_dropped_or_repeated(text: str, data: st.DataObject) -> str:
    """``text`` with up to a quarter of its lines dropped and up to three written twice (a
    file cut and pasted together by hand, or a sync tool's bad merge)."""
    lines = text.split("\n")
    indices = st.integers(min_value=0, max_value=len(lines) - 1)
    dropped = data.draw(st.sets(indices, max_size=max(1, len(lines) // 4)))
    repeated = data.draw(st.sets(indices, max_size=3))
    return "\n".join(
        line
        for i, line in enumerate(lines)
        if i not in dropped
        for _ in range(2 if i in repeated else 1)
    )


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
@DAMAGE
@given(data=st.data())
def test_samples_with_lines_deleted_or_repeated(sample: Sample, data: st.DataObject) -> None:
    damaged = lines_dropped_or_repeated(sample.text(), data)
    check_bytes(damaged.encode())
    module = next(fmt.module for fmt in FORMATS if fmt.name == sample.format)
    check_module(module, damaged)


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = Library(Path(tmp_path_factory.mktemp("library")) / "library.sqlite")
    yield library
    library.close()


@DAMAGE
@given(sample=st.sampled_from(SAMPLES), data=st.data())
def test_whatever_parses_can_be_recorded(
    shared_library: Library, sample: Sample, data: st.DataObject
) -> None:
    """Damaged digests (repeated entries, titles gone) never break the write."""
    lines = sample.text().split("\n")
    indices = st.integers(min_value=0, max_value=len(lines) - 1)
    dropped = data.draw(st.sets(indices, max_size=max(1, len(lines) // 6)))
    repeated = data.draw(st.sets(indices, max_size=6))
    damaged = "\n".join(
        line
        for i, line in enumerate(lines)
        if i not in dropped
        for _ in range(2 if i in repeated else 1)
    )
    digest = check_bytes(damaged.encode())
    if digest is not None:
        assert record_digest(shared_library, SourceFile("damaged", None, None, "test"), digest)
