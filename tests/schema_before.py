"""Library files at an older schema: what a user's library looked like before an upgrade.

A test of a migration builds a real SQLite library file at the schema just before it,
writes rows into it as the older Papershelf did, closes it, and opens it with
:class:`~reader.library.Library`, which runs the migration under test and every one after
it::

    conn = library_before(tmp_path / "old.sqlite", migrations_facets.FACET_WRITES)
    conn.executemany("INSERT INTO paper (title_key, title, first_seen) VALUES (?, ?, ?)", rows)
    conn.close()
    with Library(tmp_path / "old.sqlite") as library:
        ...

Each migration runs in its own transaction with its ``user_version`` bump, as
:func:`reader.library.schema.migrate` runs them. The migration is named by its script, not
by its number: the coordinator renumbers migrations when branches merge, and a test of a
migration that is no longer in :data:`~reader.library.schema.MIGRATIONS` fails at once.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.library import schema


def library_at(path: Path, version: int) -> sqlite3.Connection:
    """Make a library file at ``path`` at schema ``version`` (its first ``version`` migrations).

    Returns an autocommit connection to it, for the rows the test writes; close it before
    the library is opened.
    """
    if not 0 < version <= schema.SCHEMA_VERSION:
        raise ValueError(f"schema versions run from 1 to {schema.SCHEMA_VERSION}, not {version}")
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(schema.MIGRATIONS[:version]):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number + 1};\nCOMMIT;")
    return conn


def library_before(path: Path, migration: str) -> sqlite3.Connection:
    """Make a library file at ``path`` at the schema just before ``migration`` (a script of
    :data:`~reader.library.schema.MIGRATIONS`); raises :class:`ValueError` when it is not one.

    Returns an autocommit connection to it, as :func:`library_at` does.
    """
    try:
        version = schema.MIGRATIONS.index(migration)
    except ValueError:
        raise ValueError("the migration under test is not in schema.MIGRATIONS") from None
    if version == 0:
        raise ValueError("there is no library before the first migration")
    return library_at(path, version)
