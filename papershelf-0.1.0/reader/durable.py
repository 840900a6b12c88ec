"""Making writes survive a power cut: flushing files and folder entries to disk."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


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
