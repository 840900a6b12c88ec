"""Exact counts of a view or a search: how many papers a :class:`Plan` matches.

A count reads a list from end to end (there is no first page to stop at), so its cost is
the length of the lists it reads, and of the lists it checks each entry against. At a
million papers one full list of the words index costs about 20 ms to count, checking
each of its entries against a materialised list about 0.1 µs more, reading a paper's row
1–1.5 µs. The shapes:

- **facets** (the match says everything): FTS5 counts the match. A broad facet (the
  Inbox, "unrated", "not tagged nlp") is taken out by its complement when that is the
  short list: ``|words ∧ inbox| = |words| − |words ∧ (queue ∨ reading ∨ read ∨
  archived)|`` (every paper has exactly one status token and one rating token, the
  facts :func:`reader.query.not_facet` rests on too), so the long list is not read
  twice (``rating:<3 a`` in the Inbox: three lists of 930,000–1,000,000 papers);
- **complement** (a broad match in a narrow view: ``org:google th``): the view counted,
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

import re
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
from reader.library.search_plan import Plan, Run, and_, probe_sql, word
from reader.query import FACET, Compiled
from reader.status import Status

_FEW = "json_each(?) j CROSS JOIN paper p ON p.id = j.value"
"""The papers of a small match, given as the JSON list of their ids (:func:`small_match`)."""

ALL = f'"{FACET}"*'
"""Every paper, as one list of the words index: each paper has a status token, and the
one-letter prefix index holds every token starting with U+E000 in a single list (half
the cost of the five statuses merged)."""

_ANY_STATUS = "(" + " OR ".join(f'"{FACET}{s.value}"' for s in Status) + ")"
"""Every paper, as :func:`reader.query.not_facet` writes it."""

_STATUS = {f'"{FACET}{s.value}"': s for s in Status}
_RATING = re.compile(rf'^\("{FACET}r[0-5]"(?: OR "{FACET}r[0-5]")*\)$')

COST_ALL = 0.03
"""Microseconds per paper of the library to list the papers outside a match
(``ALL NOT match``: both lists read end to end; measured 27–28 ms at 1M)."""

BROAD = 0.5
"""A facet or a match whose estimated share of the library is above this is worth taking
out by its complement."""

FORCE: str | None = None
"""For the tests: the shape of every count that could take it (``facets``: a broad facet
by its complement whatever its size; ``complement``: a match in a view by the papers
outside it; ``without``: a list left out counted from the list; ``plain``: none of the
three), whatever the sizes say."""

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
            return _facet_count(run, [], [], p.facets)
        if compiled is not None and p.where == compiled.where and FORCE != "plain":
            without = _without_list(run, compiled)
            if without is not None:
                return without
        return _sql_count(run, p.where, p.params)
    table = p.table
    if p.pure:
        if words is not None and compiled is not None:
            positive, negative = words
            return _facet_count(run, positive, negative, compiled.facets)
        return _fts_count(run, table, p.match)
    # (A status beside a list is written ``+p.status``, for SQLite to drive from the list.)
    unplanned = p.where.replace("(+p.status = ?)", "(p.status = ?)")
    if words is not None and compiled is not None and unplanned == compiled.where:
        listed = _organization_list(compiled.uncovered()[0])
        if listed is not None:
            # An organization's papers and facets: the list checked against the words
            # index, the broad parts by their complements, no paper's row read.
            within = (listed, compiled.uncovered()[1])
            return _facet_count(run, *words, compiled.facets, within=within)
    joined = (
        f"SELECT count(*) FROM {table} f CROSS JOIN paper p ON p.id = f.rowid "
        f"WHERE {table} MATCH ? AND {p.where}"
    )
    few = small_match(run, table, p.match, search_costs.SMALL_MATCH)
    if few is not None:
        return int(run(f"SELECT count(*) FROM {_FEW} WHERE {p.where}", [few, *p.params])[0][0])
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
        match = p.match if words is None else _expression(words[0], words[1])
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
    if complement and FORCE is None and share > BROAD:
        # The view counted as ``in_match`` reads it, less the match materialised, plus
        # the papers outside the match listed and materialised.
        outside = (1.0 - share) * papers
        costs["complement"] = (
            costs["in_match"] + papers * COST_ALL + (outside - matched) * COST_MATERIALISE
        )
    return costs


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
        expression = word(conn, term.word)
        if expression is None:
            if not term.negated:
                return None
            continue
        (negative if term.negated else positive).append(expression)
    if (
        negative
        and not positive
        and not any(t.word is None for t in compiled.terms if not t.negated)
    ):
        # Only words left out: the plan subtracts them from a facet, or from every paper.
        positive = [compiled.facets[0] if compiled.facets else _ANY_STATUS]
    if _expression(positive + compiled.facets, negative) != p.match:
        return None
    return positive, negative


def _expression(positive: list[str], negative: list[str]) -> str:
    """``positive`` ANDed, less each of ``negative``: the match a plan writes."""
    expression = and_(positive)
    for n in negative:
        expression = f"({expression}) NOT ({n})"
    return expression


def _facet_count(
    run: Run,
    positive: list[str],
    negative: list[str],
    facets: list[str],
    *,
    within: tuple[str, list[object]] | None = None,
) -> int:
    """The papers of ``positive`` and ``facets`` ANDed, less ``negative``,
    counted in the words index, each broad facet taken out by its complement; ``within``:
    among the papers of a list (its ``SELECT`` of ``id`` and parameters), whose ids
    are papers' (an organization's), where a broad match is taken out by its
    complement too (the list is checked against the short list, not the long)."""
    parts: list[str] = []
    for given in [*positive, *facets]:
        part = ALL if given == _ANY_STATUS else given
        if part not in parts:
            parts.append(part)
    kept: list[str] = []
    against: list[str] = []
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    for part in parts:
        complement = _complement(part)
        if complement is not None and _is_broad(run, part, complement, papers):
            against.append(complement)
        else:
            kept.append(part)
    if against and not kept and negative and FORCE is None:
        # Only words left out of a broad facet (``-a`` in the Inbox): the facet is the
        # list they are taken from; every paper instead would be one more long list.
        kept, against = parts, []
    core = _expression(kept or [ALL], negative)
    if within is not None and core != ALL and _core_is_broad(run, core):
        against.append(f"{ALL} NOT ({core})")
        core = ALL

    def counted(expression: str) -> int:
        if within is None:
            return _fts_count(run, "paper_words", expression)
        listed, params = within
        if expression == ALL:
            return int(run(f"SELECT count(*) FROM ({listed})", params)[0][0])
        # (CROSS JOIN: the match read once, each entry looked up in the list; asking
        # the index about each paper of the list costs 15 µs a paper.)
        sql = (
            f"WITH o (id) AS MATERIALIZED ({listed}) SELECT count(*) FROM paper_words f "
            "CROSS JOIN o ON o.id = f.rowid WHERE paper_words MATCH ?"
        )
        return int(run(sql, [*params, expression])[0][0])

    if not against:
        return counted(core)
    outside = " OR ".join(f"({c})" for c in against)
    both = outside if core == ALL else f"({core}) AND ({outside})"
    return counted(core) - counted(both)


def _core_is_broad(run: Run, core: str) -> bool:
    """Whether most papers match ``core`` (estimated from the newest papers)."""
    if FORCE is not None:
        return FORCE in {"facets", "complement"}
    return estimated_share(run, "paper_words", core) > BROAD


def _complement(facet: str) -> str | None:
    """The papers ``facet`` leaves out, as a facet, for the facets that have one: a status
    (the other statuses), ratings (the other ratings), "not" a facet (the facet)."""
    if facet in _STATUS:
        return "(" + " OR ".join(f for f in _STATUS if f != facet) + ")"
    if _RATING.match(facet):
        stars = {int(s) for s in re.findall(rf'"{FACET}r([0-5])"', facet)}
        others = [f'"{FACET}r{r}"' for r in range(6) if r not in stars]
        return "(" + " OR ".join(others or [f'"{FACET}none"']) + ")"
    start = f"{_ANY_STATUS} NOT ("
    if facet.startswith(start) and facet.endswith(")"):
        inner = facet[len(start) : -1]
        if _balanced(inner):
            return inner
    return None


def _balanced(text: str) -> bool:
    """Whether the parentheses of an FTS5 string outside its quoted tokens pair up."""
    depth = 0
    for piece in re.split(r'"[^"]*"', text):
        for char in piece:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                return False
    return depth == 0


def _is_broad(run: Run, facet: str, complement: str, papers: int) -> bool:
    """Whether ``facet`` is the longer list of the two: estimated from the newest papers,
    then its complement counted no further than half the library."""
    if FORCE == "facets":
        return True
    if FORCE is not None or estimated_share(run, "paper_words", facet) <= BROAD:
        return False
    cap = max(1, papers // 2)
    sql = "SELECT count(*) FROM (SELECT 1 FROM paper_words WHERE paper_words MATCH ? LIMIT ?)"
    return int(run(sql, [complement, cap])[0][0]) < cap


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
        if not clause.startswith("p.id NOT IN (") or not _balanced(listed):
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


_ORGANIZATION_LIST = "(p.id IN (SELECT o.id FROM paper o INDEXED BY paper_by_organization "


def _organization_list(where: str) -> str | None:
    """The ``SELECT`` of the organization's papers when ``where`` is that list alone
    (``org:google`` in All): its column is ``id``."""
    if FORCE == "plain" or not where.startswith(_ORGANIZATION_LIST) or not where.endswith("))"):
        return None
    listed = where[len("(p.id IN (") : -2]
    return listed if _balanced(listed) else None


def _sql_count(run: Run, where: str, params: list[object]) -> int:
    """The papers ``where`` holds; an organization's alone counted from its index (its
    ids are papers', each once: no paper's row is read)."""
    listed = _organization_list(where)
    if listed is not None:
        return int(run(f"SELECT count(*) FROM ({listed})", params)[0][0])
    return int(run(f"SELECT count(*) FROM paper p WHERE {where}", params)[0][0])


def _fts_count(run: Run, table: str, match: str) -> int:
    return int(run(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", [match])[0][0])
