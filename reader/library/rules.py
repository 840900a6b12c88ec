"""Import rules: "when a paper matching QUERY first arrives: add tags, set status, set rating".

Rules are kept in the library (``import_rule``) and act in two ways:

- :func:`apply_on_arrival` runs inside an import's transaction
  (:mod:`reader.library.ingest` calls it with the papers that import created): only papers
  entering the library for the first time, never one it already had (a re-import, a paper
  merged into a known one, one in the trash). Rules apply in order; tags add up, and the
  first rule that sets a paper's status or rating wins.
- :func:`reader.library.rule_application.apply_rule` applies one rule on purpose to the
  papers already in the library, never over a decision of the user's, and can be undone.

This module keeps the rules (:func:`add_rule`, :func:`rules`, :func:`remove_rule`), finds
the papers a rule's search matches (:func:`matching`) and writes what rules do.

A rule's status is not recorded as the user's decision (``status_changed_at`` stays unset),
and nothing a rule sets is the reader's judgement of a paper: every status, rating and tag
a rule writes is marked (:mod:`reader.library.rule_marks`) in the same transaction, and the
interest model learns nothing from it until the reader changes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.library import rule_marks
from reader.library.errors import LibraryUsageError
from reader.library.model import Changes, Status
from reader.query import PaperFilter, QueryError, compile_filter

if TYPE_CHECKING:
    import sqlite3

    from reader.library.store import Library

MAX_QUERY = 2000
"""The longest search text a rule may hold."""
CHUNK = 500
"""Papers per statement when rules read or write many (under SQLite's parameter limit)."""
_RULES_CHANGED = Changes(views=True)


@dataclass(frozen=True, slots=True)
class Rule:
    """One import rule: papers matching ``query`` get ``tags``, ``status``, ``rating``."""

    id: int
    query: str
    tags: tuple[str, ...]
    status: Status | None
    rating: int | None
    position: int

    def describe(self) -> str:
        """What the rule does, for people: ``+nlp, status archived, 3 stars``."""
        parts = [f"+{t}" for t in self.tags]
        if self.status is not None:
            parts.append(f"status {self.status.value}")
        if self.rating is not None:
            parts.append(f"{self.rating} star{'s' if self.rating != 1 else ''}")
        return ", ".join(parts)


def check_query(query: str) -> str:
    """``query`` if it parses (raises :class:`LibraryUsageError` saying why it does not)."""
    if len(query) > MAX_QUERY:
        raise LibraryUsageError(f"a rule's search is at most {MAX_QUERY} characters")
    if not query.strip():
        raise LibraryUsageError("a rule needs a search (for every paper, use a word they all have)")
    try:
        compile_filter(PaperFilter(search=query))
    except QueryError as exc:
        raise LibraryUsageError(f"the rule's search does not parse: {exc}") from None
    return query.strip()


def _from_row(row: tuple[object, ...]) -> Rule:
    """The :class:`Rule` of an ``import_rule`` row (columns as :data:`_COLUMNS`)."""
    rule_id, query, tags, status, rating, position = row
    try:
        names = tuple(str(t) for t in json.loads(str(tags)) if isinstance(t, str))
    except ValueError:
        names = ()
    return Rule(
        int(str(rule_id)),
        str(query),
        names,
        Status(str(status)) if status is not None else None,
        int(str(rating)) if rating is not None else None,
        int(str(position)),
    )


_COLUMNS = "id, query, tags, status, rating, position"


def rules(library: Library) -> list[Rule]:
    """Every rule, in the order they apply."""
    return _rules(library.connection)


def _rules(conn: sqlite3.Connection) -> list[Rule]:
    """Every rule, in the order they apply, read on ``conn`` (an import's transaction)."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM import_rule ORDER BY position, id").fetchall()
    return [_from_row(r) for r in rows]


def rule(library: Library, rule_id: int) -> Rule:
    """The rule numbered ``rule_id``; raises :class:`LibraryUsageError` if there is none."""
    row = library.connection.execute(
        f"SELECT {_COLUMNS} FROM import_rule WHERE id = ?", [rule_id]
    ).fetchone()
    if row is None:
        raise LibraryUsageError(f"there is no rule {rule_id} ('papershelf rules list' lists them)")
    return _from_row(row)


def add_rule(
    library: Library,
    query: str,
    *,
    tags: Sequence[str] = (),
    status: Status | str | None = None,
    rating: int | None = None,
) -> Rule:
    """Add a rule at the end. Raises :class:`LibraryUsageError` when the search does not
    parse, a tag name cannot be one, the status or rating is unknown, or it does nothing."""
    from reader.library.store import clean_tag_name, now_utc, to_iso

    text = check_query(query)
    names = list(dict.fromkeys(clean_tag_name(t) for t in tags))
    try:
        wanted_status = Status(status) if status is not None else None
    except ValueError:
        raise LibraryUsageError(
            f"unknown status {status!r}; use one of {', '.join(s.value for s in Status)}"
        ) from None
    if rating is not None and (isinstance(rating, bool) or not 1 <= rating <= 5):
        raise LibraryUsageError(f"a rule's rating is 1 to 5 stars, not {rating!r}")
    if not names and wanted_status is None and rating is None:
        raise LibraryUsageError("a rule must do something: --tag, --status or --rating")
    with library.transaction() as conn:
        row = conn.execute(
            "INSERT INTO import_rule (query, tags, status, rating, position, created_at) "
            "VALUES (?, ?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM import_rule), ?) "
            f"RETURNING {_COLUMNS}",
            [
                text,
                json.dumps(names, ensure_ascii=False),
                wanted_status.value if wanted_status else None,
                rating,
                to_iso(now_utc()),
            ],
        ).fetchone()
    return _from_row(row)


def remove_rule(library: Library, rule_id: int) -> Changes:
    """Delete a rule (what it did to papers stays). Raises if there is no such rule."""
    rule(library, rule_id)
    with library.transaction() as conn:
        conn.execute("DELETE FROM import_rule WHERE id = ?", [rule_id])
    return _RULES_CHANGED


def matching(conn: sqlite3.Connection, query: str, ids: Sequence[int] | None = None) -> list[int]:
    """The papers (among ``ids``, or all) that ``query`` matches, newest first.

    Reads only the full-text index kept by triggers, so papers written earlier in the same
    transaction are seen. Among ``ids`` (an import's new papers, which have the highest
    ids) each word is looked up within the ids' range only (FTS5 seeks its lists by rowid),
    so a common word ("model") does not list every paper of the library that has it; tests
    hold it equal to the search's plain meaning (:meth:`reader.query.Compiled.reference`).
    """
    compiled = compile_filter(PaperFilter(search=query))
    if ids is None:
        where, everywhere = compiled.reference()
        sql = f"SELECT p.id FROM paper p WHERE {where} ORDER BY p.id DESC"
        return [r[0] for r in conn.execute(sql, everywhere)]
    found: list[int] = []
    wanted = sorted(set(ids), reverse=True)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        low, high = chunk[-1], chunk[0]
        clauses = [f"({compiled.where})"]
        params = list(compiled.params)
        for term in compiled.terms:
            clauses.append(
                f"p.id {'NOT ' if term.negated else ''}IN (SELECT rowid FROM paper_fts "
                "WHERE paper_fts MATCH ? AND rowid BETWEEN ? AND ?)"
            )
            params += [term.fts, low, high]
        marks = ",".join("?" * len(chunk))
        sql = (
            f"SELECT p.id FROM paper p WHERE p.id IN ({marks}) AND {' AND '.join(clauses)} "
            "ORDER BY p.id DESC"
        )
        found += [r[0] for r in conn.execute(sql, [*chunk, *params])]
    return found


def preview(library: Library, query: str, *, titles: int = 5) -> tuple[int, list[str]]:
    """How many papers in the library ``query`` matches, and the newest ``titles`` of them
    (what the Rules dialog shows while a rule is typed). Raises :class:`QueryError`."""
    count = library.count(PaperFilter(search=query))
    ids = library.paper_ids(PaperFilter(search=query), limit=titles)
    return count, [row.title for row in library.rows(ids)]


def tag_ids(conn: sqlite3.Connection, names: Iterable[str]) -> dict[str, int]:
    """The id of each tag named (matched ignoring case), the missing ones made."""
    result: dict[str, int] = {}
    for name in names:
        row = conn.execute("SELECT id FROM tag WHERE name = ? COLLATE NOCASE", [name]).fetchone()
        if row is None:
            row = conn.execute("INSERT INTO tag (name) VALUES (?) RETURNING id", [name]).fetchone()
        result[name] = int(row[0])
    return result


def add_tag(conn: sqlite3.Connection, tag_id: int, ids: Sequence[int]) -> list[int]:
    """Tag the papers ``ids`` with ``tag_id``; returns those that did not have it yet."""
    added: list[int] = []
    for paper_id in ids:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) VALUES (?, ?)", [paper_id, tag_id]
        )
        if cursor.rowcount:
            added.append(paper_id)
    return added


def apply_on_arrival(conn: sqlite3.Connection, new_ids: Iterable[int]) -> Changes:
    """Apply every rule to ``new_ids``, papers this transaction created (the import hook).

    Runs inside the caller's transaction: the papers and what the rules did to them commit
    together or not at all.
    """
    ids = sorted(set(new_ids))
    if not ids:
        return Changes()
    all_rules = _rules(conn)
    if not all_rules:
        return Changes()
    status_set: set[int] = set()
    rating_set: set[int] = set()
    tagged: set[int] = set()
    for each in all_rules:
        try:
            hits = matching(conn, each.query, ids)
        except QueryError:  # a rule saved before the language changed: it matches nothing
            continue
        if not hits:
            continue
        for tag_id in tag_ids(conn, each.tags).values():
            added = add_tag(conn, tag_id, hits)
            rule_marks.mark(conn, "tag", added, tag_id=tag_id)
            tagged.update(added)
        if each.status is not None:
            fresh = [i for i in hits if i not in status_set]
            set_column(conn, "status", each.status.value, fresh)
            rule_marks.mark(conn, "status", fresh)
            status_set.update(fresh)
        if each.rating is not None:
            fresh = [i for i in hits if i not in rating_set]
            set_column(conn, "rating", each.rating, fresh)
            rule_marks.mark(conn, "rating", fresh)
            rating_set.update(fresh)
    fields = {
        name
        for name, group in (("tags", tagged), ("status", status_set), ("rating", rating_set))
        if group
    }
    return Changes(
        paper_ids=frozenset(tagged | status_set | rating_set),
        tags=bool(tagged),
        fields=frozenset(fields),
    )


def set_column(conn: sqlite3.Connection, column: str, value: object, ids: Sequence[int]) -> None:
    """Set ``status`` or ``rating`` to ``value`` on the papers ``ids``, in chunks."""
    assert column in {"status", "rating"}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        marks = ",".join("?" * len(chunk))
        conn.execute(f"UPDATE paper SET {column} = ? WHERE id IN ({marks})", [value, *chunk])
