"""The interest model's private cache beside a library: term counts per paper and the model.

Reading the text of 100,000 papers into term counts takes far longer than learning from
them, so :mod:`reader.ranking` does it once per paper and keeps the result here, in a
small SQLite file next to the library (``library.sqlite`` → ``library.sqlite.interest``).
It holds nothing the user made: deleting it only costs one rebuild, and a cache written by
another version of the format is dropped and rebuilt. Only the learner writes it (from its
own thread or process), never the library's writer, so it never delays an edit.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from reader.library.side_file import open_side_file

CACHE_VERSION = 5
"""Bumped whenever the stored term format changes, so old caches are rebuilt."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS terms (
    paper_id INTEGER PRIMARY KEY,
    text_key INTEGER NOT NULL,   -- reader.library.interest.text_keys: detects edited texts
    counts   BLOB NOT NULL,      -- packed hashed term counts (reader.ranking.features)
    counted  INTEGER NOT NULL DEFAULT 1  -- 0: not yet in the document frequencies
);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
"""


def cache_path(library_path: str | os.PathLike[str]) -> Path:
    """Where the cache of the library at ``library_path`` lives."""
    path = Path(library_path)
    return path.with_name(path.name + ".interest")


class FeatureCache:
    """One connection to a library's interest cache (``None`` path: in memory only).

    A cache that cannot be opened or written (a read-only folder, a damaged file) falls
    back to memory, so ranking still works, just without reuse across runs.
    """

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None
        self._conn, self.persistent = open_side_file(
            self.path, version=CACHE_VERSION, schema=_SCHEMA, tables=("terms", "meta")
        )

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> FeatureCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ terms

    def text_keys(self) -> dict[int, int]:
        """``paper id → text key`` of every cached paper."""
        return dict(self._conn.execute("SELECT paper_id, text_key FROM terms").fetchall())

    def iter_text_keys(self, batch: int = 50_000) -> Iterator[list[tuple[int, int]]]:
        """``(paper id, text key)`` of every cached paper in id order, in batches."""
        cursor = self._conn.execute("SELECT paper_id, text_key FROM terms ORDER BY paper_id")
        while rows := cursor.fetchmany(batch):
            yield rows

    def keys_of(self, ids: Iterable[int]) -> dict[int, int]:
        """``paper id → text key`` of those of ``ids`` that are cached."""
        wanted = sorted(set(ids))
        found: dict[int, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self._conn.execute(
                    f"SELECT paper_id, text_key FROM terms WHERE paper_id IN ({marks})", chunk
                ).fetchall()
            )
        return found

    def counts(self, ids: Iterable[int]) -> dict[int, bytes]:
        """The packed term counts of ``ids`` (uncached ids are left out)."""
        wanted = sorted(set(ids))
        found: dict[int, bytes] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self._conn.execute(
                    f"SELECT paper_id, counts FROM terms WHERE paper_id IN ({marks})", chunk
                ).fetchall()
            )
        return found

    def iter_counts(self, batch: int = 10_000) -> Iterator[list[tuple[int, bytes]]]:
        """Every cached paper's packed counts in id order, ``batch`` papers at a time."""
        after = -1
        while True:
            rows = self._conn.execute(
                "SELECT paper_id, counts FROM terms WHERE paper_id > ? ORDER BY paper_id LIMIT ?",
                [after, batch],
            ).fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def uncounted(self) -> list[int]:
        """Papers stored with ``counted=False``: not yet in the document frequencies."""
        return [r[0] for r in self._conn.execute("SELECT paper_id FROM terms WHERE counted = 0")]

    def put(
        self,
        rows: Iterable[tuple[int, int, bytes]],
        drop: Iterable[int] = (),
        meta: dict[str, bytes] | None = None,
        *,
        counted: bool = True,
        mark_counted: Iterable[int] = (),
    ) -> None:
        """Store ``(paper id, text key, counts)`` rows, forget ``drop``, set ``meta``: atomically.

        ``counted`` says whether the rows' terms are in the document frequencies the same
        call stores in ``meta``; ``mark_counted`` records that for rows stored before.
        """
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            gone = list(drop)
            for start in range(0, len(gone), 500):
                chunk = gone[start : start + 500]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM terms WHERE paper_id IN ({marks})", chunk)
            flag = int(counted)
            conn.executemany(
                "INSERT INTO terms (paper_id, text_key, counts, counted) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (paper_id) DO UPDATE SET text_key = excluded.text_key, "
                "counts = excluded.counts, counted = excluded.counted",
                [(i, k, b, flag) for i, k, b in rows],
            )
            marked = list(mark_counted)
            for start in range(0, len(marked), 500):
                chunk = marked[start : start + 500]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"UPDATE terms SET counted = 1 WHERE paper_id IN ({marks})", chunk)
            for key, value in (meta or {}).items():
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def count(self) -> int:
        """How many papers are cached."""
        return int(self._conn.execute("SELECT count(*) FROM terms").fetchone()[0])

    # ------------------------------------------------------------------ meta

    def meta(self, key: str) -> bytes | None:
        """A stored value (the document frequencies, the fitted model), or ``None``."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return bytes(row[0]) if row else None

    def set_meta(self, key: str, value: bytes) -> None:
        """Store one value."""
        self.put((), (), {key: value})

    def size_bytes(self) -> int:
        """The cache's size on disk (0 in memory)."""
        if not self.persistent or self.path is None:
            return 0
        total = 0
        for suffix in ("", "-wal"):
            candidate = self.path.with_name(self.path.name + suffix)
            if candidate.exists():
                total += candidate.stat().st_size
        return total
