"""What an import rule set on a paper, as long as nobody changed it since.

A rule (:mod:`reader.library.rules`) that archives, stars or tags papers is the reader's
standing instruction, not their judgement of each paper: the interest model must not
learn "liked" from a tag a rule added to every cs.CL paper, nor "not liked" from papers a
rule archived on arrival. So every value a rule writes is marked here, in the same
transaction, in the ``rule_mark`` table (``field`` is ``status``, ``rating`` or ``tag``;
``tag_id`` names the tag, 0 otherwise).

A mark lasts only while the value is the rule's. Triggers (schema ``_RULE_MARKS``) drop
it as soon as the value changes by any hand: a new status or rating, the tag removed.
Setting a paper to the value it already has changes nothing, so it keeps its mark. The
marks of a paper in the trash stay for its restore; a new paper starts with none.

The reads are SQL expressions over a paper aliased ``p`` (:data:`USER_RATING`,
:data:`USER_STATUS`, :data:`USER_TAGGED`, :data:`UNTAGGED_BY_USER`): what the reader set,
with the rules' values taken out. :func:`reader.library.interest.signal_rows` builds the
model's signals from them, and For you keeps papers whose only tags are rules' (a rule
that tags every cs.CL paper must not empty For you of them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import sqlite3

Field = Literal["status", "rating", "tag"]

_CHUNK = 500

USER_RATING = (
    "CASE WHEN EXISTS (SELECT 1 FROM rule_mark m WHERE m.paper_id = p.id "
    "AND m.field = 'rating') THEN 0 ELSE p.rating END"
)
"""The paper's rating as the reader gave it: 0 while the rating is a rule's."""

USER_STATUS = (
    "CASE WHEN EXISTS (SELECT 1 FROM rule_mark m WHERE m.paper_id = p.id "
    "AND m.field = 'status') THEN 'inbox' ELSE p.status END"
)
"""The paper's status as the reader moved it: ``inbox`` while the status is a rule's."""

USER_TAGGED = (
    "(p.tags != '' AND EXISTS (SELECT 1 FROM paper_tag pt WHERE pt.paper_id = p.id "
    "AND NOT EXISTS (SELECT 1 FROM rule_mark m WHERE m.paper_id = p.id "
    "AND m.field = 'tag' AND m.tag_id = pt.tag_id)))"
)
"""Whether the paper has a tag the reader gave it (not only tags rules added)."""

UNTAGGED_BY_USER = f"(p.tags = '' OR NOT {USER_TAGGED})"
"""Whether the paper has no tag but those rules added (or none at all): the reader has not
triaged it by tagging, so it can still be in For you."""


def mark(conn: sqlite3.Connection, field: Field, ids: Iterable[int], *, tag_id: int = 0) -> None:
    """Record that a rule just set ``field`` (the tag ``tag_id``) on ``ids``.

    Call it inside the transaction that wrote the values, after writing them.
    """
    if field not in ("status", "rating", "tag"):
        raise ValueError(f"a rule sets status, rating or tag, not {field!r}")
    rows = [(int(i), field, tag_id if field == "tag" else 0) for i in ids]
    for start in range(0, len(rows), _CHUNK):
        conn.executemany(
            "INSERT OR IGNORE INTO rule_mark (paper_id, field, tag_id) VALUES (?, ?, ?)",
            rows[start : start + _CHUNK],
        )


def marked(conn: sqlite3.Connection, paper_id: int) -> set[tuple[str, int]]:
    """The ``(field, tag id)`` a rule set on ``paper_id`` and nobody changed since."""
    return {
        (str(r[0]), int(r[1]))
        for r in conn.execute("SELECT field, tag_id FROM rule_mark WHERE paper_id = ?", [paper_id])
    }
