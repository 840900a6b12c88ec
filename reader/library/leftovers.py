"""Cleaning up after a Papershelf that was killed: stale temporaries beside a library.

A restore stages the backup it puts back as ``.library.sqlite.restore.<pid>.tmp`` beside
the library (a full-size copy); the damage marker is written through
``.library.sqlite-damaged.<pid>.tmp``. A kill leaves them behind, and twenty killed
restores of an 80 MB library leave 1.5 GB. :func:`remove_stale_temporaries` runs on every
open and deletes only files that are unmistakably ours and stale: the exact names above
(the library's own name, a process id, our suffix) whose process is gone, or that are
older than an hour. Nothing else in the folder is ever touched.
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
