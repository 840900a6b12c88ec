"""The records the library hands out. Plain frozen dataclasses: safe to pass between threads."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from reader.status import Status


class SortKey(StrEnum):
    """Columns a paper list can be ordered by."""

    TITLE = "title"
    RATING = "rating"
    TAGS = "tags"
    PUBLISHED = "published"
    ADDED = "added"
    COMMENTS = "comments"
    STATUS = "status"
    INTEREST = "interest"
    """The reader's interest score (:mod:`reader.ranking`); unscored papers sort last."""
    AUTHORS = "authors"
    """The first author's family name, ignoring (ASCII) case. Papers with no known names
    sort as the lowest value, like an unknown date: first ascending, last descending."""
    UPVOTES = "upvotes"
    """The upvotes a digest gave (unknown sorts lowest)."""
    ARXIV = "arxiv"
    """The arXiv id, as text (papers without one sort lowest)."""


@dataclass(frozen=True, slots=True)
class PaperRow:
    """The light columns of a paper, enough for one row of a list (no abstract, no note)."""

    id: int
    title: str
    rating: int
    status: Status
    tags: tuple[str, ...]
    published: date | None
    first_seen: datetime
    comments: int | None
    authors_count: int | None
    organization: str | None
    has_note: bool


@dataclass(frozen=True, slots=True)
class Appearance:
    """One time a paper appeared in a digest: the digest, the entry's place and figures."""

    digest_id: int
    digest_path: str
    digest_date: date | None
    position: int
    comments: int | None


@dataclass(frozen=True, slots=True)
class Paper:
    """Everything the library knows about one paper, the user's fields included."""

    id: int
    key: str
    title: str
    abstract: str
    authors_count: int | None
    organization: str | None
    published: date | None
    comments: int | None
    arxiv_id: str | None
    authors: tuple[str, ...]
    upvotes: int | None
    url: str | None
    doi: str | None
    categories: tuple[str, ...]
    first_seen: datetime
    status: Status
    rating: int
    note: str
    note_updated_at: datetime | None
    opened_at: datetime | None
    tags: tuple[str, ...]
    appearances: tuple[Appearance, ...] = ()
    citekey: str | None = None
    """The paper's citation key (``vaswaniAttentionAllYou2017``); see :mod:`reader.cite`."""
    journal: str | None = None
    """The journal or proceedings the paper is in, when a source named one."""


@dataclass(frozen=True, slots=True)
class TagCount:
    """A tag and how many papers carry it."""

    id: int
    name: str
    count: int


class DigestStatus(StrEnum):
    """Outcome of importing one version of a digest file."""

    IMPORTED = "imported"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DigestRecord:
    """One row of the import log: one imported (or failed) version of a digest file."""

    id: int
    path: str
    size: int | None
    sha256: str | None
    format: str | None
    digest_date: date | None
    captured_at: datetime | None
    imported_at: datetime
    status: DigestStatus
    error: str | None
    entries: int
    new: int
    updated: int
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The file's name without its folder."""
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


FIELDS = frozenset(
    {
        "status",
        "rating",
        "tags",
        "note",
        "opened",
        "imported",
        "deleted",
        "citekey",
        "interest",
        "details",
        "merged",
    }
)
"""The field names :attr:`Changes.fields` uses (others may be added by later parts)."""


@dataclass(frozen=True, slots=True)
class Changes:
    """What a write changed, so views refresh only that (Anki's ``OpChanges``).

    ``paper_ids`` are the papers whose rows changed and ``fields`` which of their fields
    (``"status"``, ``"rating"``, ``"tags"``, ``"note"``, ``"opened"``, ``"imported"`` for
    what an import refreshes, ``"deleted"``…; see :data:`FIELDS`). ``tags`` says the tag
    list itself changed (a tag created, renamed, merged or deleted, or counts moved),
    ``digests`` the import log, ``papers_added`` that papers appeared, ``views`` the saved views or import rules.

    ``every_paper`` says ``fields`` may have changed for every paper, and ``paper_ids`` is
    then empty: a refit rescores a million papers, and a set of a million ids costs the
    window's process tens of milliseconds of interpreter lock to build and its subscribers
    as much again to test (views re-read only what they show). Ask :meth:`concerns` or
    :meth:`concerns_any` rather than testing ``paper_ids`` for a paper.
    """

    paper_ids: frozenset[int] = frozenset()
    tags: bool = False
    digests: bool = False
    papers_added: bool = False
    fields: frozenset[str] = frozenset()
    views: bool = False
    """The saved views or the import rules changed (the sidebar and the Rules dialog)."""
    every_paper: bool = False
    """``fields`` may have changed for every paper (``paper_ids`` is then empty)."""

    def __or__(self, other: Changes) -> Changes:
        every = self.every_paper or other.every_paper
        return Changes(
            frozenset() if every else self.paper_ids | other.paper_ids,
            self.tags or other.tags,
            self.digests or other.digests,
            self.papers_added or other.papers_added,
            self.fields | other.fields,
            self.views or other.views,
            every,
        )

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not (
            self.paper_ids
            or self.every_paper
            or self.tags
            or self.digests
            or self.papers_added
            or self.views
        )

    def concerns(self, paper_id: int) -> bool:
        """Whether the paper ``paper_id`` may have changed."""
        return self.every_paper or paper_id in self.paper_ids

    def concerns_any(self, paper_ids: Collection[int]) -> bool:
        """Whether any of ``paper_ids`` may have changed."""
        if not paper_ids:
            return False
        return self.every_paper or not self.paper_ids.isdisjoint(paper_ids)

    def touches(self, *fields: str) -> bool:
        """Whether any of ``fields`` may have changed.

        Papers added count as every field changing, and so do papers changed by a write
        that does not say which fields (a writer that predates ``fields``).
        """
        if self.papers_added or ((self.paper_ids or self.every_paper) and not self.fields):
            return True
        return not self.fields.isdisjoint(fields)


@dataclass(frozen=True, slots=True)
class ViewCounts:
    """Counts for the sidebar: papers per status, all, rated, and per tag."""

    by_status: dict[Status, int] = field(default_factory=dict)
    all: int = 0
    rated: int = 0
