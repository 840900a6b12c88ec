"""Exact counts of a view or a search: how many papers a :class:`Plan` matches.

One FTS5 merge when the facets say everything; otherwise the cheapest of the match
joined to the papers, the match materialised, or the view's papers asked about, priced
by :func:`count_costs` (microseconds, the cost model of
:mod:`reader.library.search_costs`).

Every count equals what :meth:`reader.query.Compiled.reference` means; the property
tests in ``tests/test_query_plans.py`` hold the two against each other.
"""

from __future__ import annotations

import sqlite3

from reader.library import search_costs
from reader.library.search_budget import budgeted, count_budget
from reader.library.search_costs import (
    COST_MATERIALISE,
    COST_PROBE_PHRASE,
    COST_PROBE_WORDS,
    COST_ROW,
    COST_STEP,
    COST_WALK,
    SAMPLE,
    VIEW_CAP,
    estimated_share,
    small_match,
    view_size,
)
from reader.library.search_plan import Plan, Run, and_, probe_sql

_FEW = "json_each(?) j CROSS JOIN paper p ON p.id = j.value"
"""The papers of a small match, given as the JSON list of their ids (:func:`small_match`)."""

__all__ = ["count", "count_costs"]


def count(conn: sqlite3.Connection, run: Run, p: Plan) -> int:
    """How many papers plan ``p`` matches."""
    if p.empty:
        return 0
    if p.table is None:
        if p.pure and p.facets:
            # Status, rating, note, tags: one merge of the facets' lists, no paper read.
            match = and_(p.facets)
            sql = "SELECT count(*) FROM paper_words WHERE paper_words MATCH ?"
            return int(run(sql, [match])[0][0])
        return int(run(f"SELECT count(*) FROM paper p WHERE {p.where}", p.params)[0][0])
    table = p.table
    if p.pure:
        return int(run(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", [p.match])[0][0])
    joined = (
        f"SELECT count(*) FROM {table} f CROSS JOIN paper p ON p.id = f.rowid "
        f"WHERE {table} MATCH ? AND {p.where}"
    )
    few = small_match(run, table, p.match, search_costs.SMALL_MATCH)
    if few is not None:
        return int(run(f"SELECT count(*) FROM {_FEW} WHERE {p.where}", [few, *p.params])[0][0])
    costs = count_costs(conn, run, p)
    shape = min(costs, key=lambda name: costs[name])
    if shape == "match_join":
        return int(run(joined, [p.match, *p.params])[0][0])
    if shape == "view_probe":
        # A narrow view and a broad match: each of the view's papers asked about.
        probe, probe_param = probe_sql(p)
        sql = (
            f"WITH v (id) AS MATERIALIZED (SELECT p.id FROM paper p WHERE {p.where}) "
            f"SELECT count(*) FROM v CROSS JOIN paper p ON p.id = v.id WHERE {probe}"
        )
        return int(run(sql, [*p.params, probe_param])[0][0])
    sql = (
        f"SELECT count(*) FROM paper p WHERE {p.where} "
        f"AND +p.id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"
    )
    return int(run(sql, [*p.params, p.match])[0][0])


def count_costs(conn: sqlite3.Connection, run: Run, p: Plan) -> dict[str, float]:
    """What counting a match with conditions left over costs (microseconds): each paper
    of the match read and checked (``match_join``), the view read and the match
    materialised (``in_match``), or the view read and each of its papers asked about
    (``view_probe``)."""
    assert p.table is not None
    if search_costs.FORCE is not None:
        forced = {"walk_probe": "match_join", "view_probe": "view_probe", "view_sort": "view_probe"}
        return {forced.get(search_costs.FORCE, "in_match"): 0.0}
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    matched = max(estimated_share(run, p.table, p.match), 1 / papers) * papers
    counted = view_size(conn, run, p)
    if counted is None:
        # Larger than the count goes: its share of the newest papers, for the estimate.
        newest = papers - SAMPLE
        sql = f"SELECT count(*) FROM paper p NOT INDEXED WHERE p.id > ? AND {p.where}"
        sampled = budgeted(conn, run, sql, [newest, *p.params], count_budget())
        share = 1.0 if sampled is None else sampled[0] / min(SAMPLE, papers)
        viewed = max(float(VIEW_CAP), share * papers)
    else:
        viewed = max(float(counted), 1.0)
    probe = COST_PROBE_PHRASE if p.table == "paper_fts" and not p.exclude else COST_PROBE_WORDS
    return {
        "match_join": matched * COST_WALK,
        # (counted, the view is read from its index, not its rows)
        "in_match": viewed * COST_STEP + matched * COST_MATERIALISE,
        "view_probe": viewed * (COST_ROW + probe),
    }
