"""RIS files (Scopus, Web of Science, Mendeley, Zotero, EndNote) and Web of Science's
tagged "Plain text" export (``savedrecs.txt``: ``FN``/``VR`` header, ``PT`` … ``ER`` records).

A record (see ``tests/digests/samples/scopus-export.ris``)::

    TY  - JOUR
    TI  - A transversely isotropic composite with …
    T2  - Journal of the Mechanics and Physics of Solids
    PY  - 2004
    DO  - 10.1016/j.jmps.2004.03.010
    AU  - Federico, S.
    KW  - Composite
    UR  - http://www.scopus.com/inward/record.url?eid=…
    ER  -

rispy reads each record's tags (continuation lines, repeated tags, EndNote's one-value-
per-line keyword lists). The file is cut into records at their ``TY`` lines first, so that
each paper keeps the line it starts on and a record without its ``ER`` end line is read
(with a warning) instead of swallowing the next one. Titles come from ``TI``, ``T1`` or
``ST``; the journal from ``T2``/``JO``/``JF``; the date from ``PY``/``Y1``/``DA``
(``2014//`` and ``2001/09/01/`` included); the abstract from ``AB`` or ``N2``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import rispy

from reader.digests.citations import (
    MAX_AUTHORS,
    MAX_ENTRIES,
    arxiv_categories,
    arxiv_from_url,
    arxiv_in_text,
    clean_text,
    clean_title,
    doi_from_url,
    find_doi,
    inverted_name,
    loose_date,
    safe_date,
    untitled_warning,
)
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.model import Digest, Entry

NAME = "ris"
LABEL = "RIS (.ris) or Web of Science export"

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")
_WOS_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: |$)")
_WOS_HEAD = re.compile(r"^FN [^\n]{0,200}\nVR [^\n]{0,20}\n", re.IGNORECASE)
_SMALL_WORDS = frozenset(
    {
        "of",
        "the",
        "and",
        "in",
        "on",
        "for",
        "a",
        "an",
        "to",
        "at",
        "by",
        "with",
        "de",
        "la",
        "und",
        "der",
    }
)


@dataclass(frozen=True, slots=True)
class _Dialect:
    """RIS proper (``TY  - `` … ``ER  - ``) or Web of Science's tagged export (``PT`` … ``ER``)."""

    tag: re.Pattern[str]
    start: str
    end: str
    parser: type[rispy.RisParser]
    closing: str


_RIS = _Dialect(_TAG, "TY", "ER", rispy.RisParser, "ER  - ")
_WOS = _Dialect(_WOS_TAG, "PT", "ER", rispy.WokParser, "ER")


def _is_wos(text: str) -> bool:
    """Web of Science's "Plain text" export: ``FN`` and ``VR`` header lines, then ``PT`` records."""
    return (
        _WOS_HEAD.match(text.lstrip("\ufeff \t\n")[:400]) is not None and "\nPT " in text[:65_536]
    )


_MAX_WARNINGS = 50
_MONTHS = {
    m: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def sniff(text: str) -> bool:
    """Whether ``text`` is RIS: a ``TY  - `` line, then another tagged line, before other text
    (up to 20 untagged lines may come first: a BOM, blank lines, ``1.`` record numbers); or a
    Web of Science tagged export.
    """
    if _is_wos(text):
        return True
    untagged = 0
    seen_type = False
    for line in text[:65_536].split("\n", 400)[:400]:
        match = _TAG.match(line)
        if match is None:
            if line.strip():
                untagged += 1
                if untagged > 20 and not seen_type:
                    return False
            continue
        if match.group(1) == "TY":
            seen_type = True
        elif seen_type:
            return True
        elif not seen_type:
            return False  # a tag before any TY: not RIS as exporters write it
    return False


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse every record with a title; records without one are reported and skipped."""
    if not sniff(text):
        raise UnknownFormatError("this is not a RIS file (no 'TY  - ' record start)")
    dialect = _WOS if _is_wos(text) else _RIS
    warnings: list[str] = []
    entries: list[Entry] = []
    untitled: list[int] = []
    for line, lines, closed in _records(text.split("\n"), dialect):
        if len(entries) >= MAX_ENTRIES:
            warnings.append(f"only the first {MAX_ENTRIES:,} records were read")
            break
        if not closed and len(warnings) < _MAX_WARNINGS:
            warnings.append(
                f"line {line}: the record has no '{dialect.closing.strip()}' end line; read up to the next one"
            )
        try:
            records = rispy.loads(
                "\n".join([*lines, dialect.closing]), implementation=dialect.parser
            )
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            if len(warnings) < _MAX_WARNINGS:
                warnings.append(f"line {line}: the record could not be read ({exc})")
            continue
        build = _wos_entry if dialect is _WOS else _entry
        entry = build(records[0], line) if records else None
        if entry is None:
            untitled.append(line)
        else:
            entries.append(entry)
    if untitled:
        warnings.append(untitled_warning(untitled, "records", "lines"))
    if not entries:
        raise DigestFormatError("this RIS file has no record with a title")
    return Digest(
        format=NAME,
        entries=tuple(entries),
        date=captured_at.date(),
        captured_at=captured_at,
        warnings=tuple(warnings),
    )


def _records(lines: Sequence[str], dialect: _Dialect) -> list[tuple[int, list[str], bool]]:
    """``(first line, lines, ended with ER)`` for each record, in one pass over the file."""
    records: list[tuple[int, list[str], bool]] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(lines, start=1):
        match = dialect.tag.match(line)
        tag = match.group(1) if match else None
        if tag == dialect.start:
            if current is not None and len(current) > 1:
                records.append((start, current, False))
            current, start = [line], number
        elif tag == dialect.end:
            if current is not None:
                records.append((start, current, True))
            current = None
        elif current is not None:
            current.append(line)
    if current is not None and len(current) > 1:
        records.append((start, current, False))
    return records


def _first(record: Mapping[str, Any], *keys: str, limit: int = 100_000) -> str:
    """The first non-empty value among ``keys`` (a list's first item), as clean text."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str) and v.strip()), "")
        text = clean_text(value, limit)
        if text:
            return text
    return ""


def _strings(record: Mapping[str, Any], *keys: str) -> list[str]:
    found: list[str] = []
    for key in keys:
        value = record.get(key)
        items = value if isinstance(value, list) else [value]
        found.extend(item for item in items if isinstance(item, str) and item.strip())
    return found


def _entry(record: Mapping[str, Any], line: int) -> Entry | None:
    title = clean_title(_first(record, "title", "primary_title", "short_title", "translated_title"))
    if not title:
        return None
    urls = [clean_text(url, 2_000) for url in _strings(record, "urls", "link_to_pdf")]
    doi = find_doi(_first(record, "doi", limit=500)) or next(
        (found for url in urls if (found := doi_from_url(url))), None
    )
    notes = _strings(record, "notes", "note", "type_of_work", "accession_number")
    arxiv_id = (
        next((found for url in urls if (found := arxiv_from_url(url))), None)
        or arxiv_from_url(doi or "")
        or next((found for note in notes if (found := arxiv_in_text(note))), None)
    )
    names = [
        inverted_name(clean_text(name, 500))
        for name in _strings(record, "authors", "first_authors")
    ]
    names = [name for name in names if name][:MAX_AUTHORS]
    # One keyword a line, or several on one line split by ";" (Web of Science, EBSCO).
    keywords = [
        clean_text(k, 100) for line in _strings(record, "keywords") for k in line.split(";")
    ]
    url = urls[0] if urls else None
    if url is None and arxiv_id:
        url = f"https://arxiv.org/abs/{arxiv_id}"
    elif url is None and doi:
        url = f"https://doi.org/{doi}"
    journal = _first(record, "secondary_title", "journal_name", "alternate_title3",
                     "alternate_title1", "alternate_title2", limit=500)  # fmt: skip
    return Entry(
        title=title,
        abstract=_first(record, "abstract", "notes_abstract"),
        authors_count=len(names) or None,
        published=_published(record),
        arxiv_id=arxiv_id,
        authors=tuple(names),
        url=url,
        doi=doi,
        categories=arxiv_categories([*notes, *keywords]),
        journal=journal or None,
        line=line,
    )


def _published(record: Mapping[str, Any]) -> date | None:
    """The first readable of ``DA``, ``PY`` and ``Y1``; a fuller date wins over a bare year."""
    found = [
        loose_date(_first(record, key, limit=40)) for key in ("date", "year", "publication_year")
    ]
    dates = [d for d in found if d is not None]
    if not dates:
        return None
    full = [d for d in dates if (d.month, d.day) != (1, 1)]
    return full[0] if full else dates[0]


def _wos_entry(record: Mapping[str, Any], line: int) -> Entry | None:
    """A Web of Science record: ``TI``, ``AF``/``AU``, ``SO``, ``PY`` + ``PD``, ``DI``, ``AB``."""
    title = clean_title(_first(record, "document_title"))
    if not title:
        return None
    doi = find_doi(_first(record, "doi", limit=500))
    names = [
        inverted_name(clean_text(n, 500))
        for n in _strings(record, "author_full_name") or _strings(record, "authors")
    ]
    names = [name for name in names if name][:MAX_AUTHORS]
    journal = _first(record, "publication_name", limit=500)
    if journal.isupper():  # WoS writes sources in capitals: "JOURNAL OF THE MECHANICS …"
        words = journal.lower().split()
        journal = " ".join(
            w if i and w in _SMALL_WORDS else w.capitalize() for i, w in enumerate(words)
        )
    return Entry(
        title=title,
        abstract=_first(record, "abstract"),
        authors_count=len(names) or None,
        published=_wos_date(
            _first(record, "publication_year", limit=10),
            _first(record, "publication_date", limit=40),
        ),
        authors=tuple(names),
        url=f"https://doi.org/{doi}" if doi else None,
        doi=doi,
        journal=journal or None,
        line=line,
    )


def _wos_date(year: str, day: str) -> date | None:
    """``PY 2004`` with ``PD JUN 8`` (or ``JUN``, ``SPR``, ``2004``) as a date."""
    if not (len(year) == 4 and year.isdigit()):
        return loose_date(day)
    words = day.replace("-", " ").split()
    month = _MONTHS.get(words[0][:3].lower()) if words else None
    number = int(words[1]) if month and len(words) > 1 and words[1].isdigit() else None
    return safe_date(int(year), month, number)
