"""The OS page cache of a library file, for benchmarks: evict it, and see what is cached.

A library whose pages are not in the OS page cache (after a reboot, or a day of other
work) reads from the disk, and a search then waits on it: wall time several times its CPU
time. :func:`evict` drops the file's clean cached pages (``posix_fadvise(DONTNEED)``: no
root needed, no other file disturbed); :func:`resident` says which of its pages are
cached (``mincore``, what ``fincore`` reports), so a benchmark can check the eviction and
see which b-trees a search read. Linux (and other POSIX systems with ``mincore``) only.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import os
from pathlib import Path

_PAGE = mmap.PAGESIZE
_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = (
    ctypes.c_void_p,
    ctypes.c_size_t,
    ctypes.c_int,
    ctypes.c_int,
    ctypes.c_int,
    ctypes.c_long,
)
_libc.munmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t)
_libc.mincore.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p)


def files_of(path: Path) -> list[Path]:
    """The library file and its ``-wal`` and ``-shm`` files, those that exist."""
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def evict(path: Path) -> None:
    """Drop the cached pages of ``path`` (and its WAL) from the OS page cache."""
    for file in files_of(path):
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)  # dirty pages are not dropped: make them clean first
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def load(path: Path, block: int = 8 << 20) -> None:
    """Read all of ``path`` (and its WAL) once, so that every page is in the OS page cache:
    what a "warm page cache" figure means (a library used all day). Reads only."""
    for file in files_of(path):
        with file.open("rb", buffering=0) as f:
            while f.read(block):
                pass


def resident(path: Path) -> bytes:
    """One byte per OS page of ``path``: bit 0 set when that page is in the page cache."""
    size = path.stat().st_size
    if size == 0:
        return b""
    fd = os.open(path, os.O_RDONLY)
    try:
        address = _libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if address in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "mmap failed")
        try:
            vector = ctypes.create_string_buffer((size + _PAGE - 1) // _PAGE)
            if _libc.mincore(address, size, vector) != 0:
                raise OSError(ctypes.get_errno(), "mincore failed")
            return vector.raw
        finally:
            _libc.munmap(address, size)
    finally:
        os.close(fd)


def resident_bytes(path: Path) -> int:
    """How many bytes of ``path`` are in the OS page cache (``fincore``'s RES)."""
    return sum(b & 1 for b in resident(path)) * _PAGE
