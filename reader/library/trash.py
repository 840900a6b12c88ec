"""Deleting papers with undo: the trash.

:func:`trash_papers` moves papers out of the ``paper`` table into ``trash`` — the whole
row as JSON (every column, the user's status, rating, note and opened-at included), the
names of its tags and its appearances — in one transaction. Nothing in the library's
lists, counts or searches sees a trashed paper, since it is no longer a paper row.
:func:`restore_papers` puts papers back with the ids they had (new papers never take an
id that is in the trash), their tags (re-created if the tag was deleted meanwhile) and
their appearances (those whose digest is still in the import log).
:func:`empty_trash` deletes them for good.

A re-import of a digest that lists a trashed paper leaves it in the trash (the user threw
it away) and records the appearance on its trash row (:mod:`reader.library.ingest`): a
later restore brings it back with that appearance too.

Rows of other tables that point at a paper and are not listed above (an export record,
for instance) are left as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reader.library import paper_ids
from reader.library.errors import LibraryUsageError
from reader.library.merging import doi_key
from reader.library.model import Changes

if TYPE_CHECKING:
    from reader.library.store import Library

_CHUNK = 400
_NOT_RESTORED = frozenset({"tags"})
"""Columns a restore does not copy back: ``paper.tags`` is kept by the tag triggers."""


@dataclass(frozen=True, slots=True)
class TrashedPaper:
    """A paper in the trash: enough to list it and restore it."""

    id: int
    title: str
    trashed_at: datetime
    arxiv_id: str | None
    doi: str | None
    tags: tuple[str, ...]


def trash_papers(library: Library, ids: int | Sequence[int]) -> Changes:
    """Move papers (with their tags, appearances, note, rating, status) to the trash,
    400 per transaction.

    Raises :class:`~reader.library.PaperNotFoundError` (and trashes nothing) if an id is
    no paper.
    """
    from reader.library.store import now_utc, to_iso

    wanted = [ids] if isinstance(ids, int) else list(dict.fromkeys(ids))
    targets = library._existing(wanted)
    now = to_iso(now_utc())
    for start in range(0, len(targets), _CHUNK):
        # One transaction per chunk: the write lock is never held for long, and a failure
        # part-way leaves whole papers in the trash (restorable), never half a paper.
        chunk = targets[start : start + _CHUNK]
        with library.transaction() as conn:
            marks = ",".join("?" * len(chunk))
            cursor = conn.execute(f"SELECT * FROM paper WHERE id IN ({marks})", chunk)
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
            tags: dict[int, list[str]] = {}
            for paper_id, name in conn.execute(
                "SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
                f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
                chunk,
            ):
                tags.setdefault(paper_id, []).append(name)
            appearances: dict[int, list[list[Any]]] = {}
            for paper_id, *values in conn.execute(
                "SELECT paper_id, digest_id, position, comments, upvotes FROM appearance "
                f"WHERE paper_id IN ({marks}) ORDER BY digest_id, position",
                chunk,
            ):
                appearances.setdefault(paper_id, []).append(values)
            conn.executemany(
                "INSERT INTO trash (paper_id, trashed_at, title, title_key, arxiv_id, doi, "
                "row, tags, appearances) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        row["id"],
                        now,
                        row["title"],
                        row["title_key"],
                        row["arxiv_id"],
                        doi_key(row["doi"]),
                        json.dumps(row, ensure_ascii=False),
                        json.dumps(tags.get(row["id"], []), ensure_ascii=False),
                        json.dumps(appearances.get(row["id"], [])),
                    )
                    for row in rows
                ],
            )
            # paper_tag and appearance rows go with the paper (ON DELETE CASCADE).
            conn.execute(f"DELETE FROM paper WHERE id IN ({marks})", chunk)
    return Changes(
        paper_ids=frozenset(targets), tags=True, digests=True, fields=frozenset({"deleted"})
    )


def restore_papers(library: Library, ids: int | Sequence[int]) -> Changes:
    """Put trashed papers back as they were, 400 per transaction.

    Raises :class:`LibraryUsageError` for an id that is not in the trash (and restores
    nothing).
    """
    wanted = [ids] if isinstance(ids, int) else list(dict.fromkeys(ids))
    missing = [i for i in wanted if i not in _in_trash(library.connection, wanted)]
    if missing:
        raise LibraryUsageError(
            f"there is no paper with id {', '.join(map(str, missing[:5]))} in the trash"
        )
    for start in range(0, len(wanted), _CHUNK):
        _restore_chunk(library, wanted[start : start + _CHUNK])
    return Changes(
        paper_ids=frozenset(wanted),
        tags=True,
        digests=True,
        papers_added=True,
        fields=frozenset({"deleted"}),
    )


def _restore_chunk(library: Library, wanted: list[int]) -> None:
    """Restore papers in one transaction (see :func:`restore_papers`).

    The papers go back in one statement (a few, when SQLite's bind limit or rows trashed
    under an older schema split them), in id order, and their tags in one more: each index
    gets one segment for the papers and one per tag name (see
    :func:`~reader.library.connection.many_rows`), not one per paper.
    """
    from reader.library.connection import many_rows

    with library.transaction() as conn:
        found = _in_trash(conn, wanted)
        columns = {c[1] for c in conn.execute("PRAGMA table_info(paper)")} - _NOT_RESTORED
        # Those not found were restored meanwhile by another writer.
        back = sorted(paper_id for paper_id in wanted if paper_id in found)
        rows: dict[int, dict[str, Any]] = {}
        for paper_id in back:
            row = json.loads(found[paper_id][0])
            rows[paper_id] = {k: v for k, v in row.items() if k in columns}
        _refuse_taken_arxiv_ids(conn, [paper_id for paper_id in wanted if paper_id in rows], rows)
        by_columns: dict[tuple[str, ...], list[list[object]]] = {}
        for row in rows.values():
            names = tuple(row)
            by_columns.setdefault(names, []).append([row[n] for n in names])
        for names, values in by_columns.items():
            many_rows(conn, f"INSERT INTO paper ({', '.join(names)}) VALUES {{rows}}", values)
        tagged = [(paper_id, name) for paper_id in back for name in json.loads(found[paper_id][1])]
        conn.executemany(  # the tag table has no full-text index
            "INSERT OR IGNORE INTO tag (name) VALUES (?)",
            [(n,) for n in dict.fromkeys(n for _, n in tagged)],
        )
        many_rows(
            conn,
            "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) "
            "SELECT v.column1, t.id FROM (VALUES {rows}) v "
            "JOIN tag t ON t.name = v.column2 COLLATE NOCASE ORDER BY t.id, v.column1",
            tagged,
        )
        appeared = [(paper_id, json.loads(found[paper_id][2])) for paper_id in back]
        listed = sorted({a[0] for _, apps in appeared for a in apps})
        digests: set[int] = set()
        for start in range(0, len(listed), _CHUNK):
            chunk = listed[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            digests.update(
                r[0] for r in conn.execute(f"SELECT id FROM digest WHERE id IN ({marks})", chunk)
            )
        conn.executemany(
            "INSERT OR IGNORE INTO appearance (digest_id, position, paper_id, comments, "
            "upvotes) VALUES (?, ?, ?, ?, ?)",
            [
                (digest_id, position, paper_id, comments, upvotes)
                for paper_id, apps in appeared
                for digest_id, position, comments, upvotes in apps
                if digest_id in digests
            ],
        )
        _delete(conn, wanted)


def _refuse_taken_arxiv_ids(conn: Any, order: list[int], rows: dict[int, dict[str, Any]]) -> None:
    """Raise :class:`LibraryUsageError` for the first paper (in ``order``) whose arXiv id is
    a paper's in the library again, or another restored paper's."""
    ids = sorted({a for row in rows.values() if (a := row.get("arxiv_id"))})
    taken: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        taken.update(
            r[0]
            for r in conn.execute(f"SELECT arxiv_id FROM paper WHERE arxiv_id IN ({marks})", chunk)
        )
    for paper_id in order:
        arxiv_id = rows[paper_id].get("arxiv_id")
        if arxiv_id and arxiv_id in taken:
            raise LibraryUsageError(
                f"paper {paper_id} cannot be restored: arXiv {arxiv_id} is in the "
                "library again as another paper"
            )
        if arxiv_id:
            taken.add(arxiv_id)


def trashed(library: Library, *, limit: int | None = None) -> list[TrashedPaper]:
    """The papers in the trash, most recently trashed first."""
    from reader.library.store import from_iso, now_utc

    sql = (
        "SELECT paper_id, title, trashed_at, arxiv_id, doi, tags FROM trash "
        "ORDER BY trashed_at DESC, paper_id DESC"
    )
    params: list[object] = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(limit, 0))
    return [
        TrashedPaper(
            id=r[0],
            title=r[1],
            trashed_at=from_iso(r[2]) or now_utc(),
            arxiv_id=r[3],
            doi=r[4],
            tags=tuple(json.loads(r[5])),
        )
        for r in library._query(sql, params)
    ]


def empty_trash(library: Library, ids: Iterable[int] | None = None) -> Changes:
    """Delete papers in the trash for good (all of them, or those in ``ids``)."""
    with library.transaction() as conn:
        if ids is None:
            gone = [r[0] for r in conn.execute("SELECT paper_id FROM trash")]
        else:
            gone = list(_in_trash(conn, list(ids)))
        _delete(conn, gone)
    return Changes(paper_ids=frozenset(gone), fields=frozenset({"deleted"}))


def digest_paper_ids(library: Library, digest_id: int, *, only_there: bool = False) -> list[int]:
    """The papers a digest listed that are in the library now, in the digest's order.

    With ``only_there``, only papers no other digest lists (what deleting a junk digest's
    papers should take). Raises :class:`LibraryUsageError` when there is no such digest.
    Papers in the trash are not listed (they are no papers of the library until restored).
    """
    if not library._query("SELECT 1 FROM digest WHERE id = ?", [digest_id]):
        raise LibraryUsageError(f"there is no digest with id {digest_id}")
    sql = "SELECT paper_id FROM appearance a WHERE digest_id = ?"
    if only_there:
        sql += (
            " AND NOT EXISTS (SELECT 1 FROM appearance o WHERE o.paper_id = a.paper_id "
            "AND o.digest_id != a.digest_id)"
        )
    rows = library._query(f"{sql} ORDER BY position", [digest_id])
    return list(dict.fromkeys(r[0] for r in rows))


def _in_trash(conn: Any, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    found: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for paper_id, row, tags, appearances in conn.execute(
            f"SELECT paper_id, row, tags, appearances FROM trash WHERE paper_id IN ({marks})",
            chunk,
        ):
            found[paper_id] = (row, tags, appearances)
    return found


def _delete(conn: Any, ids: list[int]) -> None:
    if ids:
        paper_ids.raise_mark(conn, max(ids))  # a purged paper's id is never given again
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conn.execute(f"DELETE FROM trash WHERE paper_id IN ({','.join('?' * len(chunk))})", chunk)


__all__ = [
    "TrashedPaper",
    "digest_paper_ids",
    "empty_trash",
    "restore_papers",
    "trash_papers",
    "trashed",
]
