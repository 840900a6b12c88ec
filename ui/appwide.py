"""What the application remembers across libraries: recent libraries, the last import
folder, the theme.

App-wide (not per library): a small INI file ``recent.ini`` in the config folder. Paths
that no longer exist are dropped when read; nothing here ever touches the files named.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from reader.paths import config_dir

MAX_RECENT = 8
"""How many libraries File ▸ Open Recent lists."""


def _settings() -> QSettings:
    return QSettings(str(config_dir() / "recent.ini"), QSettings.Format.IniFormat)


def recent_libraries() -> list[Path]:
    """The libraries opened last, newest first (only those still there)."""
    value: object = _settings().value("recent/libraries", [])
    items: list[object] = (
        [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    )
    return [Path(str(p)) for p in items if str(p) and Path(str(p)).is_file()][:MAX_RECENT]


def remember_library(path: Path) -> None:
    """Put ``path`` first in the recent libraries."""
    path = Path(path).absolute()
    kept = [p for p in recent_libraries() if p != path]
    settings = _settings()
    settings.setValue("recent/libraries", [str(p) for p in [path, *kept][:MAX_RECENT]])
    settings.sync()


def forget_recent_libraries() -> None:
    """Clear File ▸ Open Recent."""
    settings = _settings()
    settings.remove("recent/libraries")
    settings.sync()


def import_folder() -> Path:
    """Where File ▸ Import opens: the folder last imported from, else the home folder (never
    the watched inbox by default: what lands there is imported already)."""
    saved = str(_settings().value("recent/importFolder", "") or "")
    if saved and Path(saved).is_dir():
        return Path(saved)
    return Path.home()


def remember_import_folder(folder: Path) -> None:
    """The folder a file was just imported from."""
    settings = _settings()
    settings.setValue("recent/importFolder", str(Path(folder).absolute()))
    settings.sync()


THEMES = ("system", "light", "dark")
"""Settings ▸ Appearance: follow the system, or always light, or always dark."""


def theme() -> str:
    """The chosen theme (one of :data:`THEMES`; ``system`` when none was chosen)."""
    value = str(_settings().value("appearance/theme", "system") or "system")
    return value if value in THEMES else "system"


def set_theme(value: str) -> None:
    """Remember the theme (one of :data:`THEMES`)."""
    if value not in THEMES:
        raise ValueError(f"not a theme: {value!r}")
    settings = _settings()
    settings.setValue("appearance/theme", value)
    settings.sync()
