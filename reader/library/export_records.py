"""What the Markdown export last wrote into each folder (see :mod:`reader.export`).

Per folder and paper (paper id 0 is the folder's index note): the note's file name, the
sha256 of the bytes written, and a fingerprint of what the note was made from, so that a
re-export never overwrites a note edited since and skips notes whose inputs are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from reader.library.connection import Connection, now_utc, to_iso


def export_records(library: Connection, folder: str) -> dict[int, tuple[str, str]]:
    """Paper id → (file name, sha256) of what was last written into ``folder``."""
    return {
        r["paper_id"]: (r["name"], r["sha256"])
        for r in library._records(
            "SELECT paper_id, name, sha256 FROM export_file WHERE folder = ?", [folder]
        )
    }


def export_inputs(library: Connection, folder: str) -> dict[int, str]:
    """Paper id → fingerprint of what each note in ``folder`` was last made from."""
    return {
        r["paper_id"]: r["inputs"]
        for r in library._records(
            "SELECT paper_id, inputs FROM export_file WHERE folder = ? AND inputs IS NOT NULL",
            [folder],
        )
    }


def remember_export_inputs(library: Connection, folder: str, inputs: dict[int, str]) -> None:
    """Record the fingerprints of notes that are now up to date in ``folder``."""
    if not inputs:
        return
    with library.transaction() as conn:
        conn.executemany(
            "UPDATE export_file SET inputs = ? WHERE folder = ? AND paper_id = ?",
            [(fingerprint, folder, paper_id) for paper_id, fingerprint in inputs.items()],
        )


def remember_exports(
    library: Connection, folder: str, notes: Iterable[tuple[int, str, str]]
) -> None:
    """Record ``(paper id, file name, sha256)`` notes as just written into ``folder``."""
    now = to_iso(now_utc())
    rows = [(folder, paper_id, name, sha, now) for paper_id, name, sha in notes]
    if not rows:
        return
    with library.transaction() as conn:
        conn.executemany(
            "INSERT INTO export_file (folder, paper_id, name, sha256, exported_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (folder, paper_id) DO UPDATE SET "
            "name = excluded.name, sha256 = excluded.sha256, exported_at = excluded.exported_at",
            rows,
        )
