"""The arXiv daily listing e-mail ("cs daily Subj-class mailing"), as text or a saved ``.eml``.

The body (see ``tests/digests/samples/arxiv-cs-listing-2024-11-21.txt``)::

     Submissions to:                       header: the lists, then the window
    Machine Learning
     received from  Wed 20 Nov 24 19:00:00 GMT  to  Thu 21 Nov 24 19:00:00 GMT
    ------------------------------------------------------------------------------
    \\\\                                          each entry opens with a \\\\ line
    arXiv:2411.13560                           (*cross-listing*) may follow the id
    Date: Thu, 7 Nov 2024 02:49:53 GMT   (31214kb,D)      or: replaced with revised version …

    Title: AMSnet-KG: A Netlist Dataset …      fields; continuation lines start with spaces
      Knowledge Graph RAG
    Authors: Yichen Shi, Zhuofu Tao, …
    Categories: cs.AI cs.ET eess.SP
    \\\\
      High-performance analog …                the abstract (absent for replacements)
    \\\\ ( https://arxiv.org/abs/2411.13560 , 31214kb)
    ------------------------------------------------------------------------------
    %%--%%--%%…                                between new, cross-listed and replaced

Older mailings open entries with ``Paper: hep-th/9901001`` (or ``Paper (*cross-listing*):``)
and carry a ``From:`` line; both are read. A file that starts with mail headers (a saved
``.eml``, or an ``.mbox`` of many mailings) is read by :mod:`reader.digests.mail` with the
standard :mod:`email` package, which undoes quoted-printable and base64 and the charset; a
listing saved as plain text, without headers, is read as it is.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from reader.digests import mail
from reader.digests.dates import email_date, short_year_date
from reader.digests.errors import DigestError, DigestFormatError, UnknownFormatError
from reader.digests.model import Digest, Entry
from reader.digests.names import author_list
from reader.digests.tex import tex_name, tex_to_unicode
from reader.keys import normalise_arxiv_id

NAME = "arxiv-listing-email"
LABEL = "arXiv listing e-mail"

_ID = r"(?:\d{4}\.\d{4,5}|[A-Za-z]+(?:-[A-Za-z]+)?(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?"
_CROSS = r"\(\*cross-listing\*\)"
_OPENER = re.compile(
    rf"^(?:arXiv:\s*+(?P<id>{_ID})|Paper\s*+(?P<old_cross>{_CROSS})?\s*+:\s*+(?P<old_id>{_ID}))"
    rf"\s*+(?P<cross>{_CROSS})?\s*+$"  # possessive: a run of spaces is not split two ways
)
# An entry opener anywhere in a text: the \\ line, then the id line.
_OPENING = re.compile(
    rf"^[ \t]*+\\\\[ \t]*+\n[ \t]*+(?:arXiv:\s*+{_ID}|Paper\s*+(?:{_CROSS})?\s*+:\s*+{_ID})",
    re.MULTILINE,
)
_FIELD = re.compile(r"^(?P<key>[A-Za-z][A-Za-z-]{0,30}(?: \([^)]{0,40}\))?):[ \t]?(?P<value>.*)$")
_SNIFFED_MESSAGES = 20
"""An mbox is recognised by a listing among its first this many messages."""
_REPLACED = re.compile(r"^replaced with revised version\b", re.IGNORECASE)
# "(31214kb,D)" at the end of a Date: line; bounded so that each "(" is looked at once.
_SIZE = re.compile(r"\(\d{1,12}kb[^()]{0,100}\)\s*+$", re.IGNORECASE)
_TRAILER = re.compile(r"^\\\\\s*\(\s*(?P<url>https?://\S+?)\s*,")
_RECEIVED = re.compile(r"\breceived from (?P<from>.+?) to (?P<to>.+)", re.IGNORECASE)
"""Applied to a whitespace-collapsed line: single spaces, so no run is scanned twice."""


@dataclass(slots=True)
class _Message:
    """The listing text and how its lines map back to the file's lines."""

    body: str
    first_line: int = 1
    """File line of the body's first line."""
    starts: Sequence[int] | None = None
    """File line of each body line, when the body was quoted-printable (soft line breaks)."""
    sent: date | None = None

    def line(self, index: int) -> int:
        """The file's 1-based line number for the body's 0-based line ``index``."""
        if self.starts:
            return self.starts[min(index, len(self.starts) - 1)]
        return self.first_line + index


@dataclass(slots=True)
class _Block:
    """One entry's lines, split into its parts."""

    opener: re.Match[str]
    line: int
    replaced: bool = False
    date_text: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    """Each field's first line and its continuation lines."""
    abstract: list[str] = field(default_factory=list)
    url: str | None = None
    complete: bool = False
    """Whether the entry's closing ``\\\\ ( https://arxiv.org/abs/… )`` line was there."""

    def value(self, key: str) -> str:
        """A field's text, its lines joined (``""`` when the entry has no such field)."""
        return " ".join(" ".join(self.fields.get(key, ())).split())


def sniff(text: str) -> bool:
    """Whether ``text`` is an arXiv listing: some ``\\\\`` line followed by an ``arXiv:ID`` line
    (in the text itself, or in the decoded body of one of its first mail messages).
    """
    if _OPENING.search(text) is not None:
        return True
    if not mail.looks_like_message(text):
        return False
    for start, message in mail.messages(text)[:_SNIFFED_MESSAGES]:
        try:
            body = _message(message, start).body
        except DigestError:
            continue
        if _OPENING.search(body) is not None:
            return True
    return False


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse a listing: a mail message (``.eml``), an ``.mbox`` of them, or the body alone.

    Raises :class:`DigestFormatError` (with the line) when an entry breaks the format, and
    :class:`UnknownFormatError` when the text holds no listing at all. In an mbox of many
    messages, one that is no listing or cannot be read is reported and skipped.
    """
    if not mail.looks_like_message(text):
        return _digest(_listing(_Message(text)), captured_at)
    found = mail.messages(text)
    if len(found) == 1:
        start, message = found[0]
        return _digest(_listing(_message(message, start)), captured_at)
    listings: list[_Listing] = []
    warnings: list[str] = []
    for start, message in found:
        try:
            listings.append(_listing(_message(message, start)))
        except DigestError as exc:
            if len(warnings) < 50:
                warnings.append(f"line {start}: this message was skipped: {exc}")
    if not listings:
        raise UnknownFormatError(
            f"none of the {len(found):,} messages is an arXiv listing ({warnings[0]})"
        )
    days = [listing.date for listing in listings if listing.date is not None]
    merged = _Listing(
        entries=[e for listing in listings for e in listing.entries],
        warnings=warnings + [w for listing in listings for w in listing.warnings],
        date=max(days) if days else None,
    )
    return _digest(merged, captured_at)


@dataclass(slots=True)
class _Listing:
    """The papers of one listing (one message), its day and its problems."""

    entries: list[Entry]
    warnings: list[str]
    date: date | None


def _digest(listing: _Listing, captured_at: datetime) -> Digest:
    return Digest(
        format=NAME,
        entries=tuple(listing.entries),
        date=listing.date,
        captured_at=captured_at,
        warnings=tuple(listing.warnings),
    )


def _listing(message: _Message) -> _Listing:
    """The entries of one listing's text."""
    lines = [line.rstrip() for line in message.body.split("\n")]
    starts = [
        i
        for i in range(len(lines) - 1)
        if lines[i].strip() == "\\\\" and _OPENER.match(lines[i + 1].strip())
    ]
    if not starts:
        raise UnknownFormatError("this is not an arXiv listing (no '\\\\' line before an arXiv id)")
    digest_date = _digest_date(lines[: starts[0]]) or message.sent
    warnings: list[str] = []
    entries: list[Entry] = []
    bounds = [*starts, len(lines)]
    for number, (start, end) in enumerate(itertools.pairwise(bounds)):
        block = _block(lines, start + 1, end, message)
        entry = _entry(block)
        last = number == len(starts) - 1
        if entry is None:
            where = block.line
            name = _identifier(block.opener)
            if last:
                warnings.append(
                    f"line {where}: arXiv:{name} has no Title: and was skipped; "
                    "the file may have been cut off"
                )
                continue
            raise DigestFormatError(f"the entry arXiv:{name} has no 'Title:' line", line=where)
        if last and not block.complete:
            warnings.append(
                f"line {block.line}: arXiv:{_identifier(block.opener)} does not end with its "
                "'\\\\ ( https://arxiv.org/abs/… )' line; the file may have been cut off"
            )
        entries.append(entry)
    if not entries:
        raise DigestFormatError("the listing has no complete papers", line=message.line(starts[0]))
    return _Listing(entries, warnings, digest_date)


# ------------------------------------------------------------------------------ the message


def _message(text: str, start: int = 1) -> _Message:
    """The plain-text body of the mail message in ``text`` (which begins on file line
    ``start``), decoded by :mod:`email`, with its line mapping.
    """
    part = mail.body_text(text, ("plain",))
    first = part.body_line + start - 1
    if not part.whole:  # multipart: the part's place in the file is not worth finding
        return _Message(part.text, first_line=first, sent=part.sent)
    if part.encoding == "quoted-printable":
        return _Message(part.text, first, starts=_soft_break_starts(text, first), sent=part.sent)
    if part.encoding == "base64":
        return _Message(part.text, first, starts=[first], sent=part.sent)
    return _Message(part.text, first_line=first, sent=part.sent)


def _soft_break_starts(text: str, first: int) -> list[int]:
    """For a quoted-printable body, the file line each decoded line begins on: a line
    ending in ``=`` (a soft line break) continues on the next file line.
    """
    stripped = text.lstrip("\n")
    blank = stripped.find("\n\n")
    raw = stripped[blank + 2 :].split("\n") if blank >= 0 else []
    starts: list[int] = []
    open_line = True
    for index, line in enumerate(raw):
        if open_line:
            starts.append(first + index)
        open_line = not line.rstrip().endswith("=")
    return starts


# ------------------------------------------------------------------------------ the listing


def _digest_date(header: Sequence[str]) -> date | None:
    """The end of the "received from … to …" window: the day the listing covers."""
    for line in header:
        match = _RECEIVED.search(" ".join(line.split()))
        if match is not None:
            return short_year_date(match.group("to")) or short_year_date(match.group("from"))
    return None


def _identifier(opener: re.Match[str]) -> str:
    return opener.group("id") or opener.group("old_id") or "?"


def _block(lines: Sequence[str], start: int, end: int, message: _Message) -> _Block:
    """Split one entry (``lines[start:end]``, from its id line on) into its parts."""
    opener = _OPENER.match(lines[start].strip())
    assert opener is not None  # the caller found the entry by this line
    block = _Block(opener, message.line(start))
    index = start + 1
    # The date lines, up to the first blank line or field.
    while index < end and lines[index].strip():
        line = lines[index].strip()
        if _REPLACED.match(line):
            block.replaced = True
        elif line.startswith("Date:") and block.date_text is None:
            block.date_text = _SIZE.sub("", line[5:]).rstrip()
        elif _FIELD.match(line) and not line.startswith(("From:", "Date")):
            break
        index += 1
    # The fields, up to the \\ that opens the abstract or the closing \\ ( url ) line.
    parts: list[str] | None = None  # the field being read; a repeated field is ignored
    while index < end:
        raw = lines[index]
        line = raw.strip()
        index += 1
        if line == "\\\\":
            break
        trailer = _TRAILER.match(line)
        if trailer is not None:
            block.url, block.complete = trailer.group("url"), True
            return block
        if not line:
            continue
        match = _FIELD.match(raw)
        if match is not None:
            key = match.group("key").split(" (", 1)[0].lower()
            parts = [] if key in block.fields else block.fields.setdefault(key, [])
            parts.append(match.group("value").strip())
        elif parts is not None:  # indented, or re-wrapped by a mail client without the indent
            parts.append(line)
    # The abstract, up to the closing \\ ( url ) line.
    while index < end:
        raw = lines[index]
        index += 1
        trailer = _TRAILER.match(raw.strip())
        if trailer is not None:
            block.url, block.complete = trailer.group("url"), True
            break
        if raw.strip() == "\\\\":
            block.complete = True
            break
        block.abstract.append(raw)
    return block


def _entry(block: _Block) -> Entry | None:
    title = " ".join(tex_to_unicode(block.value("title")).split())
    if not title:
        return None
    arxiv_id = normalise_arxiv_id(_identifier(block.opener))
    authors, count = author_list(block.value("authors"), convert=tex_name)
    doi = block.value("doi").split()
    published = None
    if not block.replaced and block.date_text is not None:
        published = email_date(block.date_text)
    url = f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else block.url
    return Entry(
        title=title,
        abstract=_abstract(block.abstract),
        authors_count=count or None,
        published=published,
        arxiv_id=arxiv_id,
        authors=tuple(authors),
        url=url,
        doi=doi[0] if doi else None,
        categories=tuple(dict.fromkeys(block.value("categories").split())),
        line=block.line,
    )


def _abstract(lines: Sequence[str]) -> str:
    """The abstract's lines as text: a line that starts indented opens a new paragraph.

    TeX accents become Unicode (``Schr\\"odinger``); math and other TeX stay as written.
    """
    paragraphs: list[list[str]] = []
    for raw in lines:
        if not raw.strip():
            continue
        if raw[:1].isspace() or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(raw.strip())
    return tex_to_unicode("\n\n".join(" ".join(" ".join(p).split()) for p in paragraphs))


def split_authors(text: str) -> list[str]:
    """Author names from an arXiv ``Authors:`` line.

    Names are separated by commas and ``and``; affiliations in parentheses, numbered
    (``(1)``) or listed at the end (``((1) MIT, (2) KTH)``), are dropped, and so are
    ``et al.`` and ``(84 additional authors not shown)``; TeX accents become Unicode.
    """
    return author_list(text, convert=tex_name)[0]
