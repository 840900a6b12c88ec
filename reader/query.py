"""The search language, and the filters of the list views, compiled to SQL.

Syntax (shown to users in the search field's tooltip, see :data:`SYNTAX_HELP`):

- ``attention sparse`` — papers whose title, abstract, note or tags contain words starting
  with ``attention`` and ``sparse``;
- ``"long context"`` — an exact phrase;
- ``-survey`` — without the word;
- ``tag:nlp``, ``tag:"to read"``, ``-tag:done`` — with (without) a tag; ``tag:nlp
  tag:vision`` — with both tags; ``tag:nlp OR tag:vision`` — with either (``OR``, in
  capitals, joins any two filters: ``status:queue OR rating:5``);
- ``status:queue`` (inbox, queue, reading, read, archived), also ``is:queue``;
- ``rating:>=4``, ``rating:5``, ``rating:<3``, ``is:unrated``, ``is:rated``;
- ``has:note``, ``has:tags``, ``org:google``, ``year:2025``;
- ``key:vaswani`` — papers whose citekey starts with it (any case; ``key:@vaswani`` too).

Everything compiles to a ``WHERE`` fragment over the ``paper`` table aliased ``p`` with
bound parameters; user text never becomes SQL.
"""

from __future__ import annotations

import operator
import re

from reader.query_model import (
    FACET,
    TAG_FACET,
    Compiled,
    PaperFilter,
    QueryError,
    Term,
    not_facet,
    rating_facet,
    status_facet,
    tag_facet,
)
from reader.status import Status

__all__ = [
    "FACET",
    "SYNTAX_HELP",
    "TAG_FACET",
    "Compiled",
    "PaperFilter",
    "QueryError",
    "Term",
    "compile_filter",
    "compile_search",
    "tag_facet",
]

SYNTAX_HELP = """\
Search titles, abstracts, notes and tags:
  attention sparse     words (prefixes match: atten finds attention)
  "long context"       an exact phrase
  -survey              leave out papers with a word
  tag:nlp  -tag:done   with / without a tag (tag:"two words")
  tag:nlp tag:vision   with both tags
  tag:nlp OR tag:cv    with either (OR in capitals joins any two filters)
  status:queue         inbox, queue, reading, read, archived (or is:queue)
  rating:>=4  rating:5 is:unrated  is:rated
  has:note  has:tags  org:google  year:2025
  key:vaswani          citekey starting with (any case)"""

_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):("[^"]*"?|[^\s"]*)|("[^"]*"?|[^\s"]+))')
_FILTER_KEYS = frozenset(
    {"tag", "status", "is", "rating", "has", "org", "organization", "year", "key"}
)
_RATING = re.compile(r"^(>=|<=|>|<|=)?([0-5])$")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


_IN_TAG = (
    "p.id {neg}IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
    "WHERE t.name = ? COLLATE NOCASE)"
)
_IN_TAGS = (
    "p.id IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
    "WHERE t.name COLLATE NOCASE IN ({marks}))"
)
_WITH_NOTE = "SELECT n.id FROM paper n INDEXED BY paper_with_note WHERE n.note != ''"
_ORGANIZATIONS_LIKE = (
    "WITH RECURSIVE o (name) AS (SELECT min(organization) FROM paper UNION ALL "
    "SELECT (SELECT min(organization) FROM paper WHERE organization > o.name) FROM o "
    "WHERE o.name IS NOT NULL) SELECT name FROM o WHERE name LIKE ? ESCAPE '\\'"
)


def compile_filter(view: PaperFilter) -> Compiled:
    """SQL for ``view``. Raises :class:`QueryError` for a malformed search."""
    out = Compiled()
    if view.status is not None:
        out.add("p.status = ?", view.status.value, facet=status_facet(view.status.value))
    if view.tag is not None:
        out.add(_IN_TAG.format(neg=""), view.tag, facet=tag_facet([view.tag]))
    if view.digest_id is not None:
        out.add("p.id IN (SELECT paper_id FROM appearance WHERE digest_id = ?)", view.digest_id)
    if view.rating_min is not None:
        allowed = [r for r in range(6) if r >= view.rating_min]
        out.add("p.rating >= ?", view.rating_min, facet=rating_facet(allowed))
    if view.search.strip():
        compile_search(view.search, out)
    return out


def compile_search(text: str, out: Compiled) -> None:
    """Add the conditions of the search text ``text`` to ``out``.

    Filters are ANDed like words, except where ``OR`` (in capitals) stands between two of
    them: a run ``f1 OR f2 OR …`` is one condition, any of them. An ``OR`` beside only one
    filter (``tag:nlp OR`` while it is being typed) is left out; elsewhere it is the word
    "or", as it always was.
    """
    text = _CONTROL.sub(" ", text)  # FTS5 strings end at NUL; no control character is a word
    tokens = _TOKEN.findall(text)
    pending: Compiled | None = None  # the last filter, which an OR may join to the next
    joining = False
    for index, (negated, name, filter_value, word) in enumerate(tokens):
        # "UloRL:An" or a pasted "TASTE:" is text, not a filter
        key = name if name.lower() in _FILTER_KEYS else ""
        if _is_or(tokens, index):
            joining = True
            continue
        raw = filter_value if key else (word or f"{name}:{filter_value}")
        value = raw[1:].rstrip('"') if raw.startswith('"') else raw
        neg = "NOT " if negated else ""
        if not key:
            prefix = not raw.startswith('"')
            phrase = _fts_phrase(value, prefix=prefix)
            if phrase is None:
                continue
            single = prefix and _ASCII_WORD.fullmatch(value) is not None
            out.terms.append(Term(phrase, value.lower() if single else None, bool(negated)))
            continue
        piece = Compiled()
        _compile_filter_term(key.lower(), value, neg, piece)
        if pending is not None and joining:
            pending = _either(pending, piece)
        else:
            if pending is not None:
                out.extend(pending)
            pending = piece
        joining = False
    if pending is not None:
        out.extend(pending)


def _is_or(tokens: list[tuple[str, str, str, str]], index: int) -> bool:
    """Whether token ``index`` is the operator ``OR``: after a filter, and before one or
    at the end (where the next filter is still being typed)."""
    negated, name, _, word = tokens[index]
    if negated or name or word != "OR" or not _is_filter(tokens, index - 1):
        return False
    return index + 1 == len(tokens) or _is_filter(tokens, index + 1)


def _is_filter(tokens: list[tuple[str, str, str, str]], index: int) -> bool:
    """Whether token ``index`` exists and is a filter (``tag:…``, ``-status:…``)."""
    return 0 <= index < len(tokens) and tokens[index][1].lower() in _FILTER_KEYS


def _either(first: Compiled, second: Compiled) -> Compiled:
    """One condition: ``first`` or ``second`` (each one filter, or a run joined so)."""
    out = Compiled()
    names_a, names_b = _tag_names(first), _tag_names(second)
    if names_a is not None and names_b is not None:
        # Tags only: one look-up of every name, not one subquery per tag.
        names = names_a + names_b
        marks = ", ".join("?" * len(names))
        out.add(_IN_TAGS.format(marks=marks), *names, facet=tag_facet(names))
        return out
    (a,), (b,) = first.clauses, second.clauses
    both = first.facets and second.facets and all(first.covered + second.covered)
    facet = f"({first.facets[0]}) OR ({second.facets[0]})" if both else None
    out.add(f"({a}) OR ({b})", *first.params, *second.params, facet=facet)
    return out


def _tag_names(piece: Compiled) -> list[object] | None:
    """The tag names of a positive ``tag:`` filter (or of a run of them), else ``None``."""
    (clause,) = piece.clauses
    if clause == _IN_TAG.format(neg="") or clause.startswith(_IN_TAGS.split("{", 1)[0]):
        return list(piece.params)
    return None


def _compile_filter_term(key: str, value: str, neg: str, out: Compiled) -> None:
    if not value:
        raise QueryError(f"{key}: needs a value, e.g. {_EXAMPLES.get(key, key + ':value')}")
    if key == "tag":
        facet = tag_facet([value])
        out.add(_IN_TAG.format(neg=neg), value, facet=not_facet(facet) if neg else facet)
    elif key in {"status", "is"} and value.lower() in Status.__members__.values():
        facet = status_facet(value.lower())
        facet = not_facet(facet) if neg else facet
        out.add(f"{'NOT ' if neg else ''}p.status = ?", value.lower(), facet=facet)
    elif key == "is" and value.lower() in {"unrated", "rated"}:
        rated = (value.lower() == "rated") != bool(neg)
        facet = rating_facet(range(1, 6) if rated else [0])
        out.add("p.rating > 0" if rated else "p.rating = 0", facet=facet)
    elif key == "rating":
        match = _RATING.match(value)
        if match is None:
            raise QueryError("rating: takes a number 0–5, optionally with >=, <=, > or <")
        op = match.group(1) or "="
        stars = int(match.group(2))
        allowed = [r for r in range(6) if _COMPARE[op](r, stars) != bool(neg)]
        out.add(f"{'NOT ' if neg else ''}p.rating {op} ?", stars, facet=rating_facet(allowed))
    elif key == "has" and value.lower() in {"note", "notes"}:
        facet = not_facet(f'"{FACET}note"') if neg else f'"{FACET}note"'
        # The papers with a note as a list read from their own (partial) index: reading
        # ``note`` from each row reads past the abstract, its overflow pages too.
        out.add(f"p.id {'NOT ' if neg else ''}IN ({_WITH_NOTE})", facet=facet)
    elif key == "has" and value.lower() in {"tag", "tags"}:
        facet = not_facet(f'"{FACET}tags"') if neg else f'"{FACET}tags"'
        # (With tags: a range of the tags index, every name sorting after '' — the same
        # papers as tags != '', which SQLite cannot read from that index in order.)
        out.add("p.tags = ''" if neg else "p.tags COLLATE NOCASE > ''", facet=facet)
    elif key in {"org", "organization"} and neg:
        out.add("NOT coalesce(p.organization, '') LIKE ? ESCAPE '\\'", _like(value))
    elif key in {"org", "organization"}:
        # The few organizations whose name contains the value (found by skipping along the
        # organization index, one seek per name), then their papers from that index: not
        # a LIKE over every paper's row. The same papers: the value is never empty, so a
        # paper without an organization never matched.
        # As a list of ids read from that index (named: the sampled statistics take the
        # missing organization for a common one and scan a wider index instead), which
        # then drives like a tag's papers.
        out.add(
            "p.id IN (SELECT o.id FROM paper o INDEXED BY paper_by_organization "
            f"WHERE o.organization IN ({_ORGANIZATIONS_LIKE}))",
            _like(value),
        )
    elif key == "key":
        prefix = _like(value.removeprefix("@"))[1:]  # "…%": the key starts with the value
        out.add(f"p.id {neg}IN (SELECT paper_id FROM citekey WHERE key LIKE ? ESCAPE '\\')", prefix)
    elif key == "year" and value.isdigit():
        # Dates starting "2024-": a range of the published index (the same as LIKE '2024-%'
        # on ISO dates, '.' being the character after '-'), not a scan of every paper.
        if neg:
            out.add(
                "NOT (coalesce(p.published, '') >= ? AND coalesce(p.published, '') < ?)",
                f"{value}-",
                f"{value}.",
            )
        else:
            out.add("p.published >= ? AND p.published < ?", f"{value}-", f"{value}.")
    else:
        raise QueryError(f"{key}:{value} is not understood; try {_EXAMPLES[key]}")


_EXAMPLES = {
    "tag": "tag:nlp",
    "status": "status:queue (inbox, queue, reading, read, archived)",
    "is": "is:unrated, is:rated or is:queue",
    "rating": "rating:>=4",
    "has": "has:note or has:tags",
    "org": "org:google",
    "organization": "org:google",
    "year": "year:2025",
    "key": "key:vaswani",
}


_COMPARE = {
    "=": operator.eq,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


def _fts_phrase(value: str, *, prefix: bool) -> str | None:
    """A user word or phrase as a quoted FTS5 string, or ``None`` if it has no word in it."""
    if not _WORDLIKE.search(value):
        return None
    quoted = '"' + value.replace('"', '""') + '"'
    return quoted + "*" if prefix else quoted


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
