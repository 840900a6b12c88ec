"""The benchmark library built faster: the same papers, full-text indexes built at the end.

:func:`bench.corpus.build_library` imports every paper through the real write path, and
each insert updates two full-text indexes (one with prefixes of 1–6 letters) and fifteen
sort indexes: a million papers take hours on a shared machine. This builds the same
library (the same generator, seed, digests of 50, tags, ratings, statuses and notes, all
through :func:`reader.library.ingest.record_digest` and the library's own edits) with the
full-text triggers taken out while the papers go in; then it puts them back exactly as
the schema made them, rebuilds both full-text indexes and the long words' vocabulary from
the papers (``--check``: and runs FTS5's ``integrity-check``).

**The sort indexes stay in while the papers go in**, so their pages are filled the way
a reader's library fills them, one import after another (about 70–90% full). Made once at
the end (``CREATE INDEX``, as up to stop 5), every leaf was full, and each of the first
inserts into a leaf split it: at a million papers the four title and date indexes
dirtied four pages per new paper instead of one (254 KB written per paper against 176 at
100,000, measured), so an import into the copy ran ~25% slower than at 100,000 for the
first tens of thousands of papers, a cost no reader's library has. Keeping them costs the
build about 10 ms of CPU per digest (some 200 s at a million papers).

The result is the library :func:`~bench.corpus.build_library` makes, at
:func:`~bench.corpus.library_path`, with ``"bulk": true`` in its build log; import-speed
figures must not come from it (its import skipped the indexes).

``python -m bench.corpus_bulk FOLDER COUNT [--check]``
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

from bench.corpus import add_signals, build_log, daily_digests, library_path


def _taken_out(conn: sqlite3.Connection) -> list[str]:
    """Drop the full-text triggers of ``paper`` (not its indexes); their SQL, in order."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'paper' AND type = 'trigger' "
        "AND (name LIKE 'paper_fts%' OR name LIKE 'paper_words%') ORDER BY rowid"
    ).fetchall()
    for name, _ in rows:
        conn.execute(f"DROP TRIGGER {name}")
    return [sql for _, sql in rows]


def _put_back(conn: sqlite3.Connection, statements: list[str], *, check: bool) -> None:
    from reader.library.schema import WORD_PREFIXES

    for sql in statements:
        conn.execute(sql)
    conn.execute("INSERT INTO paper_fts (paper_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO paper_words (paper_words) VALUES ('rebuild')")
    conn.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab (main, paper_words, row)")
    conn.execute(
        "INSERT OR IGNORE INTO paper_word (word) SELECT term FROM temp.vocabulary "
        f"WHERE length(term) > {WORD_PREFIXES} AND unicode(term) < 57344"
    )
    conn.execute("DROP TABLE temp.vocabulary")
    for table in ("paper_fts", "paper_words"):
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
        if check:  # reads and tokenizes every paper again: as long as the rebuild
            conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def _rebuild(conn: sqlite3.Connection, statements: list[str], *, check: bool) -> None:
    """Put the indexes back in one transaction with a rollback journal, not the WAL.

    In one transaction the WAL cannot be checkpointed, and every page read searches all of
    its index blocks: at a million papers the full-text rebuild wrote 1.4 GB of WAL and
    ran for over 20 min of CPU in ``sqlite3WalFindFrame`` (100k: 32 s). The library goes
    back to WAL afterwards, as :class:`~reader.library.Library` keeps it.
    """
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("BEGIN IMMEDIATE")
    _put_back(conn, statements, check=check)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")


def build_fast(
    folder: Path, count: int, *, seed: int = 7, batch: int = 50, check: bool = False
) -> Path:
    """The library of ``count`` papers in ``folder`` (reused when it is complete); with
    ``check``, FTS5's integrity-check of both full-text indexes (doubles their cost)."""
    from reader.library import Library
    from reader.library.ingest import record_digest

    final = library_path(folder, count)
    marker = final.with_suffix(".complete")
    if final.exists() and marker.exists():
        return final
    # Built under a name of its own and renamed when complete: another builder of the same
    # library (or a reader waiting for it) never sees it half made, nor loses its own file.
    path = final.with_name(f"{final.stem}.bulk-{os.getpid()}.sqlite")
    folder.mkdir(parents=True, exist_ok=True)
    phases: dict[str, float] = {}
    clock = time.process_time()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        phases[name] = round(now - clock, 1)
        clock = now
        print(f"{name}: {phases[name]} s CPU", flush=True)

    rng = random.Random(seed)
    with Library(path) as library:
        conn = library.connection
        # A build of its own: a page cache of 1 GiB and sorts in memory keep the 15 sort
        # indexes' inserts and the full-text rebuild off the disk (the library's own 16 MiB is for
        # a window beside other programs).
        conn.execute("PRAGMA cache_size = -1048576")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("BEGIN IMMEDIATE")
        statements = _taken_out(conn)
        conn.execute("COMMIT")
        for number, source, digest in daily_digests(count, seed=seed, batch=batch):
            record_digest(library, source, digest)
            if number % 100_000 == 0:
                print(f"{number:,} papers", flush=True)
        lap("import")
        add_signals(library, rng)
        lap("signals")
        _rebuild(conn, statements, check=check)
        lap("indexes")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        lap("analyze")
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:  # the checkpoint and the close empty it
        raise RuntimeError(f"{wal} still holds pages; {path} is left as it is")
    for leftover in (wal, path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    path.replace(final)
    build_log(final).write_text(
        json.dumps(
            {
                "papers": count,
                "bulk": True,
                "sort_indexes": "filled by the import",
                "cpu_s_by_phase": phases,
            }
        ),
        encoding="utf-8",
    )
    marker.touch()
    return final


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    print(build_fast(Path(sys.argv[1]), int(sys.argv[2]), check="--check" in sys.argv[3:]))
