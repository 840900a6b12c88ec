"""What a view and search compile to: conditions over ``paper p`` and full-text terms.

:mod:`reader.query` parses the search language into a :class:`Compiled`; this module holds
what it builds (the view's :class:`PaperFilter`, the :class:`Term` of each word or phrase,
the :class:`Compiled` conditions and their plain meaning, :meth:`Compiled.reference`) and
the facet tokens of ``paper.facets`` that let the words index answer a status, a rating, a
note, tags or a tag (:func:`tag_facet`) without reading the papers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.status import Status


class QueryError(ValueError):
    """The search text does not follow the search language; ``str()`` says how to fix it."""


@dataclass(frozen=True, slots=True)
class PaperFilter:
    """Which papers a list shows: a sidebar view narrowed by the search text."""

    status: Status | None = None
    tag: str | None = None
    digest_id: int | None = None
    rating_min: int | None = None
    search: str = ""


FACET = "\ue000"
"""Starts the tokens of ``paper.facets`` (status and rating, indexed with the words).

A private-use character: a token character to FTS5's tokenizer, so ``\ue000inbox`` is
one token, and never the start of a word the search routes to the words index (only
ASCII words go there), so no search text can match a facet by accident.
"""


@dataclass(frozen=True, slots=True)
class Term:
    """One word or phrase of the search text.

    ``fts`` is its FTS5 string for the full index (``paper_fts``, positions kept: phrases
    work). ``word`` is set for an unquoted single ASCII word, which the words index
    (``paper_words``, prefixes of 1–6 letters indexed, no positions) answers alike and
    much faster; it is lower-case, as the tokenizer folds it.
    """

    fts: str
    word: str | None
    negated: bool


@dataclass(slots=True)
class Compiled:
    """A view and search compiled: SQL conditions over ``paper p`` and full-text terms.

    ``clauses`` (with ``params``) are the conditions that are not full-text; ``terms`` the
    search's words and phrases; ``facets`` FTS5 strings over ``paper.facets`` implied by
    the conditions (a status or rating the view requires), which let the words index
    narrow a search to a view without reading the papers. :meth:`reference` is the plain
    meaning of it all, one ``WHERE`` fragment, which the optimised queries must equal.
    """

    clauses: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)
    covered: list[bool] = field(default_factory=list)
    """Per clause: whether a facet says the same (the words index then answers it)."""
    clause_params: list[list[object]] = field(default_factory=list)

    def add(self, clause: str, *params: object, facet: str | None = None) -> None:
        """AND one more condition; ``facet`` is the same condition over ``paper.facets``."""
        self.clauses.append(clause)
        self.params.extend(params)
        self.clause_params.append(list(params))
        self.covered.append(facet is not None)
        if facet is not None:
            self.facets.append(facet)

    def extend(self, other: Compiled) -> None:
        """AND every condition of ``other`` (its terms too)."""
        for (
            clause,
            params,
            done,
        ) in zip(other.clauses, other.clause_params, other.covered, strict=True):
            self.clauses.append(clause)
            self.params.extend(params)
            self.clause_params.append(list(params))
            self.covered.append(done)
        self.facets.extend(other.facets)
        self.terms.extend(other.terms)

    def uncovered(self) -> tuple[str, list[object]]:
        """The conditions no facet expresses, as one ``WHERE`` fragment with parameters."""
        kept = [
            (c, p)
            for c, p, done in zip(self.clauses, self.clause_params, self.covered, strict=True)
            if not done
        ]
        where = " AND ".join(f"({c})" for c, _ in kept) if kept else "1"
        return where, [value for _, params in kept for value in params]

    @property
    def where(self) -> str:
        """The non-full-text conditions, ``1`` when there is none."""
        return " AND ".join(f"({c})" for c in self.clauses) if self.clauses else "1"

    @property
    def fts(self) -> str | None:
        """The positive terms as one FTS5 expression for ``paper_fts``, if any."""
        positive = [t.fts for t in self.terms if not t.negated]
        return " AND ".join(positive) if positive else None

    def reference(self) -> tuple[str, list[object]]:
        """The whole condition as one plain ``WHERE`` fragment over ``paper p``.

        No index choice, no routing: the meaning every optimised query is tested against.
        """
        clauses = list(self.clauses)
        params = list(self.params)
        if self.fts is not None:
            clauses.append(_IN_FTS.format(neg=""))
            params.append(self.fts)
        for term in self.terms:
            if term.negated:
                clauses.append(_IN_FTS.format(neg="NOT "))
                params.append(term.fts)
        return (" AND ".join(f"({c})" for c in clauses) if clauses else "1"), params


_IN_FTS = "p.id {neg}IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?)"


TAG_FACET = "\ue002"
"""Starts a tag's token in ``paper.facets``: the hex digits of the name in ASCII lower
case (``reader.library.schema``, the migration that adds them)."""


def tag_facet(names: Iterable[object]) -> str | None:
    """An FTS5 string for "has one of the tags ``names``" (names compared as COLLATE
    NOCASE compares them), or ``None`` when a name is not ASCII: SQLite's ``lower()``,
    which writes the tokens, folds more than ASCII when it is built with ICU, and the
    token would then not be the name's."""
    tokens = []
    for name in names:
        text = str(name)
        if not text.isascii():
            return None
        tokens.append(f'"{TAG_FACET}{text.lower().encode("ascii").hex()}"')
    return "(" + " OR ".join(tokens) + ")" if tokens else None


_ANY_STATUS = "(" + " OR ".join(f'"{FACET}{s.value}"' for s in Status) + ")"


def not_facet(facet: str | None) -> str | None:
    """The FTS5 string for "not ``facet``": every paper has one status facet, so the papers
    of any status less those of ``facet`` (``None`` stays ``None``)."""
    return None if facet is None else f"{_ANY_STATUS} NOT ({facet})"


def status_facet(status: str) -> str:
    return f'"{FACET}{status}"'


def rating_facet(stars: Iterable[int]) -> str:
    """An FTS5 string for "the rating is one of ``stars``" (a never-matching one if none)."""
    tokens = [f'"{FACET}r{r}"' for r in stars] or [f'"{FACET}none"']
    return "(" + " OR ".join(tokens) + ")"
