"""Storing citation keys: one per paper, given once, unique ignoring case, editable.

The formula and the rules for a typed key are in :mod:`reader.cite.citekey`; this module
is their SQL. Keys are given

* to new papers by the importer, in the import's own transaction (:func:`assign_new`),
  so a paper never exists without one after an import commits;
* to papers that existed before the library had keys, in the order they arrived: by the
  command line when it opens the library (:func:`reader.library.opening.open_library`,
  :func:`assign_missing`, one pass), by the window on its writer thread after the window
  has painted (:func:`assign_missing_chunk`, a bounded chunk per write so the user's edits
  interleave), and again as a fallback whenever keys are asked for (:func:`keys_for`;
  a read-only library answers with the keys the papers would get).

Once given, a key changes only when the user edits it (:func:`set_citekey`); imports,
other papers and later, richer records of the same paper never touch it.

Which papers still lack a key is kept by triggers in the table ``citekey_missing``
(migration ``_CITEKEY_MISSING``), so :func:`missing` is one lookup at any library size and
sees every such paper, wherever its id is.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from reader.cite.citekey import (
    CitekeyError,
    base_key,
    clean_citekey,
    first_family_name,
    unique_key,
)
from reader.library.errors import LibraryUsageError, PaperNotFoundError
from reader.library.model import Changes
from reader.library.schema import TAG_SEPARATOR

if TYPE_CHECKING:
    from reader.library.store import Library

_CHUNK = 500
_FIELDS = frozenset({"citekey"})
_FORMULA_COLUMNS = "id, title, authors, organization, published"


def _formula_key(row: Sequence[object]) -> str:
    """The formula's key (no suffix) for a ``_FORMULA_COLUMNS`` row."""
    _, title, authors_json, organization, published = row
    authors = json.loads(str(authors_json)) if authors_json else []
    year = int(str(published)[:4]) if published and str(published)[:4].isdigit() else None
    return base_key(
        first_family_name(authors), str(organization) if organization else None, str(title), year
    )


def _assign(conn: sqlite3.Connection, rows: Iterable[Sequence[object]], taken: set[str]) -> int:
    """Give each row's paper the first free key; ``taken`` holds casefolded keys in use."""
    new: list[tuple[object, str]] = []
    for row in rows:
        key = unique_key(_formula_key(row), lambda k: k.casefold() in taken)
        taken.add(key.casefold())
        new.append((row[0], key))
    conn.executemany("INSERT INTO citekey (paper_id, key) VALUES (?, ?)", new)
    return len(new)


def assign_new(conn: sqlite3.Connection, paper_ids: Iterable[int]) -> int:
    """Give keys to just-inserted papers, inside the caller's transaction, in id order."""
    ids = sorted(set(paper_ids))
    if not ids:
        return 0
    rows: list[Sequence[object]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        # A brand-new paper may have the id of one purged from the trash: not its key.
        conn.execute(f"DELETE FROM citekey WHERE paper_id IN ({','.join('?' * len(chunk))})", chunk)
        rows += conn.execute(
            f"SELECT {_FORMULA_COLUMNS} FROM paper WHERE id IN ({','.join('?' * len(chunk))}) "
            "AND id NOT IN (SELECT paper_id FROM citekey) ORDER BY id",
            chunk,
        ).fetchall()
    bases = sorted({_formula_key(r) for r in rows})
    taken: set[str] = set()
    for base in bases:
        # Every key that could collide with one made from this base starts with it.
        upper = base + "\U0010ffff"
        taken.update(
            r[0].casefold()
            for r in conn.execute(
                "SELECT key FROM citekey WHERE key >= ? AND key < ?", [base, upper]
            )
        )
    return _assign(conn, rows, taken)


_UNKEYED = "SELECT paper_id FROM citekey_missing"
"""The papers without a key, in id order (kept by the schema's triggers)."""


def missing(library: Library) -> bool:
    """Whether any paper has no key yet (as after the upgrade that added keys, or a fill of
    them cut short). One lookup at any library size, for every open."""
    row = library.connection.execute("SELECT EXISTS (SELECT 1 FROM citekey_missing)").fetchone()
    return bool(row[0])


def assign_missing(library: Library) -> Changes:
    """Give every paper without a key its key, in the order papers arrived (one transaction)."""
    with library.transaction() as conn:
        rows = conn.execute(
            f"SELECT {_FORMULA_COLUMNS} FROM paper WHERE id IN ({_UNKEYED}) ORDER BY id"
        ).fetchall()
        if not rows:
            return Changes()
        taken = {r[0].casefold() for r in conn.execute("SELECT key FROM citekey")}
        _assign(conn, rows, taken)
    return Changes(paper_ids=frozenset(int(r[0]) for r in rows), fields=_FIELDS)


FILL_CHUNK = 2000
"""How many papers one :func:`assign_missing_chunk` write keys (about 0.1 s of writing)."""


def assign_missing_chunk(
    library: Library, *, after: int = 0, limit: int = FILL_CHUNK
) -> tuple[Changes, int | None]:
    """Keys for up to ``limit`` papers without one whose id is above ``after``, in id order,
    in one transaction: the same keys :func:`assign_missing` gives.

    Returns the changes and the id to continue after, or ``None`` when no paper above
    ``after`` lacks a key. Run it again with that id until it returns ``None``; between
    two chunks other writes may run (an import keys its own papers, see :func:`assign_new`).
    """
    with library.transaction() as conn:
        ids = [
            int(r[0])
            for r in conn.execute(
                f"{_UNKEYED} WHERE paper_id > ? ORDER BY paper_id LIMIT ?", [after, limit]
            )
        ]
        if not ids:
            return Changes(), None
        assign_new(conn, ids)
    return Changes(paper_ids=frozenset(ids), fields=_FIELDS), ids[-1]


def stored_keys(library: Library, ids: Sequence[int]) -> dict[int, str]:
    """The stored keys of ``ids`` (papers without one are left out)."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        found.update(
            library.connection.execute(
                f"SELECT paper_id, key FROM citekey WHERE paper_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    return found


def keys_for(library: Library, ids: Sequence[int]) -> dict[int, str]:
    """The key of each of ``ids`` that is a paper (unknown ids are left out).

    A paper still without a key gets one now when the library can be written (every
    missing key is assigned, in arrival order, so the result does not depend on which
    papers were asked for first). A read-only library answers with the keys the papers
    would get, without storing them.
    """
    found = stored_keys(library, ids)
    absent = [i for i in ids if i not in found]
    if not absent:
        return found
    if library.writable:
        assign_missing(library)
        return stored_keys(library, ids)
    return found | _provisional(library, absent)


def _provisional(library: Library, ids: Sequence[int]) -> dict[int, str]:
    conn = library.connection
    rows = conn.execute(
        f"SELECT {_FORMULA_COLUMNS} FROM paper WHERE id IN ({_UNKEYED}) ORDER BY id"
    ).fetchall()
    taken = {r[0].casefold() for r in conn.execute("SELECT key FROM citekey")}
    wanted = set(ids)
    keys: dict[int, str] = {}
    for row in rows:
        key = unique_key(_formula_key(row), lambda k: k.casefold() in taken)
        taken.add(key.casefold())
        if row[0] in wanted:
            keys[int(str(row[0]))] = key
    return keys


def paper_for_key(library: Library, key: str) -> int | None:
    """The paper whose key is ``key`` (ignoring case), or ``None``.

    A key of a paper merged into another (recorded in ``citekey_alias``) answers with the
    paper it was merged into; the merged paper's own key row, which stays so that no other
    paper is given the key, is no paper any more.
    """
    wanted = key.strip().removeprefix("@")
    conn = library.connection
    row = conn.execute(
        "SELECT c.paper_id FROM citekey c WHERE c.key = ? "
        "AND EXISTS (SELECT 1 FROM paper p WHERE p.id = c.paper_id)",
        [wanted],
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT a.paper_id FROM citekey_alias a WHERE a.key = ? "
            "AND EXISTS (SELECT 1 FROM paper p WHERE p.id = a.paper_id)",
            [wanted],
        ).fetchone()
    if row is None:  # e.g. a paper in the trash, which keeps its key
        row = conn.execute("SELECT paper_id FROM citekey WHERE key = ?", [wanted]).fetchone()
    return int(row[0]) if row else None


def set_citekey(library: Library, paper_id: int, key: str) -> Changes:
    """Make ``key`` the paper's citekey (the user's choice; imports never change it).

    Raises :class:`LibraryUsageError` with a one-line message when the key is not valid
    (see :func:`reader.cite.citekey.clean_citekey`) or another paper has it, and
    :class:`PaperNotFoundError` for an unknown paper.
    """
    try:
        cleaned = clean_citekey(key)
    except CitekeyError as exc:
        raise LibraryUsageError(str(exc)) from None
    if paper_id not in keys_for(library, [paper_id]):
        raise PaperNotFoundError(f"there is no paper with id {paper_id}")
    with library.transaction() as conn:
        holder = conn.execute(
            "SELECT c.paper_id, p.title, t.title FROM citekey c "
            "LEFT JOIN paper p ON p.id = c.paper_id LEFT JOIN trash t ON t.paper_id = c.paper_id "
            "WHERE c.key = ? AND c.paper_id != ?",
            [cleaned, paper_id],
        ).fetchone()
        if holder is not None:
            title = holder[1] or holder[2] or ""
            title = title if len(title) <= 50 else title[:49] + "…"
            where = "" if holder[1] is not None else ", in the trash"
            raise LibraryUsageError(
                f"the citekey {cleaned!r} is taken by paper {holder[0]} ({title!r}{where}); "
                "choose another"
            )
        changed = conn.execute(
            "UPDATE citekey SET key = ?, edited = 1 WHERE paper_id = ? AND key IS NOT ? "
            "COLLATE BINARY RETURNING paper_id",
            [cleaned, paper_id, cleaned],
        ).fetchall()
    return Changes(paper_ids=frozenset(int(r[0]) for r in changed), fields=_FIELDS)


def reset_citekey(library: Library, paper_id: int) -> Changes:
    """Give the paper the key the formula makes for it now (undoing an edit): the bare
    formula key if no other paper has it, else the first free suffix."""
    keys_for(library, [paper_id])
    with library.transaction() as conn:
        row = conn.execute(
            f"SELECT {_FORMULA_COLUMNS} FROM paper WHERE id = ?", [paper_id]
        ).fetchone()
        if row is None:
            raise PaperNotFoundError(f"there is no paper with id {paper_id}")
        base = _formula_key(row)
        taken = {
            r[0].casefold()
            for r in conn.execute(
                "SELECT key FROM citekey WHERE key >= ? AND key < ? AND paper_id != ?",
                [base, base + "\U0010ffff", paper_id],
            )
        }
        key = unique_key(base, lambda k: k.casefold() in taken)
        changed = conn.execute(
            "UPDATE citekey SET key = ?, edited = 0 WHERE paper_id = ? AND key IS NOT ? "
            "COLLATE BINARY RETURNING paper_id",
            [key, paper_id, key],
        ).fetchall()
    return Changes(paper_ids=frozenset(int(r[0]) for r in changed), fields=_FIELDS)


class CitationSource(NamedTuple):
    """The fields of a paper a citation is made from (named as on
    :class:`~reader.library.Paper`), read in bulk without the rest of the paper."""

    id: int
    citekey: str | None
    title: str
    abstract: str
    authors: tuple[str, ...]
    authors_count: int | None
    organization: str | None
    published: date | None
    arxiv_id: str | None
    doi: str | None
    url: str | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    journal: str | None = None


_SOURCE_SQL = (
    "SELECT p.id, c.key, p.title, p.abstract, p.authors, p.authors_count, p.organization, "
    "p.published, p.arxiv_id, p.doi, p.url, p.categories, p.tags, p.journal "
    "FROM paper p LEFT JOIN citekey c ON c.paper_id = p.id WHERE p.id IN ({marks})"
)


@lru_cache(maxsize=4096)  # a library holds a few hundred distinct category lists
def _categories(stored: str) -> tuple[str, ...]:
    return tuple(json.loads(stored))


def citation_sources(library: Library, ids: Sequence[int]) -> Iterator[CitationSource]:
    """What citations of ``ids`` are made from, in the order given (unknown ids left out).

    Papers without a key yet get theirs first (see :func:`keys_for`); on a read-only
    library those papers carry the key they would get.
    """
    provisional: dict[int, str] = {}
    if missing(library):
        provisional = keys_for(library, ids)  # all at once: stored, or computed if read-only
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = {
            r[0]: r
            for r in library.connection.execute(
                _SOURCE_SQL.format(marks=",".join("?" * len(chunk))), chunk
            )
        }
        for paper_id in chunk:
            r = rows.get(paper_id)
            if r is None:
                continue
            yield CitationSource(
                r[0],
                r[1] or provisional.get(r[0]),
                r[2],
                r[3],
                tuple(json.loads(r[4])) if r[4] else (),
                r[5],
                r[6],
                date.fromisoformat(r[7]) if r[7] else None,
                r[8],
                r[9],
                r[10],
                _categories(r[11]) if r[11] else (),
                tuple(r[12].split(TAG_SEPARATOR)) if r[12] else (),
                r[13] or None,
            )


def key_edited(library: Library, paper_id: int) -> bool:
    """Whether the paper's key is one the user typed (not the formula's)."""
    row = library.connection.execute(
        "SELECT edited FROM citekey WHERE paper_id = ?", [paper_id]
    ).fetchone()
    return bool(row and row[0])
