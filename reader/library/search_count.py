"""Exact counts of a view or a search: how many papers a :class:`Plan` matches.

A count reads a list from end to end (there is no first page to stop at), so its cost is
the length of the lists it reads, and of the lists it checks each entry against. At a
million papers one full list of the words index costs about 20 ms to count, checking
each of its entries against a materialised list about 0.1 µs more, reading a paper's row
1–1.5 µs. The shapes:

- **facets** (the match says everything): FTS5 counts the match, a broad facet (the
  Inbox, "unrated", "not tagged nlp") taken out by its complement when that is the
  short list (:mod:`reader.library.count_facets`: ``rating:<3 a`` in the Inbox is three
  lists of 930,000–1,000,000 papers at 1M);
- **an organization** (``org:google th``, in any status or rating): its list of ids
  checked against the words index, the view's facets and a broad match taken out by
  their complements, no paper's row read;
- **complement** (a broad match in a view: ``year:2024 th``): the view counted,
  less its papers outside the match — ``ALL NOT match``, where nine papers in ten match,
  is the short list, and checking the view against it is cheap;
- **without a list** (``-tag:nlp year:2024``): a condition "not in the list" counted as
  the papers of the other conditions less those in the list;
- otherwise the cheapest by :func:`count_costs` of the match joined to the papers, the
  match materialised, or the view's papers asked about; a small match read once.

Every count equals what :meth:`reader.query.Compiled.reference` means; the property
tests in ``tests/test_query_plans.py`` and ``tests/test_counts.py`` hold the two against
each other, every shape forced in turn (:data:`FORCE`).
"""

from __future__ import annotations

import dataclasses
import sqlite3

from reader.library import count_facets, search_costs
from reader.library.count_facets import (
    ALL,
    ANY_STATUS,
    balanced,
    expression,
    facet_count,
    fts_count,
)
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
from reader.library.search_plan import FEW, Plan, Run, probe_sql, word
from reader.query import Compiled

COST_ALL = 0.03
"""Microseconds per paper of the library to list the papers outside a match
(``ALL NOT match``: both lists read end to end; measured 27–28 ms at 1M)."""

FORCE: str | None = None
"""For the tests: the shape of every count that could take it (``facets``: a broad facet
by its complement whatever its size; ``complement``: a match in a view by the papers
outside it; ``without``: a list left out counted from the list; ``ask``: words left
out asked about for each paper of the view; ``plain``: none of these), whatever the
sizes say."""

__all__ = ["ALL", "count", "count_costs"]


def count(
    conn: sqlite3.Connection,
    run: Run,
    p: Plan,
    compiled: Compiled | None = None,
    *,
    inner: bool = False,
) -> int:
    """How many papers plan ``p`` matches (``compiled``: what it was planned from, which
    lets a count take the match apart; without it, the plan's shapes only; ``inner``:
    the papers outside a match, which are not counted by their complement again)."""
    if p.empty:
        return 0
    words = _words(conn, p, compiled)
    if p.table is None:
        if p.pure and p.facets:
            # Status, rating, note, tags: FTS5 merges the facets' lists, no paper read.
            return facet_count(run, [], [], p.facets, force=FORCE)
        if compiled is not None and p.where == compiled.where and FORCE != "plain":
            without = _without_list(run, compiled)
            if without is not None:
                return without
        return _sql_count(run, p.where, p.params)
    table = p.table
    if p.pure:
        if words is not None and compiled is not None:
            positive, negative = words
            return facet_count(run, positive, negative, compiled.facets, force=FORCE)
        return fts_count(run, table, p.match)
    # (A status beside a list is written ``+p.status``, for SQLite to drive from the list.)
    unplanned = p.where.replace("(+p.status = ?)", "(p.status = ?)")
    if words is not None and compiled is not None and unplanned == compiled.where:
        listed = _organization_list(compiled.uncovered()[0])
        if listed is not None:
            # An organization's papers and facets: the list checked against the words
            # index, the broad parts by their complements, no paper's row read.
            within = (listed, compiled.uncovered()[1])
            return facet_count(run, *words, compiled.facets, within=within, force=FORCE)
    # Every paper as one list of the index, not five statuses merged (the same papers).
    p = dataclasses.replace(p, match=p.match.replace(ANY_STATUS, ALL))
    joined = (
        f"SELECT count(*) FROM {table} f CROSS JOIN paper p ON p.id = f.rowid "
        f"WHERE {table} MATCH ? AND {p.where}"
    )
    if p.exclude and search_costs.FORCE is None and _few_to_ask(conn, run, p):
        # Words left out of a narrow view (``-a`` in a digest): each of its papers asked
        # about the words; the match, every paper but those, is read end to end to be
        # found small or estimated (50 ms each at 1M; asking a digest's 500 papers: 8).
        probe, probe_param = probe_sql(p)
        sql = f"SELECT count(*) FROM paper p WHERE {p.where} AND {probe}"
        return int(run(sql, [*p.params, probe_param])[0][0])
    few = small_match(run, table, p.match, search_costs.SMALL_MATCH)
    if few is not None:
        return int(run(f"SELECT count(*) FROM {FEW} WHERE {p.where}", [few, *p.params])[0][0])
    if inner:
        # The papers outside a broad match, in a view: the match materialised (the view
        # may be wide; reading each outside paper's row costs more than its entry).
        costs: dict[str, float] = {"in_match": 0.0}
    else:
        costs = count_costs(conn, run, p, complement=table == "paper_words")
    shape = min(costs, key=lambda name: costs[name])
    if shape == "complement":
        # Most papers match: the view's papers, less those outside the match (the
        # facets of the match are the view's own conditions, which ``where`` says).
        match = p.match if words is None else expression(words[0], words[1])
        outside = Plan(p.where, list(p.params), "paper_words", f"{ALL} NOT ({match})")
        viewed = count(conn, run, Plan(p.where, list(p.params)))
        return viewed - count(conn, run, outside, inner=True)
    listed = _organization_list(p.where)
    if listed is not None and shape in {"match_join", "in_match"}:
        # An organization's papers alone: its list checked against the match
        # materialised, no paper's row read (its ids are papers', each once).
        sql = (
            f"SELECT count(*) FROM ({listed}) "
            f"WHERE id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"
        )
        return int(run(sql, [*p.params, p.match])[0][0])
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


def count_costs(
    conn: sqlite3.Connection, run: Run, p: Plan, *, complement: bool = False
) -> dict[str, float]:
    """What counting a match with conditions left over costs (microseconds): each paper
    of the match read and checked (``match_join``), the view read and the match
    materialised (``in_match``), the view read and each of its papers asked about
    (``view_probe``), or (``complement``, when asked for and the match is broad) the
    view counted from its rows less its papers outside the match — every paper's entry
    read twice for those, and they materialised and checked against the view."""
    assert p.table is not None
    if search_costs.FORCE is not None:
        forced = {"walk_probe": "match_join", "view_probe": "view_probe", "view_sort": "view_probe"}
        return {forced.get(search_costs.FORCE, "in_match"): 0.0}
    if complement and FORCE == "complement":
        return {"complement": 0.0}
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    share = max(estimated_share(run, p.table, p.match), 1 / papers)
    matched = share * papers
    counted = view_size(conn, run, p)
    if counted is None:
        # Larger than the count goes: its share of the newest papers, for the estimate.
        newest = papers - SAMPLE
        sql = f"SELECT count(*) FROM paper p NOT INDEXED WHERE p.id > ? AND {p.where}"
        sampled = budgeted(conn, run, sql, [newest, *p.params], count_budget())
        viewed_share = 1.0 if sampled is None else sampled[0] / min(SAMPLE, papers)
        viewed = max(float(VIEW_CAP), viewed_share * papers)
    else:
        viewed = max(float(counted), 1.0)
    probe = COST_PROBE_PHRASE if p.table == "paper_fts" and not p.exclude else COST_PROBE_WORDS
    costs = {
        "match_join": matched * COST_WALK,
        # (counted, the view is read from its index, not its rows)
        "in_match": viewed * COST_STEP + matched * COST_MATERIALISE,
        "view_probe": viewed * (COST_ROW + probe),
    }
    if complement and FORCE is None and share > count_facets.BROAD:
        # The view counted as ``in_match`` reads it, less the match materialised, plus
        # the papers outside the match listed and materialised.
        outside = (1.0 - share) * papers
        costs["complement"] = (
            costs["in_match"] + papers * COST_ALL + (outside - matched) * COST_MATERIALISE
        )
    return costs


def _few_to_ask(conn: sqlite3.Connection, run: Run, p: Plan) -> bool:
    """Whether asking the index about each paper of ``p``'s view costs less than reading
    every paper's entry twice (``ALL NOT words``)."""
    if FORCE is not None:
        return FORCE == "ask"
    viewed = view_size(conn, run, p)
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    return viewed is not None and viewed * (COST_ROW + COST_PROBE_WORDS) < papers * COST_ALL


def _words(
    conn: sqlite3.Connection, p: Plan, compiled: Compiled | None
) -> tuple[list[str], list[str]] | None:
    """The words of a plan driven by the words index, apart from its facets: the positive
    and the negated parts of ``p.match`` (``None`` when it is not that plan's match)."""
    if compiled is None or p.table != "paper_words":
        return None
    positive: list[str] = []
    negative: list[str] = []
    for term in compiled.terms:
        if term.word is None:
            continue  # a phrase: the full index, among the conditions left over
        found = word(conn, term.word)
        if found is None:
            if not term.negated:
                return None
            continue
        (negative if term.negated else positive).append(found)
    if (
        negative
        and not positive
        and not any(t.word is None for t in compiled.terms if not t.negated)
    ):
        # Only words left out: the plan subtracts them from a facet, or from every paper.
        positive = [compiled.facets[0] if compiled.facets else ANY_STATUS]
    if expression(positive + compiled.facets, negative) != p.match:
        return None
    return positive, negative


def _without_list(run: Run, compiled: Compiled) -> int | None:
    """A view with a condition "not in a list of papers" beside conditions on columns
    (``-tag:nlp year:2024``, read over a range of 365,000 papers at 1M, each checked
    against the list): the papers of the other conditions, less those of them in the
    list, read from the list (``None``: no such view; a list among the other conditions
    is narrow, and the view is best read from it once). (A list of ids holds no
    ``NULL``: ``NOT IN`` is then exactly "not ``IN``".)"""
    if len(compiled.clauses) < 2 or FORCE not in {None, "without"}:
        return None
    if any(c.startswith("p.id IN (") for c in compiled.clauses):
        return None
    for at, clause in enumerate(compiled.clauses):
        listed = clause[len("p.id NOT IN (") : -1]
        if not clause.startswith("p.id NOT IN (") or not balanced(listed):
            continue
        if FORCE is None and not _short_list(run, listed, compiled.clause_params[at]):
            return None
        others = _joined([(c, v) for i, (c, v) in enumerate(_pairs(compiled)) if i != at])
        # (CROSS JOIN: from the list, each of its papers' rows read; SQLite's choice
        # walks the other conditions' range and looks each paper up in the list.)
        inside = (
            f"WITH l (id) AS (SELECT DISTINCT * FROM ({listed})) "
            f"SELECT count(*) FROM l CROSS JOIN paper p ON p.id = l.id WHERE {others[0]}"
        )
        within = int(run(inside, [*compiled.clause_params[at], *others[1]])[0][0])
        return _sql_count(run, *others) - within
    return None


SHORT_LIST = 0.025
"""A list left out is read paper by paper (1.5–2 µs each) when it holds at most this
share of the library; a longer one (the 77,000 papers with a note at 1M) costs more so
than checking each paper of the other conditions against it."""


def _short_list(run: Run, listed: str, params: list[object]) -> bool:
    """Whether the list ``listed`` holds at most :data:`SHORT_LIST` of the papers (counted
    no further)."""
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    cap = max(1000, int(papers * SHORT_LIST))
    sql = f"SELECT count(*) FROM (SELECT 1 FROM ({listed}) LIMIT ?)"
    return int(run(sql, [*params, cap])[0][0]) < cap


def _pairs(compiled: Compiled) -> list[tuple[str, list[object]]]:
    return list(zip(compiled.clauses, compiled.clause_params, strict=True))


def _joined(pairs: list[tuple[str, list[object]]]) -> tuple[str, list[object]]:
    where = " AND ".join(f"({c})" for c, _ in pairs) if pairs else "1"
    return where, [value for _, params in pairs for value in params]


_ORGANIZATION_LIST = "(p.id IN (SELECT o.id FROM paper o INDEXED BY paper_by_organization WHERE "


def _organization_list(where: str) -> str | None:
    """The ``SELECT`` of the organization's papers when ``where`` is that list alone
    (``org:google`` in All): its column is ``id``."""
    if FORCE == "plain" or not where.startswith(_ORGANIZATION_LIST) or not where.endswith("))"):
        return None
    listed = where[len("(p.id IN (") : -2]
    return listed if balanced(listed) else None


def _sql_count(run: Run, where: str, params: list[object]) -> int:
    """The papers ``where`` holds; an organization's alone counted from its index (its
    ids are papers', each once: no paper's row is read)."""
    listed = _organization_list(where)
    if listed is not None:
        return int(run(f"SELECT count(*) FROM ({listed})", params)[0][0])
    return int(run(f"SELECT count(*) FROM paper p WHERE {where}", params)[0][0])
