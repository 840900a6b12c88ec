"""Text the library cannot read back: bytes that are not UTF-8, and lone surrogates.

SQLite stores whatever bytes it is given. One invalid byte in a stored abstract (a bad
disk sector, another tool writing the file, an old bug) used to make every read of that
paper raise; the library now reads such text with U+FFFD in place of the bad bytes
(:func:`reader.library.connection._text`), and this module finds and repairs it:

* :func:`find` lists every undecodable text value in the tables people's data lives in,
  and every JSON list (authors, categories, warnings) holding a lone surrogate escape
  (``"\\ud800"``), which decodes to a string no file or terminal can print.
* :func:`repair` keeps each damaged value's original bytes in the ``damaged_text`` table
  (nothing is lost; ``papershelf check`` says how to get them) and replaces the value
  with its readable form: undecodable bytes and lone surrogates become U+FFFD.

Reading is done with ``CAST(… AS BLOB)``, so the scan itself never fails on bad bytes.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "paper": (
        "title", "title_key", "abstract", "note", "authors", "organization", "url", "doi",
        "categories", "tags", "published", "first_seen",
    ),
    "tag": ("name",),
    "digest": ("path", "error", "warnings", "format"),
}  # fmt: skip
"""Where people's text lives, per table (only the columns a library of any version has)."""

JSON_COLUMNS = frozenset({("paper", "authors"), ("paper", "categories"), ("digest", "warnings")})

SCAN_ROWS = 200
"""Rows read and checked between two calls of :func:`find`'s ``pause`` (a few ms of CPU)."""

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class DamagedText:
    """One stored value that cannot be read back as it was written."""

    table: str
    row_id: int
    column: str
    original: bytes
    readable: str
    why: str  # "not valid UTF-8" / "a lone surrogate"

    def describe(self) -> str:
        """``paper 12: the abstract is not valid UTF-8``."""
        return f"{self.table} {self.row_id}: the {self.column} holds {self.why}"


def find(
    conn: sqlite3.Connection,
    limit: int | None = None,
    *,
    pause: Callable[[], object] | None = None,
    rows: int = SCAN_ROWS,
) -> list[DamagedText]:
    """Every damaged text value (at most ``limit``), table by table, in row order.

    With ``pause``, it is called after every ``rows`` rows (a background check waits
    there while the user types: :func:`reader.yieldgate.pause`); the scan then goes on
    where it was.
    """
    found: list[DamagedText] = []
    for table, wanted in TEXT_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        columns = [c for c in wanted if c in present]
        if not columns:
            continue
        blobs = ", ".join(f"CAST({c} AS BLOB)" for c in columns)
        cursor = conn.execute(f"SELECT rowid, {blobs} FROM {table}")
        for row_id, *values in _rows(cursor, pause, rows):
            for column, raw in zip(columns, values, strict=True):
                if raw is None:
                    continue
                damage = _damage(table, column, bytes(raw), row_id)
                if damage is not None:
                    found.append(damage)
                    if limit is not None and len(found) >= limit:
                        return found
    return found


def _rows(
    cursor: sqlite3.Cursor, pause: Callable[[], object] | None, rows: int
) -> Iterator[tuple[Any, ...]]:
    """The cursor's rows, ``rows`` at a time, with ``pause()`` between two batches."""
    while batch := cursor.fetchmany(rows):
        yield from batch
        if pause is not None:
            pause()


def _damage(table: str, column: str, raw: bytes, row_id: int) -> DamagedText | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        readable = raw.decode("utf-8", "replace")
        return DamagedText(table, row_id, column, raw, readable, "text that is not valid UTF-8")
    if (table, column) in JSON_COLUMNS and _SURROGATE_ESCAPE.search(text):
        cleaned = _without_surrogates(text)
        if cleaned is not None:
            return DamagedText(table, row_id, column, raw, cleaned, "a lone surrogate")
    return None


def _without_surrogates(text: str) -> str | None:
    """The JSON ``text`` with lone surrogates replaced, or ``None`` when it has none."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    changed = False

    def clean(item: object) -> object:
        nonlocal changed
        if isinstance(item, str) and _SURROGATE.search(item):
            changed = True
            return _SURROGATE.sub("\ufffd", item)
        if isinstance(item, list):
            return [clean(x) for x in item]
        return item

    cleaned = clean(value)
    return json.dumps(cleaned, ensure_ascii=False) if changed else None


def repair(conn: sqlite3.Connection, damaged: list[DamagedText]) -> int:
    """Keep each damaged value's bytes in ``damaged_text`` and store its readable form.

    Runs inside the caller's transaction. Returns how many values were repaired.
    """
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for item in damaged:
        conn.execute(
            "INSERT INTO damaged_text (table_name, row_id, column, original, repaired_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [item.table, item.row_id, item.column, item.original, now],
        )
        conn.execute(
            f"UPDATE {item.table} SET {item.column} = ? WHERE rowid = ?",
            [item.readable, item.row_id],
        )
    return len(damaged)


def paper_problems(conn: sqlite3.Connection, paper_id: int) -> list[str]:
    """What is damaged in one paper's text, for a message beside it (empty when nothing)."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(paper)")}
    columns = [c for c in TEXT_COLUMNS["paper"] if c in present]
    blobs = ", ".join(f"CAST({c} AS BLOB)" for c in columns)
    row = conn.execute(f"SELECT {blobs} FROM paper WHERE id = ?", [paper_id]).fetchone()
    if row is None:
        return []
    problems = []
    for column, raw in zip(columns, row, strict=True):
        if raw is not None and (damage := _damage("paper", column, bytes(raw), paper_id)):
            problems.append(f"its {column} holds {damage.why}")
    return problems
