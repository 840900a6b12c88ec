"""What each shape of a search costs, and how long a walk in display order may run.

The planner (:mod:`reader.library.search`) estimates a match's share of the library from
its newest papers, counts a narrow view, and prices each shape of a query in microseconds
(:func:`shape_costs`). A walk along an index whose length depends on where the view's
papers lie in the order runs on a budget of SQLite virtual-machine steps
(:mod:`reader.library.search_budget`); past it, the next cheapest shape answers. Steps, not seconds: the
same library and query take the same plan on a fast machine, a loaded one, or with a
cold cache (a budget of time made the plan depend on all three).

The knobs below are module attributes read at every call, so that the property tests can
draw them (``tests/test_query_plans.py``) and every shape runs on a small library.
"""

from __future__ import annotations

import sqlite3

from reader.library.model import SortKey
from reader.library.search_budget import (
    BUDGET_US,
    RANGE_STEPS_PER_US,
    budgeted,
    count_budget,
    steps,
)
from reader.library.search_lists import BROAD_STATUS, facet_share
from reader.library.search_plan import STATUS_SORT_INDEX, TAGGED, Plan, Run, walk_index
from reader.query_model import status_facet

SMALL_MATCH = 300
"""Matches up to this size are read and sorted; broader ones walk the sort index."""

SAMPLE = 4000
"""How many of the newest ids the share of a match is estimated from."""

THIN = 20
"""A sample with fewer matches than this says little: the match is counted instead."""

MATCH_CAP = 50_000
"""A match is counted (to estimate its share) no further than this many papers."""

# What the planner's cost model charges, in microseconds (measured at 100,000 and
# 1,000,000 papers, bench/queries.py): one step along a sort index, one question to a
# full-text index about one paper (words; phrases read positions), one id of a match
# materialised, one paper of a view read and sorted.
COST_STEP = 0.3
COST_PROBE_WORDS = 13.0
COST_PROBE_PHRASE = 300.0
COST_MATERIALISE = 0.1
COST_ROW = 2.0
COST_WALK = 1.5
"""One step along a full-text match in id order with the paper's row read and the
conditions left over checked (microseconds)."""

INTEREST_PROBE_SHARE = 0.05
"""A match of at least this share of the papers is checked paper by paper along the
interest order; a narrower one is materialised first."""

VIEW_CAP = 100_000
"""A view is counted (to choose a plan) no further than this many papers."""

FACET_CAP = 20_000
"""A view its facets say entirely is counted from their lists no further than this."""

FEW: bool | None = None
"""For the property tests: what :func:`few` answers, whatever the sizes (``None``: ask)."""

FORCE: str | None = None
"""For the property tests: the shape every sorted search takes (``walk_probe``,
``walk_match``, ``view_probe``, ``view_match``, ``view_sort``, ``match_sort``), whatever
the costs say."""


def sorted_shape(
    conn: sqlite3.Connection, run: Run, p: Plan, key: SortKey, limit: int | None
) -> str:
    """How to answer a broad match in an order other than the id's: the cheapest shape by
    the cost model (:func:`shape_costs`)."""
    costs = shape_costs(conn, run, p, key, limit)
    return min(costs, key=lambda shape: costs[shape])


class Costs(dict[str, float]):
    """What each shape costs (microseconds), and for the walks among them the steps they
    take before their first step along the order (:attr:`setup`)."""

    def __init__(self, costs: dict[str, float], setup: dict[str, int] | None = None) -> None:
        super().__init__(costs)
        self.setup: dict[str, int] = setup or {}
        """Per walk: the steps of materialising what it checks against (the view's list of
        papers — an organization's, a tag's —, the match for ``walk_match``), about
        :data:`LIST_STEPS` per id, added to its budget (a list of 11,000 papers at 1M
        took the whole budget before the walk began)."""


LIST_STEPS = 8
"""Steps per id of materialising a list a walk checks against (measured: 4 to 15)."""


def shape_costs(
    conn: sqlite3.Connection, run: Run, p: Plan, key: SortKey, limit: int | None
) -> Costs:
    """What each shape of a sorted query is expected to cost (microseconds): the match's
    share estimated from the newest papers, the view counted up to :data:`VIEW_CAP`."""
    assert p.table is not None
    walkable = limit is not None and walk_index(p, key) is not None
    if FORCE is not None:
        if FORCE == "view_sort" and limit is None:
            return Costs({"view_probe": 0.0})
        if walkable or FORCE.startswith("view") or FORCE == "match_sort":
            return Costs({FORCE: 0.0})
        return Costs({"walk_match": 0.0})
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    share = max(estimated_share(run, p.table, p.match), 1 / papers)
    matched = share * papers
    counted = view_size(conn, run, p)
    viewed = float(papers) if counted is None else max(float(counted), 1.0)
    probe = COST_PROBE_PHRASE if p.table == "paper_fts" and not p.exclude else COST_PROBE_WORDS
    costs = {
        "view_probe": viewed * (COST_ROW + probe),
        "view_match": viewed * COST_ROW + matched * COST_MATERIALISE,
        "walk_match": matched * COST_MATERIALISE,
        "match_sort": matched * COST_ROW,
    }
    # The chance that a paper of the view matches: the match's share of the library, or
    # (when the match carries the view's own list as a facet: a tag) its share of the view.
    # (A match the facets say entirely, view and all, is inside the view too.)
    listed = " IN (" in p.where and " IN (" not in p.walk_check()[0]
    inside = counted is not None and (listed or p.pure)
    chance = min(1.0, matched / viewed) if inside else share
    if limit is not None:
        wanted = max(limit, 1)
        questions = min(viewed, wanted / chance)
        costs["view_sort"] = viewed * COST_ROW + questions * probe
        if walkable:
            # Along the order, a page needs papers / viewed steps per paper of the view
            # (if they are spread), 1 / share per match; a status index holds only the
            # status's range (the whole view, when the status is all it asks).
            length = viewed if in_range(p, key) else float(papers)
            steps = min(length, wanted * length / viewed / chance)
            costs["walk_probe"] = steps * COST_STEP + questions * probe
            costs["walk_match"] += steps * COST_STEP
    if not walkable:
        costs["walk_match"] += viewed * COST_ROW
    setup_list = LIST_STEPS * int(viewed) if counted is not None and " IN (" in p.where else 0
    setup = {"walk_probe": setup_list, "walk_match": LIST_STEPS * int(matched)}
    if " IN (" in p.walk_check()[0]:
        setup["walk_match"] += setup_list
    return Costs(costs, setup)


def in_range(p: Plan, key: SortKey) -> bool:
    """Whether a walk of ``p`` in the order of ``key`` reads a range of its index that
    holds the view and nothing else: a status's range of a status sort index, the tagged
    papers' range of a tags index (:data:`TAGGED`), or both."""
    ranges = {f"({TAGGED})"} if key is SortKey.TAGS else set()
    if p.status and key in STATUS_SORT_INDEX:
        ranges.add("(p.status = ?)")
    parts = p.where.split(" AND ")
    return bool(ranges) and set(parts) <= ranges and len(parts) == len(set(parts))


def newest_costs(conn: sqlite3.Connection, run: Run, p: Plan, limit: int) -> dict[str, float]:
    """What a page newest first costs when conditions the match does not say are left
    (microseconds): walking the match in id order and checking each paper (``walk``:
    about ``papers / viewed`` steps per paper of the page), or driving from the view,
    its papers asked about (``view_probe``) or the match materialised (``view_match``).
    An unknown view (larger than :data:`VIEW_CAP`) is walked."""
    assert p.table is not None
    if FORCE is not None:
        return {
            "walk" if FORCE.startswith("walk") else FORCE.replace("view_sort", "view_match"): 0.0
        }
    counted = view_size(conn, run, p)
    if counted is None:
        return {"walk": 0.0}
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    share = max(estimated_share(run, p.table, p.match), 1 / papers)
    matched = share * papers
    viewed = max(float(counted), 1.0)
    probe = COST_PROBE_PHRASE if p.table == "paper_fts" and not p.exclude else COST_PROBE_WORDS
    return {
        "walk": min(matched, max(limit, 1) * papers / viewed) * COST_WALK,
        "view_probe": viewed * (COST_ROW + probe),
        "view_match": viewed * COST_ROW + matched * COST_MATERIALISE,
    }


def few(run: Run, viewed: int, wanted: int) -> bool:
    """Whether reading ``viewed`` papers and sorting them is cheaper than walking the sort
    index for ``wanted`` of them (spread along the order: papers / viewed steps each)."""
    if FEW is not None:
        return FEW
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    steps = min(float(papers), max(wanted, 1) * papers / max(viewed, 1))
    return viewed * COST_ROW < steps * COST_STEP


def view_size(conn: sqlite3.Connection, run: Run, p: Plan) -> int | None:
    """How many papers ``p.where`` holds, if fewer than :data:`VIEW_CAP` and counted
    within :func:`count_budget`; else ``None``."""
    if p.where == "1":
        return None
    where, params = p.where, p.params
    if where.startswith(_BESIDE) and _only_list(where[len(_BESIDE) :]) is not None:
        # A status beside a list (the Inbox's papers of an organization; a status is moved
        # into an organization's list unless most papers have it): the list counted, at
        # most the view (each paper's row read for its status cost 16-40 ms at 1M).
        where, params = where[len(_BESIDE) :], params[1:]
    budget = count_budget(where)
    if where == "(p.status = ?)":
        # A status alone is one range of a status index, counted at its rate, unless most
        # papers have it (the Inbox): then it is not counted at all.
        if facet_share(run, status_facet(str(params[0]))) >= BROAD_STATUS:
            return None
        budget = steps(BUDGET_US / 4, RANGE_STEPS_PER_US)
    listed = _only_list(where)
    if listed is not None:
        # The view is one list of papers (an organization's, a tag's, a digest's): its
        # ids counted from where they are listed, no paper looked up (an estimate: a
        # list of several tags may name a paper twice).
        sql = f"SELECT count(*) FROM ({listed} LIMIT ?)"
    else:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM paper p WHERE {where} LIMIT ?)"
    counted = budgeted(conn, run, sql, [*params, VIEW_CAP], budget)
    return counted[0] if counted is not None and counted[0] < VIEW_CAP else None


_BESIDE = "(+p.status = ?) AND "
"""How a status the view requires starts its conditions when a list drives (search_plan)."""


def _only_list(where: str) -> str | None:
    """The ``SELECT`` of ``where`` when it is one condition ``(p.id IN (SELECT …))``."""
    start = "(p.id IN ("
    if not where.startswith(start + "SELECT ") or not where.endswith("))"):
        return None
    depth = 0
    for at, char in enumerate(where[len(start) - 1 :], start=len(start) - 1):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return where[len(start) : at] if at == len(where) - 2 else None
    return None


def estimated_share(run: Run, table: str, match: str) -> float:
    """The share of papers ``match`` finds, estimated from the newest :data:`SAMPLE` ids;
    when fewer than :data:`THIN` of them match (a tag's papers, which need not be the
    newest: ``at`` in a tag's view was taken for one paper at 1M, and its 9,000 read and
    sorted), counted instead (in the words index), no further than :data:`MATCH_CAP`."""
    newest = int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0])
    if newest <= 0:
        return 0.0
    low = max(0, newest - SAMPLE)
    sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH ? AND rowid > ?"
    sampled = int(run(sql, [match, low])[0][0])
    if sampled >= THIN or newest - low < SAMPLE or table != "paper_words":
        # (A phrase is not counted: its positions cost 40-50 ms to count at 1M.)
        return sampled / (newest - low)
    return match_size(run, table, match, MATCH_CAP) / newest


def small_match(run: Run, table: str, match: str, cap: int) -> str | None:
    """The ids ``match`` finds as a JSON list, when fewer than ``cap``; else ``None``
    (the match is read once, no further than ``cap`` ids)."""
    found = run(
        f"SELECT json_group_array(rowid), count(*) FROM "
        f"(SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?)",
        [match, cap],
    )[0]
    return str(found[0]) if int(found[1]) < cap else None


def match_size(run: Run, table: str, match: str, cap: int) -> int:
    """How many papers ``match`` finds, counting no further than ``cap``."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)"
    return int(run(sql, [match, cap])[0][0])
