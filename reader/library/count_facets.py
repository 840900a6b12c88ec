"""Counts in the words index taken apart: broad facets by their complements.

Every paper has exactly one status token and one rating token in ``paper_words`` (the
facts :func:`reader.query.not_facet` rests on too), so a broad facet's papers are every
paper less a short list: the Inbox (959,000 papers of 1,000,000) is every paper less
those queued, being read, read or archived (41,000). :func:`facet_count` counts
``|words ∧ inbox|`` as ``|words| − |words ∧ (queue ∨ reading ∨ read ∨ archived)|``,
so no long list is read twice; among an organization's papers a broad match is taken
out so too (the list is checked against the short list, not the long one). Used by
:mod:`reader.library.search_count`; its tests force each shape (``force``).

(A text that itself holds a facet's token — a title with U+E000 — can make a paper seem
to have two statuses; :func:`reader.query.not_facet` and the facet counts share that
limit, which ``tests/test_facet_writes.py`` describes.)
"""

from __future__ import annotations

import re

from reader.library.search_costs import estimated_share
from reader.library.search_plan import Run, and_
from reader.query import FACET
from reader.status import Status

__all__ = ["ALL", "ANY_STATUS", "BROAD", "balanced", "expression", "facet_count", "fts_count"]


ALL = f'"{FACET}"*'
"""Every paper, as one list of the words index: each paper has a status token, and the
one-letter prefix index holds every token starting with U+E000 in a single list (half
the cost of the five statuses merged)."""

ANY_STATUS = "(" + " OR ".join(f'"{FACET}{s.value}"' for s in Status) + ")"
"""Every paper, as :func:`reader.query.not_facet` writes it."""

_STATUS = {f'"{FACET}{s.value}"': s for s in Status}
_RATING = re.compile(rf'^\("{FACET}r[0-5]"(?: OR "{FACET}r[0-5]")*\)$')

_ONE_TOKEN = re.compile(r'^\(?"[^"]*"\)?$')
"""A facet that is one token (one list of the index): a status, a single rating."""

BROAD = 0.5
"""A facet or a match whose estimated share of the library is above this is worth taking
out by its complement."""


def expression(positive: list[str], negative: list[str]) -> str:
    """``positive`` ANDed, less each of ``negative``: the match a plan writes."""
    written = and_(positive)
    for n in negative:
        written = f"({written}) NOT ({n})"
    return written


def facet_count(
    run: Run,
    positive: list[str],
    negative: list[str],
    facets: list[str],
    *,
    within: tuple[str, list[object]] | None = None,
    force: str | None = None,
) -> int:
    """The papers of ``positive`` and ``facets`` ANDed, less ``negative``,
    counted in the words index, each broad facet taken out by its complement; ``within``:
    among the papers of a list (its ``SELECT`` of ``id`` and parameters), whose ids
    are papers' (an organization's), where a broad match is taken out by its
    complement too (the list is checked against the short list, not the long)."""
    parts: list[str] = []
    for given in [*positive, *facets]:
        part = ALL if given == ANY_STATUS else given
        if part not in parts:
            parts.append(part)
    kept: list[str] = []
    against: list[str] = []
    papers = max(1, int(run("SELECT coalesce(max(id), 0) FROM paper", [])[0][0]))
    for part in parts:
        complement = _complement(part)
        if complement is not None and _is_broad(run, part, complement, papers, force):
            against.append(complement)
        else:
            kept.append(part)
    one = len(parts) == 1 and _ONE_TOKEN.match(parts[0]) is not None
    if against and not kept and within is None and (negative or one) and force is None:
        # One broad facet of one token alone (the Inbox, ``is:unrated``), or words left
        # out of one (``-a`` in the Inbox): the facet is the one long list to read;
        # every paper less its complement would be a long list and a short one.
        kept, against = parts, []
    core = expression(kept or [ALL], negative)
    if within is not None and core != ALL and _core_is_broad(run, core, force):
        against.append(f"{ALL} NOT ({core})")
        core = ALL

    def counted(expression: str) -> int:
        if within is None:
            return fts_count(run, "paper_words", expression)
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


def _core_is_broad(run: Run, core: str, force: str | None) -> bool:
    """Whether most papers match ``core`` (estimated from the newest papers)."""
    if force is not None:
        return force in {"facets", "complement"}
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
    start = f"{ANY_STATUS} NOT ("
    if facet.startswith(start) and facet.endswith(")"):
        inner = facet[len(start) : -1]
        if balanced(inner):
            return inner
    return None


def balanced(text: str) -> bool:
    """Whether the parentheses of an FTS5 string outside its quoted tokens pair up."""
    depth = 0
    for piece in re.split(r'"[^"]*"', text):
        for char in piece:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                return False
    return depth == 0


def _is_broad(run: Run, facet: str, complement: str, papers: int, force: str | None) -> bool:
    """Whether ``facet`` is the longer list of the two: estimated from the newest papers,
    then its complement counted no further than half the library."""
    if force == "facets":
        return True
    if force is not None or estimated_share(run, "paper_words", facet) <= BROAD:
        return False
    cap = max(1, papers // 2)
    sql = "SELECT count(*) FROM (SELECT 1 FROM paper_words WHERE paper_words MATCH ? LIMIT ?)"
    return int(run(sql, [complement, cap])[0][0]) < cap


def fts_count(run: Run, table: str, match: str) -> int:
    return int(run(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", [match])[0][0])
