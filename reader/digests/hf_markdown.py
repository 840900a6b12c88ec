"""The Hugging Face Daily Papers page as Markdown, from a web clipper (Obsidian Web Clipper,
MarkDownload …).

A card, as clippers write it (see ``tests/digests/samples/hf-daily-papers-2025-04-10.md``)::

    [![](…/social-thumbnails/papers/2504.06261.png)](https://huggingface.co/papers/2504.06261)

    Submitted by

    ![](…avatar.jpeg) akhaliq

    112                                                  upvotes; "-" (or "\\-") for none

    ### [Hogwild! Inference: …](https://huggingface.co/papers/2504.06261)

    Large Language Models (LLMs) have …                 abstract, on newer pages

    - · 8 authors

    [![](…yandex.png) Yandex](https://huggingface.co/yandex)     organisation, if any

    [6](https://huggingface.co/papers/2504.06261#community)      comments

Every paper is a heading whose link goes to ``/papers/ID``; what sits between two headings
is split at the next card's thumbnail, "Submitted by" or upvote line. The digest date comes
from the clipped address (``/papers/date/2025-04-10``) or the page's ``Apr 10`` heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reader.digests.dates import MONTH_DAY, iso_date, month_day_date
from reader.digests.errors import UnknownFormatError
from reader.digests.model import Digest, Entry
from reader.keys import normalise_arxiv_id

NAME = "hf-daily-papers-markdown"
LABEL = "Hugging Face Daily Papers (Markdown clipping)"

_HF = r"(?:https?://(?:www\.)?huggingface\.co)?"
_PAPER_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+/\d{7})(?:v\d+)?"
_HEADING = re.compile(
    r"^\s{0,3}#{1,6}\s+\[(?P<title>(?:\\.|[^\]\\])+)\]\(\s*<?"
    + _HF
    + r"/papers/"
    + _PAPER_ID
    # Possessive tail: trailing spaces and closing #s are taken once, never re-split.
    + r"/?>?(?:\s++\"[^\"]*+\")?\s*+\)\s*+#*+\s*+$",
    re.IGNORECASE,
)
# A card's picture, linked to the paper: an image, or (2026 pages) a preview video.
_THUMBNAIL = re.compile(
    r"^\s*+\[(?:!\[[^\]]*+\]\([^)]*+\)|<video\b[^\]]*+)\]\(\s*+" + _HF + r"/papers/", re.IGNORECASE
)
# Any link to a paper but its comments: the paper a plain ``### Title`` heading belongs to.
_PAPER_LINK = re.compile(
    r"\]\(\s*+<?" + _HF + r"/papers/" + _PAPER_ID + r"/?>?(?:\s++\"[^\"]*+\")?\s*+\)", re.IGNORECASE
)
_PLAIN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s++(?P<title>[^\s#\[].*+)")
_SUBMITTED = re.compile(r"^\s*submitted\s+by\b", re.IGNORECASE)
_COUNT = r"(?P<count>\d{1,3}(?:,\d{3})++|\d{1,6}(?:\.\d{1,2})?[kK]|\d{1,9}|\\?-|–)"
# "112", "1.09k", "-" for none; on its own line or (2026 pages) linked: "[1.09k](…/papers/ID)".
_UPVOTES = re.compile(
    r"^[\s*_>]*+(?:" + _COUNT + r"|\[\s*+" + _COUNT.replace("count", "linked") + r"\s*+\]"
    r"\(\s*+" + _HF + r"/papers/" + _PAPER_ID.replace("<id>", "<upvoted>") + r"/?\s*+\))[\s*_]*+$",
    re.IGNORECASE,
)
_AUTHORS = re.compile(r"(?P<n>\d{1,6})\s+authors?\b", re.IGNORECASE)
_COMMENTS = re.compile(
    r"\[\s*(?P<n>\d{1,9})\s*\]\(\s*" + _HF + r"/papers/[^)\s#]+#community\s*\)", re.IGNORECASE
)
_ORGANIZATION = re.compile(
    r"^\s*\[(?:!\[[^\]]*\]\([^)]*\)\s*)?(?P<name>[^\]\[!]{1,150})\]\(\s*"
    + _HF
    + r"/(?P<handle>[A-Za-z0-9][\w.-]{0,95})/?\s*\)\s*$"
)
_NOT_ORGS = frozenset(
    {"papers", "models", "datasets", "spaces", "docs", "pricing", "login", "join", "blog",
     "posts", "collections", "enterprise", "learn", "settings", "terms-of-service", "privacy",
     "huggingface", "new", "search"}
)  # fmt: skip
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_SOURCE = re.compile(r"^source:\s*[\"']?(?P<url>\S+?)[\"']?\s*$", re.IGNORECASE)
_DATE_IN_URL = re.compile(
    r"/papers/date/(?P<day>\d{4}-\d{2}-\d{2})|[?&]date=(?P<query>\d{4}-\d{2}-\d{2})"
)
_MARKUP_START = ("<", "{", "[{", "[\n", "[ ")


@dataclass(frozen=True, slots=True)
class _Heading:
    index: int
    title: str
    paper_id: str


def sniff(text: str) -> bool:
    """Whether ``text`` is a Markdown clipping of the papers page (a heading links to a paper)."""
    if text.lstrip("\ufeff \t\n").startswith(_MARKUP_START):
        return False
    return bool(_headings(text.split("\n", 100_000)[:100_000]))


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse a clipping: one entry per paper heading."""
    lines = text.split("\n")
    headings = _headings(lines)
    if not headings:
        raise UnknownFormatError(
            "this is not a Daily Papers clipping (no '### [Title](…/papers/ID)' headings)"
        )
    entries = []
    for k, heading in enumerate(headings):
        before = headings[k - 1].index + 1 if k else 0
        after = headings[k + 1].index if k + 1 < len(headings) else len(lines)
        end = _card_start(lines, heading.index + 1, after) if k + 1 < len(headings) else after
        entries.append(
            _entry(
                heading,
                _upvotes(lines, before, heading.index),
                lines[heading.index + 1 : end],
                captured_at,
            )
        )
    return Digest(
        format=NAME,
        entries=tuple(entries),
        date=_digest_date(lines, headings[0].index, captured_at),
        captured_at=captured_at,
    )


def _headings(lines: Sequence[str]) -> list[_Heading]:
    """The paper headings: ``### [Title](…/papers/ID)``, or a plain ``### Title`` with a link
    to its paper (the card's picture, "View paper", the upvote count) on a line above it.
    """
    headings: list[_Heading] = []
    paper: str | None = None  # the paper the lines since the last heading link to
    for index, line in enumerate(lines):
        if (match := _HEADING.match(line)) is not None:
            headings.append(_Heading(index, _unescape(match.group("title")), match.group("id")))
            paper = None
        elif "/papers/" in line and (link := _PAPER_LINK.search(line)) is not None:
            paper = link.group("id")
        elif paper is not None and (plain := _PLAIN_HEADING.match(line)) is not None:
            title = _without_closing_hashes(plain.group("title"))
            headings.append(_Heading(index, _unescape(title), paper))
            paper = None
    return headings


def _without_closing_hashes(title: str) -> str:
    """``Title ##`` as ``Title`` (an ATX heading's optional closing sequence)."""
    title = title.rstrip()
    bare = title.rstrip("#")
    if bare != title and (not bare or bare[-1].isspace()):
        return bare.rstrip()
    return title


def _unescape(text: str) -> str:
    return " ".join(_ESCAPE.sub(r"\1", text).split())


def _card_start(lines: Sequence[str], start: int, heading: int) -> int:
    """Where the next card begins between one heading's line ``start`` and the next heading."""
    for index in range(start, heading):
        if _THUMBNAIL.match(lines[index]) or _SUBMITTED.match(lines[index]):
            return index
    last = next((i for i in range(heading - 1, start - 1, -1) if lines[i].strip()), None)
    if last is not None and _UPVOTES.match(lines[last]):
        return last
    return heading


def _upvotes(lines: Sequence[str], start: int, heading: int) -> int | None:
    """The upvote count: the last non-blank line before the heading, when it is a number."""
    last = next((i for i in range(heading - 1, start - 1, -1) if lines[i].strip()), None)
    match = _UPVOTES.match(lines[last]) if last is not None else None
    if match is None:
        return None
    count = match.group("count") or match.group("linked")
    if count in {"-", "\\-", "–"}:
        return 0
    if count[-1] in "kK":  # "1.09k"
        return round(float(count[:-1]) * 1000)
    return int(count.replace(",", ""))


def _entry(
    heading: _Heading, upvotes: int | None, body: Sequence[str], captured_at: datetime
) -> Entry:
    authors = comments = None
    organization = handle = None
    published = None
    paragraphs: list[list[str]] = [[]]
    for raw in body:
        line = raw.strip()
        if not line:
            paragraphs.append([])
            continue
        if (found := _AUTHORS.search(line)) is not None and len(line) < 80:
            authors = int(found.group("n"))
        elif (found := _COMMENTS.search(line)) is not None:
            comments = int(found.group("n"))
        elif (org := _ORGANIZATION.match(line)) is not None:
            if org.group("handle").lower() not in _NOT_ORGS and organization is None:
                organization, handle = " ".join(org.group("name").split()), org.group("handle")
        elif MONTH_DAY.match(line) is not None:
            published = month_day_date(line, captured_at.date())
        elif _prose(line):
            paragraphs[-1].append(line)
    abstract = "\n\n".join(" ".join(p) for p in paragraphs if p)
    arxiv_id = normalise_arxiv_id(heading.paper_id)
    return Entry(
        title=heading.title,
        abstract=_unescape_prose(abstract),
        authors_count=authors,
        organization=organization,
        organization_handle=handle,
        published=published,
        comments=comments,
        arxiv_id=arxiv_id,
        upvotes=upvotes,
        url=f"https://huggingface.co/papers/{heading.paper_id}",
        line=heading.index + 1,
    )


def _prose(line: str) -> bool:
    """A line of running text (an abstract), not a link, image, list item or heading."""
    return not line.startswith(("[", "!", "-", "*", "#", "|", ">", "<", "`")) and (
        len(line) >= 60 or line.endswith((".", ".)", '."'))
    )


def _unescape_prose(text: str) -> str:
    return "\n\n".join(" ".join(_ESCAPE.sub(r"\1", p).split()) for p in text.split("\n\n"))


def _digest_date(lines: Sequence[str], first_heading: int, captured_at: datetime) -> date | None:
    """The page's day: from the clipped address, else an ``Apr 10`` line before the papers."""
    for line in lines[: min(first_heading, 60)]:
        source = _SOURCE.match(line.strip())
        found = _DATE_IN_URL.search(source.group("url")) if source is not None else None
        if found is not None:
            return iso_date(found.group("day") or found.group("query"))
    for line in lines[:first_heading]:
        text = line.strip().lstrip("#").strip()
        if MONTH_DAY.match(text) is not None:
            return month_day_date(text, captured_at.date())
    return None
