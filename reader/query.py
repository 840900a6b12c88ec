"""The search language, and the filters of the list views, compiled to SQL.

Syntax (shown to users in the search field's tooltip, see :data:`SYNTAX_HELP`):

- ``attention sparse`` — papers whose title, abstract, note or tags contain words starting
  with ``attention`` and ``sparse``;
- ``"long context"`` — an exact phrase;
- ``-survey`` — without the word;
- ``tag:nlp``, ``tag:"to read"``, ``-tag:done`` — with (without) a tag;
- ``status:queue`` (inbox, queue, reading, read, archived), also ``is:queue``;
- ``rating:>=4``, ``rating:5``, ``rating:<3``, ``is:unrated``, ``is:rated``;
- ``has:note``, ``has:tags``, ``org:google``, ``year:2025``;
- ``key:vaswani`` — papers whose citekey starts with it (any case; ``key:@vaswani`` too).

Everything compiles to a ``WHERE`` fragment over the ``paper`` table aliased ``p`` with
bound parameters; user text never becomes SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.status import Status

SYNTAX_HELP = """\
Search titles, abstracts, notes and tags:
  attention sparse     words (prefixes match: atten finds attention)
  "long context"       an exact phrase
  -survey              leave out papers with a word
  tag:nlp  -tag:done   with / without a tag (tag:"two words")
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


@dataclass(slots=True)
class Compiled:
    """A ``WHERE`` fragment (over ``paper p``) with its parameters.

    ``fts`` is the FTS5 ``MATCH`` expression of the search words, kept apart from the
    clauses so the library can drive the query from the full-text index (which returns
    papers newest first without sorting) instead of filtering by it.
    """

    clauses: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    fts: str | None = None

    def add(self, clause: str, *params: object) -> None:
        """AND one more condition."""
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def where(self) -> str:
        """The whole condition, ``1`` when there is none."""
        return " AND ".join(f"({c})" for c in self.clauses) if self.clauses else "1"


_IN_TAG = (
    "p.id {neg}IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
    "WHERE t.name = ? COLLATE NOCASE)"
)
_IN_FTS = "p.id {neg}IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?)"


def compile_filter(view: PaperFilter) -> Compiled:
    """SQL for ``view``. Raises :class:`QueryError` for a malformed search."""
    out = Compiled()
    if view.status is not None:
        out.add("p.status = ?", view.status.value)
    if view.tag is not None:
        out.add(_IN_TAG.format(neg=""), view.tag)
    if view.digest_id is not None:
        out.add("p.id IN (SELECT paper_id FROM appearance WHERE digest_id = ?)", view.digest_id)
    if view.rating_min is not None:
        out.add("p.rating >= ?", view.rating_min)
    if view.search.strip():
        compile_search(view.search, out)
    return out


def compile_search(text: str, out: Compiled) -> None:
    """Add the conditions of the search text ``text`` to ``out``."""
    positive: list[str] = []
    text = _CONTROL.sub(" ", text)  # FTS5 strings end at NUL; no control character is a word
    for negated, name, filter_value, word in _TOKEN.findall(text):
        # "UloRL:An" or a pasted "TASTE:" is text, not a filter
        key = name if name.lower() in _FILTER_KEYS else ""
        raw = filter_value if key else (word or f"{name}:{filter_value}")
        value = raw[1:].rstrip('"') if raw.startswith('"') else raw
        neg = "NOT " if negated else ""
        if not key:
            phrase = _fts_phrase(value, prefix=not raw.startswith('"'))
            if phrase is None:
                continue
            if negated:
                out.add(_IN_FTS.format(neg="NOT "), phrase)
            else:
                positive.append(phrase)
            continue
        _compile_filter_term(key.lower(), value, neg, out)
    if positive:
        words = " AND ".join(positive)
        out.fts = f"({out.fts}) AND {words}" if out.fts else words


def _compile_filter_term(key: str, value: str, neg: str, out: Compiled) -> None:
    if not value:
        raise QueryError(f"{key}: needs a value, e.g. {_EXAMPLES.get(key, key + ':value')}")
    if key == "tag":
        out.add(_IN_TAG.format(neg=neg), value)
    elif key in {"status", "is"} and value.lower() in Status.__members__.values():
        out.add(f"{'NOT ' if neg else ''}p.status = ?", value.lower())
    elif key == "is" and value.lower() in {"unrated", "rated"}:
        rated = (value.lower() == "rated") != bool(neg)
        out.add("p.rating > 0" if rated else "p.rating = 0")
    elif key == "rating":
        match = _RATING.match(value)
        if match is None:
            raise QueryError("rating: takes a number 0–5, optionally with >=, <=, > or <")
        op = match.group(1) or "="
        out.add(f"{'NOT ' if neg else ''}p.rating {op} ?", int(match.group(2)))
    elif key == "has" and value.lower() in {"note", "notes"}:
        out.add("p.note " + ("=" if neg else "!=") + " ''")
    elif key == "has" and value.lower() in {"tag", "tags"}:
        out.add("p.tags " + ("=" if neg else "!=") + " ''")
    elif key in {"org", "organization"}:
        out.add(
            f"{'NOT ' if neg else ''}coalesce(p.organization, '') LIKE ? ESCAPE '\\'", _like(value)
        )
    elif key == "key":
        prefix = _like(value.removeprefix("@"))[1:]  # "…%": the key starts with the value
        out.add(f"p.id {neg}IN (SELECT paper_id FROM citekey WHERE key LIKE ? ESCAPE '\\')", prefix)
    elif key == "year" and value.isdigit():
        out.add(f"{'NOT ' if neg else ''}coalesce(p.published, '') LIKE ?", f"{value}-%")
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


def _fts_phrase(value: str, *, prefix: bool) -> str | None:
    """A user word or phrase as a quoted FTS5 string, or ``None`` if it has no word in it."""
    if not _WORDLIKE.search(value):
        return None
    quoted = '"' + value.replace('"', '""') + '"'
    return quoted + "*" if prefix else quoted


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
