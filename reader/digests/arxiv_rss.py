"""arXiv's announcement feeds: ``rss.arxiv.org`` RSS and Atom, and the older RSS 1.0 feeds.

An item (see ``tests/digests/samples/arxiv-rss-cs.CL-2025-09-19.xml``)::

    <item>
      <title>Adaptive Tokenization for Low-Resource Speech Translation</title>
      <link>https://arxiv.org/abs/2509.15237</link>
      <description>arXiv:2509.15237v1 Announce Type: new
    Abstract: Speech translation for low-resource languages …</description>
      <guid isPermaLink="false">oai:arXiv.org:2509.15237v1</guid>
      <category>cs.CL</category>
      <pubDate>Fri, 19 Sep 2025 00:00:00 -0400</pubDate>
      <arxiv:announce_type>new</arxiv:announce_type>
      <dc:creator>Amara Okafor, Jos\\'e Mar\\'ia Guti\\'errez, Li Wei</dc:creator>
    </item>

The announce type says whether the paper is new (``new``, ``cross``) or a new version of
an old one (``replace``, ``replace-cross``): only new papers take the announcement day as
their published date. The pre-2024 feeds wrote the id into the title
(``Title. (arXiv:2401.01234v1 [cs.CL])``) and the authors as HTML links; both are read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from reader.digests import feeds
from reader.digests.model import Digest, Entry
from reader.digests.tex import tex_name, tex_to_unicode
from reader.keys import normalise_arxiv_id

NAME = "arxiv-rss"
LABEL = "arXiv RSS/Atom announcement feed"

_MARKERS = ("rss.arxiv.org", "export.arxiv.org/rss", "arxiv.org/rss/", "oai:arXiv.org:")
_ANNOUNCEMENT = re.compile(
    r"^\s*arXiv:\S+\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?", re.IGNORECASE
)
_OLD_SUFFIX = re.compile(
    r"\(arXiv:(?P<id>(?:\d{4}\.\d{4,5}|[A-Za-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?)"
    r" ?\[(?P<category>[^\]\[]{0,200})\](?: ?(?P<flag>UPDATED|CROSS LISTED))?\)\s*+"
)
"""The legacy title suffix, matched (``fullmatch``) from the last ``(arXiv:`` of a title."""
_OLD_TITLE_MARK = re.compile(r"\(arXiv:(?:\d{4}\.\d{4,5}|[a-z-]+/\d{7})v\d+ \[[^\]\[]{0,200}\]")
_NEW_TYPES = frozenset({"new", "cross"})


def sniff(text: str) -> bool:
    """Whether ``text`` is a feed from arXiv's announcement service."""
    if feeds.feed_root(text) is None:
        return False
    head = text[:8192]
    if any(marker in head for marker in _MARKERS):
        return True
    body = text[:200_000]
    return "arxiv" in head.lower() and (
        "Announce Type:" in body or _OLD_TITLE_MARK.search(body) is not None
    )


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse an arXiv announcement feed (RSS 2.0, Atom or the legacy RSS 1.0)."""
    parsed, warnings = feeds.read_feed(text)
    channel = parsed.get("feed")
    day = feeds.item_date(channel) if isinstance(channel, Mapping) else None
    entries = feeds.build_entries(parsed, lambda item: _entry(item, day), warnings)
    return Digest(
        format=NAME,
        entries=entries,
        date=feeds.feed_date(parsed, entries),
        captured_at=captured_at,
        warnings=tuple(warnings),
    )


def _old_title(title: str) -> tuple[str, re.Match[str]] | None:
    """A legacy title split into the title and its ``(arXiv:ID [cat] FLAG)`` suffix.

    Only the last ``(arXiv:`` is tried, so a title full of such markers costs one pass.
    """
    start = title.rfind("(arXiv:")
    suffix = _OLD_SUFFIX.fullmatch(title, start) if start >= 0 else None
    if suffix is None:
        return None
    return title[:start].rstrip().removesuffix(".").rstrip(), suffix


def _entry(item: Mapping[str, Any], feed_day: date | None = None) -> Entry | None:
    """One item; ``feed_day`` dates the new papers of feeds whose items carry no date."""
    title = feeds.plain_text(feeds.text_of(item, "title"))
    arxiv_id = feeds.item_arxiv_id(item)
    announce = feeds.text_of(item, "arxiv_announce_type").lower()
    categories: list[str] = []
    old = _old_title(title)
    if old is not None:  # the legacy feeds: "Title. (arXiv:2401.01234v1 [cs.CL] UPDATED)"
        title, suffix = old
        arxiv_id = arxiv_id or normalise_arxiv_id(suffix.group("id"))
        categories = suffix.group("category").split()
        flag = suffix.group("flag")
        # "CROSS LISTED" marks a cross-listing, new only in its first version (v1).
        first = not re.search(r"v(?!1$)\d+$", suffix.group("id"))
        kind = {"UPDATED": "replace", "CROSS LISTED": "cross" if first else "replace-cross"}
        announce = announce or kind.get(flag or "", "new" if first else "replace")
    title = " ".join(tex_to_unicode(title).split())
    if not title:
        return None
    summary = feeds.item_summary(item)
    announcement = _ANNOUNCEMENT.match(summary)
    if announcement is not None:
        announce = announce or announcement.group("type").lower()
        summary = summary[announcement.end() :]
    authors, count = feeds.item_author_list(item, convert=tex_name)
    new = announce in _NEW_TYPES
    return Entry(
        title=title,
        abstract=tex_to_unicode(summary.strip()),
        authors_count=count or None,
        published=(feeds.item_date(item) or feed_day) if new else None,
        arxiv_id=arxiv_id,
        authors=tuple(authors),
        url=f"https://arxiv.org/abs/{arxiv_id}"
        if arxiv_id
        else feeds.text_of(item, "link") or None,
        doi=feeds.item_doi(item),
        categories=feeds.item_categories(item, categories),
    )
