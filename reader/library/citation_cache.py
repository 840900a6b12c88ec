"""Formatted citations kept beside a library, so copying many papers is a lookup.

Rendering a bibliography entry with citeproc-py costs 1–3 ms of CPU per paper (APA is the
dearest), so :mod:`reader.cite.cached` keeps each paper's rendered entry, and the sort
keys its style sorts by, in a small SQLite file next to the library
(``library.sqlite`` → ``library.sqlite.citations``).

An entry is stored under its citekey and style, with a **digest** of everything it was
rendered from: the CSL item (every field citeproc-py sees), the style file's bytes,
citeproc-py's version and the output format. A lookup hands an entry back only when the
paper's digest now is the stored one, so an edited title, a new author list or an
upgraded style is never served stale; it is simply rendered again. The file holds
nothing the user made: deleting it only costs renders, and a file written by another
version of this format is emptied. Entries under a key no paper answers to any more (a
citekey edited, a paper merged away or deleted for good) are pruned by
:func:`prune_stale`, a bounded step at a time, which the background fill runs once a
session. The library's writer never writes it, so it never delays an edit: the
citation cache's own child process does (:mod:`reader.cite.fill_jobs`, a few entries to a
transaction), and a copy in the window stores the few entries that child could not.
Several processes may write it at once (WAL, a busy timeout); each transaction is whole
or not at all.
"""

from __future__ import annotations

import os
import sqlite3
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.library.side_file import open_side_file

if TYPE_CHECKING:
    from reader.library.store import Library

CACHE_VERSION = 1
"""Bumped whenever the stored format changes, so old caches are emptied."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    style     TEXT NOT NULL,   -- style id and output ("apa/html")
    citekey   TEXT NOT NULL,   -- lower-cased
    digest    BLOB NOT NULL,   -- what the entry was rendered from (reader.cite.cached)
    text      TEXT NOT NULL,   -- the entry, the citation number as a placeholder
    sort_keys TEXT NOT NULL,   -- JSON: the style's sort keys, computed or not
    PRIMARY KEY (style, citekey)
) WITHOUT ROWID;
"""
_CHUNK = 500


def cache_path(library_path: str | os.PathLike[str]) -> Path:
    """Where the citation cache of the library at ``library_path`` lives."""
    path = Path(library_path)
    return path.with_name(path.name + ".citations")


@dataclass(frozen=True, slots=True)
class CachedEntry:
    """One stored entry: what it was rendered from, its text and its sort keys (JSON)."""

    digest: bytes
    text: str
    sort_keys: str


class CitationCache:
    """One connection to a library's citation cache (``None`` path: in memory only).

    A cache that cannot be opened or written (a read-only folder, a damaged file) falls
    back to memory, so citations still work, just without reuse across runs. One thread
    at a time may use it.
    """

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None
        self._conn, self.persistent = open_side_file(
            self.path,
            version=CACHE_VERSION,
            schema=_SCHEMA,
            tables=("entry",),
            check_same_thread=False,
        )

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> CitationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def entries(self, style: str, citekeys: Iterable[str]) -> dict[str, CachedEntry]:
        """The stored entries of ``citekeys`` (lower-cased keys) in ``style``; keys with
        none are left out. Whether an entry is still current is the caller's to check
        (:attr:`CachedEntry.digest`)."""
        wanted = sorted({k.lower() for k in citekeys})
        found: dict[str, CachedEntry] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, digest, text, sort_keys in self._conn.execute(
                "SELECT citekey, digest, text, sort_keys FROM entry "
                f"WHERE style = ? AND citekey IN ({marks})",
                [style, *chunk],
            ):
                found[key] = CachedEntry(bytes(digest), text, sort_keys)
        return found

    def store(self, style: str, entries: Sequence[tuple[str, CachedEntry]]) -> bool:
        """Keep ``(citekey, entry)`` pairs in ``style``, replacing what those keys had.
        ``False`` (and nothing kept) when the file cannot be written just now."""
        if not entries:
            return True
        rows = [(style, k.lower(), e.digest, e.text, e.sort_keys) for k, e in entries]
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO entry (style, citekey, digest, text, sort_keys) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            return False
        return True

    def count(self, style: str | None = None) -> int:
        """How many entries are stored (in ``style``, or in all)."""
        if style is None:
            return int(self._conn.execute("SELECT count(*) FROM entry").fetchone()[0])
        return int(
            self._conn.execute("SELECT count(*) FROM entry WHERE style = ?", [style]).fetchone()[0]
        )

    def keys_after(self, after: tuple[str, str], limit: int) -> list[tuple[str, str]]:
        """Up to ``limit`` ``(style, citekey)`` pairs held, in that order, after ``after``
        (``("", "")``: from the first)."""
        return [
            (str(style), str(key))
            for style, key in self._conn.execute(
                "SELECT style, citekey FROM entry WHERE (style, citekey) > (?, ?) "
                "ORDER BY style, citekey LIMIT ?",
                [*after, limit],
            )
        ]

    def forget(self, pairs: Sequence[tuple[str, str]]) -> int:
        """Drop the entries of ``(style, citekey)`` pairs; how many went (0, and nothing
        dropped, when the file cannot be written just now)."""
        if not pairs:
            return 0
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                gone = 0
                for style, key in pairs:
                    gone += self._conn.execute(
                        "DELETE FROM entry WHERE style = ? AND citekey = ?", [style, key]
                    ).rowcount
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            return 0
        return gone

    def held_among(self, style: str, citekeys: Sequence[str]) -> set[str]:
        """Which of ``citekeys`` (lower-cased in the answer) have an entry in ``style``."""
        wanted = sorted({k.lower() for k in citekeys})
        held: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            held.update(
                str(r[0])
                for r in self._conn.execute(
                    f"SELECT citekey FROM entry WHERE style = ? AND citekey IN ({marks})",
                    [style, *chunk],
                )
            )
        return held

    def held_keys(self, style: str) -> set[str]:
        """The (lower-cased) citekeys with an entry in ``style``, current or not."""
        return {
            str(r[0])
            for r in self._conn.execute("SELECT citekey FROM entry WHERE style = ?", [style])
        }


def uncached_papers(library: Library, cache: CitationCache, style: str) -> array[int]:
    """The papers of ``library``, newest first, that have no entry in ``style`` at all
    (never rendered, or given a key since): what the background fill renders when it has
    nothing newer to do. Entries held for older fields are found when they are used.

    As ``array('q')``, 8 bytes a paper (after an upgrade or a change of style that is
    every paper: a million ``int`` objects would be 38 MB); :func:`uncached_page` by page."""
    found = array("q")
    below: int | None = None
    while True:
        page, below = uncached_page(library, cache, style, below)
        found.extend(page)
        if below is None:
            return found


BACKLOG_PAGE = 20_000
"""Papers one :func:`uncached_page` looks at (some tens of ms: the rows and their keys)."""


def uncached_page(
    library: Library,
    cache: CitationCache,
    style: str,
    below: int | None = None,
    limit: int = BACKLOG_PAGE,
) -> tuple[array[int], int | None]:
    """Of the ``limit`` newest papers with an id under ``below`` (``None``: the newest of
    all), those with no entry in ``style``, newest first, and where the next page starts
    (``None``: that was the last). A bounded step, whatever the size of the library or of
    the cache: the keys of the page are looked up, not every key held."""
    rows = library.connection.execute(
        "SELECT p.id, c.key FROM paper p LEFT JOIN citekey c ON c.paper_id = p.id "
        "WHERE p.id < ? ORDER BY p.id DESC LIMIT ?",
        [below if below is not None else 2**63 - 1, limit],
    ).fetchall()
    held = cache.held_among(style, [str(key) for _, key in rows if key is not None])
    page = array(
        "q", (int(pid) for pid, key in rows if key is None or str(key).lower() not in held)
    )
    return page, (int(rows[-1][0]) if len(rows) == limit else None)


PRUNE_CHUNK = 5000
"""Entries one :func:`prune_stale` step looks at (some tens of ms of CPU)."""

PruneCursor = tuple[str, str]
"""Where a prune goes on from: the last ``(style, citekey)`` looked at."""


def prune_stale(
    library: Library,
    cache: CitationCache,
    after: PruneCursor = ("", ""),
    limit: int = PRUNE_CHUNK,
) -> tuple[int, PruneCursor | None]:
    """Drop, of the ``limit`` entries after ``after``, those under keys that no paper of
    ``library`` answers to any more: a key edited away, a paper merged into another or
    deleted for good (a paper in the trash keeps its entries, for its restore). Returns
    how many went and where to go on from (``None``: the last entry was looked at).

    A step reads only the keys it looks at, through the citekey index, so its cost is
    bounded whatever the size of the library or of the cache. While some paper has no key
    yet (an upgraded library whose keys are being given), nothing is pruned: its entries
    are under the keys it would get. A key pruned wrongly costs one render, nothing more.
    """
    from reader.library.citekeys import missing

    if missing(library):
        return 0, None
    held = cache.keys_after(after, limit)
    if not held:
        return 0, None
    keys = sorted({key for _, key in held})
    live: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        live.update(
            str(key).lower()
            for (key,) in library.connection.execute(
                f"SELECT c.key FROM citekey c WHERE c.key IN ({marks}) "
                "AND (EXISTS (SELECT 1 FROM paper p WHERE p.id = c.paper_id) "
                "OR EXISTS (SELECT 1 FROM trash t WHERE t.paper_id = c.paper_id))",
                chunk,
            )
        )
    gone = cache.forget([(style, key) for style, key in held if key not in live])
    return gone, (held[-1] if len(held) == limit else None)


def prune_all(library: Library, cache: CitationCache) -> int:
    """Every :func:`prune_stale` step at once; how many entries went."""
    total, cursor = prune_stale(library, cache)
    while cursor is not None:
        gone, cursor = prune_stale(library, cache, cursor)
        total += gone
    return total
