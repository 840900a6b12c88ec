"""Opening a library's side files: the SQLite caches that live beside it.

A library keeps caches of work it can always do again in files of their own next to
``library.sqlite`` (``.citations``: formatted citations, :mod:`reader.library.citation_cache`;
``.interest``: the interest model's term counts, :mod:`reader.library.interest_cache`). They
hold nothing the user made, so they open the same forgiving way: in WAL mode with a busy
timeout, emptied and made again when written by another version of their format, and in
memory when the file cannot be opened or read (a read-only folder, a damaged file), so the
feature still works, only without reuse across runs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_side_file(
    path: Path | None,
    *,
    version: int,
    schema: str,
    tables: tuple[str, ...],
    check_same_thread: bool = True,
) -> tuple[sqlite3.Connection, bool]:
    """A connection to the side file at ``path`` (``None``: in memory) in format
    ``version``, and whether it is the file (``False``: memory, as the file could not be
    opened or read).

    ``schema`` creates ``tables`` (``CREATE TABLE IF NOT EXISTS``); a file of another
    version loses them all first. The first table is read whole once, so a damaged file is
    found now rather than in use.
    """
    if path is not None:
        try:
            return _connect(path, version, schema, tables, check_same_thread), True
        except (sqlite3.Error, OSError):
            pass
    return _connect(None, version, schema, tables, check_same_thread), False


def _connect(
    path: Path | None,
    version: int,
    schema: str,
    tables: tuple[str, ...],
    check_same_thread: bool,
) -> sqlite3.Connection:
    conn = sqlite3.connect(
        ":memory:" if path is None else path,
        isolation_level=None,
        timeout=5,
        check_same_thread=check_same_thread,
    )
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        if path is not None:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if found != version:
            drops = " ".join(f"DROP TABLE IF EXISTS {table};" for table in tables)
            conn.executescript(
                f"BEGIN IMMEDIATE; {drops} {schema} PRAGMA user_version = {version}; COMMIT;"
            )
        conn.execute(f"SELECT count(*) FROM {tables[0]}").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn
