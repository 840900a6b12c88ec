"""The library: one SQLite file holding papers, tags, digests and the user's notes.

A :class:`Library` owns one connection and is used from one thread; every thread that needs
the library opens its own (the GUI thread reads, the import worker writes; WAL lets both
run at once). Every write runs in one ``BEGIN IMMEDIATE`` transaction and returns the
:class:`Changes` it made.

A library refuses writes when it was opened with ``read_only=True`` or when it is damaged:
marked so by a failed integrity check (see :mod:`reader.library.health`, checked before
every write, so other connections and processes see it too) or met with SQLite's
"malformed" / "not a database" on this connection.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.library import health, schema, search, words
from reader.library.errors import (
    LibraryCorruptError,
    LibraryDamagedError,
    LibraryError,
    LibraryGoneError,
    LibraryOpenError,
    LibraryReadOnlyError,
    LibraryUsageError,
    PaperNotFoundError,
    TagNotFoundError,
    translate,
)
from reader.library.model import (
    Appearance,
    Changes,
    DigestRecord,
    DigestStatus,
    Paper,
    PaperRow,
    SortKey,
    Status,
    TagCount,
    ViewCounts,
)
from reader.query import PaperFilter, compile_filter

if TYPE_CHECKING:
    from reader.library.trash import TrashedPaper

BUSY_TIMEOUT_MS = 5000
MAX_TAG_LENGTH = 64
MAX_NOTE_CHARS = 5_000_000

_TAGS = frozenset({"tags"})
_ROW_COLUMNS = (
    "p.id, p.title, p.rating, p.status, p.tags, p.published, p.first_seen, p.comments, "
    "p.authors_count, p.organization, p.note != ''"
)


def now_utc() -> datetime:
    """The current time, timezone-aware, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def to_iso(moment: datetime) -> str:
    """A timestamp as stored: ISO 8601 in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str | None) -> datetime | None:
    """A stored timestamp back as an aware datetime."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _identity_of(path: Path) -> tuple[int, int] | None:
    """The file's device and inode, or ``None`` when there is no file."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _text(raw: bytes) -> str:
    """Stored text as ``str``; bytes that are not UTF-8 show as U+FFFD, never an exception.

    A damaged abstract must not make every list, export and backup of the library fail;
    ``papershelf check`` finds such text and ``--repair`` isolates its bytes.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _json_texts(text: str | None) -> tuple[str, ...]:
    """A stored JSON list of names; a lone surrogate (``"\ud800"``) reads as U+FFFD."""
    if not text:
        return ()
    try:
        items = json.loads(text)
    except ValueError:
        return ()
    return tuple(_SURROGATES.sub("\ufffd", str(item)) for item in items)


_SURROGATES = re.compile("[\ud800-\udfff]")


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _split_tags(text: str) -> tuple[str, ...]:
    return tuple(text.split(schema.TAG_SEPARATOR)) if text else ()


def clean_tag_name(name: str) -> str:
    """A tag name as stored: trimmed, inner whitespace collapsed, a leading ``#`` dropped.

    Raises :class:`LibraryUsageError` for an empty or over-long name, or one with a comma
    or control characters.
    """
    cleaned = " ".join(name.split()).lstrip("#").strip()
    if _SURROGATES.search(cleaned):
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


class Library:
    """A Papershelf library file. Open with ``Library(path)``; close with :meth:`close`.

    ``before_migration(path, old_version, new_version)`` is called before the schema of an
    existing library is upgraded (the backup hook). With ``read_only`` the file is opened
    through SQLite's ``mode=ro``: it must exist and be current, and every write raises
    :class:`LibraryReadOnlyError`. Applications open libraries with
    :func:`reader.library.opening.open_library`, which adds backups and checks.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        before_migration: Callable[[Path, int, int], None] | None = None,
        read_only: bool = False,
        create: bool = True,
        create_folders: bool = True,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._damage: str | None = None
        self._opened = False
        self.created = False
        """Whether this open created the library file (it did not exist before)."""

        self._batch = False
        try:
            if read_only or not create:
                if not self.path.is_file():
                    raise LibraryOpenError(f"there is no library at {self.path}")
            elif not self.path.parent.is_dir() and not create_folders:
                raise LibraryOpenError(
                    f"the folder {self.path.parent} does not exist, so there is no library "
                    f"at {self.path}; check the path (no folders are created for it)"
                )
            self.created = not self.path.exists()
            if read_only:
                uri = f"file:{urllib.parse.quote(os.fspath(self.path.absolute()))}?mode=ro"
                conn = sqlite3.connect(
                    uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
                )
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
                )
        except OSError as exc:
            raise LibraryOpenError(
                f"the library {self.path} cannot be opened: {exc.strerror or exc}"
            ) from None
        except sqlite3.Error as exc:
            raise translate(exc, str(self.path)) or LibraryOpenError(
                f"the library {self.path} cannot be opened"
            ) from None
        self._conn = conn
        conn.text_factory = _text
        try:
            with self._translated():
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA foreign_keys = ON")
                # Index pages a list walks stay in memory (up to 16 MiB, as used).
                conn.execute("PRAGMA cache_size = -16384")
                # Before anything is written (WAL mode is written into the header).
                problem = health.schema_problem(conn)
                if problem is not None:
                    raise LibraryCorruptError(
                        f"{self.path} cannot be opened as a library: {problem}"
                    )
                if read_only:
                    if schema.pending(conn):
                        raise LibraryOpenError(
                            f"the library {self.path} needs an upgrade, which a read-only "
                            "open cannot make"
                        )
                else:
                    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if str(mode).lower() != "wal" and self.path.exists():
                        # A read-only folder cannot hold the -wal file; reads still work.
                        pass
                    conn.execute("PRAGMA synchronous = NORMAL")
                    hook = None
                    if before_migration is not None:
                        existing = conn.execute("PRAGMA user_version").fetchone()[0] > 0
                        if existing:

                            def hook(old: int, new: int) -> None:
                                before_migration(self.path, old, new)

                    schema.migrate(conn, hook)
        except schema.NewerSchemaError as exc:
            conn.close()
            raise LibraryOpenError(str(exc)) from None
        except BaseException:
            conn.close()
            raise
        self._opened = True
        self._file_identity = _identity_of(self.path)

    # ------------------------------------------------------------------ lifecycle

    def ensure_file_present(self) -> None:
        """Raise :class:`LibraryGoneError` when the library file was deleted or replaced.

        An open connection keeps writing to a deleted file, where nothing is ever seen
        again: a long-running writer (``papershelf watch``) checks before each write.
        """
        if _identity_of(self.path) != self._file_identity:
            raise LibraryGoneError(
                f"the library file {self.path} was deleted or replaced while Papershelf had "
                "it open; stopped so that nothing is written where no one can see it"
            )

    @cached_property
    def db(self) -> Any:
        """The connection as a :class:`sqlite_utils.Database`, for tools, checks and tests.

        Imported on first use: the window opens without loading sqlite-utils.
        """
        import sqlite_utils

        return sqlite_utils.Database(self._conn)

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection (for :mod:`reader`'s own modules; the UI never needs it)."""
        return self._conn

    def close(self) -> None:
        """Close the connection. The library object cannot be used afterwards."""
        self._conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @property
    def damage(self) -> str | None:
        """Why the library is damaged (and refuses writes), or ``None`` when it is not."""
        return self._damage or health.read_damage(self.path)

    @property
    def writable(self) -> bool:
        """Whether writes are allowed: not opened read-only, not damaged."""
        return not self.read_only and self.damage is None

    def mark_damaged(self, reason: str) -> None:
        """Refuse every further write, here and (through the marker) in every other opener."""
        self._damage = reason
        health.record_damage(self.path, reason)

    def _check_writable(self) -> None:
        damage = self.damage
        if damage is not None:
            raise LibraryDamagedError(str(self.path), damage)
        if self.read_only:
            raise LibraryReadOnlyError(
                f"the library {self.path} is open read-only; nothing can be changed"
            )

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            translated = translate(exc, str(self.path))
            if translated is None:
                raise
            if isinstance(translated, LibraryCorruptError) and self._opened:
                # Damage met at any time: no more writes, here or elsewhere.
                reason = f"SQLite reported: {exc}"
                self.mark_damaged(reason)
                translated = LibraryDamagedError(str(self.path), reason)
            raise translated from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): all of it commits or none of it.

        Raises :class:`LibraryReadOnlyError` or :class:`LibraryDamagedError` before
        starting when the library refuses writes. For use inside :mod:`reader`; the UI
        calls the named methods instead.
        """
        if self._batch:  # inside batch(): its one transaction holds every write
            yield self._conn
            return
        self._check_writable()
        with self._translated():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                # SQLite may have rolled back already (a full disk, an I/O error): a second
                # ROLLBACK would hide the real error behind "no transaction is active".
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            else:
                try:
                    words.harvest(self._conn)
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same snapshot, no lock taken.

        For use inside :mod:`reader` (the importer plans a digest from one snapshot).
        """
        with self._translated():
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                if self._conn.in_transaction:
                    self._conn.execute("COMMIT")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several named writes in ONE transaction (one ``COMMIT``): all of them or none.

        An undo of a bulk edit that puts back different old values is one transaction so.
        """
        if self._batch:
            yield
            return
        with self.transaction():
            self._batch = True
            try:
                yield
            finally:
                self._batch = False

    def refuse_writes(self) -> None:
        """Make this connection read-only for good (``PRAGMA query_only``).

        The window's GUI-thread connection is made so: every write goes through the one
        writer thread, and SQLite itself refuses a write attempted here.
        """
        with self._translated():
            self._conn.execute("PRAGMA query_only = ON")
        self.read_only = True

    def set_busy_timeout(self, milliseconds: int) -> None:
        """How long a write waits for another program's lock before it raises
        :class:`LibraryLockedError` (the writer thread waits in short steps and says so)."""
        with self._translated():
            self._conn.execute(f"PRAGMA busy_timeout = {max(0, int(milliseconds))}")

    def interrupt(self) -> None:
        """Stop the query running on this connection (callable from any thread).

        The interrupted call raises (SQLite's "interrupted"); the connection stays usable.
        :class:`reader.worker.LibraryReader` uses it to drop a superseded search.
        """
        self._conn.interrupt()

    def _records(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Rows that name their columns (``row["title"]``)."""
        with self._translated():
            cursor = self._conn.cursor()
            cursor.row_factory = sqlite3.Row
            return cursor.execute(sql, params).fetchall()

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        with self._translated():
            return self._conn.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ reading papers

    def paper_ids(
        self,
        view: PaperFilter | None = None,
        sort: SortKey = SortKey.ADDED,
        *,
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[int]:
        """Ids of the papers in ``view``, in display order (ids break ties).

        ``limit``/``offset`` fetch one page: a list can show its first rows at once and
        load the rest as it scrolls. Unknown values sort first ascending, last descending.
        A page costs about the same whatever the library's size (see
        :mod:`reader.library.search`).
        """
        with self._translated():
            plan = search.plan(self._conn, compile_filter(view or PaperFilter()))
        return search.paper_ids(
            self._conn, self._query, plan, SortKey(sort), descending, limit, offset
        )

    def count(self, view: PaperFilter | None = None) -> int:
        """How many papers ``view`` holds (exact)."""
        with self._translated():
            plan = search.plan(self._conn, compile_filter(view or PaperFilter()))
        return search.count(self._query, plan)

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        """The list rows for ``ids``, in the order given; unknown ids are left out."""
        found: dict[int, PaperRow] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for r in self._query(
                f"SELECT {_ROW_COLUMNS} FROM paper p WHERE p.id IN ({marks})", chunk
            ):
                found[r[0]] = PaperRow(
                    id=r[0],
                    title=r[1],
                    rating=r[2],
                    status=Status(r[3]),
                    tags=_split_tags(r[4]),
                    published=_date(r[5]),
                    first_seen=from_iso(r[6]) or now_utc(),
                    comments=r[7],
                    authors_count=r[8],
                    organization=r[9],
                    has_note=bool(r[10]),
                )
        return [found[i] for i in ids if i in found]

    def paper(self, paper_id: int) -> Paper:
        """Everything about one paper. Raises :class:`PaperNotFoundError`."""
        papers = self.papers_by_id([paper_id])
        if not papers:
            raise PaperNotFoundError(f"there is no paper with id {paper_id}")
        return papers[0]

    def papers_by_id(self, ids: Sequence[int], *, with_appearances: bool = True) -> list[Paper]:
        """Full papers for ``ids`` in the order given; unknown ids are left out."""
        result: dict[int, Paper] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            appearances: dict[int, list[Appearance]] = {}
            if with_appearances:
                for a in self._query(
                    "SELECT a.paper_id, d.id, d.path, d.digest_date, a.position, a.comments "
                    "FROM appearance a JOIN digest d ON d.id = a.digest_id "
                    f"WHERE a.paper_id IN ({marks}) ORDER BY d.digest_date, d.id",
                    chunk,
                ):
                    appearances.setdefault(a[0], []).append(
                        Appearance(a[1], a[2], _date(a[3]), a[4], a[5])
                    )
            keys = dict(
                self._query(f"SELECT paper_id, key FROM citekey WHERE paper_id IN ({marks})", chunk)
            )
            for r in self._records(f"SELECT * FROM paper p WHERE p.id IN ({marks})", chunk):
                result[r["id"]] = self._paper_from_row(
                    r, tuple(appearances.get(r["id"], ())), keys.get(r["id"])
                )
        return [result[i] for i in ids if i in result]

    def papers(
        self,
        view: PaperFilter | None = None,
        sort: SortKey = SortKey.ADDED,
        *,
        descending: bool = True,
    ) -> Iterator[Paper]:
        """Every paper in ``view`` with all its fields, streamed in batches."""
        ids = self.paper_ids(view, sort, descending=descending)
        for start in range(0, len(ids), 500):
            yield from self.papers_by_id(ids[start : start + 500])

    @staticmethod
    def _paper_from_row(
        v: sqlite3.Row, appearances: tuple[Appearance, ...], citekey: str | None = None
    ) -> Paper:
        """A paper from its row, read by column name (the row may carry more columns)."""
        return Paper(
            id=v["id"],
            key=f"arxiv:{v['arxiv_id']}" if v["arxiv_id"] else f"title:{v['title_key']}",
            title=v["title"],
            abstract=v["abstract"],
            authors_count=v["authors_count"],
            organization=v["organization"],
            published=_date(v["published"]),
            comments=v["comments"],
            arxiv_id=v["arxiv_id"],
            authors=_json_texts(v["authors"]),
            upvotes=v["upvotes"],
            url=v["url"],
            doi=v["doi"],
            categories=_json_texts(v["categories"]),
            first_seen=from_iso(v["first_seen"]) or now_utc(),
            status=Status(v["status"]),
            rating=v["rating"],
            note=v["note"],
            note_updated_at=from_iso(v["note_updated_at"]),
            opened_at=from_iso(v["opened_at"]),
            tags=_split_tags(v["tags"]),
            appearances=appearances,
            citekey=citekey,
            journal=v["journal"],
        )

    def view_counts(self) -> ViewCounts:
        """Counts for the sidebar in one query: per status, all papers, rated 4–5."""
        by_status = dict.fromkeys(Status, 0)
        for status, n in self._query("SELECT status, count(*) FROM paper GROUP BY status"):
            by_status[Status(status)] = n
        rated = self._query("SELECT count(*) FROM paper WHERE rating >= 4")[0][0]
        return ViewCounts(by_status=by_status, all=sum(by_status.values()), rated=rated)

    # ------------------------------------------------------------------ the user's fields

    def _existing(self, ids: Iterable[int]) -> list[int]:
        wanted = sorted(set(ids))
        found: list[int] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.extend(
                r[0] for r in self._query(f"SELECT id FROM paper WHERE id IN ({marks})", chunk)
            )
        missing = set(wanted) - set(found)
        if missing:
            raise PaperNotFoundError(
                f"there is no paper with id {', '.join(str(i) for i in sorted(missing)[:5])}"
            )
        return found

    def _update_many(
        self, ids: Sequence[int], sql: str, params: Sequence[object], field: str
    ) -> Changes:
        """Run ``UPDATE paper SET … WHERE id IN ids`` for the ids whose row actually changes."""
        targets = self._existing(ids)
        changed: set[int] = set()
        with self.transaction() as conn:
            for start in range(0, len(targets), 500):
                chunk = targets[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(f"{sql} AND id IN ({marks}) RETURNING id", [*params, *chunk])
                changed.update(r[0] for r in rows.fetchall())
        return Changes(paper_ids=frozenset(changed), fields=frozenset({field}))

    def set_status(self, ids: int | Sequence[int], status: Status | str) -> Changes:
        """Move papers to a reading status (inbox, queue, reading, read, archived)."""
        try:
            value = Status(status)
        except ValueError:
            raise LibraryUsageError(
                f"unknown status {status!r}; use one of {', '.join(s.value for s in Status)}"
            ) from None
        return self._update_many(
            _ids(ids),
            "UPDATE paper SET status = ?, status_changed_at = ? WHERE status != ?",
            [value.value, to_iso(now_utc()), value.value],
            "status",
        )

    def set_rating(self, ids: int | Sequence[int], stars: int) -> Changes:
        """Rate papers 1–5 stars; 0 clears the rating."""
        if isinstance(stars, bool) or not isinstance(stars, int) or not 0 <= stars <= 5:
            raise LibraryUsageError(f"a rating is 0 to 5 stars, not {stars!r}")
        return self._update_many(
            _ids(ids), "UPDATE paper SET rating = ? WHERE rating != ?", [stars, stars], "rating"
        )

    def set_note(self, paper_id: int, text: str) -> Changes:
        """Replace a paper's Markdown note (an empty string clears it)."""
        if len(text) > MAX_NOTE_CHARS:
            raise LibraryUsageError(f"a note can be at most {MAX_NOTE_CHARS:,} characters")
        if _SURROGATES.search(text):
            raise LibraryUsageError(
                "the note holds a lone surrogate (text that is not valid Unicode); "
                "nothing was saved"
            )
        return self._update_many(
            [paper_id],
            "UPDATE paper SET note = ?, note_updated_at = ? WHERE note != ?",
            [text, to_iso(now_utc()), text],
            "note",
        )

    def mark_not_interested(self, ids: int | Sequence[int]) -> Changes:
        """Record "not interested" (a negative signal for :mod:`reader.ranking`) and archive."""
        from reader.library import interest

        return interest.mark_not_interested(self, self._existing(_ids(ids)))

    def unmark_not_interested(self, ids: int | Sequence[int]) -> Changes:
        """Take back "not interested"; the status stays as it is (undo restores it)."""
        from reader.library import interest

        return interest.unmark_not_interested(self, _ids(ids))

    def set_citekey(self, paper_id: int, key: str) -> Changes:
        """Make ``key`` the paper's citation key. Raises :class:`LibraryUsageError` with a
        one-line message when it is not valid or another paper has it."""
        from reader.library import citekeys

        return citekeys.set_citekey(self, paper_id, key)

    def reset_citekey(self, paper_id: int) -> Changes:
        """Give the paper back the key the formula makes (undoes :meth:`set_citekey`)."""
        from reader.library import citekeys

        return citekeys.reset_citekey(self, paper_id)

    def citekeys(self, ids: Sequence[int]) -> dict[int, str]:
        """The citation key of each paper in ``ids`` (see :mod:`reader.library.citekeys`)."""
        from reader.library import citekeys

        return citekeys.keys_for(self, ids)

    def mark_opened(self, paper_id: int) -> Changes:
        """Record that the user opened the paper now."""
        return self._update_many(
            [paper_id], "UPDATE paper SET opened_at = ? WHERE 1", [to_iso(now_utc())], "opened"
        )

    def text_problems(self, paper_id: int) -> list[str]:
        """What of the paper's stored text is damaged (shown with U+FFFD), one phrase each;
        empty when nothing is. For a message beside the paper: "run check --repair"."""
        from reader.library import text_damage

        with self._translated():
            return text_damage.paper_problems(self._conn, paper_id)

    # ------------------------------------------------------------------ the trash

    def trash_papers(self, ids: int | Sequence[int]) -> Changes:
        """Delete papers with undo: move them (every field, tags, appearances) to the trash."""
        from reader.library import trash

        return trash.trash_papers(self, ids)

    def restore_papers(self, ids: int | Sequence[int]) -> Changes:
        """Bring papers back from the trash as they were, with the ids they had."""
        from reader.library import trash

        return trash.restore_papers(self, ids)

    def trashed(self, *, limit: int | None = None) -> list[TrashedPaper]:
        """The papers in the trash, most recently trashed first."""
        from reader.library import trash

        return trash.trashed(self, limit=limit)

    def empty_trash(self, ids: Iterable[int] | None = None) -> Changes:
        """Delete papers in the trash for good (all, or those in ``ids``)."""
        from reader.library import trash

        return trash.empty_trash(self, ids)

    def digest_paper_ids(self, digest_id: int, *, only_there: bool = False) -> list[int]:
        """The library's papers that the digest ``digest_id`` listed, in its order
        (with ``only_there``, those no other digest lists)."""
        from reader.library import trash

        return trash.digest_paper_ids(self, digest_id, only_there=only_there)

    def grouped_by(self, ids: Sequence[int], field: str) -> dict[Any, list[int]]:
        """The papers ``ids`` grouped by their current ``field`` (``"rating"``/``"status"``).

        What an undo needs to put back, read in SQL (a bulk edit of 100,000 papers reads
        no rows into Python objects).
        """
        column = {"rating": "rating", "status": "status"}[field]
        groups: dict[Any, list[int]] = {}
        for start in range(0, len(ids), 5000):
            chunk = list(ids[start : start + 5000])
            marks = ",".join("?" * len(chunk))
            for value, joined in self._query(
                f"SELECT {column}, group_concat(id) FROM paper WHERE id IN ({marks}) "
                f"GROUP BY {column}",
                chunk,
            ):
                groups.setdefault(value, []).extend(map(int, joined.split(",")))
        return groups

    # ------------------------------------------------------------------ tags

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
        targets = self._existing(_ids(ids))
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
        return Changes(paper_ids=frozenset(changed), tags=bool(cleaned), fields=_TAGS)

    def remove_tags(self, ids: int | Sequence[int], names: Iterable[str]) -> Changes:
        """Take tags off papers. The tag itself stays (with its remaining papers)."""
        cleaned = list(dict.fromkeys(clean_tag_name(n) for n in names))
        targets = self._existing(_ids(ids))
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
        return Changes(paper_ids=frozenset(changed), tags=bool(changed), fields=_TAGS)

    def set_tags(self, paper_id: int, names: Iterable[str]) -> Changes:
        """Make ``names`` exactly the paper's tags."""
        wanted = {clean_tag_name(n).casefold(): clean_tag_name(n) for n in names}
        current = {t.casefold(): t for t in self.paper(paper_id).tags}
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
        return Changes(paper_ids=papers, tags=True, fields=_TAGS)

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
        return Changes(paper_ids=frozenset(changed), tags=True, fields=_TAGS)

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
        return Changes(paper_ids=papers, tags=True, fields=_TAGS)

    # ------------------------------------------------------------------ the import log

    def digests(self, *, limit: int | None = None) -> list[DigestRecord]:
        """The import log, newest first."""
        sql = "SELECT * FROM digest ORDER BY imported_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self._digest_from_row(r) for r in self._query(sql)]

    def digest(self, digest_id: int) -> DigestRecord:
        """One row of the import log. Raises :class:`LibraryUsageError` if unknown."""
        rows = self._query("SELECT * FROM digest WHERE id = ?", [digest_id])
        if not rows:
            raise LibraryUsageError(f"there is no digest with id {digest_id}")
        return self._digest_from_row(rows[0])

    def digest_by_sha256(self, sha256: str) -> DigestRecord | None:
        """The most recent import-log row for these exact bytes, if any."""
        rows = self._query(
            "SELECT * FROM digest WHERE sha256 = ? ORDER BY status = 'imported' DESC, id DESC LIMIT 1",
            [sha256],
        )
        return self._digest_from_row(rows[0]) if rows else None

    def digest_parser(self, digest_id: int) -> str | None:
        """The Papershelf version that read this import-log row (``None`` if unknown)."""
        rows = self._query("SELECT parser FROM digest WHERE id = ?", [digest_id])
        return rows[0][0] if rows else None

    def known_sha256s(self) -> set[str]:
        """Hashes of every digest version already imported or failed (for folder scans)."""
        return {
            r[0] for r in self._query("SELECT DISTINCT sha256 FROM digest WHERE sha256 IS NOT NULL")
        }

    _DIGEST_COLUMNS: tuple[str, ...] = ()

    def _digest_from_row(self, r: tuple[Any, ...]) -> DigestRecord:
        if not Library._DIGEST_COLUMNS:
            Library._DIGEST_COLUMNS = tuple(
                c[1] for c in self._conn.execute("PRAGMA table_info(digest)").fetchall()
            )
        v = dict(zip(Library._DIGEST_COLUMNS, r, strict=True))
        return DigestRecord(
            id=v["id"],
            path=v["path"],
            size=v["size"],
            sha256=v["sha256"],
            format=v["format"],
            digest_date=_date(v["digest_date"]),
            captured_at=from_iso(v["captured_at"]),
            imported_at=from_iso(v["imported_at"]) or now_utc(),
            status=DigestStatus(v["status"]),
            error=v["error"],
            entries=v["entries"],
            new=v["new"],
            updated=v["updated"],
            warnings=tuple(json.loads(v["warnings"])) if v["warnings"] else (),
        )

    def stats(self) -> dict[str, int]:
        """Row counts of the main tables (for ``check``, benchmarks and the About box)."""
        return {
            table: int(self._query(f"SELECT count(*) FROM {table}")[0][0])
            for table in ("paper", "tag", "paper_tag", "digest", "appearance")
        }

    # ------------------------------------------------------------------ export records

    def export_records(self, folder: str) -> dict[int, tuple[str, str]]:
        """What the Markdown export last wrote into ``folder``: paper id → (file name, sha256).

        Paper id 0 is the folder's index note.
        """
        return {
            r[0]: (r[1], r[2])
            for r in self._query(
                "SELECT paper_id, name, sha256 FROM export_file WHERE folder = ?", [folder]
            )
        }

    def export_inputs(self, folder: str) -> dict[int, str]:
        """Fingerprints of what each note in ``folder`` was last made from (paper id → text)."""
        return {
            r[0]: r[1]
            for r in self._query(
                "SELECT paper_id, inputs FROM export_file WHERE folder = ? AND inputs IS NOT NULL",
                [folder],
            )
        }

    def remember_export_inputs(self, folder: str, inputs: dict[int, str]) -> None:
        """Record the fingerprints of notes that are now up to date in ``folder``."""
        if not inputs:
            return
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE export_file SET inputs = ? WHERE folder = ? AND paper_id = ?",
                [(fingerprint, folder, paper_id) for paper_id, fingerprint in inputs.items()],
            )

    def remember_exports(self, folder: str, notes: Iterable[tuple[int, str, str]]) -> None:
        """Record ``(paper id, file name, sha256)`` notes as just written into ``folder``."""
        now = to_iso(now_utc())
        rows = [(folder, paper_id, name, sha, now) for paper_id, name, sha in notes]
        if not rows:
            return
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO export_file (folder, paper_id, name, sha256, exported_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (folder, paper_id) DO UPDATE SET "
                "name = excluded.name, sha256 = excluded.sha256, exported_at = excluded.exported_at",
                rows,
            )


def _ids(ids: int | Sequence[int]) -> list[int]:
    if isinstance(ids, int):
        return [ids]
    return list(ids)


__all__ = ["Library", "LibraryError", "clean_tag_name", "from_iso", "now_utc", "to_iso"]
