"""RIS, the tagged format Zotero, JabRef, EndNote and Mendeley all import (written by rispy).

Preprints are ``UNPB`` (unpublished work) with the server as ``PB`` and, for arXiv papers,
``AN  - arXiv:<id>`` (Zotero's "Archive ID"); journal articles are ``JOUR`` with the journal as ``JO`` and ``T2``. ``ID`` is the
citekey. Authors are ``Family, Given`` (``Family, Given, Jr.``); a paper known only by a
count of authors has no ``AU`` and says so in ``N1``. Values are one line each: line
breaks and control characters become spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import rispy

from reader.cite.names import Name
from reader.cite.record import CitationRecord, Kind


class _PlainRisWriter(rispy.RisWriter):
    """rispy's writer without its ``1.``, ``2.`` counter line before each reference, which
    is no RIS tag (some importers stop at it)."""

    def set_header(self, count: int) -> str:
        return ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


def _line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _author(name: Name) -> str:
    if name.literal or not name.given:
        return _line(name.family if not name.literal else name.last)
    parts = [name.family, name.given] + ([name.jr] if name.jr else [])
    return _line(", ".join(parts))


def ris_reference(record: CitationRecord) -> dict[str, Any]:
    """One reference as rispy's dictionary (its long field names)."""
    ref: dict[str, Any] = {
        "type_of_reference": "JOUR" if record.kind is Kind.ARTICLE else "UNPB",
        "id": record.key,
        "title": _line(record.title),
    }
    if record.journal:
        ref["journal_name"] = ref["secondary_title"] = _line(record.journal)  # JO and T2
    if record.authors:
        ref["authors"] = [_author(n) for n in record.authors]
    if record.published is not None:
        p = record.published
        ref["year"] = str(p.year)
        ref["date"] = f"{p.year:04d}/{p.month:02d}/{p.day:02d}"
    if record.kind is Kind.PREPRINT and record.server:
        ref["publisher"] = record.server
    if record.arxiv_id:
        ref["accession_number"] = f"arXiv:{record.arxiv_id}"
    if record.doi:
        ref["doi"] = _line(record.doi)
    if record.url:
        ref["urls"] = [_line(record.url)]
    if record.keywords:
        ref["keywords"] = [_line(k) for k in record.keywords]
    if record.authors_note:
        ref["notes"] = [_line(record.authors_note)]
    if record.abstract:
        ref["abstract"] = _line(record.abstract)
    return ref


def ris(records: Iterable[CitationRecord]) -> str:
    """A RIS document holding ``records``."""
    references = [ris_reference(r) for r in records]
    if not references:
        return ""
    return str(rispy.dumps(references, implementation=_PlainRisWriter))
