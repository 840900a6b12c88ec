"""A phrase's papers (and the few an exclusion leaves), read once per connection while
the library stays the same.

A phrase is answered from the full-text index with positions (``paper_fts``): at
1,000,000 papers ``"language model"`` is 1,822 papers found among the 375,000 that have
both words, 36-50 ms to read whatever the order, each time the list is sorted another way
or the view changes. Its ids are kept here, per connection, as long as nothing has been
written: SQLite's ``data_version`` (a commit by any other connection) and the
connection's own ``total_changes`` both unchanged. A list sorted by title, then by
rating, then in another view reads the phrase once (the match is "materialised once",
as issue #14 puts it). So is a search that only leaves words out when it leaves few
papers: ``-a`` subtracts every paper with a word starting with "a" from every paper
(46 ms at 1M) to leave none. Only the last few are kept, none of more than
:data:`PHRASE_CAP` papers.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict

from reader.library.search_costs import small_match
from reader.library.search_plan import FEW, Plan, Run

PHRASE_CAP = 20_000
"""A phrase matching this many papers or more is not kept (``None``: walked instead)."""

ENTRIES = 8
"""How many phrases are kept (over every connection)."""

_KEPT: OrderedDict[
    tuple[int, str, str, int], tuple[sqlite3.Connection, tuple[int, int], str | None]
]
_KEPT = OrderedDict()
_LOCK = threading.Lock()


def kept_ids(conn: sqlite3.Connection, run: Run, table: str, match: str, cap: int) -> str | None:
    """The ids of the papers ``match`` finds in ``table``, as a JSON list, when fewer
    than ``cap`` (else ``None``): read once while the library is unchanged."""
    version = (int(run("PRAGMA data_version", [])[0][0]), conn.total_changes)
    key = (id(conn), table, match, cap)
    with _LOCK:
        kept = _KEPT.get(key)
        if kept is not None and kept[0] is conn and kept[1] == version:
            _KEPT.move_to_end(key)
            return kept[2]
    found = small_match(run, table, match, cap)
    with _LOCK:
        _KEPT[key] = (conn, version, found)
        _KEPT.move_to_end(key)
        while len(_KEPT) > ENTRIES:
            _KEPT.popitem(last=False)
    return found


def kept_page(
    conn: sqlite3.Connection, run: Run, p: Plan, cap: int, order: str, page_params: list[object]
) -> list[int] | None:
    """A page of ``p`` (``LIMIT ? OFFSET ?`` with ``page_params``) in the order ``order``,
    from the ids its match finds (:func:`kept_ids`, fewer than ``cap``): each paper
    checked for the conditions left over, and sorted. ``None``: the match is broader."""
    assert p.table is not None
    few = kept_ids(conn, run, p.table, p.match, cap)
    if few is None:
        return None
    sql = f"SELECT p.id FROM {FEW} WHERE {p.where} ORDER BY {order} LIMIT ? OFFSET ?"
    return [r[0] for r in run(sql, [few, *p.params, *page_params])]
