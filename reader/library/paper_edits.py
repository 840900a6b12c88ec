"""Editing a paper's details (title, authors, year, ids, links, journal), with undo.

:func:`edit_details` writes what the user typed, checked first (a title is never empty, a
year is a year, an arXiv id, DOI or link is one), and records each edited field in
``paper_edit``: from then on the field is the user's, and no import changes it
(:data:`reader.library.merging.USER_EDITABLE` lists the columns each field covers). The
result carries the details as they were, so :func:`restore_details` undoes the edit
exactly, the record of which fields the user had edited included.

A year is stored as the paper's date: the date is kept when its year is the one typed,
else it becomes 1 January of that year.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from reader.keys import bare_doi, normalise_arxiv_id, normalise_doi, normalise_title
from reader.library.errors import LibraryUsageError
from reader.library.merging import USER_EDITABLE, clean_text
from reader.library.model import Changes

if TYPE_CHECKING:
    from reader.library.store import Library

_CHUNK = 400
_COLUMNS = (
    "title", "title_key", "authors", "authors_count", "published", "arxiv_id", "doi", "url",
    "journal",
)  # fmt: skip
_MAX_TEXT = 2_000
_MAX_AUTHORS = 5_000


@dataclass(frozen=True, slots=True)
class PaperDetails:
    """The details of a paper a user may edit."""

    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    journal: str | None = None


EDITABLE = tuple(f.name for f in fields(PaperDetails))
"""The field names, in the order a form shows them (and ``paper_edit.field`` uses)."""
assert set(EDITABLE) == set(USER_EDITABLE)


@dataclass(frozen=True, slots=True)
class DetailsEdit:
    """What :func:`edit_details` did: the change, and what undoing it needs."""

    changes: Changes
    paper_id: int
    before: PaperDetails
    before_edited: frozenset[str]
    """The fields the user had edited before this edit."""
    after: PaperDetails
    edited: frozenset[str]
    """The fields this edit changed."""
    before_columns: tuple[tuple[str, object], ...] = ()
    """The paper's columns as they were (the exact date, the author count): for the undo."""


def edited_fields(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """For each of ``ids`` that has any, the detail fields the user edited."""
    wanted = sorted(set(ids))
    found: dict[int, set[str]] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for paper_id, name in conn.execute(
            f"SELECT paper_id, field FROM paper_edit WHERE paper_id IN ({marks})", chunk
        ):
            found.setdefault(paper_id, set()).add(name)
    return {paper_id: frozenset(names) for paper_id, names in found.items()}


def details(library: Library, paper_id: int) -> tuple[PaperDetails, frozenset[str]]:
    """A paper's editable details, and which of them the user edited.

    Raises :class:`~reader.library.PaperNotFoundError`.
    """
    with library.reading() as conn:
        return _read(conn, paper_id), edited_fields(conn, [paper_id]).get(paper_id, frozenset())


def edit_details(library: Library, paper_id: int, **values: Any) -> DetailsEdit:
    """Set the details given (``title=``, ``authors=``, ``year=``, ``arxiv_id=``, ``doi=``,
    ``url=``, ``journal=``; ``None`` or ``""`` clears all but the title) in one transaction.

    Raises :class:`LibraryUsageError` with a one-line message for a value that is not one
    (an empty title, a year like 20250, an arXiv id another paper has), and
    :class:`~reader.library.PaperNotFoundError` for an unknown paper.
    """
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise LibraryUsageError(f"a paper has no detail called {sorted(unknown)[0]!r}")
    wanted = {name: _checked(name, value) for name, value in values.items()}
    with library.transaction() as conn:
        before = _read(conn, paper_id)
        columns = conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM paper WHERE id = ?", [paper_id]
        ).fetchone()
        before_edited = edited_fields(conn, [paper_id]).get(paper_id, frozenset())
        after = replace(before, **wanted)
        changed = frozenset(n for n in EDITABLE if getattr(after, n) != getattr(before, n))
        _check_unique(conn, paper_id, after, changed)
        _write(conn, paper_id, after, changed)
        conn.executemany(
            "INSERT OR IGNORE INTO paper_edit (paper_id, field) VALUES (?, ?)",
            [(paper_id, name) for name in sorted(changed)],
        )
    return DetailsEdit(
        changes=_changes(paper_id, bool(changed)),
        paper_id=paper_id,
        before=before,
        before_edited=before_edited,
        after=after,
        edited=changed,
        before_columns=tuple(zip(_COLUMNS, columns, strict=True)),
    )


def restore_details(library: Library, edit: DetailsEdit) -> Changes:
    """Undo ``edit``: the details as they were, and the record of edited fields too."""
    with library.transaction() as conn:
        current = _read(conn, edit.paper_id)
        changed = frozenset(n for n in EDITABLE if getattr(current, n) != getattr(edit.before, n))
        _check_unique(conn, edit.paper_id, edit.before, changed)
        if edit.before_columns:
            assignments = ", ".join(f"{name} = ?" for name, _ in edit.before_columns)
            conn.execute(
                f"UPDATE paper SET {assignments} WHERE id = ?",
                [*(value for _, value in edit.before_columns), edit.paper_id],
            )
        else:
            _write(conn, edit.paper_id, edit.before, changed)
        conn.execute("DELETE FROM paper_edit WHERE paper_id = ?", [edit.paper_id])
        conn.executemany(
            "INSERT INTO paper_edit (paper_id, field) VALUES (?, ?)",
            [(edit.paper_id, name) for name in sorted(edit.before_edited)],
        )
    return _changes(edit.paper_id, True)


def check_values(values: dict[str, Any]) -> None:
    """Raise the :class:`LibraryUsageError` :func:`edit_details` would raise for ``values``
    (without the library: an id another paper has is only found by the write)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise LibraryUsageError(f"a paper has no detail called {sorted(unknown)[0]!r}")
    for name, value in values.items():
        _checked(name, value)


def parse_authors(text: str) -> tuple[str, ...]:
    """Author names typed in one line: separated by ``;`` when there is one (``Smith, J.;
    Doe, A.``), else by commas and a final ``and``."""
    parts = text.split(";") if ";" in text else text.replace(" and ", ",").split(",")
    return tuple(name for name in (" ".join(p.split()) for p in parts) if name)


# ------------------------------------------------------------------------------ internals


def _changes(paper_id: int, changed: bool) -> Changes:
    if not changed:
        return Changes()
    return Changes(paper_ids=frozenset({paper_id}), fields=frozenset({"details"}))


def _read(conn: sqlite3.Connection, paper_id: int) -> PaperDetails:
    from reader.library.errors import PaperNotFoundError

    row = conn.execute(
        "SELECT title, authors, published, arxiv_id, doi, url, journal FROM paper WHERE id = ?",
        [paper_id],
    ).fetchone()
    if row is None:
        raise PaperNotFoundError(f"there is no paper with id {paper_id}")
    title, authors, published, arxiv_id, doi, url, journal = row
    try:
        names = tuple(str(a) for a in json.loads(authors)) if authors else ()
    except (ValueError, TypeError):
        names = ()
    year = int(published[:4]) if published and published[:4].isdigit() else None
    return PaperDetails(title, names, year, arxiv_id, doi, url, journal)


def _checked(name: str, value: Any) -> Any:
    """The value to store for field ``name``, or a :class:`LibraryUsageError`."""
    if name == "authors":
        names = parse_authors(value) if isinstance(value, str) else tuple(value or ())
        if len(names) > _MAX_AUTHORS:
            raise LibraryUsageError(f"at most {_MAX_AUTHORS:,} authors can be given")
        return tuple(_text(n, "an author's name") for n in names)
    if name == "year":
        return _year(value)
    text = _text(value, name) if value is not None else ""
    if name == "title":
        if not text:
            raise LibraryUsageError("a paper's title cannot be empty")
        return text
    if not text:
        return None
    if name == "arxiv_id":
        arxiv_id = normalise_arxiv_id(text)
        if arxiv_id is None:
            raise LibraryUsageError(f"{text!r} is not an arXiv id (like 2411.13560)")
        return arxiv_id
    if name == "doi":
        doi = bare_doi(text)
        if doi is None:
            raise LibraryUsageError(f"{text!r} is not a DOI (like 10.1000/xyz123)")
        return doi
    if name == "url" and not text.lower().startswith(("http://", "https://")):
        raise LibraryUsageError("a link must start with http:// or https://")
    return text


def _text(value: Any, what: str) -> str:
    text = " ".join(clean_text(str(value)).split())
    if len(text) > _MAX_TEXT:
        raise LibraryUsageError(f"{what} is longer than {_MAX_TEXT:,} characters")
    return text


def _year(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise LibraryUsageError(f"{value!r} is not a year") from None
    if not 1000 <= year <= date.today().year + 5:
        raise LibraryUsageError(f"{year} is not a plausible year for a paper")
    return year


def _check_unique(
    conn: sqlite3.Connection, paper_id: int, after: PaperDetails, changed: frozenset[str]
) -> None:
    """Refuse an arXiv id or DOI that another paper has: they are identities."""
    if "arxiv_id" in changed and after.arxiv_id:
        other = conn.execute(
            "SELECT id FROM paper WHERE arxiv_id = ? AND id != ?", [after.arxiv_id, paper_id]
        ).fetchone()
        if other is not None:
            raise LibraryUsageError(
                f"paper {other[0]} has the arXiv id {after.arxiv_id}; merge the two papers instead"
            )
    if "doi" in changed and after.doi:
        key = normalise_doi(after.doi)
        other = conn.execute(
            "SELECT id FROM paper WHERE lower(doi) = ? AND id != ?", [key, paper_id]
        ).fetchone()
        if other is not None:
            raise LibraryUsageError(
                f"paper {other[0]} has the DOI {after.doi}; merge the two papers instead"
            )


def _write(
    conn: sqlite3.Connection, paper_id: int, after: PaperDetails, changed: Iterable[str]
) -> None:
    columns: dict[str, object] = {}
    for name in changed:
        value = getattr(after, name)
        if name == "title":
            columns.update(title=value, title_key=normalise_title(value))
        elif name == "authors":
            columns["authors"] = json.dumps(list(value), ensure_ascii=False) if value else None
            columns["authors_count"] = len(value) or None
        elif name == "year":
            columns["published"] = _published(conn, paper_id, value)
        else:
            columns[name] = value
    if columns:
        assignments = ", ".join(f"{column} = ?" for column in columns)
        conn.execute(f"UPDATE paper SET {assignments} WHERE id = ?", [*columns.values(), paper_id])


def _published(conn: sqlite3.Connection, paper_id: int, year: int | None) -> str | None:
    if year is None:
        return None
    current = conn.execute("SELECT published FROM paper WHERE id = ?", [paper_id]).fetchone()[0]
    if current and current[:4] == f"{year:04d}":
        return str(current)
    return f"{year:04d}-01-01"
