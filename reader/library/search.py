"""Paper lists and counts whose cost is bounded by the page shown, not by the library.

A compiled view (:class:`reader.query.Compiled`) becomes a :class:`Plan`
(:mod:`reader.library.search_plan`): the full-text index that drives the query
(``paper_words`` for plain words — prefixes of any length — with the view's status,
rating, note and tags as facet tokens; ``paper_fts`` for phrases), the other full-text
conditions, and the SQL conditions left over. The queries then follow the shape of the
request, priced by the cost model of :mod:`reader.library.search_costs`:

- newest first (the id order) with words: the full-text index yields ids in that order,
  so the first page reads a page of index entries (and looks up only the papers it must
  check for the conditions left over); when those conditions are narrow (a digest, an
  organization) and their size is known, the walk is tried only while it is the cheaper
  guess, on a budget, after which the query is driven from them instead;
- any other order with words: a match of at most ``SMALL_MATCH`` papers is read and
  sorted; for a broader one the cheapest of walking the sort index (named, a status
  view's own range of it) and asking the index about each paper (``walk_probe``),
  walking it with the match materialised (``walk_match``), reading the whole match and
  sorting it (``match_sort``), reading a narrow view whole and sorting the papers of it
  that match (``view_probe``, ``view_match``), or sorting a narrow view and asking the
  index about its papers in display order until the page is full (``view_sort``); every
  walk runs on a budget of what the next cheapest shape costs, after which that one
  answers (the papers may not be spread along the order: a tag's papers by tags, a rare
  word's titles all late in the alphabet);
- exclusions alone (``-model``): the index is asked about the left-out words only
  (:attr:`Plan.exclude`), not about the whole match;
- no words: the facets when they say everything (newest first: their lists merged),
  else the papers walked in id order, SQLite's choice, the sort index walked, or a
  narrow view read whole and sorted, as the cost model and the budgets say;
- counts: :mod:`reader.library.search_count`.

Every query returns exactly what :meth:`reader.query.Compiled.reference` means; the
property tests in ``tests/test_query_plans.py`` hold the two against each other.
"""

from __future__ import annotations

import sqlite3
from functools import partial

from reader.library import search_budget, search_costs, search_lists, search_memo, search_orders
from reader.library.model import SortKey
from reader.library.search_budget import budgeted, set_progress_handler
from reader.library.search_costs import match_size, small_match, view_size
from reader.library.search_plan import (
    FEW,
    Plan,
    Run,
    and_,
    in_,
    order_by,
    page_sql,
    plan,
    probe_sql,
    walk_index,
)

__all__ = ["Plan", "order_by", "paper_ids", "plan", "set_progress_handler"]


def paper_ids(
    conn: sqlite3.Connection,
    run: Run,
    p: Plan,
    key: SortKey,
    descending: bool,
    limit: int | None,
    offset: int,
) -> list[int]:
    """The ids of plan ``p`` in display order, one page of them when ``limit`` is given."""
    if key is SortKey.TAGS and not descending and limit is not None and not p.empty:
        # Untagged papers tie at the start of the order: answered apart from the tagged.
        found = search_orders.by_tags(run, p, limit, offset, partial(_ids, conn, run))
        if found is not None:
            return found
    return _ids(conn, run, p, key, descending, limit, offset)


def _ids(
    conn: sqlite3.Connection,
    run: Run,
    p: Plan,
    key: SortKey,
    descending: bool,
    limit: int | None,
    offset: int,
) -> list[int]:
    """:func:`paper_ids` for one plan, each order walked as one."""
    if p.empty:
        return []
    order = order_by(key, descending)
    page, page_params = page_sql(limit, offset)
    if p.table == "paper_fts" and limit is not None and not (p.pure and key is SortKey.ADDED):
        # A phrase in any order but its own newest first: read once (search_memo).
        kept = search_memo.kept_page(conn, run, p, search_memo.PHRASE_CAP, order, page_params)
        if kept is not None:
            return kept
    if key is SortKey.INTEREST and limit is not None:
        if run("SELECT 1 FROM paper_interest LIMIT 1", []):
            return search_orders.by_interest(run, p, descending, page, page_params)
        # No paper has a score: every key ties, and the ids decide (the id order).
        return _ids(conn, run, p, SortKey.ADDED, descending, limit, offset)
    if p.table is None:
        sql = f"SELECT p.id FROM paper p WHERE {p.where} ORDER BY {order}{page}"
        args = [*p.params, *page_params]
        if limit is None or p.where == "1":
            return [r[0] for r in run(sql, args)]
        if key is SortKey.ADDED and p.pure and p.facets:
            # Newest first and the facets say everything (Rated, is:unrated, has:note):
            # their lists merged in id order are the page, no paper row read.
            driven = Plan("1", [], "paper_words", and_(p.facets), pure=True)
            return _ids(conn, run, driven, key, descending, limit, offset)
        # SQLite's choice first for a status view alone or newest first (a status view
        # in any order is one index range); when it is slow, the sort index walked in
        # order (broad conditions find a page at once); then the facets (narrow
        # conditions with no index of their own).
        if key is SortKey.ADDED and not p.status:
            # Newest first, the papers themselves are in id order: a broad view finds a
            # page at once (SQLite's statistics may send it to an index and a sort).
            walked = sql.replace("FROM paper p", "FROM paper p NOT INDEXED", 1)
            found = budgeted(conn, run, walked, args, search_budget.count_budget())
            if found is not None:
                return found
        index = walk_index(p, key)
        if p.where == "(p.status = ?)" and index is not None:
            # A status view: its own range of a status sort index, or a sort index that
            # carries the status walked (SQLite would read the range and sort it).
            first = sql.replace("FROM paper p", f"FROM paper p INDEXED BY {index}", 1)
            first = search_lists.covered(first, index)
        else:
            first = sql
        found = None
        if key is SortKey.ADDED or (p.where == "(p.status = ?)" and index is not None):
            found = budgeted(conn, run, first, args, search_budget.count_budget())
        # (Any other view in another order: SQLite's choice reads the view's rows and
        # sorts them, or walks an index reading each row; a count and a named walk below
        # find out which is cheaper, where SQLite's choice spent its budget guessing.)
        viewed: int | None = None
        narrow = (
            f"WITH v (id) AS MATERIALIZED (SELECT p.id FROM paper p WHERE {p.where}) "
            f"SELECT p.id FROM v CROSS JOIN paper p ON p.id = v.id ORDER BY {order}{page}"
        )
        by_facets = p.pure and bool(p.facets)
        if by_facets:
            # The facets say everything (has:note, has:tags, a rating, a status with
            # one): the papers' rows are read only for the few that match, and sorted.
            narrow = (
                "SELECT p.id FROM paper_words f CROSS JOIN paper p ON p.id = f.rowid "
                f"WHERE paper_words MATCH ? ORDER BY {order}{page}"
            )
        narrow_args = [and_(p.facets), *page_params] if by_facets else args
        if found is None:
            # Narrow conditions together (two tags, a tag in the Inbox): counted without
            # an order SQLite drives from the narrowest (or from the facets' lists,
            # when they say everything); read whole and sorted when few.
            if by_facets:
                cap = search_costs.FACET_CAP
                counted = match_size(run, "paper_words", and_(p.facets), cap)
                viewed = counted if counted < cap else None
            else:
                viewed = view_size(conn, run, p)
            if viewed is not None and search_costs.few(run, viewed, limit + offset):
                return [r[0] for r in run(narrow, narrow_args)]
        # Newest first, the papers themselves are in id order (a status's in its index).
        along = f"INDEXED BY {index}" if index is not None else "NOT INDEXED"
        if found is None and (index is not None or key is SortKey.ADDED):
            walk = search_lists.covered(
                sql.replace("FROM paper p", f"FROM paper p {along}", 1), index
            )
            left = {} if viewed is None else {"narrow": viewed * search_costs.COST_ROW}
            rate = search_budget.walk_rate(p.where, index)
            found = budgeted(conn, run, walk, args, search_budget.walk_budget(left, rate))
        if found is not None:
            return found
        if viewed is not None:
            # The view's papers are not spread along the order (org:google by authors:
            # they have none): read whole and sorted after all.
            return [r[0] for r in run(narrow, narrow_args)]
        if p.facets:
            # (When the facets say everything, the paper rows need not be read at all.)
            where, params = ("1", []) if p.pure else (p.where, p.params)
            driven = Plan(where, params, "paper_words", and_(p.facets), pure=p.pure)
            driven.narrowest = True
            return _ids(conn, run, driven, key, descending, limit, offset)
        return [r[0] for r in run(sql, args)]
    table = p.table
    direction = "DESC" if descending else "ASC"
    matched = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
    if p.exclude and limit is not None:
        # Words left out (``-a``: 46 ms at 1M to leave none): a small answer kept.
        kept = search_memo.kept_page(conn, run, p, search_costs.SMALL_MATCH, order, page_params)
        if kept is not None:
            return kept
    if key is SortKey.ADDED:
        if p.pure:
            sql = f"{matched} ORDER BY rowid {direction}{page}"
            return [r[0] for r in run(sql, [p.match, *page_params])]
        ordered = (
            f"SELECT f.rowid FROM {table} f CROSS JOIN paper p ON p.id = f.rowid "
            f"WHERE {table} MATCH ? AND {p.where} ORDER BY f.rowid {direction}{page}"
        )
        args = [p.match, *p.params, *page_params]
        if limit is None or p.narrowest:
            return [r[0] for r in run(ordered, args)]
        costs = search_costs.newest_costs(conn, run, p, limit + offset)
        shape: str | None = min(costs, key=lambda name: costs[name])
        if shape == "walk":
            # A broad view: the match walked newest first finds a page at once. A narrow
            # one whose size is known is walked only while that is the cheaper guess.
            left = {name: cost for name, cost in costs.items() if name != "walk"}
            found = budgeted(conn, run, ordered, args, search_budget.walk_budget(left))
            if found is not None:
                return found
            shape = min(left, key=lambda name: left[name]) if left else None
        if table == "paper_fts" and p.facets and shape is None:
            # A phrase in a narrow view: the view's facets drive, the phrase is checked.
            driven = Plan(
                f"{p.where} AND +{in_('paper_fts', negated=False)}",
                [*p.params, p.match],
                "paper_words",
                and_(p.facets),
            )
            driven.narrowest = True
            return _ids(conn, run, driven, key, descending, limit, offset)
        # The conditions left over are narrow: drive from them, the match asked about
        # each of their papers or materialised, whichever the cost model finds cheaper.
        # (+p.id: the rows are not walked in id order, the narrow conditions' index is.)
        if shape is None:
            shape = search_costs.sorted_shape(conn, run, p, key, None)
        if shape == "view_probe":
            probe, probe_param = probe_sql(p)
            sql = (
                f"WITH v (id) AS MATERIALIZED (SELECT p.id FROM paper p WHERE {p.where}) "
                f"SELECT p.id FROM v CROSS JOIN paper p ON p.id = v.id WHERE {probe} "
                f"ORDER BY +p.id {direction}{page}"
            )
            return [r[0] for r in run(sql, [*p.params, probe_param, *page_params])]
        sql = (
            f"SELECT p.id FROM paper p WHERE {p.where} AND +p.id IN ({matched}) "
            f"ORDER BY +p.id {direction}{page}"
        )
        return [r[0] for r in run(sql, [*p.params, p.match, *page_params])]
    joined = (
        f"SELECT p.id FROM {table} f CROSS JOIN paper p ON p.id = f.rowid "
        f"WHERE {table} MATCH ? AND {p.where} ORDER BY {order}{page}"
    )
    if table == "paper_fts":  # (a phrase read once while the library is unchanged)
        few = search_memo.kept_ids(conn, run, table, p.match, search_memo.PHRASE_CAP)
    else:
        few = small_match(run, table, p.match, search_costs.SMALL_MATCH)
    if few is not None:
        # A small match, read once (a phrase's positions are not read twice): its papers
        # checked and sorted.
        sql = f"SELECT p.id FROM {FEW} WHERE {p.where} ORDER BY {order}{page}"
        return [r[0] for r in run(sql, [few, *p.params, *page_params])]
    costs = search_costs.shape_costs(conn, run, p, key, limit)
    probe, probe_param = probe_sql(p)
    index = walk_index(p, key) if limit is not None else None
    walk_where, walk_params = p.walk_check()
    listed = " IN (" in p.where and " IN (" not in walk_where
    while True:
        shape = min(costs, key=lambda name: costs[name])
        if shape == "match_sort":
            # The whole match read and sorted: bounded by the match, whatever the order.
            return [r[0] for r in run(joined, [p.match, *p.params, *page_params])]
        if shape == "view_sort":
            assert limit is not None
            return _view_sorted(run, p, order, limit, offset)
        if shape in {"view_probe", "view_match"}:
            # A narrow view: its papers read whole (from their own index), the match
            # asked about each or materialised once, and the few left sorted.
            check, param = (
                (probe, probe_param) if shape == "view_probe" else (f"p.id IN ({matched})", p.match)
            )
            sql = (
                f"WITH v (id) AS MATERIALIZED (SELECT p.id FROM paper p WHERE {p.where}) "
                f"SELECT p.id FROM v CROSS JOIN paper p ON p.id = v.id WHERE {check} "
                f"ORDER BY {order}{page}"
            )
            return [r[0] for r in run(sql, [*p.params, param, *page_params])]
        along = f" INDEXED BY {index}" if index is not None else ""
        if shape == "walk_probe":
            # Most papers match: walk the sort index and ask the index about each paper
            # of the view; a page needs about limit / share of those questions — if the
            # view's papers are spread along the order.
            # A view that is a list of papers (a tag's) keeps its list before the question:
            # at 1M a tag's paper is one in fifty along the order, and asking about the
            # other forty-nine cost 40-80 ms a page.
            where, params = (p.where, p.params) if listed else (walk_where, walk_params)
            sql = (
                f"SELECT p.id FROM paper p{along} WHERE {where} AND {probe} ORDER BY {order}{page}"
            )
            args = [*params, probe_param, *page_params]
        else:
            # In between: the match materialised once (the unary + keeps SQLite from
            # driving from it and sorting), the sort index walked in order (named: left
            # to its sampled statistics SQLite reads the view and sorts it).
            sql = (
                f"SELECT p.id FROM paper p{along} WHERE {walk_where} AND +p.id IN ({matched}) "
                f"ORDER BY {order}{page}"
            )
            args = [*walk_params, p.match, *page_params]
        sql = search_lists.covered(sql, index)  # (an organization checked from the index)
        del costs[shape]
        if search_costs.FORCE is not None or not costs or index is None:
            return [r[0] for r in run(sql, args)]
        # A walk's length depends on where the matching papers lie along the order (a
        # tag's papers by tags, a rare word's titles all late in the alphabet): on a
        # budget, after which the next cheapest shape answers.
        if shape == "walk_probe" and listed:
            rate = search_budget.walk_rate(p.where, index)
        elif shape == "walk_probe":
            rate = search_budget.probe_rate(probe_param)
        else:
            rate = search_budget.walk_rate(walk_where, index)
        budget = search_budget.walk_budget(costs, rate) + costs.setup.get(shape, 0)
        found = budgeted(conn, run, sql, args, budget)
        if found is not None:
            return found


def _view_sorted(run: Run, p: Plan, order: str, limit: int, offset: int) -> list[int]:
    """A page of a narrow view: its papers read whole and sorted (the sort index is not
    walked), then the full-text index asked about them in display order, a growing chunk
    at a time, until the page is full — about ``(offset + limit) / share`` questions."""
    assert p.table is not None
    sql = (
        f"WITH v (id) AS MATERIALIZED (SELECT p.id FROM paper p WHERE {p.where}) "
        f"SELECT p.id FROM v CROSS JOIN paper p ON p.id = v.id ORDER BY {order}"
    )
    ordered = [r[0] for r in run(sql, p.params)]
    table, match = ("paper_words", p.exclude) if p.exclude else (p.table, p.match)
    wanted = max(offset + limit, 0)
    found: list[int] = []
    start, size = 0, max(64, 2 * wanted)
    while start < len(ordered) and len(found) < wanted:
        chunk = ordered[start : start + size]
        marks = ",".join("?" * len(chunk))
        hits = {
            r[0]
            for r in run(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid IN ({marks})",
                [match, *chunk],
            )
        }
        found.extend(i for i in chunk if (i in hits) != bool(p.exclude))
        start += len(chunk)
        size = min(size * 2, 4096)
    return found[offset:wanted]
