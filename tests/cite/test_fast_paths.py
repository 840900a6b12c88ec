"""The fast paths of formatted citations give what citeproc-py's own slow path gives."""

from __future__ import annotations

import json
import warnings
from datetime import date
from typing import Any

import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography
from citeproc import formatter as formatters
from citeproc.source.json import CiteProcJSON
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.cite import STYLES, citation_record, csl_item
from reader.cite.csl import style
from reader.cite.render import _UNKNOWN_TO_CITEPROC, _style, sort_items
from tests.cite.test_bibtex import paper
from tests.cite.test_csl_ris import RECORDS
from tests.digests.samples import FOLDER


def _citeproc_order(
    style_id: str, items: list[dict[str, Any]], html: bool
) -> tuple[list[str], list[str]]:
    """(citeproc-py's own ``sort`` order, :func:`sort_items`'s order) of the same items."""
    parsed = _style(style(style_id).path)
    known = [{k: v for k, v in i.items() if k not in _UNKNOWN_TO_CITEPROC} for i in items]
    orders = []
    for ours in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            bib = CitationStylesBibliography(
                parsed, CiteProcJSON(known), formatters.html if html else formatters.plain
            )
            for item in known:
                bib.register(Citation([CitationItem(str(item["id"]))]))
            if ours:
                orders.append([i.key for i in sort_items(parsed, bib.items)])
            else:
                bib.sort()
                orders.append(list(bib.keys))
    return orders[0], orders[1]


def _real_items() -> list[dict[str, Any]]:
    """Better BibTeX's CSL-JSON fixtures (many types, odd dates) and the hostile records."""
    items: list[dict[str, Any]] = []
    for name in ("bbt-dates.csl.json", "bbt-minimal.csl.json", "bbt-pandoc.csl.json"):
        items.extend(json.loads((FOLDER / name).read_text(encoding="utf-8")))
    items.extend(csl_item(r) for r in RECORDS)
    seen: set[str] = set()
    unique = []
    for item in items:
        if str(item["id"]).lower() not in seen:
            seen.add(str(item["id"]).lower())
            unique.append(item)
    return unique


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize("style_id", list(STYLES))
def test_the_bibliography_order_is_citeprocs_on_real_records(style_id: str, html: bool) -> None:
    items = _real_items()
    theirs, ours = _citeproc_order(style_id, items, html)
    assert ours == theirs
    theirs, ours = _citeproc_order(style_id, items[::-1], html)
    assert ours == theirs


# Few names, years and titles, so that many records tie on the first keys and the later
# ones decide; no authors and no year happen too.
_FAMILIES = st.sampled_from(["Smith", "smith", "van der Berg", "Müller", "O'Brien", "King Jr."])
_GIVEN = st.sampled_from(["Ada", "A.", "Jean-Pierre", "Zoë", ""])
_TITLES = st.sampled_from(["Attention", "attention", "A study", "BERT & $k$", "Zeta", ""])
_YEARS = st.sampled_from([None, 1999, 2017, 2017, 2024])


@st.composite
def _records(draw: st.DrawFn) -> list[Any]:
    count = draw(st.integers(min_value=2, max_value=14))
    out = []
    for n in range(count):
        names = draw(st.lists(st.tuples(_GIVEN, _FAMILIES), max_size=4))
        year = draw(_YEARS)
        doi = draw(st.sampled_from([None, "10.1145/1", "10.48550/arXiv.1"]))
        p = paper(
            id=n,
            title=draw(_TITLES) or "x",
            authors=tuple(f"{g} {f}".strip() for g, f in names),
            published=date(year, 1 + n % 12, 1) if year else None,
            doi=doi,
            arxiv_id=draw(st.sampled_from([None, "1706.03762"])),
            authors_count=draw(st.sampled_from([None, 3])),
        )
        out.append(citation_record(p, f"k{n}"))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=_records(), html=st.booleans(), style_id=st.sampled_from(list(STYLES)))
def test_the_bibliography_order_is_citeprocs_on_generated_records(
    records: list[Any], html: bool, style_id: str
) -> None:
    theirs, ours = _citeproc_order(style_id, [csl_item(r) for r in records], html)
    assert ours == theirs


def _citeproc_entries(style_id: str, items: list[dict[str, Any]], html: bool) -> list[str]:
    """The entries citeproc-py's own ``sort`` and ``bibliography`` give, as render does."""
    from reader.cite.render import _NUMBER

    known = [{k: v for k, v in i.items() if k not in _UNKNOWN_TO_CITEPROC} for i in items]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        bib = CitationStylesBibliography(
            _style(style(style_id).path),
            CiteProcJSON(known),
            formatters.html if html else formatters.plain,
        )
        for item in known:
            bib.register(Citation([CitationItem(str(item["id"]))]))
        bib.sort()
        return [_NUMBER.sub(r"\1 ", " ".join(str(e).split())) for e in bib.bibliography()]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=_records(), html=st.booleans(), style_id=st.sampled_from(list(STYLES)))
def test_formatted_citations_are_citeprocs_own_byte_for_byte(
    records: list[Any], html: bool, style_id: str
) -> None:
    from reader.cite import format_citations

    expected = _citeproc_entries(style_id, [csl_item(r) for r in records], html)
    assert format_citations(records, style_id, html=html) == expected
