"""RSS and Atom feeds read with feedparser: the shared reading, and the generic feed format.

A journal's or bioRxiv's feed saved from the browser (``File ▸ Save Page As`` on the feed
URL) is a digest too: each item is a paper with a title, a summary, a link, a date and
authors, and often a DOI (``dc:identifier``, ``prism:doi`` or a ``doi.org`` link). The
arXiv feeds have modules of their own (:mod:`~reader.digests.arxiv_rss`,
:mod:`~reader.digests.arxiv_atom`) built on the helpers here.

Safety: the text is handed to feedparser as bytes in a ``BytesIO`` (a string could be
taken for a URL or a path), feedparser's SAX parser has external entities switched off and
keeps only plain-text internal entities, and the file reader caps files at 32 MB. Only a
document whose root element is ``<rss>``, an Atom ``<feed>`` or an RSS 1.0 ``<rdf:RDF>``
is claimed: other XML and HTML are not feeds.
"""

from __future__ import annotations

import html
import io
import re
import xml.sax
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

import feedparser

from reader.digests.dates import email_date, iso_date, struct_date
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.model import Digest, Entry
from reader.keys import normalise_arxiv_id

NAME = "feed"
LABEL = "RSS or Atom feed"

_HEAD_CHARS = 65_536
_PROLOG = re.compile(
    r"(?:\s+|<\?[^>]{0,2000}\?>|<!--.{0,20000}?-->|<!DOCTYPE(?:[^\[>]|\[[^\]]{0,20000}\])*>)*",
    re.DOTALL | re.IGNORECASE,
)
_ROOT = re.compile(
    r"<(?:(?P<prefix>[A-Za-z_][\w.-]*):)?(?P<name>[A-Za-z_][\w.-]*)(?P<attrs>[^>]*)>"
)
_ATOM_NAMESPACES = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
_RSS1_NAMESPACES = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
_DECLARATION = re.compile(r"\A(\s*<\?xml[^>]*?)\sencoding\s*=\s*(['\"])[^'\"]*\2", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,2000}>")
_BREAK = re.compile(r"<(?:br|/p|/div|/li|p|div)\b[^>]{0,2000}>", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_ARXIV_LINK = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|oai:arxiv\.org:|huggingface\.co/papers/|10\.48550/arxiv\.|^arxiv:)"
    r"\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z]+(?:-[a-z]+)?(?:\.[a-z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
_INITIALS = re.compile(r"^(?:[A-Z\u00c0-\u00de][a-z]?\.?[\s-]*){1,4}$")
_NAME_SEPARATOR = re.compile(r"\s*;\s*|\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_MAX_CATEGORIES = 20


def feed_root(text: str) -> str | None:
    """``"rss"``, ``"atom"`` or ``"rdf"`` (RSS 1.0) when the document's root element is a
    feed's, else ``None``. Looks only at the document's head.
    """
    head = text[:_HEAD_CHARS].lstrip("\ufeff")
    prolog = _PROLOG.match(head)
    match = _ROOT.match(head, prolog.end() if prolog else 0)
    if match is None:
        return None
    name, prefix, attrs = match.group("name"), match.group("prefix"), match.group("attrs")
    if name == "rss" and prefix is None:
        return "rss"
    if name == "feed" and any(ns in attrs for ns in _ATOM_NAMESPACES):
        return "atom"
    if name == "RDF" and any(ns in attrs for ns in _RSS1_NAMESPACES):
        return "rdf"
    return None


def sniff(text: str) -> bool:
    """Whether ``text`` is an RSS or Atom feed."""
    return feed_root(text) is not None


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse any RSS 1.0/2.0 or Atom feed: one entry per item that has a title."""
    parsed, warnings = read_feed(text)
    entries = build_entries(parsed, generic_entry, warnings)
    return Digest(
        format=NAME,
        entries=entries,
        date=feed_date(parsed, entries),
        captured_at=captured_at,
        warnings=tuple(warnings),
    )


# ------------------------------------------------------------------------------ reading


def read_feed(text: str) -> tuple[Any, list[str]]:
    """The feed parsed by feedparser, and warnings about how well-formed it was.

    Raises :class:`UnknownFormatError` when ``text`` is no feed and
    :class:`DigestFormatError` when feedparser cannot read it at all.
    """
    if feed_root(text) is None:
        raise UnknownFormatError("this is not an RSS or Atom feed")
    # The text is already decoded: say so, or feedparser would decode it again.
    data = _DECLARATION.sub(r"\1 encoding=\2utf-8\2", text, count=1).encode(
        "utf-8", errors="replace"
    )
    try:
        parsed = feedparser.parse(
            io.BytesIO(data),
            response_headers={"content-type": "application/xml; charset=utf-8"},
            resolve_relative_uris=False,
            sanitize_html=True,
        )
    except Exception as exc:  # feedparser on hostile input: anything
        raise DigestFormatError(f"the feed could not be read ({type(exc).__name__})") from None
    warnings: list[str] = []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(problem, xml.sax.SAXParseException):
        where = problem.getLineNumber()
        message = str(problem.getMessage())
        warnings.append(
            f"line {where}: the feed is not well-formed XML ({message}); "
            "what could be read was imported"
        )
    return parsed, warnings


def build_entries(
    parsed: Any, build: Callable[[Mapping[str, Any]], Entry | None], warnings: list[str]
) -> tuple[Entry, ...]:
    """Every item of ``parsed`` as an entry (items ``build`` rejects are skipped, with a
    warning). Raises :class:`DigestFormatError` when no item is left.
    """
    items = parsed.get("entries")
    entries: list[Entry] = []
    for position, item in enumerate(items if isinstance(items, list) else [], start=1):
        entry = build(item) if isinstance(item, Mapping) else None
        if entry is None:
            warnings.append(f"item {position} of the feed has no title and was skipped")
        else:
            entries.append(entry)
    if not entries:
        detail = f" ({warnings[0]})" if warnings else ""
        raise DigestFormatError(f"the feed has no items with a title{detail}")
    return tuple(entries)


def generic_entry(item: Mapping[str, Any]) -> Entry | None:
    """An item of any feed as an entry, or ``None`` when it has no title."""
    title = " ".join(plain_text(text_of(item, "title")).split())
    if not title:
        return None
    authors = item_authors(item)
    return Entry(
        title=title,
        abstract=item_summary(item),
        authors_count=len(authors) or None,
        published=item_date(item),
        arxiv_id=item_arxiv_id(item),
        authors=tuple(authors),
        url=text_of(item, "link") or None,
        doi=item_doi(item),
        categories=item_categories(item),
    )


def feed_date(parsed: Any, entries: Iterable[Entry] = ()) -> date | None:
    """The feed's own date (``updated``, ``published`` or ``dc:date``), else the newest
    of its ``entries``' dates, else ``None``.
    """
    feed = parsed.get("feed")
    own = item_date(feed) if isinstance(feed, Mapping) else None
    return own or max((e.published for e in entries if e.published is not None), default=None)


# ------------------------------------------------------------------------------ item fields


def text_of(item: Mapping[str, Any], key: str) -> str:
    """``item[key]`` when it is a string, else ``""``."""
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""


def plain_text(markup: str) -> str:
    """Text from a feed field that may hold HTML: tags dropped, entities decoded, spaces
    collapsed; paragraphs (``<p>``, ``<br>``) become blank-line breaks.
    """
    if "<" in markup:
        markup = _TAG.sub(" ", _BREAK.sub("\n\n", markup))
    text = html.unescape(markup)
    paragraphs = (" ".join(p.split()) for p in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def item_summary(item: Mapping[str, Any]) -> str:
    """The item's summary (or its first content block) as plain text."""
    summary = text_of(item, "summary")
    if not summary:
        content = item.get("content")
        if isinstance(content, list) and content and isinstance(content[0], Mapping):
            summary = text_of(content[0], "value")
    return plain_text(summary)


def item_authors(item: Mapping[str, Any], *, convert: Callable[[str], str] = str) -> list[str]:
    """The item's author names: Atom ``<author>`` elements, or a ``dc:creator`` list."""
    raw = item.get("authors")
    names = [
        text_of(author, "name")
        for author in (raw if isinstance(raw, list) else [])
        if isinstance(author, Mapping)
    ]
    names = [name for name in names if name]
    if not names:
        names = [text_of(item, "author")] if text_of(item, "author") else []
    if len(names) == 1:
        return split_names(convert(plain_text(names[0])))
    return [" ".join(convert(plain_text(name)).split()) for name in names]


def split_names(text: str) -> list[str]:
    """A list of names in one string: ``A. Smith, B. Jones and C. Wu`` or bioRxiv's
    ``Smith, A., Jones, B.`` (surname, initials pairs).
    """
    parts = [part.strip() for part in _NAME_SEPARATOR.split(text) if part.strip()]
    if len(parts) == 2 and all(len(part.split()) == 1 for part in parts):
        return [" ".join(text.split())]  # one name written "Surname, Given"
    if (
        len(parts) >= 2
        and len(parts) % 2 == 0
        and all(
            _INITIALS.match(parts[i]) and not _INITIALS.match(parts[i - 1])
            for i in range(1, len(parts), 2)
        )
    ):
        return [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
    return parts


def item_date(item: Mapping[str, Any]) -> date | None:
    """The item's publication date: ``published``, else ``updated``, else ``dc:date``.

    The date is read as written, in the feed's own time zone (feedparser's parsed dates are
    in UTC, which can move an evening date to the next day); feedparser's reading is the
    fallback for formats only it knows.
    """
    # dict.get: feedparser's own get() answers "updated" with "published", and warns.
    fields = dict(item) if isinstance(item, dict) else {}
    for key in ("published", "updated", "created", "dc_date", "prism_publicationdate"):
        raw = fields.get(key)
        found = iso_date(raw) or email_date(raw) if isinstance(raw, str) and raw else None
        if found is not None:
            return found
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        found = struct_date(fields.get(key))
        if found is not None:
            return found
    return None


def item_doi(item: Mapping[str, Any]) -> str | None:
    """The item's DOI from ``dc:identifier``, ``prism:doi``, ``arxiv:doi`` or a DOI link."""
    keys = ("prism_doi", "dc_identifier", "arxiv_doi", "doi", "id", "guid", "link")
    for candidate in [text_of(item, key) for key in keys] + _hrefs(item):
        lowered = candidate.lower()
        bare = candidate.startswith("10.")
        if bare or lowered.startswith(("doi:", "info:doi/")) or "doi.org/" in lowered:
            match = _DOI.search(candidate)
            if match is not None:
                return match.group(1).rstrip(".,;)")
    return None


def item_arxiv_id(item: Mapping[str, Any]) -> str | None:
    """An arXiv id from the item's id, link or guid — never from its text, which may cite
    other papers.
    """
    for candidate in [text_of(item, key) for key in ("id", "guid", "link")] + _hrefs(item):
        match = _ARXIV_LINK.search(candidate)
        if match is not None:
            return normalise_arxiv_id(match.group("id"))
    return None


def _hrefs(item: Mapping[str, Any]) -> list[str]:
    """The addresses of the item's ``<link>`` elements."""
    links = item.get("links")
    return [
        text_of(link, "href")
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, Mapping)
    ]


def item_categories(item: Mapping[str, Any], first: Iterable[str] = ()) -> tuple[str, ...]:
    """The item's category terms (``<category>``), ``first`` ones first, without repeats."""
    terms = [term for term in first if term]
    tags = item.get("tags")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, Mapping):
            term = " ".join(text_of(tag, "term").split())
            if term:
                terms.append(term)
    return tuple(dict.fromkeys(terms))[:_MAX_CATEGORIES]
