"""Saved views: a named search over one of the sidebar's views, kept in the library.

A :class:`SavedView` is a search text (the query language of :mod:`reader.query`), the
sidebar view it narrows (its *base*: ``all``, ``rated``, ``status:queue``, ``tag:nlp``)
and the order it was saved in. The sidebar lists saved views by position with a live
count; ``papershelf list --view NAME`` lists the same papers in the same order.

Every write returns :class:`~reader.library.Changes` with ``views=True`` so the window's
sidebar refreshes; :func:`restore_view` puts a deleted view back as it was (undo).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.library.errors import LibraryUsageError
from reader.library.model import Changes, SortKey, Status
from reader.query import PaperFilter, QueryError, compile_filter

if TYPE_CHECKING:
    from reader.library.store import Library

MAX_NAME = 80
"""The longest name a saved view may have."""
MAX_QUERY = 2000
"""The longest search text a saved view may hold."""
VIEWS_CHANGED = Changes(views=True)

_BASES = ("all", "rated", *(f"status:{s.value}" for s in Status))


@dataclass(frozen=True, slots=True)
class SavedView:
    """One saved view: ``query`` over ``base``, listed by ``sort`` (``descending``)."""

    id: int
    name: str
    query: str
    base: str
    sort: SortKey
    descending: bool
    position: int

    def paper_filter(self, extra: str = "") -> PaperFilter:
        """The papers the view shows; ``extra`` search text narrows it further."""
        search = " ".join(part for part in (self.query.strip(), extra.strip()) if part)
        kind, _, value = self.base.partition(":")
        if kind == "status":
            return PaperFilter(status=Status(value), search=search)
        if kind == "tag":
            return PaperFilter(tag=value, search=search)
        if kind == "rated":
            return PaperFilter(rating_min=4, search=search)
        return PaperFilter(search=search)


def check_base(base: str) -> str:
    """``base`` as stored (``inbox`` is ``status:inbox``); raises :class:`LibraryUsageError`."""
    text = base.strip()
    if text in {s.value for s in Status}:
        text = f"status:{text}"
    if text in _BASES or (text.startswith("tag:") and text[4:].strip()):
        return text
    raise LibraryUsageError(
        f"unknown view {base[:40]!r}; use all, rated, a status "
        f"({', '.join(s.value for s in Status)}) or tag:NAME"
    )


def _check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise LibraryUsageError("a saved view needs a name")
    if len(cleaned) > MAX_NAME:
        raise LibraryUsageError(f"a saved view's name is at most {MAX_NAME} characters")
    return cleaned


def _check_query(query: str) -> str:
    if len(query) > MAX_QUERY:
        raise LibraryUsageError(f"a saved search is at most {MAX_QUERY} characters")
    try:
        compile_filter(PaperFilter(search=query))
    except QueryError as exc:
        raise LibraryUsageError(f"the search does not parse: {exc}") from None
    return query.strip()


def _from_row(row: tuple[object, ...]) -> SavedView:
    view_id, name, query, base, sort, descending, position = row
    try:
        key = SortKey(str(sort))
    except ValueError:
        key = SortKey.ADDED
    return SavedView(
        int(str(view_id)),
        str(name),
        str(query),
        str(base),
        key,
        bool(descending),
        int(str(position)),
    )


_COLUMNS = "id, name, query, base, sort, descending, position"


def saved_views(library: Library) -> list[SavedView]:
    """Every saved view, in sidebar order."""
    rows = library.connection.execute(
        f"SELECT {_COLUMNS} FROM saved_view ORDER BY position, id"
    ).fetchall()
    return [_from_row(r) for r in rows]


def find_view(library: Library, name: str) -> SavedView:
    """The saved view called ``name`` (any case); raises :class:`LibraryUsageError`."""
    row = library.connection.execute(
        f"SELECT {_COLUMNS} FROM saved_view WHERE name = ? COLLATE NOCASE", [name.strip()]
    ).fetchone()
    if row is None:
        raise LibraryUsageError(f"there is no saved view called {name[:MAX_NAME]!r}")
    return _from_row(row)


def add_view(
    library: Library,
    name: str,
    query: str,
    *,
    base: str = "all",
    sort: SortKey | str = SortKey.ADDED,
    descending: bool = True,
) -> SavedView:
    """Save a view at the end of the list. Raises :class:`LibraryUsageError` for a taken or
    empty name, a search that does not parse, an unknown base or order."""
    cleaned = _check_name(name)
    text = _check_query(query)
    stored_base = check_base(base)
    try:
        key = SortKey(sort)
    except ValueError:
        raise LibraryUsageError(
            f"unknown order {sort!r}; use one of {', '.join(k.value for k in SortKey)}"
        ) from None
    try:
        with library.transaction() as conn:
            row = conn.execute(
                "INSERT INTO saved_view (name, query, base, sort, descending, position) "
                "VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM saved_view)) "
                f"RETURNING {_COLUMNS}",
                [cleaned, text, stored_base, key.value, int(descending)],
            ).fetchone()
    except sqlite3.IntegrityError:
        raise LibraryUsageError(f"there is already a saved view called {cleaned!r}") from None
    return _from_row(row)


def rename_view(library: Library, view_id: int, name: str) -> Changes:
    """Give a saved view another name (unique ignoring case)."""
    cleaned = _check_name(name)
    try:
        with library.transaction() as conn:
            cursor = conn.execute("UPDATE saved_view SET name = ? WHERE id = ?", [cleaned, view_id])
    except sqlite3.IntegrityError:
        raise LibraryUsageError(f"there is already a saved view called {cleaned!r}") from None
    if not cursor.rowcount:
        raise LibraryUsageError("that saved view was deleted meanwhile")
    return VIEWS_CHANGED


def remove_view(library: Library, view_id: int) -> Changes:
    """Delete a saved view (its papers are untouched)."""
    with library.transaction() as conn:
        conn.execute("DELETE FROM saved_view WHERE id = ?", [view_id])
    return VIEWS_CHANGED


def restore_view(library: Library, view: SavedView) -> Changes:
    """Put a deleted view back as it was: same id, name, search and place in the list."""
    with library.transaction() as conn:
        conn.execute(
            "UPDATE saved_view SET position = position + 1 WHERE position >= ?", [view.position]
        )
        conn.execute(
            f"INSERT OR REPLACE INTO saved_view ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                view.id,
                view.name,
                view.query,
                view.base,
                view.sort.value,
                int(view.descending),
                view.position,
            ],
        )
    return VIEWS_CHANGED


def reorder_views(library: Library, ids: list[int]) -> Changes:
    """Put the saved views in the order of ``ids`` (views not named keep their order, last)."""
    with library.transaction() as conn:
        current = [r[0] for r in conn.execute("SELECT id FROM saved_view ORDER BY position, id")]
        wanted = [i for i in dict.fromkeys(ids) if i in current]
        order = wanted + [i for i in current if i not in wanted]
        conn.executemany(
            "UPDATE saved_view SET position = ? WHERE id = ?",
            [(place, view_id) for place, view_id in enumerate(order, start=1)],
        )
    return VIEWS_CHANGED


def move_view(library: Library, view_id: int, step: int) -> Changes:
    """Move a saved view ``step`` places up (negative) or down the list."""
    ids = [v.id for v in saved_views(library)]
    if view_id not in ids:
        raise LibraryUsageError("that saved view was deleted meanwhile")
    place = ids.index(view_id)
    target = max(0, min(len(ids) - 1, place + step))
    ids.insert(target, ids.pop(place))
    return reorder_views(library, ids)


def view_counts(library: Library, views: list[SavedView]) -> dict[int, int | None]:
    """How many papers each saved view holds (``None`` for one whose search no longer
    parses or whose tag is gone: it then shows nothing)."""
    counts: dict[int, int | None] = {}
    for view in views:
        try:
            counts[view.id] = library.count(view.paper_filter())
        except (QueryError, ValueError):
            counts[view.id] = None
    return counts
