"""Properties of the BibTeX, RIS, CSL-JSON and Scholar-alert readers: whatever the input,
``parse`` returns a sane digest or raises a :class:`DigestError` — called directly, without
the registry's safety net — and what parses can be written to a real library.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.digests import bibtex, csl_json, ris, scholar_email
from reader.digests.citations import clean_text, doi_from_url, find_doi
from reader.digests.errors import DigestError
from reader.digests.latex_text import latex_to_text
from reader.digests.model import Digest
from reader.keys import normalise_arxiv_id
from reader.library import Library
from reader.library.ingest import SourceFile, record_digest

CAPTURED = datetime(2025, 4, 10, 21, tzinfo=UTC)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODULES: tuple[ModuleType, ...] = (bibtex, ris, csl_json, scholar_email)


def check(module: ModuleType, text: str) -> Digest | None:
    """``module.parse(text)`` is a sane digest or a DigestError; nothing else escapes."""
    message = ""
    try:
        digest: Digest = module.parse(text, CAPTURED)
    except DigestError as exc:
        message = str(exc) or "(empty message)"
    if message:
        assert message != "(empty message)"
        return None
    assert digest.format == module.NAME
    assert digest.entries
    for entry in digest.entries:
        assert entry.title
        assert entry.title == entry.title.strip()
        assert "\n" not in entry.title
        for value in (
            entry.title,
            entry.abstract,
            *entry.authors,
            entry.journal or "",
            entry.url or "",
        ):
            value.encode("utf-8")  # no lone surrogate: SQLite can store it
            assert not any(ord(c) < 32 for c in value)
        assert entry.arxiv_id is None or normalise_arxiv_id(entry.arxiv_id) == entry.arxiv_id
        assert entry.authors_count is None or entry.authors_count == len(entry.authors)
        assert all(entry.authors)
    return digest


BIB_PIECES = st.sampled_from(
    ["@article{", "@misc(", "@string{", "@comment{", "key,", "title", "author", "=", "{", "}",
     "(", ")", '"', "#", ",", " and ", "others", "\\'", '\\"', "\\c{c}", "\\emph{", "$", "$$",
     "\\%", "%", "--", "~", "eprint", "archivePrefix = {arXiv}", "2101.00001", "doi",
     "10.1000/x", "\n", " ", "jan", "year = 2020", "date = {2020-13-45}", "\x00", "\ud800", "ü"]
)  # fmt: skip
RIS_PIECES = st.sampled_from(
    ["TY  - JOUR\n", "TI  - ", "T1  - ", "AU  - ", "PY  - ", "DA  - ", "DO  - ", "UR  - ",
     "KW  - ", "AB  - ", "ER  - \n", "ER  -\n", "1. \n", "Doe, J", "2001/13/45/", "//",
     "doi:10.1/x", "http://arxiv.org/abs/2101.00001", "\n", "  ", "x", "\x07", "ß"]
)  # fmt: skip
HTML_TOKENS = (
    '<a class="gse_alrt_title" href="', "http://scholar.google.com/scholar_url?url=",
     "https%3A%2F%2Farxiv.org%2Fabs%2F2101.00001", "&amp;hl=en", '">', "</a>", "</h3>",
     '<div style="color:#006621">', '<div class="gse_alrt_sni">', "</div>", "<br>", "<div>",
     " - ", ", 2019", "…", "&nbsp;", "&#0;", "<", ">", "Title", "A B, C D", "\n"
)  # fmt: skip
HTML_PIECES = st.sampled_from(HTML_TOKENS)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
CSL_KEYS = st.sampled_from(
    ["type", "title", "author", "issued", "date-parts", "DOI", "URL", "abstract", "family",
     "given", "literal", "container-title", "number", "keyword", "raw", "suffix"]
)  # fmt: skip
CSL_ITEMS = st.lists(
    st.dictionaries(CSL_KEYS, JSON_VALUES, max_size=8).map(lambda d: {"type": "book", **d}),
    min_size=1,
    max_size=5,
)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.NAME)
@FAST
@given(text=st.text(max_size=400))
def test_any_text(module: ModuleType, text: str) -> None:
    check(module, text)


@FAST
@given(pieces=st.lists(BIB_PIECES, max_size=60))
def test_bibtex_like_junk(pieces: list[str]) -> None:
    check(bibtex, "@article{k, title = {T}}\n" + "".join(pieces))
    check(bibtex, "".join(pieces))


@FAST
@given(pieces=st.lists(RIS_PIECES, max_size=60))
def test_ris_like_junk(pieces: list[str]) -> None:
    check(ris, "TY  - JOUR\nTI  - T\n" + "".join(pieces))


@FAST
@given(items=CSL_ITEMS)
def test_csl_items_of_any_shape(items: list[dict[str, object]]) -> None:
    check(csl_json, json.dumps(items))


@FAST
@given(data=JSON_VALUES)
def test_any_json(data: object) -> None:
    check(csl_json, json.dumps(data))


@FAST
@given(
    pieces=st.lists(HTML_PIECES, max_size=60),
    encoding=st.sampled_from(["8bit", "quoted-printable", "base64"]),
)
def test_scholar_like_mail(pieces: list[str], encoding: str) -> None:
    html = "".join(pieces)
    if encoding == "base64":
        import base64

        body = base64.encodebytes(html.encode()).decode()
    elif encoding == "quoted-printable":
        import quopri

        body = quopri.encodestring(html.encode()).decode()
    else:
        body = html
    check(
        scholar_email,
        "From: Google Scholar Alerts <scholaralerts-noreply@google.com>\nSubject: x\n"
        f"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: {encoding}\n\n{body}",
    )


@FAST
@given(text=st.text(max_size=200))
def test_text_helpers_never_raise_and_stay_clean(text: str) -> None:
    cleaned = clean_text(latex_to_text(text))
    cleaned.encode("utf-8")
    assert cleaned == cleaned.strip()
    for doi in (find_doi(text), doi_from_url(text), doi_from_url("https://x.org/10.1/" + text)):
        assert doi is None or (doi.startswith("10.") and "/" in doi)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=st.lists(BIB_PIECES, max_size=40))
def test_what_parses_can_be_stored(tmp_path: Path, pieces: list[str]) -> None:
    digest = check(bibtex, "@article{k, title = {T \\ud800}, author={A, B}}\n" + "".join(pieces))
    if digest is None:
        return
    library = Library(tmp_path / "lib.sqlite")
    try:
        record_digest(library, SourceFile("x.bib", 1, None, "test"), digest)
        assert library.count() >= 1
    finally:
        library.close()
        (tmp_path / "lib.sqlite").unlink(missing_ok=True)


WOS_PIECES = st.sampled_from(
    ["PT J\n", "TI ", "AU ", "AF ", "   ", "PY ", "PD ", "DI ", "SO ", "ER\n", "EF\n", "JUN 8",
     "SPR", "2004", "10.1/x", "Doe, J", "\n", "x", "\x00", "ÆØ"]
)  # fmt: skip


@FAST
@given(pieces=st.lists(WOS_PIECES, max_size=60))
def test_web_of_science_like_junk(pieces: list[str]) -> None:
    check(ris, "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI T\n" + "".join(pieces))


@FAST
@given(
    pieces=st.lists(
        st.sampled_from(["From a@b Tue Dec 10 2019\n", "\n", *HTML_TOKENS]), max_size=40
    )
)
def test_scholar_like_mbox(pieces: list[str]) -> None:
    check(
        scholar_email,
        "From scholaralerts-noreply@google.com Tue Dec 10 19:24:26 2019\n"
        "From: Google Scholar Alerts <scholaralerts-noreply@google.com>\nSubject: x\n"
        "Content-Type: text/html\n\n" + "".join(pieces),
    )
