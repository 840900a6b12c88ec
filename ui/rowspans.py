"""Runs of rows: how the paper list names a selection (Qt ranges, never an index per row).

A selection of 100,000 rows is one ``(top, bottom)`` run; these helpers turn rows into runs
and runs into the ids they show, in C-speed list slices and one pass over sorted rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Span = tuple[int, int]
"""An inclusive run of rows ``(top, bottom)``."""


def spans_of_rows(rows: Iterable[int]) -> list[Span]:
    """Sorted, merged runs covering ``rows`` (any order, repeats allowed)."""
    spans: list[Span] = []
    for row in sorted(rows):
        if spans and row <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(row, spans[-1][1]))
        else:
            spans.append((row, row))
    return spans


def ids_in_spans(ids: Sequence[int], spans: Iterable[Span]) -> list[int]:
    """The items of ``ids`` in the runs ``spans`` (overlaps counted once), in row order."""
    merged: list[list[int]] = []
    for top, bottom in sorted(spans):
        if merged and top <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], bottom)
        else:
            merged.append([top, bottom])
    found: list[int] = []
    for top, bottom in merged:
        found.extend(ids[max(top, 0) : bottom + 1])
    return found
