"""What the library remembers of each vault note, and notes coming back from the vault.

The Markdown export (:mod:`reader.export`) writes notes into vault folders and merges the
user's edits three ways on the next export. For that it keeps, per folder and paper:

- in ``export_file`` (shared with the older export records): the note's file name in the
  folder (a path relative to it, ``/``-separated), the SHA-256 of the bytes last written
  or found there, and the fingerprint of what the note was rendered from;
- in ``vault_note``: the *base*, the text Papershelf last rendered for the note (what the
  next merge compares both sides with), and the file's size, mtime, inode and ctime as
  last seen with when that was (``checked_ns``), so a note nobody touched is recognised
  from the folder's listing without reading it (see :mod:`reader.export.listing`).

:func:`note_sources` reads, for many papers in one query, what their notes are rendered
from as a digest of the stored fields (see :data:`RENDERED_COLUMNS`) with the few fields
the index lists, so an export renders, and reads whole, only the papers that changed.

:func:`pull_notes` is the way back: it writes notes the user edited in the vault into the
library, each only if the library's note is still what the export saw (a note typed in
the window meanwhile is never overwritten), together with the notes' new records, in one
transaction, and returns the :class:`~reader.library.model.Changes` (undo restores the
old texts with :meth:`Library.set_note <reader.library.store.Library.set_note>`).
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from reader.library.connection import chunks
from reader.library.errors import LibraryUsageError
from reader.library.model import Changes, Status
from reader.library.store import MAX_NOTE_CHARS, Library, now_utc, to_iso

_CHUNK = 500


class VaultState(NamedTuple):
    """What the library remembers of one note in one folder (no base text: see :func:`vault_base`).

    A named tuple: an export reads one for every note of the folder."""

    name: str
    sha256: str
    inputs: str | None
    size: int | None
    mtime_ns: int | None
    has_base: bool
    ino: int | None = None
    ctime_ns: int | None = None
    checked_ns: int | None = None
    """When (wall clock, ns) the file was seen with this size, mtime, inode and ctime."""


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """A note as it now is in the folder, to remember.

    ``base`` ``None`` keeps the base already remembered; ``inputs`` ``None`` forgets the
    fingerprint (the note is rendered again next time).
    """

    paper_id: int
    name: str
    sha256: str
    inputs: str | None
    base: str | None
    size: int | None
    mtime_ns: int | None
    ino: int | None = None
    ctime_ns: int | None = None
    checked_ns: int | None = None


@dataclass(frozen=True, slots=True)
class NotePull:
    """A note edited in the vault, to bring into the library: from ``old`` to ``new``."""

    paper_id: int
    old: str
    new: str
    record: NoteRecord


def vault_states(library: Library, folder: str) -> dict[int, VaultState]:
    """Every note remembered in ``folder``: paper id → :class:`VaultState` (0 is the index)."""
    # Two scans of one folder's rows joined here: a third of the time of a SQL join.
    seen = {
        r[0]: r[1:]
        for r in library._query(
            "SELECT paper_id, size, mtime_ns, base IS NOT NULL, ino, ctime_ns, checked_ns "
            "FROM vault_note WHERE folder = ?",
            [folder],
        )
    }
    none = (None, None, 0, None, None, None)
    states: dict[int, VaultState] = {}
    for pid, name, sha, inputs in library._query(
        "SELECT paper_id, name, sha256, inputs FROM export_file WHERE folder = ?", [folder]
    ):
        size, mtime, has_base, ino, ctime, checked = seen.get(pid, none)
        states[pid] = VaultState(
            name, sha, inputs, size, mtime, bool(has_base), ino, ctime, checked
        )
    return states


RENDERED_COLUMNS = (
    "arxiv_id",
    "title_key",
    "title",
    "abstract",
    "authors_count",
    "organization",
    "published",
    "comments",
    "authors",
    "upvotes",
    "url",
    "doi",
    "categories",
    "first_seen",
    "status",
    "rating",
    "note",
    "note_updated_at",
    "opened_at",
    "tags",
    "journal",
)
"""The ``paper`` columns a note is rendered from: every column a
:class:`~reader.library.model.Paper` is read from. With the paper's citekey and its
appearances in digests they make :attr:`NoteSource.digest`; a column added to ``paper``
must be added here or to :data:`UNRENDERED_COLUMNS` (a test checks)."""

UNRENDERED_COLUMNS = frozenset({"id", "comments_at", "status_changed_at"})
"""``paper`` columns no :class:`~reader.library.model.Paper` field holds."""

# Every value as an SQL literal (``%Q``: quoted, NULL as NULL), so the text is one to one.
_SOURCE_SQL = (
    "SELECT p.id, p.title, p.status, p.rating, c.key, CAST(printf('"
    + ",".join(["%Q"] * (len(RENDERED_COLUMNS) + 2))
    + "', "
    + ", ".join(f"p.{column}" for column in RENDERED_COLUMNS)
    + ", c.key, (SELECT group_concat(x, ';') FROM ("
    "SELECT printf('%Q,%Q,%Q,%Q,%Q', d.id, d.path, d.digest_date, a.position, a.comments) AS x "
    "FROM appearance a JOIN digest d ON d.id = a.digest_id "
    "WHERE a.paper_id = p.id ORDER BY d.digest_date, d.id))) AS BLOB) "
    "FROM paper p LEFT JOIN citekey c ON c.paper_id = p.id WHERE p.id IN ({marks})"
)


class NoteSource(NamedTuple):
    """What one paper's note is made from, read without reading the whole paper (a named
    tuple: an export reads one for every paper)."""

    paper_id: int
    title: str
    status: Status
    rating: int
    citekey: str | None
    digest: str
    """SHA-256 of ``salt`` and the stored fields the note is rendered from
    (:data:`RENDERED_COLUMNS`, the citekey, the digests the paper appeared in): equal
    digests, equal inputs."""


def note_sources(library: Library, ids: Sequence[int], salt: bytes = b"") -> list[NoteSource]:
    """The :class:`NoteSource` of each paper of ``ids`` (in that order; unknown ids left
    out); ``salt`` (the template and the version, say) goes into every digest."""
    found: dict[int, NoteSource] = {}
    salted = hashlib.sha256(salt + b"\x00")
    statuses = {s.value: s for s in Status}
    for chunk, marks in chunks(ids):
        for pid, title, status, rating, key, blob in library._query(
            _SOURCE_SQL.format(marks=marks), chunk
        ):
            digest = salted.copy()
            digest.update(blob)
            found[pid] = NoteSource(pid, title, statuses[status], rating, key, digest.hexdigest())
    return [found[i] for i in ids if i in found]


def vault_bases(library: Library, folder: str, ids: Sequence[int]) -> dict[int, str]:
    """:func:`vault_base` of many papers in one query per chunk (papers with no base left out)."""
    bases: dict[int, str] = {}
    for chunk, marks in chunks(ids):
        for pid, blob in library._query(
            f"SELECT paper_id, base FROM vault_note WHERE folder = ? AND paper_id IN ({marks}) "
            "AND base IS NOT NULL",
            [folder, *chunk],
        ):
            try:
                bases[pid] = zlib.decompress(blob).decode("utf-8")
            except (zlib.error, UnicodeDecodeError):
                continue  # a damaged base is no base
    return bases


def vault_base(library: Library, folder: str, paper_id: int) -> str | None:
    """The text Papershelf last rendered for the paper's note in ``folder``, if remembered."""
    rows = library._query(
        "SELECT base FROM vault_note WHERE folder = ? AND paper_id = ?", [folder, paper_id]
    )
    if not rows or rows[0][0] is None:
        return None
    try:
        return zlib.decompress(rows[0][0]).decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        return None  # a damaged base is no base: the note is then handled as unmerged


def remember_notes(library: Library, folder: str, records: Iterable[NoteRecord]) -> None:
    """Remember notes as they now are in ``folder``, all in one transaction."""
    rows = list(records)
    if not rows:
        return
    with library.transaction() as conn:
        _remember(conn, folder, rows)


def _remember(conn: sqlite3.Connection, folder: str, rows: Sequence[NoteRecord]) -> None:
    now = to_iso(now_utc())
    conn.executemany(
        "INSERT INTO export_file (folder, paper_id, name, sha256, exported_at, inputs) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (folder, paper_id) DO UPDATE SET "
        "name = excluded.name, sha256 = excluded.sha256, exported_at = excluded.exported_at, "
        "inputs = excluded.inputs",
        [(folder, r.paper_id, r.name, r.sha256, now, r.inputs) for r in rows],
    )
    conn.executemany(
        "INSERT INTO vault_note (folder, paper_id, base, size, mtime_ns, ino, ctime_ns, "
        "checked_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (folder, paper_id) DO UPDATE SET "
        "base = coalesce(excluded.base, vault_note.base), size = excluded.size, "
        "mtime_ns = excluded.mtime_ns, ino = excluded.ino, ctime_ns = excluded.ctime_ns, "
        "checked_ns = excluded.checked_ns",
        [
            (
                folder,
                r.paper_id,
                None if r.base is None else zlib.compress(r.base.encode("utf-8", "replace"), 1),
                r.size,
                r.mtime_ns,
                r.ino,
                r.ctime_ns,
                r.checked_ns,
            )
            for r in rows
        ],
    )


def confirm_seen(
    library: Library, folder: str, seen: Iterable[tuple[int, int, int, int, int, int]]
) -> None:
    """Remember that notes were seen again unchanged: ``(paper_id, size, mtime_ns, ino,
    ctime_ns, checked_ns)`` each, for notes already remembered (the rest is kept)."""
    rows = [(s, m, i, c, k, folder, p) for p, s, m, i, c, k in seen]
    if not rows:
        return
    with library.transaction() as conn:
        conn.executemany(
            "UPDATE vault_note SET size = ?, mtime_ns = ?, ino = ?, ctime_ns = ?, checked_ns = ? "
            "WHERE folder = ? AND paper_id = ?",
            rows,
        )


def pull_notes(library: Library, folder: str, pulls: Sequence[NotePull]) -> Changes:
    """Bring notes edited in the vault into the library (see the module docstring).

    A note whose library text is no longer ``old`` is left as it is (and its record too,
    so the next export sees the change again). Raises :class:`LibraryUsageError` for a
    note longer than the library allows, before writing anything.
    """
    for pull in pulls:
        if len(pull.new) > MAX_NOTE_CHARS:
            raise LibraryUsageError(
                f"the note of paper {pull.paper_id} is longer than {MAX_NOTE_CHARS:,} "
                "characters, more than the library keeps"
            )
    changed: set[int] = set()
    now = to_iso(now_utc())
    with library.transaction() as conn:
        for start in range(0, len(pulls), _CHUNK):
            done: list[NoteRecord] = []
            for pull in pulls[start : start + _CHUNK]:
                row = conn.execute(
                    "UPDATE paper SET note = ?, note_updated_at = ? WHERE id = ? AND note = ? "
                    "RETURNING id",
                    [pull.new, now, pull.paper_id, pull.old],
                ).fetchone()
                if row is not None:
                    changed.add(pull.paper_id)
                    done.append(pull.record)
            _remember(conn, folder, done)
    return Changes(paper_ids=frozenset(changed), fields=frozenset({"note"}))
