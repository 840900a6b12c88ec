"""A compiled view planned: which full-text index drives it and what is left to check.

A compiled view (:class:`reader.query.Compiled`) becomes a :class:`Plan`: the full-text
index that drives the query (``paper_words`` for plain words — prefixes of any length —
and the view's status and rating as facets; ``paper_fts`` for phrases), the other
full-text conditions, and the SQL conditions left over. :mod:`reader.library.search`
answers plans; this module also holds the SQL pieces every shape shares (the order, the
page, the question about one paper).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reader.library import search_lists, words
from reader.library.model import SortKey
from reader.library.schema import WORD_PREFIXES
from reader.query import FACET, Compiled
from reader.status import Status

SORT_SQL = {
    SortKey.TITLE: "p.title COLLATE NOCASE",
    SortKey.RATING: "p.rating",
    SortKey.TAGS: "p.tags COLLATE NOCASE",
    SortKey.PUBLISHED: "p.published",
    SortKey.ADDED: "p.id",  # ids are handed out in the order papers arrive
    SortKey.COMMENTS: "p.comments",
    SortKey.STATUS: "p.status",
    # The reader's interest (reader.ranking): no index of its own, sorted from its table.
    SortKey.INTEREST: "(SELECT s.score FROM paper_interest s WHERE s.paper_id = p.id)",
    # The first author's family name (a generated column, migrations_search.AUTHOR_ORDER).
    SortKey.AUTHORS: "p.first_author COLLATE NOCASE",
    SortKey.UPVOTES: "p.upvotes",
    SortKey.ARXIV: "p.arxiv_id",
}

SORT_INDEX = {
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

STATUS_SORT_INDEX = {
    SortKey.TITLE: "paper_by_status_title",
    SortKey.RATING: "paper_by_status_rating",
    SortKey.TAGS: "paper_by_status_tags",
    SortKey.PUBLISHED: "paper_by_status_published",
    SortKey.COMMENTS: "paper_by_status_comments",
    SortKey.STATUS: "paper_by_status",
}
"""Sort indexes that start with the status: a status view in their order is one range."""

FEW = "json_each(?) j CROSS JOIN paper p ON p.id = j.value"
"""The papers of a small match, given as the JSON list of their ids
(:func:`reader.library.search_costs.small_match`)."""

TAGS_FACET = f'"{FACET}tags"'
"""The facet every paper with a tag has (``paper.facets``)."""

TAGGED = "p.tags COLLATE NOCASE > ''"
"""The tagged papers, as a range of the tags indexes (every name sorts after '')."""

UNTAGGED = "p.tags = ''"

_STATUS_CLAUSE = "p.status = ?"
_TAG_LIST = "p.id IN (SELECT pt.paper_id FROM paper_tag pt"
"""How a positive tag filter starts (one tag or several: ``reader.query``)."""
_NARROW = ("p.id IN (", "p.organization IN (")
_LISTS = ("p.id IN (", "p.id NOT IN (")
"""How conditions on a list of papers start (a tag): a walk asks the words index instead
when a facet says the same; a column's condition (a status, a rating) is cheaper read."""
"""How the conditions a few papers meet start (a tag, a digest, a citekey, organizations)."""

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
    status: bool = False
    """``where`` requires one status (a status view, ``status:queue``): a walk in an order
    with a :data:`STATUS_SORT_INDEX` reads that status's range of it only."""
    tagged: bool = False
    """``where`` requires a tag (a tag's view, ``tag:``, ``has:tags``): none of its papers
    is untagged."""
    walk_where: str | None = None
    walk_params: list[object] = field(default_factory=list)
    """What a walk that asks the words index about each paper must still check: ``where``
    less the lists of papers the match says already (a tag's facet; ``None``: all of
    ``where``, with ``params``)."""

    def walk_check(self) -> tuple[str, list[object]]:
        """:attr:`walk_where` and its parameters (``where`` when not set)."""
        if self.walk_where is None:
            return self.where, self.params
        return self.walk_where, self.walk_params


def walk_index(p: Plan, key: SortKey) -> str | None:
    """The index a walk of ``p`` in the order of ``key`` follows (``None``: none has it).

    Named explicitly (``INDEXED BY``): SQLite's statistics are sampled when the library is
    upgraded and say nothing of how skewed the statuses are (nine papers in ten in the
    Inbox), and left to them it reads the status range and sorts it.
    """
    if p.status and key in STATUS_SORT_INDEX:
        return STATUS_SORT_INDEX[key]
    if p.status and key is SortKey.ADDED:
        return "paper_by_status"
    return SORT_INDEX.get(key)


_ANY_STATUS = "(" + " OR ".join(f'"{FACET}{s.value}"' for s in Status) + ")"


def and_(parts: list[str]) -> str:
    return " AND ".join(f"({p})" for p in parts)


def in_(table: str, *, negated: bool) -> str:
    return f"p.id {'NOT ' if negated else ''}IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"


def plan(conn: sqlite3.Connection, compiled: Compiled) -> Plan:
    """The plan for ``compiled`` (looks long words up in the vocabulary)."""
    tagged = any(c.startswith(_TAG_LIST) or c == TAGGED for c in compiled.clauses)
    compiled = search_lists.narrowed(conn, compiled)
    word_pos: list[str] = []
    word_neg: list[str] = []
    phrase_pos: list[str] = []
    phrase_neg: list[str] = []
    for term in compiled.terms:
        if term.word is None:
            (phrase_neg if term.negated else phrase_pos).append(term.fts)
            continue
        expression = word(conn, term.word)
        if expression is None:  # no paper has a word starting so
            if not term.negated:
                return Plan(empty=True)
            continue
        (word_neg if term.negated else word_pos).append(expression)
    out = Plan()
    clauses: list[str] = []
    params: list[object] = []

    def fts(positive: list[str], negative: list[str]) -> str:
        expression = and_(positive)
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
            clauses.append(in_("paper_fts", negated=False))
            params.append(fts(phrase_pos, phrase_neg))
        else:
            for n in phrase_neg:
                clauses.append(in_("paper_fts", negated=True))
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
                clauses.append(in_("paper_fts", negated=True))
                params.append(n)
        for n in word_neg:
            clauses.append(in_("paper_words", negated=True))
            params.append(n)
    out.where = " AND ".join(clauses) if clauses else "1"
    out.status = _STATUS_CLAUSE in compiled.clauses
    out.tagged = tagged
    if out.status and any(c.startswith(_NARROW) for c in compiled.clauses):
        # A tag, a digest or an organization beside a status: the narrow list drives. (The
        # sampled statistics take a status for a few papers; the Inbox is nine in ten.)
        out.where = out.where.replace(f"({_STATUS_CLAUSE})", f"(+{_STATUS_CLAUSE})")
        out.status = False
    out.params = params
    if out.table == "paper_words" and not out.exclude and compiled.clauses:
        kept = [
            (f"({c})", p)
            for c, p, done in zip(
                compiled.clauses, compiled.clause_params, compiled.covered, strict=True
            )
            if not done or not c.startswith(_LISTS)
        ]
        rest = clauses[1:]  # the phrases' conditions, after the compiled ones
        parts = [c for c, _ in kept] + rest
        out.walk_where = " AND ".join(parts) if parts else "1"
        out.walk_params = [v for _, p in kept for v in p] + params[len(compiled.params) :]
    if out.table is None and not word_neg:
        out.facets = list(compiled.facets)
        out.pure = compiled.uncovered()[0] == "1" and not phrase_neg
    elif out.table == "paper_fts":
        out.facets = list(compiled.facets)
    return out


def probe_sql(p: Plan) -> tuple[str, str]:
    """SQL asking the full-text index whether paper ``p.id`` belongs, and its parameter."""
    assert p.table is not None
    if p.exclude:
        sql = "NOT EXISTS (SELECT 1 FROM paper_words WHERE paper_words MATCH ? AND rowid = p.id)"
        return sql, p.exclude
    table = p.table
    return f"EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH ? AND rowid = p.id)", p.match


def word(conn: sqlite3.Connection, word: str) -> str | None:
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
    return f"{SORT_SQL[key]} {direction}, p.id {direction}"


def page_sql(limit: int | None, offset: int) -> tuple[str, list[object]]:
    if limit is None and not offset:
        return "", []
    return " LIMIT ? OFFSET ?", [-1 if limit is None else max(limit, 0), max(offset, 0)]
