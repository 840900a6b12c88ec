"""What a citation is made from: a paper's bibliographic facts, read once for every format.

:func:`citation_record` turns a :class:`~reader.library.Paper` into a
:class:`CitationRecord`: its kind (an arXiv or other preprint, or a journal article),
the bare arXiv id and primary class, the DOI to cite (the journal's when known, else
arXiv's own ``10.48550/arXiv.<id>``), the journal (a journal or a journal DOI makes
an article), the authors split into parts, and a note that
says what is missing when a digest gave only a count of authors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit

from reader.cite.names import Name, split_name


class Citable(Protocol):
    """What a citation is made from: a :class:`~reader.library.Paper`, or the lighter
    :class:`~reader.library.citekeys.CitationSource` read in bulk."""

    @property
    def title(self) -> str: ...
    @property
    def abstract(self) -> str: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def authors_count(self) -> int | None: ...
    @property
    def organization(self) -> str | None: ...
    @property
    def published(self) -> date | None: ...
    @property
    def arxiv_id(self) -> str | None: ...
    @property
    def doi(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def categories(self) -> tuple[str, ...]: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def journal(self) -> str | None: ...


# Registrant prefixes of DOIs that name a preprint, not a journal article.
PREPRINT_DOI_PREFIXES = {
    "10.48550": "arXiv",
    "10.1101": "bioRxiv",
    "10.21203": "Research Square",
    "10.20944": "Preprints.org",
    "10.31219": "OSF Preprints",
    "10.31234": "PsyArXiv",
    "10.31235": "SocArXiv",
    "10.2139": "SSRN",
    "10.26434": "ChemRxiv",
    "10.36227": "TechRxiv",
    "10.22541": "Authorea",
}
_SERVER_HOSTS = {
    "arxiv.org": "arXiv",
    "biorxiv.org": "bioRxiv",
    "medrxiv.org": "medRxiv",
    "chemrxiv.org": "ChemRxiv",
    "ssrn.com": "SSRN",
    "osf.io": "OSF Preprints",
    "researchsquare.com": "Research Square",
}
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_ARXIV_CATEGORY = re.compile(r"^[a-z-]+(?:\.[A-Za-z-]+)?$")


class Kind(StrEnum):
    """What sort of work a paper is, for the entry type of each format."""

    PREPRINT = "preprint"
    ARTICLE = "article"


@dataclass(frozen=True, slots=True)
class CitationRecord:
    """One paper's facts as every citation format needs them."""

    key: str
    kind: Kind
    title: str
    authors: tuple[Name, ...]
    authors_note: str | None
    """Why there is no author list (``5 authors; names not recorded``), when there is none."""
    published: date | None
    arxiv_id: str | None
    primary_class: str | None
    doi: str | None
    """The DOI to cite: the journal's, or for an arXiv paper arXiv's own."""
    url: str | None
    server: str | None
    """The preprint server (``arXiv``, ``bioRxiv``) when the paper is a preprint on one."""
    abstract: str
    keywords: tuple[str, ...]
    journal: str | None = None
    """The journal or proceedings the paper is in, when known (it makes an article)."""

    @property
    def year(self) -> int | None:
        """The publication year, when known."""
        return self.published.year if self.published else None


def clean_doi(text: str | None) -> str | None:
    """A bare DOI (``10.1000/xyz``) from ``doi:…`` or ``https://doi.org/…``, else ``None``."""
    if not text:
        return None
    match = _DOI.search(text.strip())
    return match.group().rstrip(".,;") if match else None


def _server(url: str | None, doi: str | None) -> str | None:
    if url:
        host = urlsplit(url).hostname or ""
        for known, name in _SERVER_HOSTS.items():
            if host == known or host.endswith("." + known):
                return name
    if doi:
        return PREPRINT_DOI_PREFIXES.get(doi.split("/", 1)[0])
    return None


def _authors_note(paper: Citable) -> str | None:
    count = paper.authors_count
    who = f"{count} author{'s' if count != 1 else ''}" if count else None
    if paper.organization:
        return f"{who + ', ' if who else ''}{paper.organization}; author names not recorded"
    if who:
        return f"{who}; names not recorded"
    return "authors not recorded"


def citation_record(paper: Citable, key: str) -> CitationRecord:
    """The citation facts of ``paper``, cited as ``key``."""
    authors = tuple(n for n in (split_name(a) for a in paper.authors) if n.last)
    doi = clean_doi(paper.doi)
    journal_doi = doi if doi and doi.split("/", 1)[0] not in PREPRINT_DOI_PREFIXES else None
    cite_doi: str | None
    url: str | None
    server: str | None
    if paper.arxiv_id:
        server = "arXiv"  # whatever its URL or DOI say (no need to parse them)
        cite_doi = journal_doi or f"10.48550/arXiv.{paper.arxiv_id}"
        url = f"https://arxiv.org/abs/{paper.arxiv_id}"
    else:
        server = _server(paper.url, doi)
        cite_doi = doi
        url = paper.url
    journal = " ".join(paper.journal.split()) if paper.journal else None
    primary = (
        next((c for c in paper.categories if _ARXIV_CATEGORY.match(c)), None)
        if paper.arxiv_id
        else None
    )
    return CitationRecord(
        key=key,
        kind=Kind.ARTICLE if journal_doi or journal else Kind.PREPRINT,
        title=" ".join(paper.title.split()),
        authors=authors,
        authors_note=None if authors else _authors_note(paper),
        published=paper.published,
        arxiv_id=paper.arxiv_id,
        primary_class=primary,
        doi=cite_doi,
        url=url,
        server=server,
        abstract=paper.abstract.strip(),
        keywords=paper.tags,
        journal=journal,
    )
