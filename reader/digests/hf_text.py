"""The Hugging Face "Daily Papers" page, saved by copying the page's text.

The layout (see ``DESIGN.md``)::

    new / Get trending papers … / Subscribe / Daily Papers / byAK …   header chrome
    Jan 30                                                           digest date, no year
    <title>
    <abstract paragraph>
      • 5 authors          or   ibm-research IBM Research            meta block,
    ·                                                                 sometimes absent
    Apr 9, 2025 4          (published date, optional year, optional comment count)

Blank lines only separate blocks, so the parser works on the non-blank lines. The lone
``·`` lines anchor the meta blocks; everything between two meta blocks is one or more
(title, abstract) pairs — the last pair owns the meta block, the others had none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.model import Digest, Entry

NAME = "hf-daily-papers-text"
MAX_LINES = 400_000
"""More lines than any real capture (10,000 papers take about 60,000): refused unread."""
_SENTENCE_ENDS = (".", "!", "?", ")", "]", '"', "'", "”", "’", "…", "。")
LABEL = "Hugging Face Daily Papers (text)"
SUFFIXES = (".txt", ".text", "")

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
"""Month names and their abbreviations (lower case) to month numbers."""
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAME = "(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
"""A pattern for a month's name or abbreviation (group ``mon``, a key of :data:`MONTHS`)."""

# ASCII-only: with Unicode case folding "ſep" would match "sep" but miss ``MONTHS``.
_PUBLISHED = re.compile(
    rf"^{MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?(?:\s+(?P<count>\d{{1,9}}))?$",
    re.IGNORECASE | re.ASCII,
)
_DIGEST_DATE = re.compile(
    rf"^{MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?$", re.IGNORECASE | re.ASCII
)
_AUTHORS = re.compile(r"^(?:[•*‣◦-]\s*)?(?P<n>\d{1,6})\s+authors?$", re.IGNORECASE)
_ORGANIZATION = re.compile(
    r"^(?P<handle>[A-Za-z0-9][A-Za-z0-9._-]{0,95})(?:\s+(?P<name>\S.{0,150}))?$"
)
_CONTROL_IN_LINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # Cc but the line break
# A Markdown link to a paper: a clipping (whatever its headings look like), not copied text.
_MARKDOWN_PAPER = re.compile(r"\]\(\s*+<?(?:https?://(?:www\.)?huggingface\.co)?/papers/\d{4}\.\d")
_DOTS = frozenset({"·", "⋅", "•", "∙"})

_CHROME = frozenset(
    {
        "new", "get trending papers in your email inbox!", "get trending papers in your email inbox",
        "subscribe", "daily papers", "byak and the research community",
        "by ak and the research community", "hugging face", "models", "datasets", "spaces",
        "community", "docs", "enterprise", "pricing", "log in", "login", "sign up", "papers",
        "daily", "weekly", "monthly", "previous", "next", "search", "trending", "submit",
        "collections", "posts", "search models, datasets, users...", "hugging face's logo",
        "system theme", "company", "tos", "privacy", "about", "jobs", "careers", "website",
        "load more", "see more", "show more", "learn", "discord", "forum", "github", "blog",
    }
)  # fmt: skip


class _Line(NamedTuple):
    """A non-blank line and its 1-based number in the file.

    A tuple, not a frozen dataclass: a capture has one per line, and a frozen dataclass's
    ``__init__`` (``object.__setattr__`` per field) cost more than the rest of the parse.
    """

    number: int
    text: str


def sniff(text: str) -> bool:
    """Whether ``text`` looks like a Daily Papers text capture.

    Markup is not a text capture, even when it says "Daily Papers": an HTML or XML document
    (it starts with ``<``), or a Markdown clipping that links to papers.
    """
    if text.lstrip("\ufeff \t\n").startswith("<") or _MARKDOWN_PAPER.search(text) is not None:
        return False
    lines = [line.strip() for line in text.split("\n", 4000)[:4000] if line.strip()]
    head = {line.casefold() for line in lines[:40]}
    if "daily papers" in head or any(line.startswith(("byak ", "by ak ")) for line in head):
        return True
    return any(
        _DOTS.__contains__(lines[i + 1]) and (_AUTHORS.match(lines[i]) is not None)
        for i in range(len(lines) - 1)
    )


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse a capture's text; dates without a year are placed relative to ``captured_at``.

    Raises :class:`DigestFormatError` (with the line number) when the text is a capture that
    breaks the format, and :class:`UnknownFormatError` when it is not a capture at all.
    """
    line_count = text.count("\n") + 1
    if line_count > MAX_LINES:
        raise DigestFormatError(
            f"the file has {line_count:,} lines; a Daily Papers capture has a few hundred "
            f"(at most {MAX_LINES:,} are read) — is it really a digest?"
        )
    # Cleaned as one text (a handful of passes in C), then split: not a call per line.
    cleaned = _CONTROL_IN_LINE.sub(" ", text.replace("\u00a0", " ").replace("\u200b", ""))
    lines = [
        _Line(number, line)
        for number, raw in enumerate(cleaned.replace("\ufeff", "").split("\n"), start=1)
        if (line := raw.strip())
    ]
    if not lines:
        raise UnknownFormatError("the file is empty")
    warnings: list[str] = []
    start, digest_date = _header(lines, captured_at)
    end = len(lines)
    while end > start and lines[end - 1].text.casefold() in _CHROME:
        end -= 1
    body = lines[start:end]

    entries: list[Entry] = []
    boundary = 0
    index = 0
    while index < len(body):
        if body[index].text not in _DOTS:
            index += 1
            continue
        meta_start, meta = _meta(body, boundary, index, captured_at)
        segment = body[boundary:meta_start]
        pairs = _pairs(segment, first=not entries and boundary == 0, anchor=body[index])
        for position, (title, abstract) in enumerate(pairs, start=1):
            entry_meta = meta if position == len(pairs) else {}
            entries.append(_entry(title, abstract, entry_meta))
        boundary = index + 2
        index = boundary

    tail = body[boundary:]
    if len(tail) % 2:
        dropped = tail[-1]
        warnings.append(
            f"line {dropped.number}: {_quote(dropped.text)} has no abstract and was skipped; "
            "the file may have been cut off"
        )
        tail = tail[:-1]
    if tail and not entries and digest_date is None and not sniff(text):
        raise UnknownFormatError(
            "this is not a Daily Papers capture (no header, no paper meta lines)"
        )
    entries.extend(_entry(tail[i], tail[i + 1], {}) for i in range(0, len(tail), 2))
    if tail and not tail[-1].text.rstrip().endswith(_SENTENCE_ENDS):
        # The last paper has no meta block and its abstract stops mid-sentence: the
        # classic sign of a capture saved before the page finished, or cut short.
        warnings.append(
            f"line {tail[-1].number}: the abstract of {_quote(tail[-2].text)} stops "
            "mid-sentence; the file may have been cut off"
        )

    if not entries:
        where = lines[start - 1].number if start else lines[0].number
        raise DigestFormatError("the digest has a header but no papers after it", line=where)
    return Digest(
        format=NAME,
        entries=tuple(entries),
        date=digest_date,
        captured_at=captured_at,
        warnings=tuple(warnings),
    )


def render(entries: Iterable[Entry], digest_date: date | None) -> str:
    """Write ``entries`` as a Daily Papers capture: the inverse of :func:`parse`.

    Used to build benchmark corpora and test fixtures. A published date in the digest's
    own year (and not after it) is written without its year, as the page does.
    """
    out = ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
           "byAK and the research community"]  # fmt: skip
    if digest_date is not None:
        out.append(f"{_MONTH_ABBR[digest_date.month - 1]} {digest_date.day}")
    for entry in entries:
        out.append(entry.title)
        out.append(entry.abstract)
        if entry.published is None:
            continue
        if entry.organization is not None:
            handle = entry.organization_handle or re.sub(r"\W+", "-", entry.organization).lower()
            who = f"{handle} {entry.organization}"
        else:
            who = f"  • {entry.authors_count if entry.authors_count is not None else 1} authors"
        when = f"{_MONTH_ABBR[entry.published.month - 1]} {entry.published.day}"
        if not (
            digest_date is not None
            and entry.published.year == digest_date.year
            and entry.published <= digest_date
        ):
            when += f", {entry.published.year}"
        if entry.comments:
            when += f" {entry.comments}"
        out.append(f"{who}\n·\n{when}")
    return "\n\n".join(out) + "\n"


# ------------------------------------------------------------------------------ internals


def _header(lines: Sequence[_Line], captured_at: datetime) -> tuple[int, date | None]:
    """Where the entries start, and the digest date if the header has one."""
    for index, line in enumerate(lines[:60]):
        match = _DIGEST_DATE.match(line.text)
        if match and all(
            previous.text.casefold() in _CHROME
            or previous.text.casefold().startswith(("byak", "by ak"))
            or len(previous.text) <= 60
            for previous in lines[:index]
        ):
            return _skip_chrome(lines, index + 1), _date(match, line, captured_at)
        if line.text in _DOTS:
            break
    return _skip_chrome(lines, 0), None


def _skip_chrome(lines: Sequence[_Line], index: int) -> int:
    """The first line from ``index`` on that is not page chrome (``Previous``, ``Next``, …).

    A chrome word followed by an abstract (and not by a title ending in a period, then its
    abstract) is a paper's title, and is kept.
    """
    while (
        index < len(lines)
        and (
            lines[index].text.casefold() in _CHROME
            or lines[index].text.casefold().startswith(("byak", "by ak", "get trending papers"))
        )
        and not (
            index + 1 < len(lines)
            and _abstract_like(lines[index + 1])
            and not (index + 2 < len(lines) and _abstract_like(lines[index + 2]))
        )
    ):
        index += 1
    return index


def _meta(
    body: Sequence[_Line], boundary: int, dot: int, captured_at: datetime
) -> tuple[int, dict[str, object]]:
    """Read the meta block anchored on the ``·`` line at ``dot``.

    Returns the index where the (title, abstract) lines before the block end, and the
    block's fields.
    """
    after = body[dot + 1] if dot + 1 < len(body) else None
    match = _PUBLISHED.match(after.text) if after is not None else None
    if after is None or match is None:
        where = after.number if after is not None else body[dot].number
        found = f", found {_quote(after.text)}" if after is not None else " (the file ends here)"
        raise DigestFormatError(f"expected a date after '·'{found}", line=where)
    meta: dict[str, object] = {"published": _date(match, after, captured_at)}
    if match.group("count") is not None:
        meta["comments"] = int(match.group("count"))
    if dot == boundary:
        raise DigestFormatError(
            "found a '·' meta line with no paper title and abstract before it",
            line=body[dot].number,
        )
    who = body[dot - 1]
    authors = _AUTHORS.match(who.text)
    if authors:
        meta["authors_count"] = int(authors.group("n"))
        return dot - 1, meta
    organization = _ORGANIZATION.match(who.text)
    before = dot - 1 - boundary
    if organization and before >= 2 and before % 2 == 0:
        handle, name = organization.group("handle"), organization.group("name")
        meta["organization"] = name or handle
        meta["organization_handle"] = handle
        return dot - 1, meta
    return dot, meta


def _pairs(segment: Sequence[_Line], *, first: bool, anchor: _Line) -> list[tuple[_Line, _Line]]:
    """Split the lines before a meta block into (title, abstract) pairs."""
    lines = list(segment)
    if len(lines) % 2 and first:
        lines = lines[1:]  # an unknown chrome line left over from the header
    while len(lines) % 2:
        merge = next(
            (
                i
                for i in range(2, len(lines))
                if _abstract_like(lines[i - 1]) and _abstract_like(lines[i])
            ),
            None,
        )
        if merge is None:
            if len(lines) == 1:
                raise DigestFormatError(
                    f"the paper {_quote(lines[0].text)} has no abstract before its meta block "
                    f"at line {anchor.number}",
                    line=lines[0].number,
                )
            raise DigestFormatError(
                f"cannot tell titles from abstracts in the {len(lines)} lines before the meta "
                f"block at line {anchor.number}; each paper should be a title line followed by "
                "one abstract paragraph",
                line=lines[0].number,
            )
        joined = _Line(lines[merge - 1].number, f"{lines[merge - 1].text}\n\n{lines[merge].text}")
        lines[merge - 1 : merge + 1] = [joined]
    if not lines:
        raise DigestFormatError("found a meta block with no paper before it", line=anchor.number)
    return [(lines[i], lines[i + 1]) for i in range(0, len(lines), 2)]


def _abstract_like(line: _Line) -> bool:
    text = line.text
    return len(text) > 300 or (len(text) > 40 and text.endswith((".", ".)", '."')))


def _entry(title: _Line, abstract: _Line, meta: dict[str, object]) -> Entry:
    return Entry(title=title.text, abstract=abstract.text, line=title.number, **meta)  # type: ignore[arg-type]


def _date(match: re.Match[str], line: _Line, captured_at: datetime) -> date:
    month = MONTHS[match.group("mon").lower()]
    day = int(match.group("day"))
    year_text = match.group("year")
    try:
        if year_text is not None:
            return date(int(year_text), month, day)
        return infer_year(month, day, captured_at.date())
    except ValueError:
        raise DigestFormatError(
            f"{_quote(line.text)} is not a valid date", line=line.number
        ) from None


def infer_year(month: int, day: int, captured: date) -> date:
    """The latest date with this month and day that is not after ``captured``.

    The page omits the year for dates in the current year, so a month-day after the capture
    date belongs to the previous year (29 February goes back to the last leap year).
    """
    for year in range(captured.year, captured.year - 9, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= captured:
            return candidate
    raise ValueError(f"no valid date for month {month}, day {day}")


def _quote(text: str, limit: int = 60) -> str:
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"
