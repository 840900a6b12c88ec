"""Reading papers: lists and counts of views (planned by :mod:`reader.library.search`),
list rows, whole papers, the sidebar's counts. Rows are read by column name.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence

from reader.library import search
from reader.library.connection import LibraryConnection
from reader.library.errors import PaperNotFoundError
from reader.library.model import Appearance, Paper, PaperRow, SortKey, Status, ViewCounts
from reader.library.rows import chunked, from_iso, now_utc, parse_date, split_tags
from reader.query import PaperFilter, compile_filter

_ROW_COLUMNS = (
    "p.id, p.title, p.rating, p.status, p.tags, p.published, p.first_seen, p.comments, "
    "p.authors_count, p.organization, p.note != '' AS has_note"
)


class PaperReads(LibraryConnection):
    """The read side of the library."""

    def paper_ids(
        self,
        view: PaperFilter | None = None,
        sort: SortKey = SortKey.ADDED,
        *,
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[int]:
        """Ids of the papers in ``view``, in display order (ids break ties).

        ``limit``/``offset`` fetch one page: a list can show its first rows at once and
        load the rest as it scrolls. Unknown values sort first ascending, last descending.
        A page costs about the same whatever the library's size (see
        :mod:`reader.library.search`).
        """
        with self._translated():
            plan = search.plan(self._conn, compile_filter(view or PaperFilter()))
        return search.paper_ids(
            self._conn, self._query, plan, SortKey(sort), descending, limit, offset
        )

    def count(self, view: PaperFilter | None = None) -> int:
        """How many papers ``view`` holds (exact)."""
        with self._translated():
            plan = search.plan(self._conn, compile_filter(view or PaperFilter()))
        return search.count(self._query, plan)

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        """The list rows for ``ids``, in the order given; unknown ids are left out."""
        found: dict[int, PaperRow] = {}
        for chunk, marks in chunked(ids):
            for r in self._records(
                f"SELECT {_ROW_COLUMNS} FROM paper p WHERE p.id IN ({marks})", chunk
            ):
                found[r["id"]] = PaperRow(
                    id=r["id"],
                    title=r["title"],
                    rating=r["rating"],
                    status=Status(r["status"]),
                    tags=split_tags(r["tags"]),
                    published=parse_date(r["published"]),
                    first_seen=from_iso(r["first_seen"]) or now_utc(),
                    comments=r["comments"],
                    authors_count=r["authors_count"],
                    organization=r["organization"],
                    has_note=bool(r["has_note"]),
                )
        return [found[i] for i in ids if i in found]

    def paper(self, paper_id: int) -> Paper:
        """Everything about one paper. Raises :class:`PaperNotFoundError`."""
        papers = self.papers_by_id([paper_id])
        if not papers:
            raise PaperNotFoundError(f"there is no paper with id {paper_id}")
        return papers[0]

    def papers_by_id(self, ids: Sequence[int], *, with_appearances: bool = True) -> list[Paper]:
        """Full papers for ``ids`` in the order given; unknown ids are left out."""
        result: dict[int, Paper] = {}
        for chunk, marks in chunked(ids):
            appearances: dict[int, list[Appearance]] = {}
            if with_appearances:
                for a in self._query(
                    "SELECT a.paper_id, d.id, d.path, d.digest_date, a.position, a.comments "
                    "FROM appearance a JOIN digest d ON d.id = a.digest_id "
                    f"WHERE a.paper_id IN ({marks}) ORDER BY d.digest_date, d.id",
                    chunk,
                ):
                    appearances.setdefault(a[0], []).append(
                        Appearance(a[1], a[2], parse_date(a[3]), a[4], a[5])
                    )
            for r in self._records(f"SELECT * FROM paper p WHERE p.id IN ({marks})", chunk):
                result[r["id"]] = self._paper_from_row(r, tuple(appearances.get(r["id"], ())))
        return [result[i] for i in ids if i in result]

    def papers(
        self,
        view: PaperFilter | None = None,
        sort: SortKey = SortKey.ADDED,
        *,
        descending: bool = True,
    ) -> Iterator[Paper]:
        """Every paper in ``view`` with all its fields, streamed in batches."""
        ids = self.paper_ids(view, sort, descending=descending)
        for chunk, _ in chunked(ids):
            yield from self.papers_by_id(chunk)

    @staticmethod
    def _paper_from_row(v: sqlite3.Row, appearances: tuple[Appearance, ...]) -> Paper:
        return Paper(
            id=v["id"],
            key=f"arxiv:{v['arxiv_id']}" if v["arxiv_id"] else f"title:{v['title_key']}",
            title=v["title"],
            abstract=v["abstract"],
            authors_count=v["authors_count"],
            organization=v["organization"],
            published=parse_date(v["published"]),
            comments=v["comments"],
            arxiv_id=v["arxiv_id"],
            authors=tuple(json.loads(v["authors"])) if v["authors"] else (),
            upvotes=v["upvotes"],
            url=v["url"],
            doi=v["doi"],
            categories=tuple(json.loads(v["categories"])) if v["categories"] else (),
            first_seen=from_iso(v["first_seen"]) or now_utc(),
            status=Status(v["status"]),
            rating=v["rating"],
            note=v["note"],
            note_updated_at=from_iso(v["note_updated_at"]),
            opened_at=from_iso(v["opened_at"]),
            tags=split_tags(v["tags"]),
            appearances=appearances,
        )

    def view_counts(self) -> ViewCounts:
        """Counts for the sidebar in one query: per status, all papers, rated 4–5."""
        by_status = dict.fromkeys(Status, 0)
        for status, n in self._query("SELECT status, count(*) FROM paper GROUP BY status"):
            by_status[Status(status)] = n
        rated = self._query("SELECT count(*) FROM paper WHERE rating >= 4")[0][0]
        return ViewCounts(by_status=by_status, all=sum(by_status.values()), rated=rated)
