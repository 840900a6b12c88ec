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
from reader.digests.names import author_list
from reader.keys import normalise_arxiv_id

NAME = "feed"
LABEL = "RSS or Atom feed"

_HEAD_CHARS = 65_536
# Possessive quantifiers throughout: the prolog and the root tag are read in one pass (a run
# of blank lines or a tag that never closes must not be tried every way it can be split).
_PROLOG = re.compile(
    r"(?:\s++|<\?[^<>]{0,2000}\?>|<!--.{0,20000}?-->"
    r"|<!DOCTYPE(?:[^\[>]++|\[[^\]]{0,20000}\])*+>)*+",
    re.DOTALL | re.IGNORECASE,
)
_ROOT = re.compile(
    r"<(?:(?P<prefix>[A-Za-z_][\w.-]*+):)?(?P<name>[A-Za-z_][\w.-]*+)(?P<attrs>[^<>]*+)>"
)
_ATOM_NAMESPACES = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
_RSS1_NAMESPACES = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
_DECLARATION = re.compile(r"\A(\s*<\?xml[^>]*?)\sencoding\s*=\s*(['\"])[^'\"]*\2", re.IGNORECASE)
# A tag never holds "<": each "<" is looked at up to the next "<" or ">" only (linear).
_TAG = re.compile(r"<[^<>]{0,2000}>")
_BREAK = re.compile(r"<(?:br|/?p|/?div|/li|/?h[1-6])\b[^<>]{0,2000}>", re.IGNORECASE)
# A line saying only "Abstract" (Wiley's dc:description, Oxford's summaries): a heading.
_ABSTRACT_LINE = re.compile(r"^[ \t]*+abstract[ \t]*+:?[ \t]*+$", re.IGNORECASE | re.MULTILINE)
_ABSTRACT_LABEL = re.compile(r"^(?:abstract|summary)\s*+(?::\s*+|\n\n)", re.IGNORECASE)
# What feeds put where an abstract should be: a citation, an issue name, a lone dot.
_PLACEHOLDER = re.compile(
    r"^[\W\d]*+$"
    r"|^[^\n]{0,200}?\b(?:EarlyView|Early View|Ahead of Print|Online First|In Press|Early Access)"
    r"\W{0,3}$"
    r"|^[^\n]{0,200}?\b(?:Volume|Vol\.)\s*+\d[^\n]{0,150}$",
    re.IGNORECASE,
)
_CITATION_PARAGRAPH = re.compile(r"^(?:PMID|PMCID|DOI)\s*+:", re.IGNORECASE)
_RAW_OPEN = re.compile(r"<(script|style)\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_ARXIV_LINK = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|oai:arxiv\.org:|huggingface\.co/papers/|10\.48550/arxiv\.|^arxiv:)"
    r"\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z]+(?:-[a-z]+)?(?:\.[a-z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
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
    if "&#" in text:  # feedparser's lenient parser raises on references to no character
        text = _CHARACTER_REFERENCE.sub(_character_or_replacement, text)
    # The text is already decoded: say so, or feedparser would decode it again.
    data = _DECLARATION.sub(r"\1 encoding=\2utf-8\2", text, count=1).encode(
        "utf-8", errors="replace"
    )
    try:
        parsed = feedparser.parse(
            io.BytesIO(data),
            response_headers={"content-type": "application/xml; charset=utf-8"},
            resolve_relative_uris=False,
            sanitize_html=False,  # never rendered: plain_text drops every tag (and it is slow)
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


_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX](?P<hex>[0-9A-Fa-f]++)|(?P<dec>[0-9]++));")


def _character_or_replacement(match: re.Match[str]) -> str:
    """A numeric character reference as it is when it names a character, else U+FFFD's
    (a surrogate, a code point beyond U+10FFFF, or thousands of digits)."""
    hexadecimal = match.group("hex")
    digits = (hexadecimal or match.group("dec")).lstrip("0") or "0"
    if len(digits) > 7:
        return "&#xFFFD;"
    code = int(digits, 16 if hexadecimal else 10)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "&#xFFFD;"
    return match.group(0)


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
    authors, count = item_author_list(item)
    return Entry(
        title=title,
        abstract=item_summary(item),
        authors_count=count or None,
        published=item_date(item),
        arxiv_id=item_arxiv_id(item),
        authors=tuple(authors),
        url=text_of(item, "link") or None,
        doi=item_doi(item),
        categories=item_categories(item),
        journal=item_journal(item),
    )


_PREPRINT_SERVERS = frozenset({"arxiv", "biorxiv", "medrxiv", "chemrxiv", "ssrn", "preprints"})


def item_journal(item: Mapping[str, Any]) -> str | None:
    """The journal an item is in: ``prism:publicationName``, else a ``dc:source`` text.

    A preprint server (``bioRxiv``) is no journal; the feed's own name ("ChemBioChem (no
    repeats)") is not used either.
    """
    for key in ("prism_publicationname", "dc_source"):
        name = " ".join(plain_text(text_of(item, key)).split())[:500]
        if name and name.lower() not in _PREPRINT_SERVERS and not name.lower().startswith("http"):
            return name
    return None


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
        markup = _TAG.sub(" ", _BREAK.sub("\n\n", _without_raw_text(markup)))
    text = html.unescape(markup)
    paragraphs = (" ".join(p.split()) for p in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _without_raw_text(markup: str) -> str:
    """``markup`` without its ``<script>`` and ``<style>`` elements (one pass, no backtracking)."""
    lower = markup.lower()
    if "<script" not in lower and "<style" not in lower:
        return markup
    out: list[str] = []
    pos = 0
    while (opening := _RAW_OPEN.search(lower, pos)) is not None:
        out.append(markup[pos : opening.start()])
        close = lower.find(f"</{opening.group(1)}", opening.end())
        end = lower.find(">", close) if close >= 0 else -1
        pos = len(markup) if end < 0 else end + 1
    out.append(markup[pos:])
    return "".join(out)


def item_summary(item: Mapping[str, Any]) -> str:
    """The item's abstract as plain text, from its richest element.

    Feeds spread an item's text over ``description``, ``dc:description`` and
    ``content:encoded`` (Atom: ``summary`` and ``content``), and the first is often a
    placeholder (Wiley's "TAXON, EarlyView.", Taylor & Francis's "."), a citation, or cut
    short ("…"). Every element is read; placeholders and citation lines are dropped, a
    leading "Abstract" heading goes (and a teaser before it), and the longest text wins.
    """
    content = item.get("content")
    blocks = content if isinstance(content, list) else []
    candidates = [text_of(item, "summary")]
    candidates += [text_of(block, "value") for block in blocks if isinstance(block, Mapping)]
    texts = [abstract_text(value) for value in candidates if value]
    return max(texts, key=len, default="")


def abstract_text(markup: str) -> str:
    """An abstract from one feed element: plain text without its "Abstract" heading (and
    what stands before such a heading), citation paragraphs or a placeholder (``""``).
    """
    text = plain_text(_ABSTRACT_LINE.sub("\n\nAbstract\n\n", markup))
    paragraphs = [p for p in text.split("\n\n") if not _CITATION_PARAGRAPH.match(p)]
    heading = next((i for i, p in enumerate(paragraphs) if _is_abstract_heading(p)), None)
    if heading is not None and heading + 1 < len(paragraphs):
        paragraphs = paragraphs[heading + 1 :]
    text = _ABSTRACT_LABEL.sub("", "\n\n".join(paragraphs), count=1).strip()
    return "" if len(text) < 300 and _PLACEHOLDER.match(text) else text


def _is_abstract_heading(paragraph: str) -> bool:
    return paragraph.rstrip(":. ").casefold() in {"abstract", "summary"}


def item_authors(item: Mapping[str, Any], *, convert: Callable[[str], str] = str) -> list[str]:
    """The item's author names: Atom ``<author>`` elements, or a ``dc:creator`` list."""
    return item_author_list(item, convert=convert)[0]


def item_author_list(
    item: Mapping[str, Any], *, convert: Callable[[str], str] = str
) -> tuple[list[str], int]:
    """The item's author names and how many authors they stand for (``et al.`` dropped,
    ``(84 additional authors not shown)`` counted, affiliations in parentheses removed).
    """
    raw = item.get("authors")
    elements = [
        text_of(author, "name")
        for author in (raw if isinstance(raw, list) else [])
        if isinstance(author, Mapping)
    ]
    elements = [element for element in elements if element]
    if not elements and text_of(item, "author"):
        elements = [text_of(item, "author")]
    if len(elements) == 1:
        return author_list(plain_text(elements[0]), convert=convert)
    names: list[str] = []
    count = 0
    for element in elements:  # one name each, but "et al." and counts may hide there too
        found, stands_for = author_list(plain_text(element).replace(",", " "), convert=convert)
        names += found
        count += stands_for
    return names, count


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
