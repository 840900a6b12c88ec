"""The import log: one row per imported (or failed) version of a digest file."""

from __future__ import annotations

import json
import sqlite3

from reader.library.connection import LibraryConnection
from reader.library.errors import LibraryUsageError
from reader.library.model import DigestRecord, DigestStatus
from reader.library.rows import from_iso, now_utc, parse_date


class ImportLog(LibraryConnection):
    """Reading the import log (the importer writes it, see :mod:`reader.library.ingest`)."""

    def digests(self, *, limit: int | None = None) -> list[DigestRecord]:
        """The import log, newest first."""
        sql = "SELECT * FROM digest ORDER BY imported_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self._digest_from_row(r) for r in self._records(sql)]

    def digest(self, digest_id: int) -> DigestRecord:
        """One row of the import log. Raises :class:`LibraryUsageError` if unknown."""
        rows = self._records("SELECT * FROM digest WHERE id = ?", [digest_id])
        if not rows:
            raise LibraryUsageError(f"there is no digest with id {digest_id}")
        return self._digest_from_row(rows[0])

    def digest_by_sha256(self, sha256: str) -> DigestRecord | None:
        """The most recent import-log row for these exact bytes, if any."""
        rows = self._records(
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

    @staticmethod
    def _digest_from_row(v: sqlite3.Row) -> DigestRecord:
        return DigestRecord(
            id=v["id"],
            path=v["path"],
            size=v["size"],
            sha256=v["sha256"],
            format=v["format"],
            digest_date=parse_date(v["digest_date"]),
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
