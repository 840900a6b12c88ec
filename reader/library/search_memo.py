"""A phrase's papers, read once per connection while the library stays the same.

A phrase is answered from the full-text index with positions (``paper_fts``): at
1,000,000 papers ``"language model"`` is 1,822 papers found among the 375,000 that have
both words, 36-50 ms to read whatever the order, each time the list is sorted another way
or the view changes. Its ids are kept here, per connection, as long as nothing has been
written: SQLite's ``data_version`` (a commit by any other connection) and the
connection's own ``total_changes`` both unchanged. A list sorted by title, then by
rating, then in another view reads the phrase once (the match is "materialised once",
as issue #14 puts it). Only the last few phrases are kept, none of more than
:data:`PHRASE_CAP` papers.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict

from reader.library.search_costs import small_match
from reader.library.search_plan import Run

PHRASE_CAP = 20_000
"""A phrase matching this many papers or more is not kept (``None``: walked instead)."""

ENTRIES = 8
"""How many phrases are kept (over every connection)."""

_KEPT: OrderedDict[tuple[int, str, int], tuple[sqlite3.Connection, tuple[int, int], str | None]]
_KEPT = OrderedDict()
_LOCK = threading.Lock()


def phrase_ids(conn: sqlite3.Connection, run: Run, match: str) -> str | None:
    """The ids of the papers ``match`` finds in ``paper_fts``, as a JSON list, when fewer
    than :data:`PHRASE_CAP` (else ``None``): read once while the library is unchanged."""
    cap = PHRASE_CAP
    version = (int(run("PRAGMA data_version", [])[0][0]), conn.total_changes)
    key = (id(conn), match, cap)
    with _LOCK:
        kept = _KEPT.get(key)
        if kept is not None and kept[0] is conn and kept[1] == version:
            _KEPT.move_to_end(key)
            return kept[2]
    found = small_match(run, "paper_fts", match, cap)
    with _LOCK:
        _KEPT[key] = (conn, version, found)
        _KEPT.move_to_end(key)
        while len(_KEPT) > ENTRIES:
            _KEPT.popitem(last=False)
    return found
