"""Tags: names, counts, tagging papers, renaming, merging and deleting tags.

Tag names are case-insensitively unique; ``paper.tags`` (the sorted copy used for sorting
and search) is kept in step by triggers on ``paper_tag`` (see :mod:`reader.library.schema`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from reader.library.connection import Connection
from reader.library.errors import LibraryUsageError, TagNotFoundError
from reader.library.model import Changes, TagCount
from reader.library.papers import SURROGATES, existing

MAX_TAG_LENGTH = 64

_TAGS = frozenset({"tags"})


def clean_tag_name(name: str) -> str:
    """A tag name as stored: trimmed, inner whitespace collapsed, a leading ``#`` dropped.

    Raises :class:`LibraryUsageError` for an empty or over-long name, or one with a comma
    or control characters.
    """
    cleaned = " ".join(name.split()).lstrip("#").strip()
    if SURROGATES.search(cleaned):
        raise LibraryUsageError("a tag name must be valid text (it holds a lone surrogate)")
    if not cleaned:
        raise LibraryUsageError("a tag name cannot be empty")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise LibraryUsageError(f"a tag name can be at most {MAX_TAG_LENGTH} characters")
    if "," in cleaned:
        raise LibraryUsageError(f"the tag name {cleaned!r} cannot contain commas")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in cleaned):
        raise LibraryUsageError(f"the tag name {cleaned!r} cannot contain control characters")
    return cleaned


def tag_counts(library: Connection) -> list[TagCount]:
    """Every tag with its paper count, by name."""
    return [
        TagCount(r["id"], r["name"], r["papers"])
        for r in library._records(
            # Each count is one range of paper_tag_by_tag (no join, no grouping).
            "SELECT t.id, t.name, "
            "(SELECT count(*) FROM paper_tag pt WHERE pt.tag_id = t.id) AS papers "
            "FROM tag t ORDER BY t.name COLLATE NOCASE"
        )
    ]


def _tag_id(conn: sqlite3.Connection, name: str, *, create: bool) -> int | None:
    row = conn.execute("SELECT id FROM tag WHERE name = ? COLLATE NOCASE", [name]).fetchone()
    if row is not None:
        return int(row[0])
    if not create:
        return None
    return int(conn.execute("INSERT INTO tag (name) VALUES (?) RETURNING id", [name]).fetchone()[0])


def _papers_of(conn: sqlite3.Connection, tag_id: int) -> set[int]:
    return {r[0] for r in conn.execute("SELECT paper_id FROM paper_tag WHERE tag_id = ?", [tag_id])}


_ONE_STATEMENT = " RETURNING paper_id"
"""Tags go on (and off) many papers in one statement per tag, papers in id order.

Each tagging rewrites the paper's text in both full-text indexes (``paper.tags`` is
indexed), and FTS5 writes what it holds in memory to a new segment at every statement's
savepoint (and whenever a paper comes before the last one written): a statement per
paper made a segment per paper, and tagging 10,000 papers left 10,000 segments to merge.
"""


def _id_list(ids: Iterable[int]) -> str:
    """Paper ids as a JSON array, ascending (for ``json_each``)."""
    return json.dumps(sorted({int(i) for i in ids}))


def add_tags(library: Connection, ids: Sequence[int], names: Iterable[str]) -> Changes:
    """Tag papers; tags are created on first use."""
    cleaned = list(dict.fromkeys(clean_tag_name(n) for n in names))
    targets = existing(library, ids)
    changed: set[int] = set()
    with library.transaction() as conn:
        for name in cleaned:
            tag_id = _tag_id(conn, name, create=True)
            changed.update(
                r[0]
                for r in conn.execute(
                    "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) "
                    f"SELECT value, ? FROM json_each(?) ORDER BY value{_ONE_STATEMENT}",
                    [tag_id, _id_list(targets)],
                )
            )
    return Changes(paper_ids=frozenset(changed), tags=bool(cleaned), fields=_TAGS)


def remove_tags(library: Connection, ids: Sequence[int], names: Iterable[str]) -> Changes:
    """Take tags off papers. The tag itself stays (with its remaining papers)."""
    cleaned = list(dict.fromkeys(clean_tag_name(n) for n in names))
    targets = existing(library, ids)
    changed: set[int] = set()
    with library.transaction() as conn:
        for name in cleaned:
            tag_id = _tag_id(conn, name, create=False)
            if tag_id is None:
                continue
            changed.update(
                r[0]
                for r in conn.execute(
                    "DELETE FROM paper_tag WHERE tag_id = ? AND paper_id IN "
                    f"(SELECT value FROM json_each(?)){_ONE_STATEMENT}",
                    [tag_id, _id_list(targets)],
                )
            )
    return Changes(paper_ids=frozenset(changed), tags=bool(changed), fields=_TAGS)


def set_tags(
    library: Connection, paper_id: int, current: Iterable[str], names: Iterable[str]
) -> Changes:
    """Make ``names`` exactly the tags of a paper that has the tags ``current``."""
    wanted = {clean_tag_name(n).casefold(): clean_tag_name(n) for n in names}
    have = {t.casefold(): t for t in current}
    changes = Changes()
    remove = [have[k] for k in have if k not in wanted]
    add = [wanted[k] for k in wanted if k not in have]
    if remove:
        changes |= remove_tags(library, [paper_id], remove)
    if add:
        changes |= add_tags(library, [paper_id], add)
    return changes


def rename_tag(library: Connection, old: str, new: str) -> Changes:
    """Rename a tag; renaming onto another existing tag merges the two."""
    new_name = clean_tag_name(new)
    with library.transaction() as conn:
        source = _tag_id(conn, clean_tag_name(old), create=False)
        if source is None:
            raise TagNotFoundError(f"there is no tag named {old!r}")
        target = _tag_id(conn, new_name, create=False)
        papers = frozenset(_papers_of(conn, source))
        if target is None or target == source:
            conn.execute("UPDATE tag SET name = ? WHERE id = ?", [new_name, source])
        else:
            _merge_into(conn, source, target)
    return Changes(paper_ids=papers, tags=True, fields=_TAGS)


def merge_tags(library: Connection, sources: Iterable[str], target: str) -> Changes:
    """Fold every tag in ``sources`` into ``target`` (created if needed)."""
    target_name = clean_tag_name(target)
    changed: set[int] = set()
    with library.transaction() as conn:
        target_id = _tag_id(conn, target_name, create=True)
        assert target_id is not None
        for name in sources:
            source_id = _tag_id(conn, clean_tag_name(name), create=False)
            if source_id is None:
                raise TagNotFoundError(f"there is no tag named {name!r}")
            if source_id == target_id:
                continue
            changed.update(_papers_of(conn, source_id))
            _merge_into(conn, source_id, target_id)
    return Changes(paper_ids=frozenset(changed), tags=True, fields=_TAGS)


def _merge_into(conn: sqlite3.Connection, source: int, target: int) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) "
        "SELECT paper_id, ? FROM paper_tag WHERE tag_id = ?",
        [target, source],
    )
    conn.execute("DELETE FROM paper_tag WHERE tag_id = ?", [source])
    conn.execute("DELETE FROM tag WHERE id = ?", [source])


def delete_tag(library: Connection, name: str) -> Changes:
    """Delete a tag and take it off every paper. The papers stay."""
    with library.transaction() as conn:
        tag_id = _tag_id(conn, clean_tag_name(name), create=False)
        if tag_id is None:
            raise TagNotFoundError(f"there is no tag named {name!r}")
        papers = frozenset(_papers_of(conn, tag_id))
        conn.execute("DELETE FROM paper_tag WHERE tag_id = ?", [tag_id])
        conn.execute("DELETE FROM tag WHERE id = ?", [tag_id])
    return Changes(paper_ids=papers, tags=True, fields=_TAGS)
