"""The library's connection: opening, migrating, damage, transactions, raw reads.

A library owns one connection and is used from one thread; every thread that needs the
library opens its own (the GUI thread reads, the import worker writes; WAL lets both run at
once). Every write runs in one ``BEGIN IMMEDIATE`` transaction.

A library refuses writes when it was opened with ``read_only=True`` or when it is damaged:
marked so by a failed integrity check (see :mod:`reader.library.health`, checked before
every write, so other connections and processes see it too) or met with SQLite's
"malformed" / "not a database" on this connection.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any, Self

from reader.library import health, schema, words
from reader.library.errors import (
    LibraryCorruptError,
    LibraryDamagedError,
    LibraryOpenError,
    LibraryReadOnlyError,
    PaperNotFoundError,
    translate,
)
from reader.library.rows import chunked

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 16384


class LibraryConnection:
    """One open library file: the base every part of :class:`~reader.library.Library` uses."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        before_migration: Callable[[Path, int, int], None] | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._damage: str | None = None
        self._opened = False
        try:
            if read_only:
                if not self.path.is_file():
                    raise LibraryOpenError(f"there is no library at {self.path}")
                uri = f"file:{urllib.parse.quote(os.fspath(self.path.absolute()))}?mode=ro"
                conn = sqlite3.connect(
                    uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
                )
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
                )
        except (OSError, sqlite3.Error) as exc:
            raise LibraryOpenError(f"the library {self.path} cannot be opened: {exc}") from None
        self._conn = conn
        try:
            with self._translated():
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA foreign_keys = ON")
                # Index pages a list walks stay in memory (up to 16 MiB, as used).
                conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
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

    # ------------------------------------------------------------------ lifecycle

    @cached_property
    def db(self) -> Any:
        """The connection as a :class:`sqlite_utils.Database`, for tests and tools.

        sqlite-utils is a test dependency (the schema and its migrations are plain SQL
        scripts, bulk writes ``executemany``): install the ``test`` extra to use this.
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

    def __enter__(self) -> Self:
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

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        with self._translated():
            return self._conn.execute(sql, params).fetchall()

    def _records(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Rows that name their columns (``row["title"]``)."""
        with self._translated():
            cursor = self._conn.cursor()
            cursor.row_factory = sqlite3.Row
            return cursor.execute(sql, params).fetchall()

    def _existing(self, ids: Iterable[int]) -> list[int]:
        wanted = sorted(set(ids))
        found: list[int] = []
        for chunk, marks in chunked(wanted):
            found.extend(
                r[0] for r in self._query(f"SELECT id FROM paper WHERE id IN ({marks})", chunk)
            )
        missing = set(wanted) - set(found)
        if missing:
            raise PaperNotFoundError(
                f"there is no paper with id {', '.join(str(i) for i in sorted(missing)[:5])}"
            )
        return found
