"""Papershelf's log: a rotating file in the platformdirs log folder.

Both the command line and the window log there, so "what happened last night" has one
answer. The file rotates at 1 MB and keeps five old files.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from reader.paths import log_dir

LOG_NAME = "papershelf.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def log_file() -> Path:
    """Where the log is written."""
    return log_dir() / LOG_NAME


def configure_logging(path: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send log records to the rotating log file; returns its path (``None`` if unwritable).

    Safe to call more than once: the handler is installed once per file. When the log
    folder cannot be written, logging falls back to stderr at WARNING and nothing fails.
    """
    target = path or log_file()
    root = logging.getLogger()
    for existing in root.handlers:
        if (
            isinstance(existing, logging.handlers.RotatingFileHandler)
            and Path(existing.baseFilename) == target.absolute()
        ):
            return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        result: Path | None = target
    except OSError:
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        result = None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    return result
