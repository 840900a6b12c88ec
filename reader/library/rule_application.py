"""Applying one import rule on purpose to the papers already in the library, and its undo.

:func:`apply_rule` never goes over a decision of the user's: the status is set only on
papers still in the Inbox that were never moved (``status_changed_at`` unset), the rating
only on unrated papers; tags are added to every match. It returns a
:class:`RuleApplication`, which :func:`undo_application` takes back and
:func:`redo_application` writes again, each in one transaction (the window's undo and
redo). Like the rules on arrival (:mod:`reader.library.rules`), everything a rule writes is
marked as the rule's (:mod:`reader.library.rule_marks`), not the reader's judgement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.library import rule_marks
from reader.library.model import Changes, Status
from reader.library.rules import CHUNK, add_tag, matching, rule, set_column, tag_ids

if TYPE_CHECKING:
    from reader.library.store import Library


@dataclass(slots=True)
class RuleApplication:
    """What :func:`apply_rule` changed, enough to take it back and to write it again."""

    status: str | None = None
    """The status the rule set."""
    rating: int | None = None
    """The rating the rule set."""
    matched: int = 0
    tagged: dict[str, list[int]] = field(default_factory=dict)
    """Per tag name, the papers that did not have it before."""
    statuses: dict[str, list[int]] = field(default_factory=dict)
    """Per old status, the papers whose status the rule set."""
    ratings: dict[int, list[int]] = field(default_factory=dict)
    """Per old rating, the papers whose rating the rule set."""
    left_alone: int = 0
    """Matching papers whose status or rating the user had set (not changed)."""

    @property
    def paper_ids(self) -> frozenset[int]:
        """Every paper the application changed."""
        ids: set[int] = set()
        for group in (*self.tagged.values(), *self.statuses.values(), *self.ratings.values()):
            ids.update(group)
        return frozenset(ids)

    def changes(self) -> Changes:
        """The :class:`Changes` of the application (or of its undo)."""
        fields = set()
        if self.tagged:
            fields.add("tags")
        if self.statuses:
            fields.add("status")
        if self.ratings:
            fields.add("rating")
        return Changes(paper_ids=self.paper_ids, tags=bool(self.tagged), fields=frozenset(fields))


def apply_rule(library: Library, rule_id: int) -> RuleApplication:
    """Apply rule ``rule_id`` to the papers already in the library, in one transaction,
    never over the user's own status or rating (see the module's description)."""
    chosen = rule(library, rule_id)
    result = RuleApplication(
        status=chosen.status.value if chosen.status else None, rating=chosen.rating
    )
    with library.transaction() as conn:
        hits = matching(conn, chosen.query)
        result.matched = len(hits)
        for name, tag_id in tag_ids(conn, chosen.tags).items():
            added = add_tag(conn, tag_id, hits)
            if added:
                rule_marks.mark(conn, "tag", added, tag_id=tag_id)
                result.tagged[name] = added
        left: set[int] = set()
        for start in range(0, len(hits), CHUNK):
            chunk = hits[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT id, status, status_changed_at, rating FROM paper WHERE id IN ({marks})",
                chunk,
            ).fetchall()
            for paper_id, status, changed_at, rating in rows:
                if chosen.status is not None and status != chosen.status.value:
                    if status == Status.INBOX.value and changed_at is None:
                        result.statuses.setdefault(status, []).append(paper_id)
                    else:
                        left.add(paper_id)
                if chosen.rating is not None and rating != chosen.rating:
                    if rating == 0:
                        result.ratings.setdefault(rating, []).append(paper_id)
                    else:
                        left.add(paper_id)
        if chosen.status is not None:
            for group in result.statuses.values():
                set_column(conn, "status", chosen.status.value, group)
                rule_marks.mark(conn, "status", group)
        if chosen.rating is not None:
            for group in result.ratings.values():
                set_column(conn, "rating", chosen.rating, group)
                rule_marks.mark(conn, "rating", group)
        result.left_alone = len(left)
    return result


def undo_application(library: Library, applied: RuleApplication) -> Changes:
    """Take back what :func:`apply_rule` did, in one transaction."""
    with library.transaction() as conn:
        for name, ids in applied.tagged.items():
            row = conn.execute(
                "SELECT id FROM tag WHERE name = ? COLLATE NOCASE", [name]
            ).fetchone()
            if row is None:
                continue
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                conn.execute(
                    f"DELETE FROM paper_tag WHERE tag_id = ? AND paper_id IN ({marks})",
                    [row[0], *chunk],
                )
        for status, ids in applied.statuses.items():
            set_column(conn, "status", status, ids)
        for rating, ids in applied.ratings.items():
            set_column(conn, "rating", rating, ids)
    return applied.changes()


def redo_application(library: Library, applied: RuleApplication) -> Changes:
    """Write again exactly what an undone :func:`apply_rule` wrote (the window's redo), the
    same papers and values, even if the rule was changed or removed since."""
    with library.transaction() as conn:
        for name, ids in applied.tagged.items():
            tag_id = tag_ids(conn, [name])[name]
            rule_marks.mark(conn, "tag", add_tag(conn, tag_id, ids), tag_id=tag_id)
        if applied.status is not None:
            for ids in applied.statuses.values():
                set_column(conn, "status", applied.status, ids)
                rule_marks.mark(conn, "status", ids)
        if applied.rating is not None:
            for ids in applied.ratings.values():
                set_column(conn, "rating", applied.rating, ids)
                rule_marks.mark(conn, "rating", ids)
    return applied.changes()
