"""The library's connection: opening the file, transactions, and SQLite's errors translated.

:class:`Connection` is the base of :class:`reader.library.store.Library`. It opens (and
creates or migrates) one SQLite file on one connection, used from one thread. Every write
runs in one ``BEGIN IMMEDIATE`` transaction (:meth:`Connection.transaction`); a read that
must see one snapshot runs in :meth:`Connection.reading`.

Writes are refused when the library was opened with ``read_only=True`` or when it is
damaged: marked so by a failed integrity check (see :mod:`reader.library.health`, checked
before every write, so other connections and processes see it too) or met with SQLite's
"malformed" / "not a database" on this connection.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from reader.library import health, schema, words
from reader.library.errors import (
    LibraryCorruptError,
    LibraryDamagedError,
    LibraryGoneError,
    LibraryOpenError,
    LibraryReadOnlyError,
    translate,
)

BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another connection's lock before it raises "busy"."""

CHUNK = 500
"""Ids per ``IN (…)`` list: well under SQLite's limit of bound parameters."""

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[tuple[list[T], str]]:
    """``items`` in slices of ``size``, each with its ``?, ?, …`` placeholders."""
    for start in range(0, len(items), size):
        chunk = list(items[start : start + size])
        yield chunk, ",".join("?" * len(chunk))


def many_rows(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[object]]) -> None:
    """Run ``sql`` with its ``{rows}`` made ``(?, …), (?, …)`` for ``rows`` (all of one
    width), in as few statements as SQLite binds, the rows in the order given.

    Not ``executemany``: FTS5 writes what it holds in memory to a new segment at every
    statement (an insert or update of ``paper`` opens a statement savepoint), so a
    statement per paper is a segment per paper, and merging those makes the library
    slower to write the larger it is (see :mod:`reader.library.ingest`). FTS5 also starts a
    segment when a paper's id is lower than the one before: give the rows in id order.
    """
    if not rows:
        return
    width = len(rows[0])
    per_statement = max(1, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // max(width, 1))
    one = f"({', '.join('?' * width)})"
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        conn.execute(
            sql.replace("{rows}", ", ".join([one] * len(chunk))),
            [value for row in chunk for value in row],
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


def _connect(
    path: Path, *, read_only: bool, create: bool, create_folders: bool
) -> sqlite3.Connection:
    """The raw connection to ``path`` (refusing what the flags forbid)."""
    try:
        if read_only or not create:
            if not path.is_file():
                raise LibraryOpenError(f"there is no library at {path}")
        elif not path.parent.is_dir() and not create_folders:
            raise LibraryOpenError(
                f"the folder {path.parent} does not exist, so there is no library "
                f"at {path}; check the path (no folders are created for it)"
            )
        if read_only:
            uri = f"file:{urllib.parse.quote(os.fspath(path.absolute()))}?mode=ro"
            return sqlite3.connect(
                uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except OSError as exc:
        raise LibraryOpenError(
            f"the library {path} cannot be opened: {exc.strerror or exc}"
        ) from None
    except sqlite3.Error as exc:
        raise translate(exc, str(path)) or LibraryOpenError(
            f"the library {path} cannot be opened"
        ) from None


class Connection:
    """One open library file: its connection, transactions and write permission.

    See :class:`reader.library.store.Library` for the arguments.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        before_migration: Callable[[Path, int, int], None] | None = None,
        read_only: bool = False,
        create: bool = True,
        create_folders: bool = True,
        migration_progress: Callable[[str], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._damage: str | None = None
        self._opened = False
        self._batch = False
        self.created = not self.path.exists() and not read_only and create
        """Whether this open created the library file (it did not exist before)."""
        conn = _connect(
            self.path, read_only=read_only, create=create, create_folders=create_folders
        )
        # The file this connection holds, taken now: a file deleted while the schema is
        # checked or upgraded below must be noticed too (it was not, when taken after).
        self._file_identity = _identity_of(self.path)
        self._conn = conn
        conn.text_factory = _text
        try:
            with self._translated():
                self._prepare(conn, before_migration, migration_progress)
        except schema.NewerSchemaError as exc:
            conn.close()
            raise LibraryOpenError(str(exc)) from None
        except BaseException:
            conn.close()
            raise
        self._opened = True

    def _prepare(
        self,
        conn: sqlite3.Connection,
        before_migration: Callable[[Path, int, int], None] | None,
        migration_progress: Callable[[str], None] | None = None,
    ) -> None:
        """Settings, the schema check and (for a writable open) the migrations."""
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Index pages a list walks stay in memory (up to 16 MiB, as used).
        conn.execute("PRAGMA cache_size = -16384")
        # Before anything is written (WAL mode is written into the header).
        problem = health.schema_problem(conn)
        if problem is not None:
            raise LibraryCorruptError(f"{self.path} cannot be opened as a library: {problem}")
        if self.read_only:
            if schema.pending(conn):
                raise LibraryOpenError(
                    f"the library {self.path} needs an upgrade, which a read-only open cannot make"
                )
            return
        # A read-only folder cannot hold the -wal file: the mode stays, reads still work.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        hook = None
        if before_migration is not None:
            existing = conn.execute("PRAGMA user_version").fetchone()[0] > 0
            if existing:

                def hook(old: int, new: int) -> None:
                    before_migration(self.path, old, new)

        if schema.migrate(conn, hook, migration_progress):
            # The planner's statistics are read with the schema, once: an upgrade that
            # changed them (migrations_facets.SCALE14_FTS_STATS) is planned with only after a reload.
            conn.execute("PRAGMA writable_schema = RESET")

    # ------------------------------------------------------------------ lifecycle

    def ensure_file_present(self) -> None:
        """Raise :class:`LibraryGoneError` when the library file was deleted or replaced.

        An open connection keeps writing to a deleted file, where nothing is ever seen
        again: a long-running writer (``papershelf watch``) checks before each write.
        """
        current = _identity_of(self.path)
        if current is None or current != self._file_identity:
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

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # ------------------------------------------------------------------ permission

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

    # ------------------------------------------------------------------ transactions

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

    def _records(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Rows that name their columns (``row["title"]``)."""
        with self._translated():
            cursor = self._conn.cursor()
            cursor.row_factory = sqlite3.Row
            return cursor.execute(sql, params).fetchall()

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        """Plain rows (tuples)."""
        with self._translated():
            return self._conn.execute(sql, params).fetchall()
