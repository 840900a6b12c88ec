"""Merging two papers that are the same into one, with undo (:func:`split_papers`).

:func:`merge_papers` folds ``other`` into ``keep`` in one transaction; nothing either of
them had is lost:

- **digests**: every appearance of ``other`` becomes ``keep``'s;
- **tags**: the union;
- **note**: both, ``keep``'s first, joined by :data:`NOTE_SEPARATOR` (one note if they
  are the same or one is empty);
- **rating**: the higher of the two (0 is "not rated", so a rating always beats none);
- **status**: ``keep``'s, unless it is still ``inbox`` and ``other`` was triaged: the
  user's decision beats the default;
- **details** the importer fills (ids, link, journal, date, authors, abstract): ``keep``'s,
  each one it lacks taken from ``other`` (the longer author list, the better abstract);
  the details the user edited, on either paper, stay edited;
- **citation key**: ``keep``'s; ``other``'s is recorded in ``citekey_alias`` as answering
  to ``keep`` (its ``citekey`` row stays, so no other paper is ever given that key).

``other``'s id is never given to a new paper (:mod:`reader.library.paper_ids`): its
citation key, vault note and the undo history keep naming it, and an undo gives it back.

Two papers with different arXiv ids, or different DOIs, are refused: ids are identities
(:mod:`reader.library.merging`). The result holds everything :func:`split_papers` needs to
put both papers back exactly as they were.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.library import merging, paper_ids, schema
from reader.library.connection import many_rows
from reader.library.errors import LibraryUsageError, PaperNotFoundError
from reader.library.model import Changes

if TYPE_CHECKING:
    from reader.library.store import Library

NOTE_SEPARATOR = "\n\n---\n\n"
"""Between the two notes of merged papers (a Markdown rule: Obsidian shows a line)."""
_FILLED = ("arxiv_id", "doi", "url", "journal", "published", "organization", "categories")
_LATEST = ("opened_at", "note_updated_at", "status_changed_at")


@dataclass(frozen=True, slots=True)
class PaperMerge:
    """What :func:`merge_papers` did, and the papers as they were (for :func:`split_papers`)."""

    changes: Changes
    keep: int
    other: int
    keep_row: tuple[tuple[str, Any], ...]
    other_row: tuple[tuple[str, Any], ...]
    keep_tags: tuple[int, ...]
    other_tags: tuple[int, ...]
    moved: tuple[tuple[int, int], ...]
    """The ``(digest_id, position)`` of each appearance moved from ``other`` to ``keep``."""
    keep_edits: tuple[str, ...]
    other_edits: tuple[str, ...]


def merge_papers(library: Library, keep: int, other: int) -> PaperMerge:
    """Fold paper ``other`` into paper ``keep``; see the module docstring for the rules."""
    if keep == other:
        raise LibraryUsageError("a paper cannot be merged with itself; name two papers")
    with library.transaction() as conn:
        rows = {pid: _row(conn, pid) for pid in (keep, other)}
        a, b = rows[keep], rows[other]
        if a["arxiv_id"] and b["arxiv_id"] and a["arxiv_id"] != b["arxiv_id"]:
            raise LibraryUsageError(
                f"papers {keep} and {other} have different arXiv ids "
                f"({a['arxiv_id']}, {b['arxiv_id']}): they are different papers"
            )
        if (da := merging.row_doi(a)) and (db := merging.row_doi(b)) and da != db:
            raise LibraryUsageError(
                f"papers {keep} and {other} have different DOIs ({a['doi']}, {b['doi']}): "
                "they are different papers"
            )
        tags = {pid: _tags(conn, pid) for pid in (keep, other)}
        edits = {pid: _edits(conn, pid) for pid in (keep, other)}
        moved = [
            (int(d), int(p))
            for d, p in conn.execute(
                "SELECT digest_id, position FROM appearance WHERE paper_id = ?", [other]
            )
        ]
        combined = _combined(a, b, edits[keep])
        # The appearances move before ``other`` goes (deleting it would delete them), and
        # it goes before ``keep`` changes: its arXiv id is unique, and ``keep`` may take it.
        conn.execute("UPDATE appearance SET paper_id = ? WHERE paper_id = ?", [keep, other])
        # ``other``'s tags move to ``keep`` as they are: no tag trigger fires (each would
        # write ``keep``'s text to the full-text indexes again, a segment per tag), and
        # ``keep``'s tags text is set once, with its other columns.
        moved_tags = conn.execute(
            "UPDATE paper_tag SET paper_id = ? WHERE paper_id = ? "
            "AND tag_id NOT IN (SELECT tag_id FROM paper_tag WHERE paper_id = ?)",
            [keep, other, keep],
        ).rowcount
        conn.execute("DELETE FROM paper WHERE id = ?", [other])
        paper_ids.raise_mark(conn, other)  # its id is never given to a new paper
        assignments = [f"{column} = ?" for column in combined]
        if moved_tags:
            assignments.append(f"tags = {schema.tags_of('paper.id')}")
        if assignments:
            conn.execute(
                f"UPDATE paper SET {', '.join(assignments)} WHERE id = ?",
                [*combined.values(), keep],
            )
        conn.executemany(
            "INSERT OR IGNORE INTO paper_edit (paper_id, field) VALUES (?, ?)",
            [(keep, name) for name in edits[other]],
        )
        conn.execute("DELETE FROM paper_edit WHERE paper_id = ?", [other])
        alias = conn.execute("SELECT key FROM citekey WHERE paper_id = ?", [other]).fetchone()
        if alias is not None:
            conn.execute(
                "INSERT OR REPLACE INTO citekey_alias (key, paper_id) VALUES (?, ?)",
                [alias[0], keep],
            )
        conn.execute("UPDATE citekey_alias SET paper_id = ? WHERE paper_id = ?", [keep, other])
    return PaperMerge(
        changes=_changes(keep, other),
        keep=keep,
        other=other,
        keep_row=tuple(a.items()),
        other_row=tuple(b.items()),
        keep_tags=tags[keep],
        other_tags=tags[other],
        moved=tuple(moved),
        keep_edits=edits[keep],
        other_edits=edits[other],
    )


def split_papers(library: Library, merge: PaperMerge) -> Changes:
    """Undo ``merge``: both papers back as they were, with their ids, tags and digests."""
    keep_row, other_row = dict(merge.keep_row), dict(merge.other_row)
    with library.transaction() as conn:
        if conn.execute("SELECT 1 FROM paper WHERE id = ?", [merge.other]).fetchone():
            raise LibraryUsageError(f"paper {merge.other} is back already; nothing to split")
        _row(conn, merge.keep)  # still there (raises otherwise)
        writable = _writable(conn)
        columns = [c for c in keep_row if c in writable and c not in {"id", "tags"}]
        conn.execute(
            f"UPDATE paper SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
            [*(keep_row[c] for c in columns), merge.keep],
        )
        inserted = [c for c in other_row if c in writable and c != "tags"]
        conn.execute(
            f"INSERT INTO paper ({', '.join(inserted)}) VALUES ({', '.join('?' * len(inserted))})",
            [other_row[c] for c in inserted],
        )
        conn.executemany(
            "UPDATE appearance SET paper_id = ? WHERE digest_id = ? AND position = ?",
            [(merge.other, digest, position) for digest, position in merge.moved],
        )
        conn.execute("DELETE FROM paper_tag WHERE paper_id = ?", [merge.keep])
        many_rows(  # one statement: a segment per tag, not one per paper and tag
            conn,
            "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) VALUES {rows}",
            sorted(
                [(merge.keep, t) for t in merge.keep_tags]
                + [(merge.other, t) for t in merge.other_tags],
                key=lambda row: (row[1], row[0]),
            ),
        )
        conn.execute("DELETE FROM paper_edit WHERE paper_id IN (?, ?)", [merge.keep, merge.other])
        conn.executemany(
            "INSERT INTO paper_edit (paper_id, field) VALUES (?, ?)",
            [(merge.keep, f) for f in merge.keep_edits]
            + [(merge.other, f) for f in merge.other_edits],
        )
        key = conn.execute("SELECT key FROM citekey WHERE paper_id = ?", [merge.other]).fetchone()
        if key is not None:
            conn.execute("DELETE FROM citekey_alias WHERE key = ?", [key[0]])
    return _changes(merge.keep, merge.other)


def _changes(keep: int, other: int) -> Changes:
    return Changes(
        paper_ids=frozenset({keep, other}),
        tags=True,
        papers_added=False,
        fields=frozenset({"merged", "details", "tags", "note", "rating", "status", "deleted"}),
    )


def _row(conn: sqlite3.Connection, paper_id: int) -> dict[str, Any]:
    cursor = conn.execute("SELECT * FROM paper WHERE id = ?", [paper_id])
    values = cursor.fetchone()
    if values is None:
        raise PaperNotFoundError(f"there is no paper with id {paper_id}")
    return dict(zip([d[0] for d in cursor.description], values, strict=True))


def _writable(conn: sqlite3.Connection) -> set[str]:
    """The paper columns a statement may set (not the generated ones)."""
    return {r[1] for r in conn.execute("PRAGMA table_xinfo(paper)") if r[6] == 0}


def _tags(conn: sqlite3.Connection, paper_id: int) -> tuple[int, ...]:
    return tuple(
        r[0] for r in conn.execute("SELECT tag_id FROM paper_tag WHERE paper_id = ?", [paper_id])
    )


def _edits(conn: sqlite3.Connection, paper_id: int) -> tuple[str, ...]:
    return tuple(
        r[0]
        for r in conn.execute(
            "SELECT field FROM paper_edit WHERE paper_id = ? ORDER BY field", [paper_id]
        )
    )


def _combined(a: dict[str, Any], b: dict[str, Any], keep_edits: tuple[str, ...]) -> dict[str, Any]:
    """The columns of ``a`` (kept) that change when ``b`` is folded into it."""
    protected = {c for name in keep_edits for c in merging.USER_EDITABLE.get(name, ())}
    out: dict[str, Any] = {}
    for column in _FILLED:
        if not a[column] and b[column] and column not in protected:
            out[column] = b[column]
    if "authors" not in protected and b["authors"]:
        mine = json.loads(a["authors"]) if a["authors"] else []
        if merging.better_authors(mine, json.loads(b["authors"])):
            out["authors"] = b["authors"]
    if "authors_count" not in protected and (b["authors_count"] or 0) > (a["authors_count"] or 0):
        out["authors_count"] = b["authors_count"]
    if b["abstract"] and merging.better_abstract(a["abstract"] or "", b["abstract"]):
        out["abstract"] = b["abstract"]
    notes = [n for n in (a["note"], b["note"]) if n and n.strip()]
    if len(notes) == 2 and notes[0].strip() != notes[1].strip():
        out["note"] = notes[0].rstrip() + NOTE_SEPARATOR + notes[1].lstrip()
    elif notes and not (a["note"] or "").strip():
        out["note"] = notes[0]
    if b["rating"] > a["rating"]:
        out["rating"] = b["rating"]
    if a["status"] == "inbox" and b["status"] != "inbox":
        out["status"] = b["status"]
    for column in _LATEST:
        if b[column] and (not a[column] or b[column] > a[column]):
            out[column] = b[column]
    for column in ("comments", "upvotes"):
        if a[column] is None and b[column] is not None:
            out[column] = b[column]
    return out
