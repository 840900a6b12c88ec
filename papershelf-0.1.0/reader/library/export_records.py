"""What the Markdown export last wrote into each folder (see :mod:`reader.export`)."""

from __future__ import annotations

from collections.abc import Iterable

from reader.library.connection import LibraryConnection
from reader.library.rows import now_utc, to_iso


class ExportRecords(LibraryConnection):
    """The export's memory of file names, hashes and inputs, per folder and paper."""

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
