"""Writing one parsed digest into the library: one transaction, dedup, user fields untouched."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reader.digests.model import Digest, Entry
from reader.keys import normalise_arxiv_id, normalise_title
from reader.library.model import Changes
from reader.library.store import Library, now_utc, to_iso


@dataclass(frozen=True, slots=True)
class SourceFile:
    """Where a digest's bytes came from: recorded on its import-log row."""

    path: str
    size: int | None
    sha256: str | None
    parser_version: str


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What writing one digest did."""

    digest_id: int
    entries: int
    new: int
    updated: int
    changes: Changes


# Fields the importer owns: filled when missing, never touching the user's fields.
_FILL_IF_MISSING = ("abstract", "authors_count", "organization", "published", "url", "doi")

_EXISTING = (
    "SELECT id, title_key, arxiv_id, abstract, authors_count, organization, published, url, "
    "doi, comments, comments_at, upvotes, authors, categories FROM paper WHERE "
)


def record_digest(library: Library, source: SourceFile, digest: Digest) -> IngestResult | None:
    """Add ``digest`` (read from ``source``) to the library in one transaction.

    Returns ``None`` when the same bytes were imported meanwhile (checked inside the
    transaction, so two importers racing on one file import it once).
    """
    now = to_iso(now_utc())
    captured = to_iso(digest.captured_at) if digest.captured_at else now
    keyed = [(_identity(e), e) for e in digest.entries]
    with library.transaction() as conn:
        if (
            source.sha256 is not None
            and conn.execute(
                "SELECT 1 FROM digest WHERE sha256 = ? AND status = 'imported'", [source.sha256]
            ).fetchone()
        ):
            return None
        digest_id = int(
            conn.execute(
                "INSERT INTO digest (path, size, sha256, format, digest_date, captured_at, "
                "imported_at, status, warnings, parser, entries) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'imported', ?, ?, ?) RETURNING id",
                [
                    source.path,
                    source.size,
                    source.sha256,
                    digest.format,
                    digest.date.isoformat() if digest.date else None,
                    captured,
                    now,
                    json.dumps(list(digest.warnings)) if digest.warnings else None,
                    source.parser_version,
                    len(digest.entries),
                ],
            ).fetchone()[0]
        )
        by_arxiv, by_title = _existing(conn, keyed)
        # Plan first, write after: identities resolve in page order (the first title seen
        # is the paper's title), then new papers are inserted last-listed first, so their
        # ids — the "newest first" order of every list — follow the page, top entry first.
        rows_for: dict[tuple[str | None, str], dict[str, Any]] = {}
        new_rows: list[dict[str, Any]] = []
        dirty: dict[int, dict[str, object]] = {}
        placements: list[tuple[int, dict[str, Any], Entry]] = []
        for position, ((arxiv_id, title_key), entry) in enumerate(keyed, start=1):
            identity = (arxiv_id, title_key)
            row = rows_for.get(identity)
            if row is None:
                row = by_arxiv.get(arxiv_id) if arxiv_id else None
                if row is None:
                    # A title match is the same paper unless both sides carry different ids.
                    row = next(
                        (
                            c
                            for c in by_title.get(title_key, [])
                            if not arxiv_id or not c["arxiv_id"] or c["arxiv_id"] == arxiv_id
                        ),
                        None,
                    )
                if row is None:
                    row = _new_row(entry, arxiv_id, title_key, captured)
                    new_rows.append(row)
                    by_title.setdefault(title_key, []).append(row)
                elif changes := _updates(row, entry, arxiv_id, captured):
                    row.update(changes)
                    if row["id"] is not None:  # in the library already, not planned here
                        dirty.setdefault(row["id"], {}).update(changes)
                # Later entries of this digest must find this paper as it is now: with the
                # id just attached, or as the row just planned.
                if row["arxiv_id"]:
                    by_arxiv[row["arxiv_id"]] = row
                rows_for[identity] = row
            placements.append((position, row, entry))
        for row in reversed(new_rows):
            row["id"] = _insert(conn, row, now)
        for paper_id, changes in dirty.items():
            assignments = ", ".join(f"{column} = ?" for column in changes)
            conn.execute(
                f"UPDATE paper SET {assignments} WHERE id = ?", [*changes.values(), paper_id]
            )
        conn.executemany(
            "INSERT INTO appearance (digest_id, position, paper_id, comments, upvotes) "
            "VALUES (?, ?, ?, ?, ?)",
            [(digest_id, pos, row["id"], e.comments, e.upvotes) for pos, row, e in placements],
        )
        new_ids = {int(row["id"]) for row in new_rows}
        updated_ids = set(dirty)
        conn.execute(
            "UPDATE digest SET new = ?, updated = ? WHERE id = ?",
            [len(new_ids), len(updated_ids), digest_id],
        )
    touched = frozenset(int(row["id"]) for _, row, _ in placements)
    return IngestResult(
        digest_id=digest_id,
        entries=len(digest.entries),
        new=len(new_ids),
        updated=len(updated_ids),
        changes=Changes(paper_ids=touched, digests=True, papers_added=bool(new_ids)),
    )


def record_failure(
    library: Library, source: SourceFile, message: str, *, format_name: str | None = None
) -> int:
    """Log a digest that could not be imported; nothing else changes. Returns its log id."""
    with library.transaction() as conn:
        return int(
            conn.execute(
                "INSERT INTO digest (path, size, sha256, format, imported_at, status, error, parser) "
                "VALUES (?, ?, ?, ?, ?, 'failed', ?, ?) RETURNING id",
                [
                    source.path,
                    source.size,
                    source.sha256,
                    format_name,
                    to_iso(now_utc()),
                    message,
                    source.parser_version,
                ],
            ).fetchone()[0]
        )


def _identity(entry: Entry) -> tuple[str | None, str]:
    arxiv_id = normalise_arxiv_id(entry.arxiv_id) if entry.arxiv_id else None
    return arxiv_id, normalise_title(entry.title)


def _existing(
    conn: Any, keyed: Sequence[tuple[tuple[str | None, str], Entry]]
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    titles = sorted({key[1] for key, _ in keyed})
    arxiv_ids = sorted({key[0] for key, _ in keyed if key[0]})
    rows: list[Any] = []
    for start in range(0, max(len(titles), 1), 400):
        chunk = titles[start : start + 400]
        if chunk:
            rows += conn.execute(
                _EXISTING + f"title_key IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
    for start in range(0, len(arxiv_ids), 400):
        chunk = arxiv_ids[start : start + 400]
        rows += conn.execute(
            _EXISTING + f"arxiv_id IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall()
    names = [c.strip() for c in _EXISTING[7 : _EXISTING.index(" FROM")].split(",")]
    by_arxiv: dict[str, dict[str, Any]] = {}
    by_title: dict[str, list[dict[str, Any]]] = {}
    seen: set[int] = set()
    for raw in rows:
        row = dict(zip(names, raw, strict=True))
        if row["id"] in seen:
            continue
        seen.add(row["id"])
        if row["arxiv_id"]:
            by_arxiv[row["arxiv_id"]] = row
        by_title.setdefault(row["title_key"], []).append(row)
    return by_arxiv, by_title


_INSERT_COLUMNS = (
    "title_key", "arxiv_id", "title", "abstract", "authors_count", "organization", "authors",
    "published", "comments", "comments_at", "upvotes", "url", "doi", "categories",
)  # fmt: skip


def _insert(conn: Any, row: dict[str, Any], now: str) -> int:
    """Write a planned paper row; returns its new id."""
    columns = ", ".join((*_INSERT_COLUMNS, "first_seen"))
    marks = ", ".join("?" * (len(_INSERT_COLUMNS) + 1))
    values = [row[column] for column in _INSERT_COLUMNS]
    return int(
        conn.execute(
            f"INSERT INTO paper ({columns}) VALUES ({marks}) RETURNING id", [*values, now]
        ).fetchone()[0]
    )


def _updates(
    row: dict[str, Any], entry: Entry, arxiv_id: str | None, captured: str
) -> dict[str, object]:
    """The importer-owned fields of ``row`` that ``entry`` fills in or freshens (none of
    the user's fields: those are not even looked at)."""
    updates: dict[str, object] = {}
    incoming: dict[str, object] = {
        "abstract": entry.abstract or None,
        "authors_count": entry.authors_count,
        "organization": entry.organization,
        "published": entry.published.isoformat() if entry.published else None,
        "url": entry.url,
        "doi": entry.doi,
    }
    for column in _FILL_IF_MISSING:
        if incoming[column] is not None and not row[column]:
            updates[column] = incoming[column]
    abstract = entry.abstract.strip()
    if (
        row["abstract"]
        and len(abstract) > len(row["abstract"])
        and abstract.startswith(row["abstract"].strip())
    ):
        updates["abstract"] = abstract  # the first capture was cut short; this one is whole
    if arxiv_id and not row["arxiv_id"]:
        updates["arxiv_id"] = arxiv_id
    if entry.authors and not row["authors"]:
        updates["authors"] = json.dumps(list(entry.authors))
    if entry.categories and not row["categories"]:
        updates["categories"] = json.dumps(list(entry.categories))
    fresher = row["comments_at"] is None or captured >= row["comments_at"]
    if entry.comments is not None and fresher and entry.comments != row["comments"]:
        updates["comments"] = entry.comments
        updates["comments_at"] = captured
    # Upvotes share the comments' capture time; a paper without any takes an older count.
    missing = row["upvotes"] is None
    if entry.upvotes is not None and (fresher or missing) and entry.upvotes != row["upvotes"]:
        updates["upvotes"] = entry.upvotes
    return updates


def _new_row(entry: Entry, arxiv_id: str | None, title_key: str, captured: str) -> dict[str, Any]:
    """A paper to insert (``id`` is ``None`` until it is written), as a lookup row."""
    return {
        "id": None,
        "title": entry.title,
        "title_key": title_key,
        "arxiv_id": arxiv_id,
        "abstract": entry.abstract,
        "authors_count": entry.authors_count,
        "organization": entry.organization,
        "published": entry.published.isoformat() if entry.published else None,
        "url": entry.url,
        "doi": entry.doi,
        "comments": entry.comments,
        "comments_at": captured if entry.comments is not None else None,
        "upvotes": entry.upvotes,
        "authors": json.dumps(list(entry.authors)) if entry.authors else None,
        "categories": json.dumps(list(entry.categories)) if entry.categories else None,
    }
