"""The arXiv API's Atom responses (``export.arxiv.org/api/query?…``), saved to a file.

An entry (see ``tests/digests/samples/arxiv-api-query-long-context.atom``)::

    <entry>
      <id>http://arxiv.org/abs/2308.16137v6</id>
      <published>2023-08-30T17:50:02Z</published>
      <title>LM-Infinite: Zero-Shot Extreme Length Generalization for Large Language
      Models</title>
      <summary>  Today's large language models …</summary>
      <author><name>Chi Han</name></author> …
      <arxiv:doi>10.1016/…</arxiv:doi>              (when the paper has a journal DOI)
      <arxiv:comment>NAACL 2024</arxiv:comment>
      <arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
      <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/> …
    </entry>

``published`` is the first version's date, so it is the paper's published date. A query
the API rejected comes back as a feed with one ``Error`` entry; that is reported as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reader.digests import feeds
from reader.digests.errors import DigestFormatError
from reader.digests.model import Digest, Entry
from reader.digests.tex import tex_name, tex_to_unicode

NAME = "arxiv-api-atom"
LABEL = "arXiv API (Atom)"

_MARKERS = ("arxiv.org/api/", "http://arxiv.org/schemas/atom")


def sniff(text: str) -> bool:
    """Whether ``text`` is an Atom response of the arXiv API (not the announcement feed)."""
    if feeds.feed_root(text) != "atom":
        return False
    head = text[:8192]
    if "rss.arxiv.org" in head:
        return False
    return "arxiv.org/api/" in head or (
        "http://arxiv.org/schemas/atom" in text[:200_000] and "arxiv.org/abs/" in text[:200_000]
    )


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse an arXiv API response: one entry per paper."""
    parsed, warnings = feeds.read_feed(text)
    items = parsed.get("entries")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and "/api/errors" in feeds.text_of(item, "id"):
            message = feeds.plain_text(feeds.text_of(item, "summary")) or "no reason given"
            raise DigestFormatError(f"the arXiv API answered with an error: {message}")
    if not items:
        raise DigestFormatError("the arXiv API response lists no papers (the query found none)")
    entries = feeds.build_entries(parsed, _entry, warnings)
    return Digest(
        format=NAME,
        entries=entries,
        date=feeds.feed_date(parsed, entries),
        captured_at=captured_at,
        warnings=tuple(warnings),
    )


def _entry(item: Mapping[str, Any]) -> Entry | None:
    title = " ".join(tex_to_unicode(feeds.plain_text(feeds.text_of(item, "title"))).split())
    if not title:
        return None
    arxiv_id = feeds.item_arxiv_id(item)
    authors, count = feeds.item_author_list(item, convert=tex_name)
    primary = item.get("arxiv_primary_category")
    first = [feeds.text_of(primary, "term")] if isinstance(primary, Mapping) else []
    return Entry(
        title=title,
        abstract=tex_to_unicode(feeds.item_summary(item)),
        authors_count=count or None,
        published=feeds.item_date(item),
        arxiv_id=arxiv_id,
        authors=tuple(authors),
        url=f"https://arxiv.org/abs/{arxiv_id}"
        if arxiv_id
        else feeds.text_of(item, "link") or None,
        doi=feeds.item_doi(item),
        categories=feeds.item_categories(item, first),
    )
