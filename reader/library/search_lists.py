"""A view's narrow list of papers (an organization's, a digest's) narrowed by the view around it.

``org:google`` is a list of ids read from the organization index (:mod:`reader.query`).
In a status view, Rated, a tag's view or a digest, SQLite drove from that list (11,450
papers at 1,000,000) and read each paper's row to check the status or rating — 16-40 ms
before a page could be chosen, and the count that prices the plans gave up on its budget,
so the view was taken for the whole library (60-160 ms a page). Here the view's other
conditions move into the list, each checked without reading a paper's row: a status or
a rating by a seek in its sort index (``paper_by_status``, ``paper_by_rating``: status,
then id), a tag's or a digest's list by membership. The list is then the view itself
(131 papers for Google's in Read), counted from its index and read whole when small.

A digest's list (a few hundred papers) likewise takes in the view's status, rating,
tags and note, each asked about one paper by a seek: the 100,000 papers with a note, or
a tag's 21,500, are no longer materialised for a digest's few (0.3-0.9 s at 1M).

Exact: each condition moved in is one the view requires. A status most papers have (the
Inbox, nine in ten) stays outside: checking it would narrow nothing. The walks along a
sort index check these lists without looking them up (:func:`covered`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from reader.query_model import Compiled, rating_facet, status_facet

Run = Callable[[str, Sequence[object]], list[Any]]

ORGANIZATION_LIST = (
    "p.id IN (SELECT o.id FROM paper o INDEXED BY paper_by_organization WHERE o.organization IN ("
)
"""How a positive ``org:`` filter starts (:mod:`reader.query`)."""

_LISTS = (
    "p.id IN (SELECT pt.paper_id FROM paper_tag pt",
    "p.id IN (SELECT paper_id FROM appearance",
)
"""A tag's (or several tags') and a digest's list: checked by membership inside."""


def narrowed(conn: sqlite3.Connection, compiled: Compiled) -> Compiled:
    """``compiled`` with its organization's list narrowed by the view's status, rating,
    tag and digest, which then leave the conditions outside (their facets stay)."""
    at = [n for n, c in enumerate(compiled.clauses) if c.startswith(ORGANIZATION_LIST)]
    if len(at) != 1:
        return _in_digest(conn, compiled)
    (org,) = at
    names = compiled.clauses[org][len(ORGANIZATION_LIST) : -2]
    ranges: list[tuple[float, int, str, str, list[object]]] = []
    lists: list[tuple[int, str, list[object]]] = []
    for n, (clause, values) in enumerate(
        zip(compiled.clauses, compiled.clause_params, strict=True)
    ):
        if n == org:
            continue
        if clause.startswith(_LISTS):
            lists.append((n, clause.removeprefix("p.id"), list(values)))
            continue
        found = _range(conn, clause, values)
        if found is not None:
            ranges.append((found[0], n, *found[1:]))
    if not ranges and not lists:
        return compiled
    if ranges:
        # The narrowest range drives: read from its index, which holds the organization.
        ranges.sort()
        _, driving, index, condition, params = ranges[0]
        sql = (
            f"SELECT s.id FROM paper s INDEXED BY {index} WHERE {condition} "
            f"AND s.organization IN ({names})"
        )
        params = [*params, *compiled.clause_params[org]]
        moved = {driving}
        for _, n, other, check, values in ranges[1:]:
            sql += f" AND EXISTS (SELECT 1 FROM paper x INDEXED BY {other} WHERE "
            sql += f"{check.replace('s.', 'x.')} AND x.id = s.id)"
            params += values
            moved.add(n)
    else:
        sql = compiled.clauses[org][len("p.id IN (") : -1].replace("o.id", "s.id", 1)
        sql = sql.replace("paper o INDEXED", "paper s INDEXED", 1).replace(
            "WHERE o.organization", "WHERE s.organization", 1
        )
        params = list(compiled.clause_params[org])
        moved = set()
    for n, membership, values in lists:
        sql += f" AND s.id{membership}"
        params += values
        moved.add(n)
    return _replaced(compiled, org, moved, *_materialised(conn, sql, params))


def _replaced(
    compiled: Compiled, at: int, moved: set[int], clause: str, clause_params: list[object]
) -> Compiled:
    """``compiled`` with clause ``at`` replaced and the clauses ``moved`` (into it) left out."""
    kept = [n for n in range(len(compiled.clauses)) if n not in moved]
    org = at
    out = Compiled(terms=list(compiled.terms), facets=list(compiled.facets))
    for n in kept:
        done = compiled.covered[n]
        text, values = (
            (clause, clause_params)
            if n == org
            else (compiled.clauses[n], compiled.clause_params[n])
        )
        out.clauses.append(text)
        out.clause_params.append(list(values))
        out.params.extend(values)
        out.covered.append(done)
    return out


DIGEST_LIST = "p.id IN (SELECT paper_id FROM appearance WHERE digest_id = ?)"
_TAGS_OF = "SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id WHERE "
_NOTES = "SELECT n.id FROM paper n INDEXED BY paper_with_note WHERE n.note != ''"


def _in_digest(conn: sqlite3.Connection, compiled: Compiled) -> Compiled:
    """``compiled`` with a digest's list (a few hundred papers) narrowed by the view's
    status, rating, tags and note, each asked about one paper by a seek (``paper_with_note``
    listed 100,000 papers with a note at 1M, materialised by every count and walk of the
    digest's four papers with one: 0.3-0.9 s)."""
    at = [n for n, c in enumerate(compiled.clauses) if c == DIGEST_LIST]
    if len(at) != 1:
        return compiled
    (digest,) = at
    sql = "SELECT a.paper_id AS id FROM appearance a WHERE a.digest_id = ?"
    params = list(compiled.clause_params[digest])
    moved: set[int] = set()
    for n, (clause, values) in enumerate(
        zip(compiled.clauses, compiled.clause_params, strict=True)
    ):
        check = _asked(clause, values)
        if n == digest or check is None:
            continue
        sql += f" AND {check[0]}"
        params += check[1]
        moved.add(n)
    if not moved:
        return compiled
    return _replaced(compiled, digest, moved, *_materialised(conn, sql, params))


def _asked(clause: str, values: list[object]) -> tuple[str, list[object]] | None:
    """``clause`` as a question about the one paper ``a.paper_id`` (a seek), or ``None``."""
    for neg in ("", "NOT "):
        if clause.startswith(f"p.id {neg}IN ({_TAGS_OF}") and clause.endswith(")"):
            condition = clause[len(f"p.id {neg}IN ({_TAGS_OF}") : -1]
            sql = f"{neg}EXISTS ({_TAGS_OF.replace('pt.paper_id', '1', 1)}pt.paper_id = a.paper_id AND {condition})"
            return sql, list(values)
        if clause == f"p.id {neg}IN ({_NOTES})":
            return f"{neg}EXISTS ({_NOTES.replace('n.id', '1', 1)} AND n.id = a.paper_id)", []
    if clause == "p.status = ?":
        return (
            "EXISTS (SELECT 1 FROM paper x INDEXED BY paper_by_status WHERE x.status = ? AND x.id = a.paper_id)",
            list(values),
        )
    stars = _stars(clause, values)
    if stars is None:
        return None
    marks = ", ".join("?" * len(stars)) if stars else "NULL"
    return (
        f"EXISTS (SELECT 1 FROM paper x INDEXED BY paper_by_rating WHERE x.rating IN ({marks}) AND x.id = a.paper_id)",
        list(stars),
    )


def _stars(clause: str, values: list[object]) -> list[int] | None:
    """The ratings a rating condition allows (``None``: not one, or every rating)."""
    stars: list[int] | None = None
    if clause == "p.rating >= ?" and isinstance(values[0], int):
        stars = list(range(max(values[0], 0), 6))
    elif clause == "p.rating = ?" and isinstance(values[0], int):
        stars = [values[0]] if 0 <= values[0] <= 5 else []
    elif clause == "p.rating > 0":
        stars = [1, 2, 3, 4, 5]
    return None if stars is None or len(stars) == 6 else stars


LISTED = 5000
"""A narrowed list of fewer papers than this is read once and given as its ids."""


def _materialised(
    conn: sqlite3.Connection, sql: str, params: list[object]
) -> tuple[str, list[object]]:
    """The condition "``p.id`` is one of ``sql``'s ids": the ids themselves (JSON) when
    fewer than :data:`LISTED` (read once here, not again by each count and walk)."""
    row = conn.execute(
        f"SELECT json_group_array(id), count(*) FROM ({sql} LIMIT ?)", [*params, LISTED]
    ).fetchone()
    if int(row[1]) < LISTED:
        return "p.id IN (SELECT value FROM json_each(?))", [str(row[0])]
    return f"p.id IN ({sql})", params


def _range(
    conn: sqlite3.Connection, clause: str, values: list[object]
) -> tuple[float, str, str, list[object]] | None:
    """``clause`` as a range of an index holding the organization: its estimated share
    of the papers, the index, the condition on ``s`` and its parameters; or ``None``."""
    if clause == "p.status = ?":
        share = _share(conn, status_facet(str(values[0])))
        if share >= BROAD_STATUS:
            return None
        return share, "paper_by_status", "s.status = ?", list(values)
    stars = _stars(clause, values)
    if stars is None:
        return None
    share = _share(conn, rating_facet(stars))
    marks = ", ".join("?" * len(stars)) if stars else "NULL"
    return share, "paper_by_rating", f"s.rating IN ({marks})", list(stars)


BROAD_STATUS = 0.5
"""A status held by at least this share of the newest papers is broad: counting its view,
or checking it inside a list of papers, narrows little."""

SAMPLE = 4000
"""How many of the newest papers a facet's share is estimated from."""


def facet_share(run: Run, facet: str) -> float:
    """The share of the newest :data:`SAMPLE` papers that have ``facet``."""
    newest = int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0])
    low = max(0, newest - SAMPLE)
    sql = "SELECT count(*) FROM paper_words WHERE paper_words MATCH ? AND rowid > ?"
    return int(run(sql, [facet, low])[0][0]) / max(1, newest - low)


def _share(conn: sqlite3.Connection, facet: str) -> float:
    """:func:`facet_share` on ``conn``."""
    return facet_share(lambda sql, params: conn.execute(sql, params).fetchall(), facet)


def covered(sql: str, index: str | None) -> str:
    """``sql`` (a walk along the sort index ``index``, in its order) with each list of
    papers checked, not looked up: an organization's from the index when it holds the
    organization (``p.organization IN (…)``: no list of 11,000 ids built before the
    walk's first step), any other by membership (``+p.id IN``: SQLite otherwise
    skip-scanned the index for each id of a tag's list, every tags value times 21,500
    ids at 1M, 30-40 ms)."""
    from reader.library.search_budget import INDEX_COLUMNS  # (it imports the planner)

    if index is None:
        return sql
    if "organization" not in INDEX_COLUMNS.get(index, ()):
        return sql.replace("(p.id IN (", "(+p.id IN (")
    start = sql.find(ORGANIZATION_LIST)
    while start >= 0:
        end = _closing(sql, start + len("p.id IN "))
        names = sql[start + len(ORGANIZATION_LIST) : end - 1]
        if end > 0 and _closing(sql, start + len(ORGANIZATION_LIST) - 1) == end - 1:
            sql = f"{sql[:start]}p.organization IN ({names}){sql[end + 1 :]}"
        start = sql.find(ORGANIZATION_LIST, start + 1)
    return sql.replace("(p.id IN (", "(+p.id IN (")


def _closing(sql: str, at: int) -> int:
    """Where the parenthesis opened at ``sql[at]`` closes (-1: it does not)."""
    depth = 0
    for n in range(at, len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[n], 0)
        if depth == 0:
            return n
    return -1
