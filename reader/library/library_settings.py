"""Settings kept in the library file (``library_setting``): they move with the library.

:mod:`reader.settings` decides which settings belong to a library (watched folders, how
they are watched, the export folder and template) and which stay app-wide; this module
only stores a library's values, one JSON value per key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reader.library.model import Changes

if TYPE_CHECKING:
    from reader.library.store import Library

log = logging.getLogger(__name__)


def read_settings(library: Library) -> dict[str, Any] | None:
    """The library's stored settings, or ``None`` when it has none yet (never saved, or
    not migrated). A value that is not JSON is left out (and logged)."""
    rows = library.connection.execute("SELECT key, value FROM library_setting").fetchall()
    if not rows:
        return None
    values: dict[str, Any] = {}
    for key, value in rows:
        try:
            values[str(key)] = json.loads(str(value))
        except ValueError:
            log.warning("the library setting %r is damaged (%r); using its default", key, value)
    return values


def write_settings(library: Library, values: Mapping[str, Any]) -> Changes:
    """Store ``values`` (JSON-ready) as the library's settings, replacing those keys, in one
    transaction. Keys not named keep their values."""
    with library.transaction() as conn:
        conn.executemany(
            "INSERT INTO library_setting (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(key, json.dumps(value, ensure_ascii=False)) for key, value in values.items()],
        )
    return Changes()
