"""Cleaning up after a Papershelf that was killed: stale temporaries beside a library.

A restore stages the backup it puts back as ``.library.sqlite.restore.<pid>.tmp`` beside
the library (a full-size copy); the damage marker is written through
``.library.sqlite-damaged.<pid>.tmp``. A kill leaves them behind, and twenty killed
restores of an 80 MB library leave 1.5 GB. :func:`remove_stale_temporaries` runs on every
open and deletes only files that are unmistakably ours and stale: the exact names above
(the library's own name, a process id, our suffix) whose process is gone, or that are
older than an hour. Nothing else in the folder is ever touched.

A copy (:mod:`reader.library.database_copy`: a backup, or one to a file the user chose) is
written as ``.NAME.<pid>.tmp`` beside its target; :func:`remove_stale_copies` deletes those
of killed copies by the same rule.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from pathlib import Path

log = logging.getLogger(__name__)

STALE_AFTER = 3600.0
"""Seconds after which a temporary of ours is stale even if its process id is in use."""


_COPY_TEMPORARY = re.compile(r"^\..+\.(?P<pid>\d+)\.tmp(?:-wal|-shm|-journal)?$")


def _patterns(library: Path) -> list[re.Pattern[str]]:
    name = re.escape(library.name)
    return [
        re.compile(rf"^\.{name}\.restore\.(?P<pid>\d+)\.tmp(?:-wal|-shm|-journal)?$"),
        re.compile(rf"^\.{name}-damaged\.(?P<pid>\d+)\.tmp$"),
    ]


def remove_stale_temporaries(library_path: str | os.PathLike[str]) -> list[Path]:
    """Delete our stale temporaries beside the library; returns what was deleted."""
    library = Path(library_path).expanduser().absolute()
    patterns = _patterns(library)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(library.parent))
    except OSError:
        return removed
    for item in entries:
        match = next((m for p in patterns if (m := p.match(item.name))), None)
        if match is None:
            continue
        try:
            if not item.is_file(follow_symlinks=False):
                continue
            age = time.time() - item.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if age > STALE_AFTER or not process_alive(int(match["pid"])):
            with contextlib.suppress(OSError):
                Path(item.path).unlink()
                removed.append(Path(item.path))
                log.info("removed the stale temporary file %s", item.path)
    return removed


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (POSIX only; elsewhere assume it does)."""
    if os.name != "posix" or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def is_copy_temporary(path: Path) -> bool:
    """Whether ``path`` is named like a copy's temporary file (``.NAME.<pid>.tmp``)."""
    return _COPY_TEMPORARY.match(path.name) is not None


def remove_stale_copy(path: Path) -> None:
    """Delete ``path`` if it is a copy's temporary whose process is gone, or that is stale."""
    match = _COPY_TEMPORARY.match(path.name)
    if match is None:
        return
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return
    if age > STALE_AFTER or not process_alive(int(match["pid"])):
        with contextlib.suppress(OSError):
            path.unlink()


def remove_stale_copies(target: Path) -> None:
    """Delete the stale temporaries of killed copies to ``target`` (ours only, files only)."""
    prefix = f".{target.name}."
    try:
        children = [c for c in target.parent.iterdir() if c.name.startswith(prefix)]
    except OSError:
        return
    for child in children:
        if child.is_file() and not child.is_symlink():
            remove_stale_copy(child)
