"""Making writes survive a power cut: flushing files and folder entries to disk.

:func:`sync_path` flushes one file or folder. :func:`sync_descriptors` flushes many open
files at once: their ``fsync`` calls run side by side on a few threads, so the file
system commits them together (ext4's and XFS's journals group concurrent commits) instead
of one journal commit per file, which is what made exporting 10,000 notes wait on the disk
10,000 times. ``syncfs`` would be one call, but it flushes every other program's pending
writes on the same disk too, and reports a failed write only on recent kernels, so it is
not used.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SYNC_THREADS = 8
"""How many ``fsync`` calls run at once in :func:`sync_descriptors`."""


def sync_path(path: Path) -> None:
    """fsync a file, or a folder's entries (its renames), where the platform allows it.

    Best effort: a platform or filesystem that cannot open or sync the path is not an
    error here, since the data was already written; only its durability is at stake.
    """
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def sync_descriptors(fds: Sequence[int]) -> list[OSError | None]:
    """fsync every open file of ``fds`` (concurrently); each one's error, or ``None``.

    Unlike :func:`sync_path`, a failure here is reported: the caller has not yet moved
    these files into place and must not, when their data may not be on disk.
    """

    def one(fd: int) -> OSError | None:
        try:
            os.fsync(fd)
        except OSError as exc:
            return exc
        return None

    if len(fds) <= 1:
        return [one(fd) for fd in fds]
    with ThreadPoolExecutor(max_workers=min(SYNC_THREADS, len(fds))) as pool:
        return list(pool.map(one, fds))
