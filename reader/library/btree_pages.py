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
import struct

LEAF_TYPES = frozenset({0x0A, 0x0D})
"""Leaf page types: index, table."""
_INTERIOR_INDEX, _INTERIOR_TABLE = 0x02, 0x05
_CHILD = struct.Struct(">I")

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
    if start + 12 + 2 * cells > len(page):
        return []  # not a page of this b-tree (a stale copy): list nothing under it
    out: list[tuple[int, int | None]] = []
    for at in struct.unpack_from(f">{cells}H", page, start + 12):
        if at + 5 > len(page):
            return []
        (child,) = _CHILD.unpack_from(page, at)
        out.append((child, _varint(page, at + 4) if table else None))
    out.append((_CHILD.unpack_from(page, start + 8)[0], None))
    return out


def _picked(
    page: bytes, number: int, low: int | None, high: int | None, ranges: Ranges, ends: list[int]
) -> list[tuple[int, int | None, int | None]]:
    """The children of table interior page ``number`` (over rowids above ``low``, up to
    ``high``) that hold rowids of ``ranges`` (sorted, apart; ``ends``: their last rowids),
    each with its bounds. Found by bisecting the page's keys: a few cells parsed per child
    picked, not every cell of the page."""
    start = 100 if number == 1 else 0
    if len(page) < start + 12 or page[start] != _INTERIOR_TABLE:
        return []
    cells = int.from_bytes(page[start + 3 : start + 5], "big")
    if start + 12 + 2 * cells > len(page):
        return []  # not a page of this b-tree (a stale copy): list nothing under it
    pointers = struct.unpack_from(f">{cells}H", page, start + 12)
    if any(at + 5 > len(page) for at in pointers):
        return []
    keys: dict[int, int] = {}

    def key(i: int) -> int:
        if i not in keys:
            keys[i] = _varint(page, pointers[i] + 4)
        return keys[i]

    def holding(rowid: int) -> int:  # the child whose rowids reach up to or past rowid
        lo, hi = 0, cells
        while lo < hi:
            mid = (lo + hi) // 2
            if key(mid) < rowid:
                lo = mid + 1
            else:
                hi = mid
        return lo

    out: list[tuple[int, int | None, int | None]] = []
    r = bisect.bisect_left(ends, -(1 << 63) if low is None else low + 1)
    last = -1
    while r < len(ranges) and (high is None or ranges[r][0] <= high):
        first, final = max(holding(ranges[r][0]), last + 1), holding(ranges[r][1])
        for c in range(first, final + 1):
            child = (
                _CHILD.unpack_from(page, start + 8)[0]
                if c == cells
                else _CHILD.unpack_from(page, pointers[c])[0]
            )
            out.append((child, low if c == 0 else key(c - 1), high if c == cells else key(c)))
        last = final
        if final >= cells:
            break
        r = bisect.bisect_right(ends, key(final), lo=r)  # those ranges are under it
    return out


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
            page = read_page(fd, number, page_size)
            if rowids is None:
                below += [(c, None, None) for c, _ in children(page, number)]
            else:
                below += _picked(page, number, low, high, rowids, ends)
        below = [item for item in below if 1 <= item[0] <= page_count]
        found += [child for child, _, _ in below]
        if above_leaves or not below:
            break
        level = below
        first = below[0][0]
        above_leaves = _leaves_below(fd, read_page(fd, first, page_size), first, page_size)
    return found
