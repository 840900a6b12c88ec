"""Paper lists and counts whose cost is bounded by the page shown, not by the library.

A compiled view (:class:`reader.query.Compiled`) becomes a :class:`Plan`: the full-text
index that drives the query (``paper_words`` for plain words — prefixes of any length —
and the view's status and rating as facets; ``paper_fts`` for phrases), the other
full-text conditions, and the SQL conditions left over. The queries then follow the
shape of the request:

- newest first (the id order) with words: the full-text index yields ids in that order,
  so the first page reads a page of index entries (and looks up only the papers it must
  check for the conditions left over); when those conditions are narrow (a tag, a digest)
  the ordered walk is given a budget, after which the query is driven from them instead;
- any other order with words: a match of at most :data:`SMALL_MATCH` papers is read and
  sorted; for a broader one a cost model (:func:`_sorted_shape`) picks the cheapest of
  walking the sort index and asking the index about each paper, walking it with the match
  materialised, reading a narrow view whole (a tag, a digest, Rated) and sorting the
  papers of it that match, or reading a narrow view whole, sorting it, and asking the index about its papers in
  display order only until the page is full (``view_sort``); a walk along the sort index
  runs on a budget, after which the next cheapest shape answers (the view's papers may
  not be spread along the order: a tag's papers sorted by tags);
- exclusions alone (``-model``): the index is asked about the left-out words only
  (:attr:`Plan.exclude`), not about the whole match;
- no words: SQLite walks the sort index (every sort index carries status and rating) or
  narrows from a tag, a digest or the note index, as its statistics say; narrow
  conditions together (two tags) are counted without an order and read whole and sorted
  when the cost model finds that cheaper than walking;
- counts: one FTS5 merge when the facets say everything, otherwise the same shapes.

Every query returns exactly what :meth:`reader.query.Compiled.reference` means; the
property tests in ``tests/test_query_plans.py`` hold the two against each other.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reader.library import words
from reader.library.model import SortKey
from reader.library.schema import WORD_PREFIXES
from reader.query import FACET, Compiled
from reader.status import Status

SMALL_MATCH = 300
"""Matches up to this size are read and sorted; broader ones walk the sort index."""

SAMPLE = 4000
"""How many of the newest ids the share of a match is estimated from."""

BUDGET_S = 0.02
"""How long a walk in display order may take before the query is driven another way
(CPU time of the calling thread: on a loaded machine the choice is the same as on an
idle one)."""

# What the planner's cost model charges, in microseconds (measured at 100,000 and
# 1,000,000 papers, bench/queries.py): one step along a sort index, one question to a
# full-text index about one paper (words; phrases read positions), one id of a match
# materialised, one paper of a view read and sorted.
COST_STEP = 0.3
COST_PROBE_WORDS = 18.0
COST_PROBE_PHRASE = 300.0
COST_MATERIALISE = 0.3
COST_ROW = 2.0

INTEREST_PROBE_SHARE = 0.05
"""A match of at least this share of the papers is checked paper by paper along the
interest order; a narrower one is materialised first."""

VIEW_CAP = 50_000
"""A view is counted (to choose a plan) no further than this many papers."""

FORCE: str | None = None
"""For the property tests: the shape every sorted search takes (``walk_probe``,
``walk_match``, ``view_probe``, ``view_match``, ``view_sort``), whatever the costs say."""

_SORT_SQL = {
    SortKey.TITLE: "p.title COLLATE NOCASE",
    SortKey.RATING: "p.rating",
    SortKey.TAGS: "p.tags COLLATE NOCASE",
    SortKey.PUBLISHED: "p.published",
    SortKey.ADDED: "p.id",  # ids are handed out in the order papers arrive
    SortKey.COMMENTS: "p.comments",
    SortKey.STATUS: "p.status",
    # The reader's interest (reader.ranking): no index of its own, sorted from its table.
    SortKey.INTEREST: "(SELECT s.score FROM paper_interest s WHERE s.paper_id = p.id)",
    # The first author's family name (a generated column, schema._AUTHOR_ORDER).
    SortKey.AUTHORS: "p.first_author COLLATE NOCASE",
    SortKey.UPVOTES: "p.upvotes",
    SortKey.ARXIV: "p.arxiv_id",
}

_SORT_INDEX = {
    SortKey.TITLE: "paper_by_title",
    SortKey.RATING: "paper_by_rating",
    SortKey.TAGS: "paper_by_tags",
    SortKey.PUBLISHED: "paper_by_published",
    SortKey.COMMENTS: "paper_by_comments",
    SortKey.STATUS: "paper_by_status",
    SortKey.AUTHORS: "paper_by_first_author",
    SortKey.UPVOTES: "paper_by_upvotes",
    SortKey.ARXIV: "paper_by_arxiv",
}

Run = Callable[[str, Sequence[object]], list[Any]]


@dataclass(slots=True)
class Plan:
    """How to answer a compiled view: a driving full-text match and what is left over."""

    where: str = "1"
    params: list[object] = field(default_factory=list)
    table: str | None = None
    """The full-text index that drives, or ``None`` (SQL alone)."""
    match: str = ""
    empty: bool = False
    """Known to match nothing (a word no paper has)."""
    pure: bool = False
    """The match says everything (its facets cover ``where``): no paper row is needed."""
    facets: list[str] = field(default_factory=list)
    """Facet strings implied by ``where``, when nothing else drives."""
    narrowest: bool = False
    """Driven by the view's facets already: nothing narrower to fall back to."""
    exclude: str = ""
    """When the search only leaves words out (``-model``): those words as one ``paper_words``
    expression. ``where`` then says everything else, so a paper belongs when it does not
    match this — one list to ask about a paper instead of the whole match."""


_ANY_STATUS = "(" + " OR ".join(f'"{FACET}{s.value}"' for s in Status) + ")"


def _and(parts: list[str]) -> str:
    return " AND ".join(f"({p})" for p in parts)


def _in(table: str, *, negated: bool) -> str:
    return f"p.id {'NOT ' if negated else ''}IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"


def plan(conn: sqlite3.Connection, compiled: Compiled) -> Plan:
    """The plan for ``compiled`` (looks long words up in the vocabulary)."""
    word_pos: list[str] = []
    word_neg: list[str] = []
    phrase_pos: list[str] = []
    phrase_neg: list[str] = []
    for term in compiled.terms:
        if term.word is None:
            (phrase_neg if term.negated else phrase_pos).append(term.fts)
            continue
        expression = _word(conn, term.word)
        if expression is None:  # no paper has a word starting so
            if not term.negated:
                return Plan(empty=True)
            continue
        (word_neg if term.negated else word_pos).append(expression)
    out = Plan()
    clauses: list[str] = []
    params: list[object] = []

    def fts(positive: list[str], negative: list[str]) -> str:
        expression = _and(positive)
        for n in negative:
            expression = f"({expression}) NOT ({n})"
        return expression

    if word_neg and not word_pos and not phrase_pos:
        # Only words to leave out: every paper has one of the status facets, so "all
        # papers" is a match the words index can subtract from, first page or count.
        word_pos = [compiled.facets[0] if compiled.facets else _ANY_STATUS]
        out.exclude = " OR ".join(f"({n})" for n in word_neg)
    if word_pos:
        clauses = [compiled.where] if compiled.clauses else []
        params = list(compiled.params)
        out.pure = compiled.uncovered()[0] == "1"
        out.table, out.match = "paper_words", fts(word_pos + compiled.facets, word_neg)
        if phrase_pos:
            clauses.append(_in("paper_fts", negated=False))
            params.append(fts(phrase_pos, phrase_neg))
        else:
            for n in phrase_neg:
                clauses.append(_in("paper_fts", negated=True))
                params.append(n)
        out.pure = out.pure and not phrase_pos and not phrase_neg
    else:
        clauses = [compiled.where] if compiled.clauses else []
        params = list(compiled.params)
        if phrase_pos:
            out.table, out.match = "paper_fts", fts(phrase_pos, phrase_neg)
            out.pure = not clauses and not word_neg
        else:
            for n in phrase_neg:
                clauses.append(_in("paper_fts", negated=True))
                params.append(n)
        for n in word_neg:
            clauses.append(_in("paper_words", negated=True))
            params.append(n)
    out.where = " AND ".join(clauses) if clauses else "1"
    out.params = params
    if out.table is None and not word_neg:
        out.facets = list(compiled.facets)
        out.pure = compiled.uncovered()[0] == "1" and not phrase_neg
    elif out.table == "paper_fts":
        out.facets = list(compiled.facets)
    return out


def _probe(p: Plan) -> tuple[str, str]:
    """SQL asking the full-text index whether paper ``p.id`` belongs, and its parameter."""
    assert p.table is not None
    if p.exclude:
        sql = "NOT EXISTS (SELECT 1 FROM paper_words WHERE paper_words MATCH ? AND rowid = p.id)"
        return sql, p.exclude
    table = p.table
    return f"EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH ? AND rowid = p.id)", p.match


def _word(conn: sqlite3.Connection, word: str) -> str | None:
    """The FTS5 string for the prefix ``word`` on ``paper_words``; ``None``: matches nothing."""
    if len(word) <= WORD_PREFIXES:
        return f'"{word}"*'
    expansion = words.expand(conn, word)
    if expansion is None:
        return f'"{word}"*'
    if not expansion:
        return None
    return "(" + " OR ".join(f'"{w}"' for w in expansion) + ")"


def order_by(key: SortKey, descending: bool) -> str:
    """The ``ORDER BY`` of a list sorted by ``key`` (ids break ties, in the same direction)."""
    direction = "DESC" if descending else "ASC"
    if key is SortKey.ADDED:
        return f"p.id {direction}"
    return f"{_SORT_SQL[key]} {direction}, p.id {direction}"


def _page(limit: int | None, offset: int) -> tuple[str, list[object]]:
    if limit is None and not offset:
        return "", []
    return " LIMIT ? OFFSET ?", [-1 if limit is None else max(limit, 0), max(offset, 0)]


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
    if p.empty:
        return []
    order = order_by(key, descending)
    page, page_params = _page(limit, offset)
    if key is SortKey.INTEREST and limit is not None:
        if run("SELECT 1 FROM paper_interest LIMIT 1", []):
            return _by_interest(run, p, descending, page, page_params)
        # No paper has a score: every key ties, and the ids decide (the id order).
        return paper_ids(conn, run, p, SortKey.ADDED, descending, limit, offset)
    if p.table is None:
        sql = f"SELECT p.id FROM paper p WHERE {p.where} ORDER BY {order}{page}"
        args = [*p.params, *page_params]
        if limit is None or p.where == "1":
            return [r[0] for r in run(sql, args)]
        if key is SortKey.ADDED and p.pure and p.facets:
            # Newest first and the facets say everything (Rated, is:unrated, has:note):
            # their lists merged in id order are the page, no paper row read.
            driven = Plan("1", [], "paper_words", _and(p.facets), pure=True)
            return paper_ids(conn, run, driven, key, descending, limit, offset)
        # SQLite's choice first (a status view in any order is one index range); when
        # it is slow, the sort index walked in order (broad conditions find a page at
        # once); then the facets (narrow conditions with no index of their own).
        found = _budgeted(conn, run, sql, args, BUDGET_S / 4)
        if found is None:
            # Narrow conditions together (two tags, a tag in the Inbox): counted without
            # an order SQLite drives from the narrowest; read whole and sorted when few.
            viewed = _view_size(conn, run, p)
            if viewed is not None and _few(run, viewed, limit + offset):
                narrow = (
                    f"WITH v (id) AS MATERIALIZED (SELECT p.id FROM paper p WHERE {p.where}) "
                    f"SELECT p.id FROM v CROSS JOIN paper p ON p.id = v.id ORDER BY {order}{page}"
                )
                return [r[0] for r in run(narrow, args)]
        if found is None and key in _SORT_INDEX:
            walk = sql.replace("FROM paper p", f"FROM paper p INDEXED BY {_SORT_INDEX[key]}", 1)
            found = _budgeted(conn, run, walk, args, BUDGET_S)
        if found is not None:
            return found
        if p.facets:
            # (When the facets say everything, the paper rows need not be read at all.)
            where, params = ("1", []) if p.pure else (p.where, p.params)
            driven = Plan(where, params, "paper_words", _and(p.facets), pure=p.pure)
            driven.narrowest = True
            return paper_ids(conn, run, driven, key, descending, limit, offset)
        return [r[0] for r in run(sql, args)]
    table = p.table
    direction = "DESC" if descending else "ASC"
    matched = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
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
        found = _budgeted(conn, run, ordered, args)
        if found is not None:
            return found
        if table == "paper_fts" and p.facets:
            # A phrase in a narrow view: the view's facets drive, the phrase is checked.
            driven = Plan(
                f"{p.where} AND +{_in('paper_fts', negated=False)}",
                [*p.params, p.match],
                "paper_words",
                _and(p.facets),
            )
            driven.narrowest = True
            return paper_ids(conn, run, driven, key, descending, limit, offset)
        # The conditions left over are narrow: drive from them, the match asked about
        # each of their papers or materialised, whichever the cost model finds cheaper.
        # (+p.id: the rows are not walked in id order, the narrow conditions' index is.)
        if _sorted_shape(conn, run, p, key, None) == "view_probe":
            probe, probe_param = _probe(p)
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
    if _match_size(run, table, p.match, SMALL_MATCH) < SMALL_MATCH:
        sql = (
            f"SELECT p.id FROM {table} f CROSS JOIN paper p ON p.id = f.rowid "
            f"WHERE {table} MATCH ? AND {p.where} ORDER BY {order}{page}"
        )
        return [r[0] for r in run(sql, [p.match, *p.params, *page_params])]
    costs = _shape_costs(conn, run, p, key, limit)
    shape = min(costs, key=lambda name: costs[name])
    probe, probe_param = _probe(p)
    if shape == "walk_probe":
        # Most papers match: walk the sort index and ask the index about each paper of
        # the view; a page needs about limit / share of those questions — if the view's
        # papers are spread along the order. When they are not (a tag's papers by tags),
        # the walk runs out of its budget and the next cheapest shape answers.
        sql = (
            f"SELECT p.id FROM paper p INDEXED BY {_SORT_INDEX[key]} "
            f"WHERE {p.where} AND {probe} ORDER BY {order}{page}"
        )
        args = [*p.params, probe_param, *page_params]
        if FORCE is not None:
            return [r[0] for r in run(sql, args)]
        found = _budgeted(conn, run, sql, args)
        if found is not None:
            return found
        del costs["walk_probe"]
        shape = min(costs, key=lambda name: costs[name])
    if shape == "view_sort":
        assert limit is not None
        return _view_sorted(run, p, order, limit, offset)
    if shape in {"view_probe", "view_match"}:
        # A narrow view: its papers read whole (from their own index), the match asked
        # about each or materialised once, and the few left sorted.
        check, param = (
            (probe, probe_param) if shape == "view_probe" else (f"p.id IN ({matched})", p.match)
        )
        sql = (
            f"WITH v (id) AS MATERIALIZED (SELECT p.id FROM paper p WHERE {p.where}) "
            f"SELECT p.id FROM v CROSS JOIN paper p ON p.id = v.id WHERE {check} "
            f"ORDER BY {order}{page}"
        )
        return [r[0] for r in run(sql, [*p.params, param, *page_params])]
    # In between: the match materialised once (the unary + keeps SQLite from driving
    # from it and sorting), the sort index walked in order.
    sql = (
        f"SELECT p.id FROM paper p WHERE {p.where} AND +p.id IN ({matched}) ORDER BY {order}{page}"
    )
    return [r[0] for r in run(sql, [*p.params, p.match, *page_params])]


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


def _by_interest(
    run: Run, p: Plan, descending: bool, page: str, page_params: list[object]
) -> list[int]:
    """A page in the order of the reader's interest: the scored papers along the score
    index, then (descending; before them ascending) the unscored ones in id order — the
    order of :func:`order_by` (no score sorts as the lowest), each part walked lazily."""
    where, params = p.where, list(p.params)
    if p.table is not None:
        table = p.table
        if _share(run, table, p.match) >= INTEREST_PROBE_SHARE:
            check = f"EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH ? AND rowid = p.id)"
        else:
            check = f"p.id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"
        where, params = f"{where} AND {check}", [*params, p.match]
    direction = "DESC" if descending else "ASC"
    scored = (
        "SELECT id FROM (SELECT s.paper_id AS id FROM paper_interest s "
        "INDEXED BY paper_interest_by_score CROSS JOIN paper p ON p.id = s.paper_id "
        f"WHERE {where} ORDER BY s.score {direction}, s.paper_id {direction})"
    )
    unscored = (
        "SELECT id FROM (SELECT p.id AS id FROM paper p WHERE NOT EXISTS "
        "(SELECT 1 FROM paper_interest s WHERE s.paper_id = p.id) "
        f"AND {where} ORDER BY p.id {direction})"
    )
    first, second = (scored, unscored) if descending else (unscored, scored)
    sql = f"SELECT id FROM ({first} UNION ALL {second}){page}"
    return [r[0] for r in run(sql, [*params, *params, *page_params])]


def _sorted_shape(
    conn: sqlite3.Connection, run: Run, p: Plan, key: SortKey, limit: int | None
) -> str:
    """How to answer a broad match in an order other than the id's: the cheapest shape by
    the cost model (:func:`_shape_costs`)."""
    costs = _shape_costs(conn, run, p, key, limit)
    return min(costs, key=lambda shape: costs[shape])


def _shape_costs(
    conn: sqlite3.Connection, run: Run, p: Plan, key: SortKey, limit: int | None
) -> dict[str, float]:
    """What each shape of a sorted query is expected to cost (microseconds): the match's
    share estimated from the newest papers, the view counted up to :data:`VIEW_CAP`."""
    assert p.table is not None
    walkable = limit is not None and key in _SORT_INDEX
    if FORCE is not None:
        if FORCE == "view_sort" and limit is None:
            return {"view_probe": 0.0}
        if walkable or FORCE.startswith("view"):
            return {FORCE: 0.0}
        return {"walk_match": 0.0}
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    share = max(_share(run, p.table, p.match), 1 / papers)
    matched = share * papers
    counted = _view_size(conn, run, p)
    viewed = float(papers) if counted is None else max(float(counted), 1.0)
    probe = COST_PROBE_PHRASE if p.table == "paper_fts" and not p.exclude else COST_PROBE_WORDS
    costs = {
        "view_probe": viewed * (COST_ROW + probe),
        "view_match": viewed * COST_ROW + matched * COST_MATERIALISE,
        "walk_match": matched * COST_MATERIALISE,
    }
    if limit is not None:
        wanted = max(limit, 1)
        questions = min(viewed, wanted / share)
        costs["view_sort"] = viewed * COST_ROW + questions * probe
        if walkable:
            steps = min(float(papers), wanted * papers / viewed / share)
            costs["walk_probe"] = steps * COST_STEP + questions * probe
            costs["walk_match"] += steps * COST_STEP
    if not walkable:
        costs["walk_match"] += viewed * COST_ROW
    return costs


def _few(run: Run, viewed: int, wanted: int) -> bool:
    """Whether reading ``viewed`` papers and sorting them is cheaper than walking the sort
    index for ``wanted`` of them (spread along the order: papers / viewed steps each)."""
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    steps = min(float(papers), max(wanted, 1) * papers / max(viewed, 1))
    return viewed * COST_ROW < steps * COST_STEP


def _view_size(conn: sqlite3.Connection, run: Run, p: Plan) -> int | None:
    """How many papers ``p.where`` holds, if fewer than :data:`VIEW_CAP` and counted
    within a quarter of the budget; else ``None``."""
    if p.where == "1":
        return None
    sql = f"SELECT count(*) FROM (SELECT 1 FROM paper p WHERE {p.where} LIMIT ?)"
    counted = _budgeted(conn, run, sql, [*p.params, VIEW_CAP], BUDGET_S / 4)
    return counted[0] if counted is not None and counted[0] < VIEW_CAP else None


def count(run: Run, p: Plan) -> int:
    """How many papers plan ``p`` matches."""
    if p.empty:
        return 0
    if p.table is None:
        if p.pure and p.facets:
            # Status, rating, note, tags: one merge of the facets' lists, no paper read.
            match = _and(p.facets)
            sql = "SELECT count(*) FROM paper_words WHERE paper_words MATCH ?"
            return int(run(sql, [match])[0][0])
        return int(run(f"SELECT count(*) FROM paper p WHERE {p.where}", p.params)[0][0])
    table = p.table
    if p.pure:
        return int(run(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", [p.match])[0][0])
    if _match_size(run, table, p.match, SMALL_MATCH) < SMALL_MATCH:
        sql = (
            f"SELECT count(*) FROM {table} f CROSS JOIN paper p ON p.id = f.rowid "
            f"WHERE {table} MATCH ? AND {p.where}"
        )
        return int(run(sql, [p.match, *p.params])[0][0])
    sql = (
        f"SELECT count(*) FROM paper p WHERE {p.where} "
        f"AND +p.id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"
    )
    return int(run(sql, [*p.params, p.match])[0][0])


def _share(run: Run, table: str, match: str) -> float:
    """The share of papers ``match`` finds, estimated from the newest :data:`SAMPLE` ids."""
    newest = int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0])
    if newest <= 0:
        return 0.0
    low = max(0, newest - SAMPLE)
    sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH ? AND rowid > ?"
    return int(run(sql, [match, low])[0][0]) / (newest - low)


def _match_size(run: Run, table: str, match: str, cap: int) -> int:
    """How many papers ``match`` finds, counting no further than ``cap``."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)"
    return int(run(sql, [match, cap])[0][0])


_OUTER: dict[int, tuple[sqlite3.Connection, Callable[[], int], int]] = {}
"""Per connection (by ``id``; the entry holds the connection, so the id is never reused
while it is here): the progress handler its owner installed, which a budgeted walk
chains to and puts back (SQLite keeps one handler per connection). A reader thread's
connection is registered once and lives as long as the window."""


def set_progress_handler(conn: sqlite3.Connection, handler: Callable[[], int], every: int) -> None:
    """Install ``handler`` on ``conn`` every ``every`` steps, kept across budgeted walks
    (:class:`reader.worker.LibraryReader` stops superseded reads with it)."""
    _OUTER[id(conn)] = (conn, handler, every)
    conn.set_progress_handler(handler, every)


class _OverBudget(Exception):
    pass


def _budgeted(
    conn: sqlite3.Connection,
    run: Run,
    sql: str,
    params: Sequence[object],
    budget: float | None = None,
) -> list[int] | None:
    """The ids ``sql`` selects, or ``None`` when it takes longer than ``budget`` seconds
    (:data:`BUDGET_S` by default)."""
    deadline = time.thread_time() + (BUDGET_S if budget is None else budget)
    over = False

    entry = _OUTER.get(id(conn))
    outer = entry[1:] if entry is not None else None

    def progress() -> int:
        nonlocal over
        over = time.thread_time() > deadline
        return int(over) or (outer[0]() if outer is not None else 0)

    conn.set_progress_handler(progress, 200)
    try:
        return [r[0] for r in run(sql, params)]
    except sqlite3.OperationalError as exc:
        if over and "interrupt" in str(exc):
            return None
        raise
    finally:
        conn.set_progress_handler(*(outer if outer is not None else (None, 0)))
