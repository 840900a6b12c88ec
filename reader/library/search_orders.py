"""Pages in orders that are answered in parts: a big tie group apart, the reader's interest.

A sort column where most papers share one value (``tags``: most papers have none) puts
the whole tie group at one end of the order, in id order. A view whose papers are all on
the other side (the rated papers of the Inbox are tagged, in the synthetic library and
often in a reader's) made a walk along the sort index pass the whole group before its
first row: 0.3–2 s at 1,000,000 papers for ``is:rated`` in the Inbox by tags. Answered
in two parts — the tie group newest or oldest first (the words index knows which papers
have tags: ``FACET + "tags"``), and the rest along the sort index from past the group —
each part is a plain shape the planner (:mod:`reader.library.search`) already prices.

The interest order is likewise two parts: the scored papers along the score index, then
the unscored ones in id order (:func:`by_interest`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from reader.library import search_costs
from reader.library.model import SortKey
from reader.library.search_costs import estimated_share, small_match
from reader.library.search_plan import FEW, TAGGED, TAGS_FACET, UNTAGGED, Plan, Run, and_
from reader.query_model import not_facet

SPLIT = True
"""Whether a page by tags is answered in its two parts (for the property tests: off, the
order is walked as one)."""

Answer = Callable[[Plan, SortKey, bool, int | None, int], list[int]]
"""The planner's answer for a plan: ``(plan, key, descending, limit, offset) -> ids``."""


def narrowed(p: Plan, clause: str, *, tagged: bool) -> Plan:
    """``p`` with one more condition, ``clause`` (:data:`TAGGED` or :data:`UNTAGGED`),
    which the facet :data:`TAGS_FACET` (or its absence) says too: in the words index's
    match when that drives, in the SQL (and so in every walk's range), and among the
    facets a narrow view is driven from."""
    where = clause if p.where == "1" else f"{p.where} AND ({clause})"
    out = replace(
        p,
        where=where,
        params=list(p.params),
        facets=list(p.facets),
        walk_params=list(p.walk_params),
    )
    if p.walk_where is not None:
        out.walk_where = clause if p.walk_where == "1" else f"{p.walk_where} AND ({clause})"
    if p.table == "paper_words":
        out.match = f"({p.match}) AND {TAGS_FACET}" if tagged else f"({p.match}) NOT {TAGS_FACET}"
    elif p.table == "paper_fts":
        out.pure = False
    if tagged:
        out.facets.append(TAGS_FACET)
    elif out.facets:
        out.facets[-1] = f"({out.facets[-1]}) NOT {TAGS_FACET}"
    else:
        out.facets.append(str(not_facet(TAGS_FACET)))
    return out


def by_tags(run: Run, p: Plan, limit: int, offset: int, answer: Answer) -> list[int] | None:
    """A page of ``p`` by tags ascending, or ``None`` when it is better walked as one.

    The untagged papers (all tied at ``''``, so in id order) come first, the tagged ones
    after them along the tags index. When the words index's match (or the view's facets)
    says that fewer than a page of the view's papers are untagged, those few are read and
    checked, and the tagged part is walked from past the tie group; when the facets say
    everything and the untagged papers fill the page, they are the page, newest… oldest
    first. Otherwise (a view the facets do not say: its untagged papers may still be few)
    the order is walked as one, as before. (Descending, the tagged papers come first and
    the tie group last: their range is a tenth of the library, and a walk passes it.)
    """
    wanted = max(offset, 0) + max(limit, 0)
    if not SPLIT or wanted == 0 or p.exclude:
        return None
    if p.table == "paper_words":
        base = p.match
    elif p.table is None and p.facets:
        base = and_(p.facets)
    else:
        return None
    untagged = f"({base}) NOT {TAGS_FACET}"
    few = "[]" if p.tagged else small_match(run, "paper_words", untagged, wanted)
    if few is None and p.pure:
        return answer(narrowed(p, UNTAGGED, tagged=False), SortKey.ADDED, False, limit, offset)
    if few is None:
        return None
    # (The match or the facets hold every paper of the view: the few are a superset.)
    sql = f"SELECT p.id FROM {FEW} WHERE {p.where} ORDER BY p.id"
    found = [r[0] for r in run(sql, [few, *p.params])]
    if len(found) < wanted:
        tagged = narrowed(p, TAGGED, tagged=True)
        found += answer(tagged, SortKey.TAGS, False, wanted - len(found), 0)
    return found[max(offset, 0) : wanted]


def by_interest(
    run: Run, p: Plan, descending: bool, page: str, page_params: list[object]
) -> list[int]:
    """A page in the order of the reader's interest: the scored papers along the score
    index, then (descending; before them ascending) the unscored ones in id order — the
    order of :func:`order_by` (no score sorts as the lowest), each part walked lazily."""
    where, params = p.where, list(p.params)
    if p.table is not None:
        table = p.table
        if estimated_share(run, table, p.match) >= search_costs.INTEREST_PROBE_SHARE:
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
