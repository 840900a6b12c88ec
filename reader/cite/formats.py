"""The four export formats behind one call, and the small texts the window copies.

:func:`citation_records` reads papers from a library (with their citekeys, given now
if they had none); :func:`export_text` writes them in a :class:`CitationFormat`;
:func:`markdown_links` and :func:`pandoc_citation` make ``[Title](url)`` and
``[@key; @key2]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import quote

from reader.cite.bibtex import Dialect, bibliography
from reader.cite.csl import csl_json
from reader.cite.record import CitationRecord, citation_record
from reader.cite.ris import ris

if TYPE_CHECKING:
    from reader.library.store import Library

_LINK_TEXT_SPECIALS = re.compile(r"([\\\[\]*_`<>])")


class CitationFormat(StrEnum):
    """A bibliography file format."""

    BIBTEX = "bibtex"
    BIBLATEX = "biblatex"
    CSL_JSON = "csl-json"
    RIS = "ris"

    @property
    def suffix(self) -> str:
        """The usual file name extension, dot included."""
        return {"bibtex": ".bib", "biblatex": ".bib", "csl-json": ".json", "ris": ".ris"}[
            self.value
        ]


def citation_records(library: Library, ids: Sequence[int]) -> list[CitationRecord]:
    """The citation records of the papers ``ids`` in that order (unknown ids left out)."""
    from reader.library.citekeys import citation_sources

    return [
        citation_record(source, source.citekey or f"paper{source.id}")
        for source in citation_sources(library, ids)
    ]


def export_text(records: Iterable[CitationRecord], fmt: CitationFormat | str) -> str:
    """``records`` as one document in ``fmt`` (``bibtex``, ``biblatex``, ``csl-json``, ``ris``)."""
    kind = CitationFormat(fmt)
    if kind is CitationFormat.BIBTEX:
        return bibliography(records, Dialect.BIBTEX)
    if kind is CitationFormat.BIBLATEX:
        return bibliography(records, Dialect.BIBLATEX)
    if kind is CitationFormat.CSL_JSON:
        return csl_json(records)
    return ris(records)


def link_url(record: CitationRecord) -> str:
    """Where a link to the paper points: arXiv or its URL, its DOI, else a title search."""
    if record.url:
        return record.url
    if record.doi:
        return f"https://doi.org/{record.doi}"
    return f"https://huggingface.co/papers?q={quote(record.title, safe='')}"


def markdown_link(record: CitationRecord) -> str:
    """``[Title](url)`` with the title's Markdown specials escaped."""
    text = _LINK_TEXT_SPECIALS.sub(r"\\\1", record.title) or record.key
    url = quote(link_url(record), safe=":/?#[]@!$&'*+,;=%~.-_")
    return f"[{text}]({url})"


def markdown_links(records: Iterable[CitationRecord]) -> str:
    """One Markdown link per line."""
    return "\n".join(markdown_link(r) for r in records)


def pandoc_citation(records: Iterable[CitationRecord]) -> str:
    """A Pandoc citation of every record: ``[@key]`` or ``[@key1; @key2]``."""
    keys = [f"@{r.key}" for r in records]
    return f"[{'; '.join(keys)}]" if keys else ""
