"""The library's schema and its migrations, versioned with ``PRAGMA user_version``.

Each migration is a script run inside one transaction; the version is bumped in the same
transaction, so a crash leaves the file at the old or the new version, never between.
Migrations only ever move forward: a library written by a newer Papershelf is refused.
The scripts themselves live in ``migrations_base``, ``migrations_search`` and
``migrations_facets``, in the order they shipped.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable

from reader.library.migrations_base import (
    CITEKEY,
    INTEREST,
    RELIABILITY,
    STATUSES,
    TAG_SEPARATOR,
    V1,
    V2,
    V3,
    VAULT,
    VAULT_STAT,
    tags_of,
)
from reader.library.migrations_facets import (
    FACET_WRITES,
    FTS_SHADOW_TABLES,
    SCALE14_FTS_STATS,
    SEARCH14C_TAG_TOKENS,
)
from reader.library.migrations_search import (
    AUTHOR_ORDER,
    CITEKEY_MISSING,
    JOURNAL,
    PAPER_ID_MARK,
    RULE_MARKS,
    SEARCH_ORDERS,
    VIEWS_RULES,
    WORD_PREFIXES,
    WORDS,
)

__all__ = [
    "FTS_SHADOW_TABLES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STATUSES",
    "TAG_SEPARATOR",
    "WORD_PREFIXES",
    "NewerSchemaError",
    "migrate",
    "pending",
    "tags_of",
]

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    V1,
    V2,
    V3,
    RELIABILITY,
    VAULT,
    INTEREST,
    CITEKEY,
    WORDS,
    JOURNAL,
    VIEWS_RULES,
    SEARCH_ORDERS,
    AUTHOR_ORDER,
    CITEKEY_MISSING,
    VAULT_STAT,
    PAPER_ID_MARK,
    RULE_MARKS,
    FACET_WRITES,
    SEARCH14C_TAG_TOKENS,
    SCALE14_FTS_STATS,
)
"""Schema scripts in order; the library's ``user_version`` is how many have run."""

SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchemaError(Exception):
    """The library was written by a newer Papershelf than this one."""


def pending(conn: sqlite3.Connection) -> int:
    """How many migrations this library still needs (0 when it is current)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"the library is at schema version {version}, newer than this Papershelf "
            f"understands ({SCHEMA_VERSION}); update Papershelf to open it"
        )
    return SCHEMA_VERSION - version


PROGRESS_EVERY_S = 5.0
"""How often a long upgrade says how far it is (a million papers: minutes of rebuilding)."""


def migrate(
    conn: sqlite3.Connection,
    before: Callable[[int, int], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`; returns how many migrations ran.

    ``before(old, new)`` is called first when there is anything to do (the backup hook).
    Each migration runs in its own transaction together with its version bump.
    ``progress(line)`` hears, every :data:`PROGRESS_EVERY_S` seconds of a long upgrade,
    which step runs and for how long (logged at INFO when not given).
    """
    todo = pending(conn)
    if not todo:
        return 0
    version = SCHEMA_VERSION - todo
    if before is not None:
        before(version, SCHEMA_VERSION)
    say = progress or log.info
    started = time.monotonic()
    for number in range(version, SCHEMA_VERSION):
        script = MIGRATIONS[number]
        told = time.monotonic()

        def tell(step: int = number) -> int:
            nonlocal told
            now = time.monotonic()
            if now - told >= PROGRESS_EVERY_S:
                told = now
                say(
                    f"upgrading the library: step {step + 1 - version} of {todo} "
                    f"(schema version {step + 1}), {now - started:,.0f} s so far"
                )
            return 0

        conn.set_progress_handler(tell, 100_000)
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number + 1};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.set_progress_handler(None, 0)
    if time.monotonic() - started >= PROGRESS_EVERY_S:
        say(f"upgraded the library in {time.monotonic() - started:,.0f} s")
    return todo
