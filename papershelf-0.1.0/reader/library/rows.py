"""What the library's modules share: stored timestamps and dates, tag lists, id chunks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime

from reader.library import schema

CHUNK = 500
"""Ids per ``IN (…)`` list: well under SQLite's limit on bound parameters."""


def now_utc() -> datetime:
    """The current time, timezone-aware, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def to_iso(moment: datetime) -> str:
    """A timestamp as stored: ISO 8601 in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str | None) -> datetime | None:
    """A stored timestamp back as an aware datetime."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def parse_date(text: str | None) -> date | None:
    """A stored ISO date back as a :class:`date`."""
    return date.fromisoformat(text) if text else None


def split_tags(text: str) -> tuple[str, ...]:
    """``paper.tags`` (separator-joined names) as a tuple."""
    return tuple(text.split(schema.TAG_SEPARATOR)) if text else ()


def chunked(ids: Sequence[int]) -> Iterator[tuple[list[int], str]]:
    """``ids`` in chunks of :data:`CHUNK`, each with its ``?,?,…`` placeholders."""
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        yield chunk, ",".join("?" * len(chunk))


def as_ids(ids: int | Sequence[int]) -> list[int]:
    """One id or many, as a list."""
    if isinstance(ids, int):
        return [ids]
    return list(ids)
