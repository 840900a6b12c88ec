"""Which paper a digest entry is, and what of the entry a known paper takes.

Pure functions over plain rows (dicts of the ``paper`` columns the importer owns): no
database here, so the plan for a whole digest can be made outside the write lock
(:mod:`reader.library.ingest`).

**Identity** (DESIGN.md): an arXiv id and a DOI are identities; a normalised title is only
a key. Two items whose arXiv ids differ, or whose DOIs differ, are never one paper,
whatever their titles (journal feeds are full of "Correction" and "Editorial"). A title
matches only when neither side carries an identity the other contradicts.

**Merging**: importer-owned fields take the *better* value, never merely the first one
seen: the longer author list over one cut short with "et al." or "…", the whole abstract
over one ending in "...", a real abstract over a placeholder ("TAXON, EarlyView.", ".").
The user's fields (status, rating, tags, note, opened-at) are not even looked at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from reader.digests.model import Entry
from reader.keys import (
    arxiv_id_of_doi,
    bare_doi,
    normalise_arxiv_id,
    normalise_doi,
    normalise_title,
)

Identity = tuple[str | None, str | None, str]
"""``(arxiv_id, doi, title_key)`` of an entry, each normalised."""

_SURROGATES = re.compile("[\ud800-\udfff]")
_ELLIPSIS = ("...", "…", "[...]", "(...)")
_ET_AL = re.compile(r"^(?:et\.?\s*al\.?|others|and others|…|\.\.\.)$", re.IGNORECASE)
_PLACEHOLDER_WORDS = 8
"""An abstract of fewer words than this, in one sentence, is a placeholder, not a summary."""
_PLACEHOLDERS = re.compile(
    r"^(?:abstract|no abstract(?: available)?|n/?a|none|tba|tbd|\W*)$", re.IGNORECASE
)


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (undecodable input) turned into U+FFFD.

    A lone surrogate cannot be written as UTF-8: stored through JSON it comes back and
    breaks every later ``print`` and JSON export of the paper.
    """
    return _SURROGATES.sub("\ufffd", text) if text else text


def clean_optional(text: str | None) -> str | None:
    """:func:`clean_text` for a field that may be missing."""
    return None if text is None else clean_text(text)


def _stored_doi(raw: str | None) -> str | None:
    """A DOI as stored: as the source wrote it, without a resolver URL or ``doi:``, so
    that ``lower(doi)`` is its identity (and the index on it finds it)."""
    if not raw:
        return None
    return bare_doi(raw) or clean_text(raw)


def doi_key(raw: str | None) -> str | None:
    """A DOI as an identity, or ``None``: an arXiv DOI (``10.48550/arXiv.…``) is the arXiv
    id's, not an identity of its own."""
    doi = normalise_doi(raw) if raw else None
    return None if doi is None or arxiv_id_of_doi(doi) is not None else doi


def identity(entry: Entry) -> Identity:
    """The entry's normalised identity: arXiv id, DOI (an arXiv DOI counts as the id), title."""
    arxiv_id = normalise_arxiv_id(entry.arxiv_id) if entry.arxiv_id else None
    if arxiv_id is None and entry.doi:
        doi = normalise_doi(entry.doi)
        arxiv_id = arxiv_id_of_doi(doi) if doi else None
    return arxiv_id, doi_key(entry.doi), normalise_title(clean_text(entry.title))


def row_doi(row: dict[str, Any]) -> str | None:
    """The DOI identity of a stored row (stored DOIs are kept as the source wrote them)."""
    raw = row.get("doi")
    return doi_key(raw) if raw else None


def conflicts(row: dict[str, Any], arxiv_id: str | None, doi: str | None) -> bool:
    """Whether ``row`` carries an arXiv id or a DOI that says it is another paper."""
    if arxiv_id and row.get("arxiv_id") and row["arxiv_id"] != arxiv_id:
        return True
    stored = row_doi(row)
    return bool(doi and stored and stored != doi)


def find_known(
    key: Identity,
    by_arxiv: dict[str, dict[str, Any]],
    by_doi: dict[str, dict[str, Any]],
    by_title: dict[str, list[dict[str, Any]]],
) -> dict[str, Any] | None:
    """The known paper (live, trashed or planned) that the entry with ``key`` is, if any."""
    arxiv_id, doi, title_key = key
    if arxiv_id and (row := by_arxiv.get(arxiv_id)) is not None:
        return row
    if doi and (row := by_doi.get(doi)) is not None and not conflicts(row, arxiv_id, doi):
        return row
    return next((c for c in by_title.get(title_key, []) if not conflicts(c, arxiv_id, doi)), None)


# ---------------------------------------------------------------------- better values


def is_placeholder(abstract: str) -> bool:
    """An abstract that holds no summary: empty, "Abstract", ".", "TAXON, EarlyView."."""
    text = abstract.strip()
    if len(text) > 240:  # a placeholder is short; this is the common case, decided at once
        return False
    if _PLACEHOLDERS.match(text):
        return True
    words = text.split()
    sentences = [s for s in re.split(r"[.!?](?:\s|$)", text) if s.strip()]
    return len(words) < _PLACEHOLDER_WORDS and len(sentences) <= 1


def is_truncated(abstract: str) -> bool:
    """An abstract the source cut short (it ends in an ellipsis)."""
    return abstract.rstrip().endswith(_ELLIPSIS)


def _abstract_rank(abstract: str) -> int:
    if not abstract.strip():
        return 0
    if is_placeholder(abstract):
        return 1
    if is_truncated(abstract):
        return 2
    return 3


def better_abstract(current: str, incoming: str) -> bool:
    """Whether ``incoming`` should replace the stored abstract ``current``.

    A better kind wins (a real abstract over a placeholder, a whole one over one cut
    short); between two cut-short ones the longer; a whole one only replaces another whole
    one that it continues (the first capture was cut at a line end).
    """
    incoming = incoming.strip()
    current = current.strip()
    if incoming == current:  # the same capture again: the common case
        return False
    mine, theirs = _abstract_rank(current), _abstract_rank(incoming)
    if theirs != mine:
        return theirs > mine
    if theirs == 2:
        return len(incoming) > len(current)
    return theirs == 3 and len(incoming) > len(current) and incoming.startswith(current)


def _names(authors: Iterable[str]) -> tuple[list[str], bool]:
    """The real names in a list, and whether the list said it was cut short."""
    names: list[str] = []
    truncated = False
    for name in authors:
        stripped = name.strip().rstrip(",")
        if _ET_AL.match(stripped):
            truncated = True
        elif stripped.endswith((" et al.", " et al", "…")):
            truncated = True
            names.append(stripped.removesuffix(" et al.").removesuffix(" et al").rstrip("… ,"))
        elif stripped:
            names.append(stripped)
    return names, truncated


def better_authors(current: list[str], incoming: list[str]) -> bool:
    """Whether the author list ``incoming`` should replace ``current``.

    More names win; with as many names, a complete list wins over one marked "et al.".
    """
    mine, mine_cut = _names(current)
    theirs, theirs_cut = _names(incoming)
    if len(theirs) != len(mine):
        return len(theirs) > len(mine)
    return mine_cut and not theirs_cut and bool(theirs)


USER_EDITABLE: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "authors": ("authors", "authors_count"),
    "year": ("published",),
    "arxiv_id": ("arxiv_id",),
    "doi": ("doi",),
    "url": ("url",),
    "journal": ("journal",),
}
"""The paper details a user can edit (:mod:`reader.library.paper_edits`) and the columns
each one covers: once edited, an import never changes those columns again."""


def better_journal(current: str, incoming: str) -> bool:
    """Whether the journal name ``incoming`` should replace ``current``: a name where there
    was none, or the whole name where the stored one is its abbreviation or was cut short
    ("J. Mach. Learn. Res." or "Journal of Machine…" before "Journal of Machine Learning
    Research"). Two different full names keep the first.
    """
    current, incoming = current.strip(), incoming.strip()
    if not current:
        return bool(incoming)
    if incoming == current or len(incoming) <= len(current):
        return False
    cut = current.rstrip("….").rstrip()
    if current.endswith(_ELLIPSIS) and incoming.lower().startswith(cut.lower()):
        return True
    return _abbreviates(current, incoming)


def _abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` ("J. Mach. Learn. Res.") abbreviates ``full``, word by word."""
    small = [w for w in re.split(r"[\s.]+", short.lower()) if w]
    words = [w for w in re.split(r"[\s.]+", full.lower()) if w]
    if "." not in short or not small:
        return False
    index = 0
    for word in words:
        if index < len(small) and word.startswith(small[index]):
            index += 1
    return index == len(small)


def updates(row: dict[str, Any], entry: Entry, key: Identity, captured: str) -> dict[str, object]:
    """The importer-owned columns of ``row`` that ``entry`` fills in or betters."""
    arxiv_id = key[0]
    filled: dict[str, object] = {
        "organization": clean_optional(entry.organization),
        "published": entry.published.isoformat() if entry.published else None,
        "url": clean_optional(entry.url),
        "doi": _stored_doi(entry.doi),
    }
    changed = {c: v for c, v in filled.items() if v is not None and not row[c]}
    abstract = clean_text(entry.abstract)
    if abstract.strip() and better_abstract(row["abstract"] or "", abstract):
        changed["abstract"] = abstract.strip()
    if arxiv_id and not row["arxiv_id"]:
        changed["arxiv_id"] = arxiv_id
    if entry.authors:
        incoming = [clean_text(a) for a in entry.authors]
        current = json.loads(row["authors"]) if row["authors"] else []
        if better_authors(current, incoming):
            changed["authors"] = json.dumps(incoming, ensure_ascii=False)
    count = entry.authors_count
    if count is not None and (row["authors_count"] is None or count > row["authors_count"]):
        changed["authors_count"] = count
    journal = clean_optional(entry.journal)
    if journal and better_journal(row.get("journal") or "", journal):
        changed["journal"] = journal
    if entry.categories and not row["categories"]:
        changed["categories"] = json.dumps(
            [clean_text(c) for c in entry.categories], ensure_ascii=False
        )
    fresher = row["comments_at"] is None or captured >= row["comments_at"]
    if entry.comments is not None and fresher and entry.comments != row["comments"]:
        changed["comments"] = entry.comments
        changed["comments_at"] = captured
    # Upvotes share the comments' capture time; a paper without any takes an older count.
    missing = row["upvotes"] is None
    if entry.upvotes is not None and (fresher or missing) and entry.upvotes != row["upvotes"]:
        changed["upvotes"] = entry.upvotes
    for name in row.get("edited", ()):  # the user's edits: no import overwrites them
        for column in USER_EDITABLE.get(name, ()):
            changed.pop(column, None)
    return changed


def new_row(entry: Entry, key: Identity, captured: str) -> dict[str, Any]:
    """A paper to insert (``id`` is ``None`` until it is written), as a lookup row."""
    arxiv_id, _, title_key = key
    return {
        "id": None,
        "trashed": False,
        "title": clean_text(entry.title),
        "title_key": title_key,
        "arxiv_id": arxiv_id,
        "abstract": clean_text(entry.abstract),
        "authors_count": entry.authors_count,
        "organization": clean_optional(entry.organization),
        "published": entry.published.isoformat() if entry.published else None,
        "url": clean_optional(entry.url),
        "doi": _stored_doi(entry.doi),
        "journal": clean_optional(entry.journal),
        "comments": entry.comments,
        "comments_at": captured if entry.comments is not None else None,
        "upvotes": entry.upvotes,
        "authors": (
            json.dumps([clean_text(a) for a in entry.authors], ensure_ascii=False)
            if entry.authors
            else None
        ),
        "categories": (
            json.dumps([clean_text(c) for c in entry.categories], ensure_ascii=False)
            if entry.categories
            else None
        ),
    }
