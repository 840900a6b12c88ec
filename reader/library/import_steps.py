"""Unfinished imports: the bookkeeping that lets a large digest be written in steps.

A digest with more new papers than :data:`STEP` would hold the write lock for seconds
(about 0.15 ms per new paper, most of it the full-text index), and every other writer —
the window, another command — would wait that long or fail as "busy". So
:mod:`reader.library.ingest` creates such a digest's new papers in steps of :data:`STEP`,
each its own short transaction with a pause between them for waiting writers, and then
writes the digest row, every appearance and every update of known papers in one last
transaction. What a reader sees:

* the import log shows the digest only when it is complete;
* papers appear step by step while a large import runs (that is the price of not
  holding the lock), and a paper created by a step is a normal paper: it can be rated or
  tagged at once.

Crashes: each step records the papers it created under the import's token in
``import_created``, in the same transaction. An import that dies before its last
transaction leaves its ``import_step`` row behind; :func:`recover` (run when a library is
opened) rolls it back when its process is gone (or, from another machine, after an hour
without a step): the papers it created are deleted unless something else has happened to
them since (another digest listed them, or the user gave them a status, rating, tag, note
or opened them), in which case they stay. The digest was never recorded, so its file is
imported again at the next scan.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from reader.library.errors import SQLITE_PERM, SQLITE_READONLY, error_code, is_busy
from reader.library.leftovers import process_alive

log = logging.getLogger(__name__)

STEP = 1000
"""New papers created per transaction of a large import (0.15–0.5 s of lock each)."""

STEP_PAUSE = 0.12
"""Seconds between steps: longer than SQLite's longest busy-handler sleep (100 ms), so a
writer that waits for the lock gets it between two steps."""

STALE_AFTER = timedelta(hours=1)

_UNTOUCHED = (
    "status = 'inbox' AND rating = 0 AND note = '' AND tags = '' AND opened_at IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM appearance a WHERE a.paper_id = paper.id)"
)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def begin(conn: Any, path: str) -> str:
    """Record an unfinished import (inside the first step's transaction); returns its token."""
    token = uuid.uuid4().hex
    now = _now()
    conn.execute(
        "INSERT INTO import_step (token, path, host, pid, started_at, touched_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [token, path, socket.gethostname(), os.getpid(), now, now],
    )
    return token


def created(conn: Any, token: str, paper_ids: list[int]) -> None:
    """Record papers a step created (inside that step's transaction)."""
    conn.execute("UPDATE import_step SET touched_at = ? WHERE token = ?", [_now(), token])
    conn.executemany(
        "INSERT OR IGNORE INTO import_created (token, paper_id) VALUES (?, ?)",
        [(token, paper_id) for paper_id in paper_ids],
    )


def finish(conn: Any, token: str) -> None:
    """The import is complete (inside its last transaction): forget its bookkeeping."""
    conn.execute("DELETE FROM import_created WHERE token = ?", [token])
    conn.execute("DELETE FROM import_step WHERE token = ?", [token])


def roll_back(conn: Any, token: str) -> int:
    """Undo an unfinished import's steps (inside a transaction); returns papers deleted.

    Only papers nothing else has touched since are deleted (see the module's docstring).
    """
    deleted = conn.execute(
        f"DELETE FROM paper WHERE {_UNTOUCHED} AND id IN "
        "(SELECT paper_id FROM import_created WHERE token = ?)",
        [token],
    ).rowcount
    finish(conn, token)
    return int(deleted)


def recover(conn: Any) -> list[str]:
    """Roll back the imports that died before their last step; returns one line per import.

    ``conn`` must not be in a transaction. An import whose process still runs (or that
    another machine renewed within the hour) is left alone.
    """
    try:
        rows = conn.execute("SELECT token, path, host, pid, touched_at FROM import_step").fetchall()
    except sqlite3.Error:  # an older schema, or a file that cannot be read: nothing to do
        return []
    done: list[str] = []
    here = socket.gethostname()
    for token, path, host, pid, touched_at in rows:
        touched = datetime.fromisoformat(str(touched_at).replace("Z", "+00:00"))
        stale = datetime.now(UTC) - touched > STALE_AFTER
        if not stale and (host != here or process_alive(int(pid))):
            continue
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                deleted = roll_back(conn, token)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if is_busy(exc) or error_code(exc) in {SQLITE_READONLY, SQLITE_PERM}:
                continue  # undone at a later open, when the library can be written
            raise
        log.warning("rolled back the interrupted import of %s (%d papers)", path, deleted)
        done.append(f"the import of {path} was interrupted; it was undone and runs again")
    return done
