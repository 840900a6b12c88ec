"""Google Scholar alert e-mails (``.eml``, an ``.mbox`` of them), or an alert's HTML alone.

Each paper in the HTML body (see ``tests/digests/samples/scholar-alert-2019-12-10.eml``)::

    <h3><span>[PDF]</span> <a class="gse_alrt_title"
        href="http://scholar.google.com/scholar_url?url=https://arxiv.org/pdf/1912.02015&amp;hl=en&amp;…">
        Using Sequence-to-Sequence Learning for Repairing C Vulnerabilities</a></h3>
    <div style="color:#006621">Z Chen, S Kommrusch, M Monperrus&nbsp;- arXiv preprint
        arXiv:1912.02015, 2019</div>
    <div class="gse_alrt_sni">Software vulnerabilities affect … <br>…&nbsp;…</div>

The mail is read with the standard :mod:`email` package (``policy=default``), which undoes
quoted-printable or base64 and the charset. The ``scholar_url`` redirect carries the real
address in its ``url`` parameter: the arXiv id and the DOI come from that address and from
the byline (``arXiv preprint arXiv:…``). Scholar shortens long author lists and venues with
"…": such a list gives names but no count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

from reader.digests import mail
from reader.digests.citations import (
    MAX_ENTRIES,
    arxiv_from_url,
    arxiv_in_text,
    clean_text,
    clean_title,
    doi_from_url,
    safe_date,
)
from reader.digests.errors import DigestError, DigestFormatError, UnknownFormatError
from reader.digests.html_tokens import LinearHTMLParser
from reader.digests.model import Digest, Entry

NAME = "scholar-alert-email"
LABEL = "Google Scholar alert e-mail"

_SENDER = "scholaralerts-noreply@google.com"
_MARKERS = ("gse_alrt_title", "scholar_url?url=")
_YEAR = re.compile(r"(?:^|[,\s])((?:19|20)\d{2})\s*$")
_ANY_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_BADGE = re.compile(r"^\[(?:PDF|HTML|BOOK|B|CITATION|C)\]\s*", re.IGNORECASE)
_ELLIPSIS = ("…", "...")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
"""Elements without an end tag: they open nothing the reader must wait to see closed."""


def sniff(text: str) -> bool:
    """Whether ``text`` is a Scholar alert: a mail from Scholar's alerts, or the alert's HTML."""
    head = text[:16_384].lower()
    if _SENDER in head and any(f"\n{name}:" in "\n" + head for name in ("from", "to", "subject")):
        return True
    body = text[:2_000_000]
    return "gse_alrt_title" in body and "scholar" in body


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse each paper of the alert: title, real link, arXiv id, DOI, authors, venue, year.

    An ``.mbox`` of many alerts (a mail client's or Google Takeout's export) gives the papers
    of every alert in it; a message in it that cannot be read is reported and skipped.
    """
    messages = mail.messages(text)
    papers: list[_Paper] = []
    days: list[date] = []
    warnings: list[str] = []
    for line, message in messages:
        try:
            html_text, sent = _html(message)
            reader = _AlertReader()
            reader.feed(html_text)
            reader.close()
        except DigestError as exc:
            if len(messages) == 1:
                raise
            if len(warnings) < 50:
                warnings.append(f"line {line}: this message could not be read: {exc}")
            continue
        except (ValueError, IndexError, AssertionError) as exc:
            if len(messages) == 1:
                raise DigestFormatError(f"the alert's HTML could not be read ({exc})") from None
            warnings.append(f"line {line}: this message's HTML could not be read ({exc})")
            continue
        papers.extend(reader.papers)
        days.extend([sent] if sent else [])
        if len(papers) > MAX_ENTRIES:
            warnings.append(f"only the first {MAX_ENTRIES:,} papers were read")
            break
    entries = [entry for paper in papers[:MAX_ENTRIES] if (entry := _entry(paper))]
    if not entries:
        raise DigestFormatError("this Scholar alert lists no papers (no 'gse_alrt_title' links)")
    return Digest(
        format=NAME,
        entries=tuple(entries),
        date=max(days) if days else captured_at.date(),
        captured_at=captured_at,
        warnings=tuple(warnings),
    )


def _html(text: str) -> tuple[str, date | None]:
    """The alert's HTML and the day it was sent (``None`` for HTML saved without headers)."""
    stripped = text.lstrip("\ufeff \t\n")
    if stripped.startswith("<"):
        return stripped, None
    try:
        part = mail.body_text(stripped, ("html",))
    except UnknownFormatError:
        raise UnknownFormatError("this mail has no HTML part, so it is no Scholar alert") from None
    return part.text, part.sent


@dataclass(slots=True)
class _Paper:
    href: str = ""
    title: list[str] = field(default_factory=list)
    byline: list[str] = field(default_factory=list)
    snippet: list[str] = field(default_factory=list)


class _AlertReader(LinearHTMLParser):
    """Collects each ``gse_alrt_title`` link with the byline and snippet after it."""

    def __init__(self) -> None:
        super().__init__()
        self.papers: list[_Paper] = []
        self._in: str | None = None  # "title", "byline" or "snippet"
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "gse_alrt_title" in values.get("class", ""):
            if len(self.papers) <= MAX_ENTRIES:
                self.papers.append(_Paper(href=values.get("href", "")))
                self._in, self._depth = "title", 0
            return
        if tag == "br" and self._in == "snippet":
            return  # Scholar's line breaks sit after the space ("in <br>solving", "crowd-<br>based")
        if tag != "div" or not self.papers:
            if self._in is not None and tag not in _VOID:
                self._depth += 1
            return
        paper = self.papers[-1]
        snippet = "gse_alrt_sni" in values.get("class", "")
        if self._in is None and not paper.snippet and snippet:
            self._in, self._depth = "snippet", 0
        elif self._in is None and not paper.byline and not paper.snippet:
            # The first block after the title is the byline (green, "#006621", in every
            # alert seen; its style is not relied on).
            self._in, self._depth = "byline", 0
        elif self._in is not None:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._in is None:
            return
        if self._depth > 0:
            self._depth -= 1
        elif (self._in == "title" and tag == "a") or (self._in != "title" and tag == "div"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None and self.papers:
            parts = getattr(self.papers[-1], self._in)
            if len(parts) < 1_000:
                parts.append(data)


def _real_url(href: str) -> str:
    """The address a ``scholar_url?url=…`` redirect leads to (``href`` itself otherwise)."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return ""
    if parts.path.endswith("/scholar_url"):
        target = parse_qs(parts.query).get("url", [""])[0]
        return target.strip()
    return href.strip()


def _entry(paper: _Paper) -> Entry | None:
    title = clean_title(_BADGE.sub("", clean_text("".join(paper.title), 2_000)))
    if not title:
        return None
    url = clean_text(_real_url(paper.href), 2_000)
    byline = clean_text("".join(paper.byline).replace("\u00a0", " "), 2_000)
    authors_text, _, venue_text = byline.partition(" - ")
    venue_text = venue_text.split(" - ")[0].strip()
    year_match = _YEAR.search(venue_text) or _ANY_YEAR.search(venue_text)
    if year_match is not None and year_match.re is _YEAR:
        venue_text = venue_text[: year_match.start()].rstrip(" ,")
    arxiv_id = arxiv_from_url(url) or arxiv_in_text(venue_text)
    doi = doi_from_url(url) if url else None
    names = [clean_text(name, 200) for name in authors_text.split(",")]
    truncated = bool(names) and names[-1].endswith(_ELLIPSIS)
    names = [
        name
        for name in (n.rstrip("….").strip() for n in names)
        if name and not _YEAR.fullmatch(name)
    ]
    journal = venue_text.strip()
    if arxiv_in_text(journal) or journal.lower() == "arxiv" or "…" in journal or "..." in journal:
        journal = ""  # a preprint, or a venue Scholar cut short ("…on Knowledge and Systems")
    return Entry(
        title=title,
        abstract=clean_text("".join(paper.snippet)),
        authors_count=None if truncated or not names else len(names),
        published=safe_date(int(year_match.group(1))) if year_match else None,
        arxiv_id=arxiv_id,
        authors=tuple(names),
        url=url or None,
        doi=doi,
        journal=journal or None,
    )
