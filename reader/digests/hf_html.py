"""The Hugging Face Daily Papers page saved as HTML (``File ▸ Save Page As``, SingleFile …).

The page carries its papers twice: as JSON in the ``data-props`` attribute of the
``<div class="SVELTE_HYDRATER" data-target="DailyPapers">`` element (the same items as
``/api/daily_papers``, read by :mod:`~reader.digests.hf_json`), and as server-rendered
cards::

    <article …>
      <a href="/papers/2504.06261"><img …></a>                    thumbnail
      <div …>Submitted by <img …> akhaliq</div>
      <div …><svg …/><div class="leading-none">112</div></div>    upvotes ("-" for none)
      <h3 …><a href="/papers/2504.06261">Hogwild! Inference: …</a></h3>
      <p …>Large Language Models …</p>                            abstract, on newer pages
      <a href="/papers/2504.06261"><ul><li title="Gleb Rodionov">…</ul>· 8 authors</a>
      <a href="/yandex">…Yandex</a>                                organisation, if any
      <a href="/papers/2504.06261#community">…6</a>                comments
    </article>

The JSON is preferred (it has every author's name); the cards are read when a saving tool
dropped it. Parsing uses :class:`~reader.digests.html_tokens.LinearHTMLParser` (the standard
library's parser is quadratic on tags that never close).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from reader.digests import hf_json
from reader.digests.dates import MONTH_DAY, iso_date, month_day_date
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.html_tokens import LinearHTMLParser
from reader.digests.model import Digest, Entry
from reader.keys import normalise_arxiv_id

NAME = "hf-daily-papers-html"
LABEL = "Hugging Face Daily Papers (saved web page)"

# Possessive (``*+``, ``++``): nothing is ever given back, so the prolog is read in one pass.
# A plain ``(?:\s+|…)*`` tries every split of a run of blank lines: 40 spaces never end.
_DOCUMENT = re.compile(
    r"\A(?:\s++|<!--.{0,5000}?-->|<\?[^<>]{0,500}>)*+<(?:!doctype\s+html\b|html\b)",
    re.IGNORECASE | re.DOTALL,
)
_PAPER_HREF = re.compile(
    r"^(?:https?://(?:www\.)?huggingface\.co)?/papers/(?P<id>\d{4}\.\d{4,5}|[a-z-]+/\d{7})"
    r"(?:v\d+)?/?(?P<fragment>#\S*)?$",
    re.IGNORECASE,
)
_ORG_HREF = re.compile(
    r"^(?:https?://(?:www\.)?huggingface\.co)?/(?P<handle>[A-Za-z0-9][\w.-]{0,95})/?$"
)
_NOT_ORGS = frozenset(
    {"papers", "models", "datasets", "spaces", "docs", "pricing", "login", "join", "blog",
     "posts", "collections", "enterprise", "learn", "settings", "terms-of-service", "privacy",
     "huggingface", "new", "search"}
)  # fmt: skip
_PAPER_LINK = re.compile(
    r"""href\s*=\s*["'](?:https?://(?:www\.)?huggingface\.co)?/papers/\d""", re.I
)
_COUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d{1,9})$")
_AUTHORS = re.compile(r"(?P<n>\d{1,6})\s+authors?\b", re.IGNORECASE)
_DATE_IN_URL = re.compile(
    r"/papers/date/(?P<day>\d{4}-\d{2}-\d{2})|[?&]date=(?P<query>\d{4}-\d{2}-\d{2})"
)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MAX_DEPTH = 500


def sniff(text: str) -> bool:
    """Whether ``text`` is a saved Hugging Face papers page."""
    if _DOCUMENT.match(text[:65_536]) is None:
        return False
    return 'data-target="DailyPapers"' in text or (
        "huggingface" in text[:200_000].lower() and _PAPER_LINK.search(text) is not None
    )


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse a saved page: the embedded JSON when it is there, else the paper cards."""
    if _DOCUMENT.match(text[:65_536]) is None:
        raise UnknownFormatError("this is not an HTML page")
    page = _Page()
    page.feed(text)
    digest_date = page.digest_date(captured_at)
    for props in page.props:
        try:
            data = hf_json.load_json(props)
        except DigestFormatError:
            continue
        items = hf_json.daily_items(data)
        if items is not None:
            day = digest_date or _props_date(data)
            return hf_json.digest_from_items(items, captured_at, format_name=NAME, digest_date=day)
    entries = [entry for card in page.cards if (entry := card.entry(captured_at)) is not None]
    if not entries:
        raise DigestFormatError("the page has no paper cards (no titles linking to /papers/…)")
    return Digest(format=NAME, entries=tuple(entries), date=digest_date, captured_at=captured_at)


def _props_date(data: object) -> date | None:
    if isinstance(data, dict):
        for key in ("dateString", "date"):
            value = data.get(key)
            if isinstance(value, str) and (day := iso_date(value)) is not None:
                return day
    return None


@dataclass(slots=True)
class _Card:
    """What one ``<article>`` holds, as the parser met it."""

    line: int
    title: list[str] = field(default_factory=list)
    heading_id: str | None = None
    """The paper id of the title link inside a heading."""
    link_title: str = ""
    link_id: str | None = None
    """The first other link to the paper with text: the title when a card has no heading."""
    upvotes: int | None = None
    comments: int | None = None
    authors_count: int | None = None
    names: list[str] = field(default_factory=list)
    abstract: list[str] = field(default_factory=list)
    organization: str | None = None
    organization_handle: str | None = None
    published: str | None = None

    def entry(self, captured_at: datetime) -> Entry | None:
        title = " ".join(" ".join(self.title).split()) or " ".join(self.link_title.split())
        paper_id = self.heading_id if self.title else self.link_id
        if not title:
            return None
        arxiv_id = normalise_arxiv_id(paper_id) if paper_id else None
        complete = self.authors_count is None or len(self.names) == self.authors_count
        names = tuple(self.names) if self.names and complete else ()
        published = month_day_date(self.published, captured_at.date()) if self.published else None
        return Entry(
            title=title,
            abstract=" ".join(" ".join(self.abstract).split()),
            authors_count=self.authors_count
            if self.authors_count is not None
            else len(names) or None,
            organization=self.organization,
            organization_handle=self.organization_handle,
            published=published,
            comments=self.comments,
            arxiv_id=arxiv_id,
            authors=names,
            upvotes=self.upvotes,
            url=f"https://huggingface.co/papers/{paper_id}" if paper_id else None,
            line=self.line,
        )


class _Page(LinearHTMLParser):
    """Collects the page's ``data-props`` JSON, its cards and the hints at its date."""

    def __init__(self) -> None:
        super().__init__()
        self.props: list[str] = []
        self.cards: list[_Card] = []
        self.canonical: str | None = None
        self.day_texts: list[str] = []
        self._stack: list[tuple[str, str | None]] = []  # (tag, href) of open elements
        self._card: _Card | None = None
        self._article_depth = 0
        self._org: str | None = None

    # -------------------------------------------------------------- page-level hints

    def digest_date(self, captured_at: datetime) -> date | None:
        """The page's day: from its address (canonical link), else its ``Apr 10`` heading."""
        match = _DATE_IN_URL.search(self.canonical or "")
        if match is not None:
            return iso_date(match.group("day") or match.group("query"))
        for text in self.day_texts:
            found = month_day_date(text, captured_at.date())
            if found is not None:
                return found
        return None

    # -------------------------------------------------------------- parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "data-props" in attributes and attributes.get("data-target") == "DailyPapers":
            self.props.append(attributes["data-props"] or "")
        if tag == "link" and (attributes.get("rel") or "").lower() == "canonical":
            self.canonical = attributes.get("href")
        if tag == "meta" and attributes.get("property") == "og:url" and self.canonical is None:
            self.canonical = attributes.get("content")
        if tag == "article":
            if self._card is None:
                self._card = _Card(line=self.getpos()[0])
            self._article_depth += 1
        if tag in _VOID:
            return
        if len(self._stack) >= _MAX_DEPTH:  # unclosed tags: forget the oldest
            del self._stack[0]
        self._stack.append((tag, attributes.get("href") if tag == "a" else None))
        card = self._card
        if card is not None and tag == "li" and attributes.get("title"):
            card.names.append(" ".join((attributes["title"] or "").split()))
        if card is not None and tag == "a":
            self._org = None
            org = _ORG_HREF.match(attributes.get("href") or "")
            if org is not None and org.group("handle").lower() not in _NOT_ORGS:
                self._org = org.group("handle")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break
        if tag == "article" and self._article_depth:
            self._article_depth -= 1
            if not self._article_depth and self._card is not None:
                self.cards.append(self._card)
                self._card = None

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text:
            return
        card = self._card
        if card is None:
            if any(tag in _HEADINGS for tag, _ in self._stack):
                self.day_texts.append(html.unescape(text))
            return
        self._card_text(card, text)

    def _card_text(self, card: _Card, text: str) -> None:
        link = next((href for tag, href in reversed(self._stack) if tag == "a"), None)
        paper = _PAPER_HREF.match(link or "")
        fragment = paper.group("fragment") or "" if paper is not None else ""
        in_heading = any(tag in _HEADINGS for tag, _ in self._stack)
        if paper is not None and fragment.startswith("#community"):
            if _COUNT.match(text):
                card.comments = int(text.replace(",", ""))
            return
        if paper is not None and in_heading and not fragment:
            if card.heading_id in (None, paper.group("id")):
                card.heading_id = paper.group("id")
                card.title.append(text)
            return
        authors = _AUTHORS.search(text)
        if authors is not None:
            card.authors_count = int(authors.group("n"))
            return
        if paper is not None and not fragment:
            if card.link_id in (None, paper.group("id")) and not card.link_title:
                card.link_id = paper.group("id")
                card.link_title = text
            return
        if (
            card.heading_id is None
            and card.upvotes is None
            and (_COUNT.match(text) or text in {"-", "–"})
        ):
            card.upvotes = int(text.replace(",", "")) if _COUNT.match(text) else 0
            return
        if card.heading_id is None:
            return  # "Submitted by …" and the like
        if link is not None and self._org is not None and card.organization is None:
            card.organization, card.organization_handle = text, self._org
            return
        if any(tag == "p" for tag, _ in self._stack):
            card.abstract.append(text)
            return
        if MONTH_DAY.match(text) is not None:
            card.published = text
