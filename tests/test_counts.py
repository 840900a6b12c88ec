"""Counts taken apart (``reader.library.search_count``) equal the plain query's.

Broad facets counted by their complements, a broad match in a view by the papers outside
it, an organization's papers checked against the words index, a list left out counted
from the list: every shape is forced in turn over random views and searches (hypothesis)
on the small library of ``tests/test_query_plans.py``, each forced shape is seen to run,
and a deliberately broken one is seen to fail.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.library import (
    Library,
    PaperFilter,
    QueryError,
    Status,
    count_facets,
    search_costs,
    search_count,
)
from reader.query import FACET
from tests.test_query_plans import _reference_count, _view, small

__all__ = ["small"]  # (the module's library, shared with the plan tests)

SHAPES = [None, "facets", "complement", "without", "ask", "plain"]


@contextlib.contextmanager
def _knobs(force: str | None, broad: float = count_facets.BROAD, few: int = 0) -> Iterator[None]:
    saved = (search_count.FORCE, count_facets.BROAD, search_costs.SMALL_MATCH)
    search_count.FORCE, count_facets.BROAD, search_costs.SMALL_MATCH = force, broad, few
    try:
        yield
    finally:
        search_count.FORCE, count_facets.BROAD, search_costs.SMALL_MATCH = saved


@contextlib.contextmanager
def _statements(library: Library) -> Iterator[list[tuple[str, list[Any]]]]:
    """Every statement the library runs meanwhile, with its parameters."""
    seen: list[tuple[str, list[Any]]] = []
    run = library._query

    def recorded(sql: str, params: Any = ()) -> Any:
        seen.append((sql, list(params)))
        return run(sql, params)

    library._query = recorded  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del library._query


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    view=_view,
    force=st.sampled_from(SHAPES),
    broad=st.sampled_from([0.0, 0.5, 1.0]),
    few=st.sampled_from([0, 300]),
)
def test_counts_of_every_shape_equal_the_plain_query(
    small: Library, view: PaperFilter, force: str | None, broad: float, few: int
) -> None:
    try:
        expected = _reference_count(small, view)
    except QueryError:  # a malformed search: the plan tests check it is refused alike
        return
    with _knobs(force, broad, few):
        assert small.count(view) == expected, view


_ALL = f'"{FACET}"*'

CASES: dict[str, list[tuple[PaperFilter, str]]] = {
    # shape: views, each with what one of the statements it runs holds
    "facets": [
        (PaperFilter(status=Status.INBOX, search="a"), f'"{FACET}queue" OR "{FACET}reading"'),
        (PaperFilter(search="is:unrated -tag:nlp"), f'"{FACET}r1" OR "{FACET}r2"'),
        (PaperFilter(status=Status.READ, search="rating:<3 model -learn"),
         f'"{FACET}inbox" OR "{FACET}queue"'),
        (PaperFilter(search="-status:inbox at"), f'AND (("{FACET}inbox"))'),
    ],
    "complement": [
        (PaperFilter(search="year:2024 a"), f"{_ALL} NOT ("),
        (PaperFilter(status=Status.QUEUE, search="year:2023 at"), f"{_ALL} NOT ("),
        (PaperFilter(search="org:goo a"), f"{_ALL} NOT ("),
        (PaperFilter(status=Status.INBOX, search="org:research mod"), f"{_ALL} NOT ("),
        (PaperFilter(rating_min=4, search="org:goo -learn"), f"{_ALL} NOT ("),
    ],
    "ask": [
        (PaperFilter(digest_id=2, search="-a"), "NOT EXISTS (SELECT 1 FROM paper_words"),
        (PaperFilter(status=Status.INBOX, digest_id=1, search="-learn -model"),
         "NOT EXISTS (SELECT 1 FROM paper_words"),
        (PaperFilter(status=Status.QUEUE, search="year:2024 -at"),
         "NOT EXISTS (SELECT 1 FROM paper_words"),
    ],
    "without": [
        (PaperFilter(search="-tag:nlp year:2024"), "SELECT DISTINCT * FROM (SELECT pt.paper_id"),
        (PaperFilter(status=Status.INBOX, search="-has:note year:2023"),
         "SELECT DISTINCT * FROM (SELECT n.id"),
        (PaperFilter(rating_min=4, search="-tag:nlp -year:2024"),
         "SELECT DISTINCT * FROM (SELECT pt.paper_id"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("shape", sorted(CASES))
def test_each_shape_runs_and_equals_the_plain_query(small: Library, shape: str) -> None:
    with _knobs(shape):
        for view, mark in CASES[shape]:
            with _statements(small) as seen:
                got = small.count(view)
            assert got == _reference_count(small, view), view
            assert any(mark in sql or any(mark in str(v) for v in params) for sql, params in seen)
            if shape == "without":  # the list itself, not "not in" it
                assert "NOT IN" not in seen[-1][0], view


def test_an_organization_is_counted_from_its_list(small: Library) -> None:
    """``org:`` alone, and beside a status with words, reads no paper's row: its list is
    counted and checked against the words index."""
    for view in (
        PaperFilter(search="org:goo"),
        PaperFilter(status=Status.INBOX, search="org:goo a"),
    ):
        with _statements(small) as seen:
            got = small.count(view)
        assert got == _reference_count(small, view)
        assert not any("FROM paper p" in sql for sql, _ in seen), view


def test_a_broken_complement_fails(small: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests can fail: a complement that leaves a status out, or an "every paper"
    that is one status only, gives counts the plain query does not."""
    views = [v for cases in CASES.values() for v, _ in cases]
    with _knobs(None):
        assert all(small.count(v) == _reference_count(small, v) for v in views)
    with _knobs("facets"):
        monkeypatch.setattr(count_facets, "_complement", lambda facet: f'"{FACET}queue"')
        assert any(small.count(v) != _reference_count(small, v) for v, _ in CASES["facets"])
        monkeypatch.undo()
    with _knobs("complement"):
        monkeypatch.setattr(count_facets, "ALL", f'"{FACET}inbox"')
        monkeypatch.setattr(search_count, "ALL", f'"{FACET}inbox"')
        assert any(small.count(v) != _reference_count(small, v) for v, _ in CASES["complement"])
