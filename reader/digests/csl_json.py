"""CSL-JSON: Zotero's and Better BibTeX's "CSL JSON" export, and what ``doi.org`` returns.

A list of items (or one item, as ``doi.org`` answers for ``application/vnd.citationstyles.
csl+json``; see ``tests/digests/samples/bbt-dates.csl.json``)::

    [{"id": "Staiger1985", "type": "article-journal",
      "title": "The Politics of Film Canons",
      "author": [{"family": "Staiger", "given": "Janet"}],
      "issued": {"date-parts": [[1985]], "season": 1},
      "container-title": "Cinema Journal", "URL": "http://www.jstor.org/stable/1225428",
      "DOI": "…", "abstract": "…", "keyword": "…"}, …]

Real files differ from the schema: Crossref writes ``title`` and ``container-title`` as
lists and the abstract in JATS (``<jats:p>``); date parts may be strings, ``[0]``
(open ranges), negative (BC) or a ``literal``/``raw`` text. An item is told from a Hugging
Face paper by its ``type`` and CSL fields; a Hugging Face object (``paper``, ``summary``,
``upvotes``) is never claimed here.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from reader.digests.citations import (
    MAX_AUTHORS,
    MAX_ENTRIES,
    arxiv_categories,
    arxiv_from_eprint,
    arxiv_from_url,
    arxiv_in_text,
    clean_text,
    clean_title,
    doi_from_url,
    find_doi,
    loose_date,
    person_name,
    safe_date,
    untitled_warning,
)
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.hf_json import load_json
from reader.digests.model import Digest, Entry

NAME = "csl-json"
LABEL = "CSL-JSON (Zotero, Better BibTeX)"

_CSL_KEYS = frozenset(
    {"issued", "author", "DOI", "URL", "container-title", "citation-key", "editor", "page",
     "volume", "publisher", "ISSN", "ISBN", "accessed", "abstract", "language", "note"}
)  # fmt: skip
_CSL_TYPES = frozenset(
    {"article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
     "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
     "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
     "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
     "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
     "personal_communication", "post", "post-weblog", "regulation", "report", "review",
     "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
     # Crossref's types, which doi.org's CSL answers carry
     "journal-article", "posted-content", "proceedings-article", "book-chapter",
     "dissertation", "monograph", "reference-entry", "edited-book", "reference-book"}
)  # fmt: skip
"""CSL 1.0.2's item types, and the Crossref types doi.org's CSL-JSON answers use."""
_HF_KEYS = frozenset({"paper", "summary", "upvotes", "publishedAt", "numComments", "dailyPapers"})
_BLOCK_TAG = re.compile(
    r"</?(?:jats:)?(?:p|title|sec|br|div|li|abstract|h[1-6])\b[^<>]{0,500}>", re.IGNORECASE
)
"""Tags that end a paragraph or heading (JATS abstracts): a space keeps the words apart."""
_TAG = re.compile(r"<[^<>]{0,500}>")
"""Inline markup (``<i>``, ``<sub>``, ``<span class="nocase">``): gone, text kept."""
_LEADING_ABSTRACT = re.compile(r"^\s*abstract\s*[:.]?\s+", re.IGNORECASE)
_BROKEN_HINTS = re.compile(r'"(type|title|issued|author|family|given|DOI|container-title)"\s*:')


def sniff(text: str) -> bool:
    """Whether ``text`` is CSL-JSON: items with a ``type``, a title and CSL fields."""
    stripped = text.lstrip("\ufeff \t\n")
    if not stripped.startswith(("[", "{")):
        return False
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        head = stripped[:8192]
        return '"family"' in head and len(set(_BROKEN_HINTS.findall(head))) >= 4
    return _items(data) is not None


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse every item with a title; items without one are reported by their place."""
    items = _items(load_json(text))
    if items is None:
        raise UnknownFormatError("this JSON is not CSL-JSON (no items with a 'type' and a 'title')")
    entries: list[Entry] = []
    untitled: list[int] = []
    warnings: list[str] = []
    for position, item in enumerate(items, start=1):
        if len(entries) >= MAX_ENTRIES:
            warnings.append(f"only the first {MAX_ENTRIES:,} items were read")
            break
        entry = _entry(item) if isinstance(item, Mapping) else None
        if entry is None:
            untitled.append(position)
        else:
            entries.append(entry)
    if untitled:
        warnings.append(untitled_warning(untitled, "items", "items"))
    if not entries:
        raise DigestFormatError("this CSL-JSON file has no item with a title")
    return Digest(
        format=NAME,
        entries=tuple(entries),
        date=captured_at.date(),
        captured_at=captured_at,
        warnings=tuple(warnings),
    )


def _items(data: Any) -> Sequence[Any] | None:
    """The list of items, or ``None`` when ``data`` is not CSL-JSON."""
    items: Sequence[Any] = [data] if isinstance(data, Mapping) else data
    if not isinstance(items, list) or not items:
        return None
    sample = [item for item in items[:50] if isinstance(item, Mapping)]
    if any(_HF_KEYS & item.keys() for item in sample):
        return None
    return items if any(_is_item(item) for item in sample) else None


def _is_item(item: Mapping[str, Any]) -> bool:
    """A CSL type and a title, or any type with a title and CSL fields."""
    kind = item.get("type")
    return (
        isinstance(kind, str)
        and isinstance(item.get("title"), str | list)
        and (kind in _CSL_TYPES or bool(_CSL_KEYS & item.keys()))
    )


def _string(value: Any, limit: int = 100_000) -> str:
    """A CSL string field; Crossref's one-element lists count as their element."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    return clean_text(value, limit)


def _markup_free(text: str) -> str:
    """Text without HTML/JATS tags and entities (``<jats:p>``, ``<i>``, ``&amp;``)."""
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", text)))
    return clean_text(text)


def _entry(item: Mapping[str, Any]) -> Entry | None:
    title = clean_title(_markup_free(_string(item.get("title"), 2_000)))
    if not title:
        return None
    url = _string(item.get("URL"), 2_000)
    doi = find_doi(_string(item.get("DOI"), 500)) or (doi_from_url(url))
    arxiv_id = (
        arxiv_from_url(url)
        or arxiv_from_url(doi or "")
        or arxiv_from_eprint(_string(item.get("number"), 100))
        or arxiv_in_text(_string(item.get("container-title"), 200))
        or arxiv_in_text(_string(item.get("note"), 2_000))
    )
    abstract = _LEADING_ABSTRACT.sub("", _markup_free(_string(item.get("abstract"))))
    journal = _markup_free(_string(item.get("container-title"), 500))
    if arxiv_in_text(journal) or journal.lower() == "arxiv":
        journal = ""
    names = _authors(item.get("author")) or _authors(item.get("editor"))
    keywords = re.split(r"[,;]", _string(item.get("keyword"), 5_000))
    if not url:
        url = (
            f"https://arxiv.org/abs/{arxiv_id}"
            if arxiv_id
            else (f"https://doi.org/{doi}" if doi else "")
        )
    return Entry(
        title=title,
        abstract=abstract,
        authors_count=len(names) or None,
        published=_published(item),
        arxiv_id=arxiv_id,
        authors=tuple(names),
        url=url or None,
        doi=doi,
        categories=arxiv_categories([_string(item.get("note"), 500), *keywords]),
        journal=journal or None,
    )


def _raw(person: Mapping[str, Any], key: str) -> str:
    value = person.get(key)
    return value if isinstance(value, str) else ""


def _authors(value: Any) -> list[str]:
    """``Given Family Suffix`` for each person (particles in place), or the ``literal`` name."""
    names: list[str] = []
    for person in value[:MAX_AUTHORS] if isinstance(value, list) else []:
        if not isinstance(person, Mapping):
            continue
        literal = clean_text(_raw(person, "literal"), 500)
        if literal:
            names.append(literal)
            continue
        family = f"{_raw(person, 'non-dropping-particle')} {_raw(person, 'family')}"
        given = f"{_raw(person, 'given')} {_raw(person, 'dropping-particle')}"
        name = person_name(family, given, _raw(person, "suffix"))
        if name:
            names.append(name)
    return names


def _published(item: Mapping[str, Any]) -> date | None:
    """``issued`` (then Crossref's ``published``/``posted``): date parts, ``raw`` or ``literal``."""
    for key in ("issued", "published", "published-print", "published-online", "posted"):
        value = item.get(key)
        if not isinstance(value, Mapping):
            continue
        found = _date_parts(value.get("date-parts")) or loose_date(
            _string(value.get("raw"), 40) or _string(value.get("literal"), 40)
        )
        if found is not None:
            return found
    return None


def _date_parts(value: Any) -> date | None:
    """The first date of ``[[2014, 12, 31], [2015, 1, 1]]``; parts may be strings."""
    if not isinstance(value, list) or not value or not isinstance(value[0], list):
        return None
    numbers: list[int] = []
    for raw in value[0][:3]:
        if isinstance(raw, bool):
            return None
        part = raw
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and len(raw) < 8:
            part = int(raw)
        if not isinstance(part, int) or abs(part) > 10_000:
            break
        numbers.append(part)
    if not numbers or numbers[0] <= 0:
        return None
    month = numbers[1] if len(numbers) > 1 and 1 <= numbers[1] <= 12 else None
    day = numbers[2] if len(numbers) > 2 and month else None
    return safe_date(numbers[0], month, day)
