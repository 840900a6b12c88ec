"""Tags: listing them, tagging papers, renaming, merging and deleting tags."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from reader.library.connection import LibraryConnection
from reader.library.errors import LibraryUsageError, PaperNotFoundError, TagNotFoundError
from reader.library.model import Changes, TagCount
from reader.library.rows import as_ids, split_tags

MAX_TAG_LENGTH = 64


def clean_tag_name(name: str) -> str:
    """A tag name as stored: trimmed, inner whitespace collapsed, a leading ``#`` dropped.

    Raises :class:`LibraryUsageError` for an empty or over-long name, or one with a comma
    or control characters.
    """
    cleaned = " ".join(name.split()).lstrip("#").strip()
    if not cleaned:
        raise LibraryUsageError("a tag name cannot be empty")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise LibraryUsageError(f"a tag name can be at most {MAX_TAG_LENGTH} characters")
    if "," in cleaned or any(ord(ch) < 32 for ch in cleaned):
        raise LibraryUsageError(f"the tag name {cleaned!r} cannot contain commas")
    return cleaned


class TagEdits(LibraryConnection):
    """Tags and the papers that carry them (names are case-insensitively unique)."""

    def tags(self) -> list[TagCount]:
        """Every tag with its paper count, by name."""
        return [
            TagCount(r[0], r[1], r[2])
            for r in self._query(
                "SELECT t.id, t.name, count(pt.paper_id) FROM tag t "
                "LEFT JOIN paper_tag pt ON pt.tag_id = t.id "
                "GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
            )
        ]

    def _tag_id(self, conn: sqlite3.Connection, name: str, *, create: bool) -> int | None:
        row = conn.execute("SELECT id FROM tag WHERE name = ? COLLATE NOCASE", [name]).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            return None
        return int(
            conn.execute("INSERT INTO tag (name) VALUES (?) RETURNING id", [name]).fetchone()[0]
        )

    def add_tags(self, ids: int | Sequence[int], names: Iterable[str]) -> Changes:
        """Tag papers; tags are created on first use (names are case-insensitively unique)."""
        cleaned = list(dict.fromkeys(clean_tag_name(n) for n in names))
        targets = self._existing(as_ids(ids))
        changed: set[int] = set()
        with self.transaction() as conn:
            for name in cleaned:
                tag_id = self._tag_id(conn, name, create=True)
                for paper_id in targets:
                    cur = conn.execute(
                        "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) VALUES (?, ?)",
                        [paper_id, tag_id],
                    )
                    if cur.rowcount:
                        changed.add(paper_id)
        return Changes(paper_ids=frozenset(changed), tags=bool(cleaned))

    def remove_tags(self, ids: int | Sequence[int], names: Iterable[str]) -> Changes:
        """Take tags off papers. The tag itself stays (with its remaining papers)."""
        cleaned = list(dict.fromkeys(clean_tag_name(n) for n in names))
        targets = self._existing(as_ids(ids))
        changed: set[int] = set()
        with self.transaction() as conn:
            for name in cleaned:
                tag_id = self._tag_id(conn, name, create=False)
                if tag_id is None:
                    continue
                for paper_id in targets:
                    cur = conn.execute(
                        "DELETE FROM paper_tag WHERE paper_id = ? AND tag_id = ?",
                        [paper_id, tag_id],
                    )
                    if cur.rowcount:
                        changed.add(paper_id)
        return Changes(paper_ids=frozenset(changed), tags=bool(changed))

    def set_tags(self, paper_id: int, names: Iterable[str]) -> Changes:
        """Make ``names`` exactly the paper's tags."""
        wanted = {clean_tag_name(n).casefold(): clean_tag_name(n) for n in names}
        rows = self._query("SELECT tags FROM paper WHERE id = ?", [paper_id])
        if not rows:
            raise PaperNotFoundError(f"there is no paper with id {paper_id}")
        current = {t.casefold(): t for t in split_tags(rows[0][0])}
        changes = Changes()
        remove = [current[k] for k in current if k not in wanted]
        add = [wanted[k] for k in wanted if k not in current]
        if remove:
            changes |= self.remove_tags([paper_id], remove)
        if add:
            changes |= self.add_tags([paper_id], add)
        return changes

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag; renaming onto another existing tag merges the two."""
        new_name = clean_tag_name(new)
        with self.transaction() as conn:
            source = self._tag_id(conn, clean_tag_name(old), create=False)
            if source is None:
                raise TagNotFoundError(f"there is no tag named {old!r}")
            target = self._tag_id(conn, new_name, create=False)
            papers = frozenset(
                r[0]
                for r in conn.execute("SELECT paper_id FROM paper_tag WHERE tag_id = ?", [source])
            )
            if target is None or target == source:
                conn.execute("UPDATE tag SET name = ? WHERE id = ?", [new_name, source])
            else:
                self._merge_into(conn, source, target)
        return Changes(paper_ids=papers, tags=True)

    def merge_tags(self, sources: Iterable[str], target: str) -> Changes:
        """Fold every tag in ``sources`` into ``target`` (created if needed)."""
        target_name = clean_tag_name(target)
        changed: set[int] = set()
        with self.transaction() as conn:
            target_id = self._tag_id(conn, target_name, create=True)
            assert target_id is not None
            for name in sources:
                source_id = self._tag_id(conn, clean_tag_name(name), create=False)
                if source_id is None:
                    raise TagNotFoundError(f"there is no tag named {name!r}")
                if source_id == target_id:
                    continue
                changed.update(
                    r[0]
                    for r in conn.execute(
                        "SELECT paper_id FROM paper_tag WHERE tag_id = ?", [source_id]
                    )
                )
                self._merge_into(conn, source_id, target_id)
        return Changes(paper_ids=frozenset(changed), tags=True)

    @staticmethod
    def _merge_into(conn: sqlite3.Connection, source: int, target: int) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) "
            "SELECT paper_id, ? FROM paper_tag WHERE tag_id = ?",
            [target, source],
        )
        conn.execute("DELETE FROM paper_tag WHERE tag_id = ?", [source])
        conn.execute("DELETE FROM tag WHERE id = ?", [source])

    def delete_tag(self, name: str) -> Changes:
        """Delete a tag and take it off every paper. The papers stay."""
        with self.transaction() as conn:
            tag_id = self._tag_id(conn, clean_tag_name(name), create=False)
            if tag_id is None:
                raise TagNotFoundError(f"there is no tag named {name!r}")
            papers = frozenset(
                r[0]
                for r in conn.execute("SELECT paper_id FROM paper_tag WHERE tag_id = ?", [tag_id])
            )
            conn.execute("DELETE FROM paper_tag WHERE tag_id = ?", [tag_id])
            conn.execute("DELETE FROM tag WHERE id = ?", [tag_id])
        return Changes(paper_ids=papers, tags=True)
