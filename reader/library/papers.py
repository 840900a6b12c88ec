"""Reading papers: ids of a view in display order, counts, list rows and whole papers.

Rows are read by column name from :class:`sqlite3.Row`, never by position, so a column
added by a later migration cannot shift what a field reads. Searches and views are
planned by :mod:`reader.library.search`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from reader.library import schema, search, search_count
from reader.library.connection import Connection, chunks, from_iso, now_utc
from reader.library.errors import PaperNotFoundError
from reader.library.model import Appearance, Paper, PaperRow, SortKey, Status, ViewCounts
from reader.query import PaperFilter, compile_filter

SURROGATES = re.compile("[\ud800-\udfff]")
"""A lone surrogate: text that is not valid Unicode (it cannot be stored as UTF-8)."""

_ROW_COLUMNS = (
    "id, title, rating, status, tags, published, first_seen, comments, authors_count, "
    "organization, note != '' AS has_note"
)


def json_texts(text: str | None) -> tuple[str, ...]:
    """A stored JSON list of names; a lone surrogate (``"\ud800"``) reads as U+FFFD."""
    if not text:
        return ()
    try:
        items = json.loads(text)
    except ValueError:
        return ()
    return tuple(SURROGATES.sub("\ufffd", str(item)) for item in items)


def stored_date(text: str | None) -> date | None:
    """A stored ISO date back as a :class:`date`."""
    return date.fromisoformat(text) if text else None


def split_tags(text: str) -> tuple[str, ...]:
    """The tag names of ``paper.tags`` (joined with :data:`schema.TAG_SEPARATOR`)."""
    return tuple(text.split(schema.TAG_SEPARATOR)) if text else ()


def paper_ids(
    library: Connection,
    view: PaperFilter | None,
    sort: SortKey,
    descending: bool,
    limit: int | None,
    offset: int,
) -> list[int]:
    """Ids of the papers in ``view`` in display order (see :meth:`Library.paper_ids`)."""
    conn = library.connection
    with library._translated():
        plan = search.plan(conn, compile_filter(view or PaperFilter()))
    return search.paper_ids(conn, library._query, plan, SortKey(sort), descending, limit, offset)


def count(library: Connection, view: PaperFilter | None) -> int:
    """How many papers ``view`` holds (exact)."""
    with library._translated():
        compiled = compile_filter(view or PaperFilter())
        plan = search.plan(library.connection, compiled)
    return search_count.count(library.connection, library._query, plan, compiled)


def rows(library: Connection, ids: Sequence[int]) -> list[PaperRow]:
    """The list rows for ``ids``, in the order given; unknown ids are left out."""
    found: dict[int, PaperRow] = {}
    for chunk, marks in chunks(ids):
        for r in library._records(
            f"SELECT {_ROW_COLUMNS} FROM paper p WHERE p.id IN ({marks})", chunk
        ):
            found[r["id"]] = PaperRow(
                id=r["id"],
                title=r["title"],
                rating=r["rating"],
                status=Status(r["status"]),
                tags=split_tags(r["tags"]),
                published=stored_date(r["published"]),
                first_seen=from_iso(r["first_seen"]) or now_utc(),
                comments=r["comments"],
                authors_count=r["authors_count"],
                organization=r["organization"],
                has_note=bool(r["has_note"]),
            )
    return [found[i] for i in ids if i in found]


def papers_by_id(library: Connection, ids: Sequence[int], with_appearances: bool) -> list[Paper]:
    """Full papers for ``ids`` in the order given; unknown ids are left out."""
    result: dict[int, Paper] = {}
    for chunk, marks in chunks(ids):
        appearances: dict[int, list[Appearance]] = {}
        if with_appearances:
            for a in library._records(
                "SELECT a.paper_id, d.id AS digest_id, d.path, d.digest_date, a.position, "
                "a.comments FROM appearance a JOIN digest d ON d.id = a.digest_id "
                f"WHERE a.paper_id IN ({marks}) ORDER BY d.digest_date, d.id",
                chunk,
            ):
                appearances.setdefault(a["paper_id"], []).append(
                    Appearance(
                        a["digest_id"],
                        a["path"],
                        stored_date(a["digest_date"]),
                        a["position"],
                        a["comments"],
                    )
                )
        keys = dict(
            library._query(f"SELECT paper_id, key FROM citekey WHERE paper_id IN ({marks})", chunk)
        )
        for r in library._records(f"SELECT * FROM paper WHERE id IN ({marks})", chunk):
            result[r["id"]] = paper_from_row(
                r, tuple(appearances.get(r["id"], ())), keys.get(r["id"])
            )
    return [result[i] for i in ids if i in result]


def paper_from_row(
    v: sqlite3.Row, appearances: tuple[Appearance, ...], citekey: str | None = None
) -> Paper:
    """A paper from its row, read by column name (the row may carry more columns)."""
    return Paper(
        id=v["id"],
        key=f"arxiv:{v['arxiv_id']}" if v["arxiv_id"] else f"title:{v['title_key']}",
        title=v["title"],
        abstract=v["abstract"],
        authors_count=v["authors_count"],
        organization=v["organization"],
        published=stored_date(v["published"]),
        comments=v["comments"],
        arxiv_id=v["arxiv_id"],
        authors=json_texts(v["authors"]),
        upvotes=v["upvotes"],
        url=v["url"],
        doi=v["doi"],
        categories=json_texts(v["categories"]),
        first_seen=from_iso(v["first_seen"]) or now_utc(),
        status=Status(v["status"]),
        rating=v["rating"],
        note=v["note"],
        note_updated_at=from_iso(v["note_updated_at"]),
        opened_at=from_iso(v["opened_at"]),
        tags=split_tags(v["tags"]),
        appearances=appearances,
        citekey=citekey,
        journal=v["journal"],
    )


def view_counts(library: Connection) -> ViewCounts:
    """Counts for the sidebar: per status, all papers, rated 4–5."""
    by_status = dict.fromkeys(Status, 0)
    for status, n in library._query("SELECT status, count(*) FROM paper GROUP BY status"):
        by_status[Status(status)] = n
    rated = library._query("SELECT count(*) FROM paper WHERE rating >= 4")[0][0]
    return ViewCounts(by_status=by_status, all=sum(by_status.values()), rated=rated)


def existing(library: Connection, ids: Iterable[int]) -> list[int]:
    """``ids`` sorted, without repeats; raises :class:`PaperNotFoundError` if one is unknown."""
    wanted = sorted(set(ids))
    found: list[int] = []
    for chunk, marks in chunks(wanted):
        found.extend(
            r[0] for r in library._query(f"SELECT id FROM paper WHERE id IN ({marks})", chunk)
        )
    if len(found) != len(wanted):  # (two more sets of 100,000 ids only when one is unknown:
        # each is milliseconds the writer holds the interpreter lock, and the window waits)
        missing = sorted(set(wanted).difference(found))
        raise PaperNotFoundError(
            f"there is no paper with id {', '.join(str(i) for i in missing[:5])}"
        )
    return found


def grouped_by(library: Connection, ids: Sequence[int], field: str) -> dict[Any, list[int]]:
    """The papers ``ids`` grouped by their current ``"rating"`` or ``"status"`` (in SQL)."""
    column = {"rating": "rating", "status": "status"}[field]
    groups: dict[Any, list[int]] = {}
    for chunk, marks in chunks(ids, 5000):
        for value, joined in library._query(
            f"SELECT {column}, group_concat(id) FROM paper WHERE id IN ({marks}) GROUP BY {column}",
            chunk,
        ):
            groups.setdefault(value, []).extend(map(int, joined.split(",")))
    return groups


def stats(library: Connection) -> dict[str, int]:
    """Row counts of the main tables (for ``check``, benchmarks and the About box)."""
    return {
        table: int(library._query(f"SELECT count(*) FROM {table}")[0][0])
        for table in ("paper", "tag", "paper_tag", "digest", "appearance")
    }
