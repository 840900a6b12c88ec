"""What every digest format parses into: a :class:`Digest` holding :class:`Entry` rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper as a digest lists it.

    Only ``title`` is always present. Every other field is ``None`` (or empty) when the
    format does not carry it, so the importer can tell "unknown" from "zero".
    """

    title: str
    abstract: str = ""
    authors_count: int | None = None
    organization: str | None = None
    """The organisation's display name (``IBM Research``)."""
    organization_handle: str | None = None
    """The organisation's short handle on the source site (``ibm-research``)."""
    published: date | None = None
    comments: int | None = None
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    upvotes: int | None = None
    url: str | None = None
    doi: str | None = None
    categories: tuple[str, ...] = ()
    journal: str | None = None
    """The journal or proceedings a reference names (BibTeX, RIS, CSL-JSON, Scholar alerts)."""
    line: int | None = None
    """1-based line of the entry's first line in the source text, for messages."""


@dataclass(frozen=True, slots=True)
class Digest:
    """A parsed digest file: its format, its date and its entries in page order."""

    format: str
    entries: tuple[Entry, ...]
    date: date | None = None
    captured_at: datetime | None = None
    warnings: tuple[str, ...] = field(default=())
    """Problems that did not stop the parse (a truncated last entry, say), for the import log."""
