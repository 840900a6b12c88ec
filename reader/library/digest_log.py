"""The import log: one row per digest file read (imported or failed), newest first."""

from __future__ import annotations

import json
import sqlite3

from reader.library.connection import Connection, from_iso, now_utc
from reader.library.errors import LibraryUsageError
from reader.library.model import DigestRecord, DigestStatus
from reader.library.papers import stored_date


def digests(library: Connection, limit: int | None) -> list[DigestRecord]:
    """The import log, newest first (the first ``limit`` rows)."""
    sql = "SELECT * FROM digest ORDER BY imported_at DESC, id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_record(r) for r in library._records(sql)]


def digest(library: Connection, digest_id: int) -> DigestRecord:
    """One row of the import log. Raises :class:`LibraryUsageError` if unknown."""
    found = library._records("SELECT * FROM digest WHERE id = ?", [digest_id])
    if not found:
        raise LibraryUsageError(f"there is no digest with id {digest_id}")
    return _record(found[0])


def digest_by_sha256(library: Connection, sha256: str) -> DigestRecord | None:
    """The most recent import-log row for these exact bytes, if any."""
    found = library._records(
        "SELECT * FROM digest WHERE sha256 = ? ORDER BY status = 'imported' DESC, id DESC LIMIT 1",
        [sha256],
    )
    return _record(found[0]) if found else None


def digest_parser(library: Connection, digest_id: int) -> str | None:
    """The Papershelf version that read this import-log row (``None`` if unknown)."""
    found = library._query("SELECT parser FROM digest WHERE id = ?", [digest_id])
    return found[0][0] if found else None


def known_sha256s(library: Connection) -> set[str]:
    """Hashes of every digest version already imported or failed (for folder scans)."""
    return {
        r[0] for r in library._query("SELECT DISTINCT sha256 FROM digest WHERE sha256 IS NOT NULL")
    }


def _record(v: sqlite3.Row) -> DigestRecord:
    """A row of the log by column name (the row may carry more columns)."""
    return DigestRecord(
        id=v["id"],
        path=v["path"],
        size=v["size"],
        sha256=v["sha256"],
        format=v["format"],
        digest_date=stored_date(v["digest_date"]),
        captured_at=from_iso(v["captured_at"]),
        imported_at=from_iso(v["imported_at"]) or now_utc(),
        status=DigestStatus(v["status"]),
        error=v["error"],
        entries=v["entries"],
        new=v["new"],
        updated=v["updated"],
        warnings=tuple(json.loads(v["warnings"])) if v["warnings"] else (),
    )
