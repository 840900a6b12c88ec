"""How many steps of SQLite's virtual machine a walk of the search planner may take.

A walk along an index whose length depends on where the view's papers lie in the order
(:mod:`reader.library.search`) runs on a budget (:func:`budgeted`): past it, the next
cheapest shape answers. The budget is counted in steps (SQLite's progress handler), not
seconds, so the same library and query take the same plan on a fast machine, a loaded
one or with a cold cache. The cost model's microseconds (:mod:`reader.library.search_costs`)
become steps at a rate that depends on what each step reads (:func:`walk_rate`,
:func:`probe_rate`).

The knobs are module attributes read at every call (the property tests draw them).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence

from reader.library.search_plan import Run

STEPS_PER_US = 10.0
"""SQLite virtual-machine steps (as its progress handler counts them: a step along a
loop of a statement, about a row or an index entry examined) per microsecond of the cost
model, for a walk along an index or a count. Measured over the bench cases at 100,000
papers (``bench/queries.py``): 3 to 60 steps per microsecond of CPU (an index entry is
cheap, a paper's row read from a cold page dear), most of them about 10."""

COVERED_STEPS_PER_US = 40.0
"""The same for a walk that reads nothing but the index it walks (its conditions are on
columns the index holds: :data:`INDEX_COLUMNS`): measured 50 to 90 steps per
microsecond."""

RANGE_STEPS_PER_US = 120.0
"""The same for counting a range of one index that holds every column the count reads
(the tagged papers of a status: 8 steps an entry, 59,000 entries in 3.7 ms at 1M)."""

_KEPT = ("id", "status", "rating")
INDEX_COLUMNS: dict[str, frozenset[str]] = {
    **{
        name: frozenset((column, *_KEPT, "organization"))
        for name, column in (
            ("paper_by_title", "title"),
            ("paper_by_rating", "rating"),
            ("paper_by_published", "published"),
            ("paper_by_comments", "comments"),
            ("paper_by_tags", "tags"),
            ("paper_by_status", "status"),
            ("paper_by_status_title", "title"),
            ("paper_by_status_rating", "rating"),
            ("paper_by_status_published", "published"),
            ("paper_by_status_comments", "comments"),
            ("paper_by_status_tags", "tags"),
        )
    },
    "paper_by_first_author": frozenset(("first_author", *_KEPT)),
    "paper_by_upvotes": frozenset(("upvotes", *_KEPT)),
    "paper_by_arxiv": frozenset(("arxiv_id", *_KEPT)),
}
"""The columns of ``paper`` each sort index holds (``reader.library.schema``): a walk whose
conditions read only these never reads a paper's row."""

_COLUMN = re.compile(r"\bp\.(\w+)")

PROBE_STEPS_PER_US = 4.0
"""The same for a walk that asks the full-text index about each paper it passes
(``walk_probe``): each step carries an FTS5 seek that the step count does not see
(measured: 4 to 6 steps per microsecond)."""

BUDGET_US = 20_000.0
"""The most a walk in display order may cost, in the cost model's microseconds (turned
into steps: :func:`steps`), before the query is driven another way; a count that only
informs the choice gets a quarter of it."""

MIN_BUDGET_US = 2_000.0
"""The least a walk is given before the next cheapest shape answers (see :func:`walk_budget`)."""


def steps(us: float, rate: float | None = None) -> int:
    """The steps a walk may take for ``us`` microseconds of the cost model, at ``rate``
    steps per microsecond (:data:`STEPS_PER_US` by default)."""
    return max(0, int(us * (STEPS_PER_US if rate is None else rate)))


def walk_rate(where: str, index: str | None) -> float:
    """Steps per microsecond of a walk along ``index`` checking ``where``:
    :data:`COVERED_STEPS_PER_US` when the index holds every column ``where`` reads (no
    paper row is read), else :data:`STEPS_PER_US`."""
    columns = INDEX_COLUMNS.get(index or "")
    if columns is None or not set(_COLUMN.findall(where)) <= columns:
        return STEPS_PER_US
    return COVERED_STEPS_PER_US


def probe_rate(match: str) -> float:
    """Steps per microsecond of a walk asking the words index ``match`` about each paper:
    :data:`PROBE_STEPS_PER_US` for one prefix, less for more (a short prefix is a long
    list of the prefix index, and each is a seek of its own: ``model* NOT data*`` costs
    about twice ``model*``; a facet or a whole word costs little beside them)."""
    return PROBE_STEPS_PER_US / max(1, match.count('"*'))


def count_budget(where: str = "") -> int:
    """The steps of a count that only informs the choice of a plan: a quarter of
    :data:`BUDGET_US`, at the rate of an index walk when ``where`` is lists of papers
    (an organization's, a tag's) and nothing else (any column makes each paper's row
    read, the list driving: the Inbox's papers with a note cost 14-23 ms so): a list of
    11,000 papers at 1M was never counted on the common rate, and its view was taken
    for the whole library. (A status view alone keeps the common rate: the Inbox, nine
    papers in ten, is never counted anyway.)"""
    columns = set(_COLUMN.findall(where))
    listed = " IN (" in where and columns <= {"id"}
    # (The tagged papers of a status, or of the library: one range of a tags index.)
    tagged = "p.tags COLLATE NOCASE > ''" in where and columns <= {"status", "tags"}
    rate = RANGE_STEPS_PER_US if tagged else COVERED_STEPS_PER_US if listed else None
    return steps(BUDGET_US / 4, rate)


def walk_budget(left: dict[str, float], rate: float | None = None) -> int:
    """How many steps a walk may take when the other shapes ``left`` cost what they are
    estimated to: what the cheapest of them costs (so a walk that was a poor guess costs
    about twice the best other answer), at least :data:`MIN_BUDGET_US`, at most
    :data:`BUDGET_US`, at ``rate`` steps per microsecond (:func:`steps`)."""
    us = BUDGET_US if not left else min(BUDGET_US, max(MIN_BUDGET_US, min(left.values())))
    return steps(us, rate)


_OUTER: dict[int, tuple[sqlite3.Connection, Callable[[], int], int]] = {}
"""Per connection (by ``id``; the entry holds the connection, so the id is never reused
while it is here): the progress handler its owner installed, which a budgeted walk
chains to and puts back (SQLite keeps one handler per connection). A reader thread's
connection is registered once and lives as long as the window."""


def set_progress_handler(conn: sqlite3.Connection, handler: Callable[[], int], every: int) -> None:
    """Install ``handler`` on ``conn`` every ``every`` steps, kept across budgeted walks
    (:class:`reader.worker.LibraryReader` stops superseded reads with it)."""
    _OUTER[id(conn)] = (conn, handler, every)
    conn.set_progress_handler(handler, every)


def budgeted(
    conn: sqlite3.Connection,
    run: Run,
    sql: str,
    params: Sequence[object],
    budget: int | None = None,
) -> list[int] | None:
    """The ids ``sql`` selects, or ``None`` when it takes more than ``budget`` steps of
    SQLite's virtual machine (:data:`BUDGET_US` worth by default): the same answer
    however fast or loaded the machine is."""
    limit = steps(BUDGET_US) if budget is None else max(0, int(budget))
    every = max(1, min(_TICK, limit))
    taken = 0
    over = False

    entry = _OUTER.get(id(conn))
    outer = entry[1:] if entry is not None else None

    def progress() -> int:
        nonlocal over, taken
        taken += every
        over = taken > limit
        return int(over) or (outer[0]() if outer is not None else 0)

    conn.set_progress_handler(progress, every)
    try:
        return [r[0] for r in run(sql, params)]
    except sqlite3.OperationalError as exc:
        if over and "interrupt" in str(exc):
            return None
        raise
    finally:
        conn.set_progress_handler(*(outer if outer is not None else (None, 0)))


_TICK = 100
"""How often (in steps) a budgeted walk's handler counts: fine enough for the smallest
budget, coarse enough to cost nothing (one Python call per hundred steps)."""
