"""Which pages of a SQLite file a b-tree occupies, found from the file itself.

SQLite's file format (https://sqlite.org/fileformat2.html, stable since 2004) keeps each
table and index as a b-tree of fixed-size pages: its root page is named in
``sqlite_schema``, every interior page names its children (a table's with the largest
rowid under each), and every leaf sits at the same depth. :func:`pages` walks a b-tree's
interior pages (read with ``pread``, level by level) and lists its leaves without reading
them, all of them or only those holding given rowids; :mod:`reader.library.warmup` then
reads them in file order. Overflow pages (rows larger than a page) are not followed.

The pages are the file's: pages a writer changed since the last checkpoint are in the WAL
(SQLite reads those from there); a walk of an older copy lists a few pages for nothing,
never a wrong answer to a query (nothing here answers one).
"""

from __future__ import annotations

import bisect
import os

LEAF_TYPES = frozenset({0x0A, 0x0D})
"""Leaf page types: index, table."""
_INTERIOR_INDEX, _INTERIOR_TABLE = 0x02, 0x05

Ranges = list[tuple[int, int]]
"""Rowid ranges, both ends included."""


def read_page(fd: int, number: int, size: int) -> bytes:
    """Page ``number`` (counted from 1) as in the file; short or empty past its end."""
    return os.pread(fd, size, (number - 1) * size)


def _varint(data: bytes, at: int) -> int:
    """SQLite's varint at ``at`` (big-endian 7-bit groups; the ninth byte has 8 bits)."""
    value = 0
    for _ in range(8):
        byte = data[at]
        at += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value
    return (value << 8) | data[at]


def children(page: bytes, number: int) -> list[tuple[int, int | None]]:
    """An interior page's children, each with the largest rowid under it (a table's; the
    right-most child and an index's children: ``None``). Empty for any other page."""
    start = 100 if number == 1 else 0  # page 1 begins with the file's header
    if len(page) < start + 12 or page[start] not in (_INTERIOR_INDEX, _INTERIOR_TABLE):
        return []
    table = page[start] == _INTERIOR_TABLE
    cells = int.from_bytes(page[start + 3 : start + 5], "big")
    out: list[tuple[int, int | None]] = []
    for i in range(cells):
        at = int.from_bytes(page[start + 12 + 2 * i : start + 14 + 2 * i], "big")
        if at + 4 > len(page):
            return []  # not a page of this b-tree (a stale copy): list nothing under it
        key = _varint(page, at + 4) if table else None
        out.append((int.from_bytes(page[at : at + 4], "big"), key))
    out.append((int.from_bytes(page[start + 8 : start + 12], "big"), None))
    return out


def _wanted(low: int | None, high: int | None, ranges: Ranges, ends: list[int]) -> bool:
    """Whether rowids above ``low`` and up to ``high`` (``None``: unbounded) meet one of
    ``ranges`` (sorted, not overlapping; ``ends``: their last rowids)."""
    lowest = -(1 << 63) if low is None else low + 1
    at = bisect.bisect_left(ends, lowest)  # the first range that ends at or after it
    return at < len(ranges) and (high is None or ranges[at][0] <= high)


def merged(ranges: Ranges) -> Ranges:
    """``ranges`` sorted, those that overlap or touch made one."""
    out: Ranges = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _leaves_below(fd: int, page: bytes, number: int, page_size: int) -> bool:
    """Whether the children of interior page ``number`` are leaves (its first child's
    type says: every leaf of a b-tree is at one depth)."""
    kids = children(page, number)
    if not kids:
        return True
    first = read_page(fd, kids[0][0], page_size)
    return not first or first[0] in LEAF_TYPES


def pages(
    fd: int,
    root: int,
    page_size: int,
    page_count: int,
    *,
    leaves: bool = True,
    rowids: Ranges | None = None,
) -> list[int]:
    """The pages of the b-tree at ``root``: its interior pages, and its leaves unless
    ``leaves`` is false; with ``rowids`` (a table's), only the pages over those rowids.

    Interior pages are read level by level; the level above the leaves is read only when
    its children are wanted (without the leaves: listed, not read).
    """
    if rowids is not None:
        rowids = merged(rowids)
    ends = [b for _, b in rowids or ()]
    found = [root]
    root_page = read_page(fd, root, page_size)
    if not children(root_page, root):
        return found  # a b-tree of one page
    level: list[tuple[int, int | None, int | None]] = [(root, None, None)]
    above_leaves = _leaves_below(fd, root_page, root, page_size)
    while level and not (above_leaves and not leaves):
        below: list[tuple[int, int | None, int | None]] = []
        for number, low, high in sorted(level):
            previous = low
            for child, key in children(read_page(fd, number, page_size), number):
                upper = high if key is None else key
                if 1 <= child <= page_count and (
                    rowids is None or _wanted(previous, upper, rowids, ends)
                ):
                    below.append((child, previous, upper))
                previous = key if key is not None else previous
        found += [child for child, _, _ in below]
        if above_leaves or not below:
            break
        level = below
        first = below[0][0]
        above_leaves = _leaves_below(fd, read_page(fd, first, page_size), first, page_size)
    return found
