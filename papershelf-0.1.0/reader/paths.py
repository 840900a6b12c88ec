"""Where Papershelf keeps things on this machine (platformdirs), overridable for tests.

``PAPERSHELF_LIBRARY`` points the default library elsewhere; the XDG variables
(``XDG_DATA_HOME``, ``XDG_CONFIG_HOME``…) move everything on Linux, as platformdirs reads them.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Papershelf"
LIBRARY_FILE = "library.sqlite"


def data_dir() -> Path:
    """The per-user data folder: the default library, its backups, the inbox folder."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The per-user configuration folder (``settings.json``)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """The per-user log folder."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_library_path() -> Path:
    """The library used when none is named: ``$PAPERSHELF_LIBRARY`` or the data folder's."""
    override = os.environ.get("PAPERSHELF_LIBRARY")
    if override:
        return Path(override).expanduser()
    return data_dir() / LIBRARY_FILE


def default_inbox_dir() -> Path:
    """The watched folder configured out of the box (created on first use)."""
    return data_dir() / "inbox"


def backup_dir() -> Path:
    """Where automatic backups of the library go."""
    return data_dir() / "backups"
