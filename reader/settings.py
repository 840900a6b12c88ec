"""The user's settings: watched folders and export choices, in one small JSON file.

The file lives in the platformdirs config folder (``settings.json``). Reading never fails:
a missing file gives the defaults, and a damaged one gives the defaults too, after being
kept aside as ``settings.json.bad`` so nothing the user wrote is lost. Saving is atomic.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader import paths

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
FORMAT_VERSION = 1


class SettingsError(Exception):
    """The settings could not be saved; ``str()`` says why, for people."""


def settings_path() -> Path:
    """Where the settings are kept unless told otherwise."""
    return paths.config_dir() / SETTINGS_FILE


def _default_folders() -> list[Path]:
    return [paths.default_inbox_dir()]


def _folder(value: str | os.PathLike[str]) -> Path:
    """A folder as stored: ``~`` expanded, absolute, ``..`` folded (links kept as typed)."""
    path = Path(value)
    with contextlib.suppress(RuntimeError):  # ``~someone`` with no account here: kept as is
        path = path.expanduser()
    return Path(os.path.normpath(path.absolute()))


@dataclass
class Settings:
    """What the user chose: which folders are watched and how, and where notes go."""

    watched_folders: list[Path] = field(default_factory=_default_folders)
    recursive: bool = True
    polling: bool = False
    quiet_period: float = 0.5
    export_folder: Path | None = None
    export_template: Path | None = None
    watch_vault: bool = True
    """Bring notes edited in the export folder back while the window is open."""

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the settings; a missing or damaged file gives the defaults (never raises)."""
        path = path or settings_path()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except UnicodeDecodeError:
            return cls._set_aside(path, "it is not UTF-8 text")
        except OSError as exc:
            log.warning("cannot read the settings in %s (%s); using the defaults", path, exc)
            return cls()
        try:
            return cls._from_json(json.loads(text))
        except json.JSONDecodeError as exc:
            return cls._set_aside(path, f"line {exc.lineno}: {exc.msg}")
        except (TypeError, ValueError) as exc:
            return cls._set_aside(path, str(exc))

    @classmethod
    def _from_json(cls, data: Any) -> Settings:
        if not isinstance(data, dict):
            raise TypeError("the settings are not a JSON object")
        defaults = cls()
        folders = data.get("watched_folders", [str(p) for p in defaults.watched_folders])
        if not isinstance(folders, list) or not all(isinstance(f, str) and f for f in folders):
            raise TypeError("watched_folders is not a list of folder names")
        quiet = data.get("quiet_period", defaults.quiet_period)
        if isinstance(quiet, bool) or not isinstance(quiet, int | float) or not 0 <= quiet <= 60:
            raise ValueError("quiet_period is not a number of seconds from 0 to 60")
        return cls(
            watched_folders=list(dict.fromkeys(_folder(f) for f in folders)),
            recursive=_flag(data, "recursive", defaults.recursive),
            polling=_flag(data, "polling", defaults.polling),
            quiet_period=float(quiet),
            export_folder=_optional_path(data, "export_folder"),
            export_template=_optional_path(data, "export_template"),
            watch_vault=_flag(data, "watch_vault", defaults.watch_vault),
        )

    @classmethod
    def _set_aside(cls, path: Path, reason: str) -> Settings:
        kept = path.with_name(path.name + ".bad")
        number = 1
        while kept.exists():
            number += 1
            kept = path.with_name(f"{path.name}.bad{number}")
        try:
            path.rename(kept)
        except OSError as exc:
            log.warning(
                "the settings in %s are damaged (%s) and could not be kept aside (%s); "
                "using the defaults",
                path,
                reason,
                exc,
            )
        else:
            log.warning(
                "the settings in %s are damaged (%s); using the defaults, the old file is kept as %s",
                path,
                reason,
                kept,
            )
        return cls()

    def to_json(self) -> dict[str, Any]:
        """The settings as JSON-ready values."""
        return {
            "version": FORMAT_VERSION,
            "watched_folders": [str(p) for p in self.watched_folders],
            "recursive": self.recursive,
            "polling": self.polling,
            "quiet_period": self.quiet_period,
            "export_folder": str(self.export_folder) if self.export_folder else None,
            "export_template": str(self.export_template) if self.export_template else None,
            "watch_vault": self.watch_vault,
        }

    def save(self, path: Path | None = None) -> None:
        """Write the settings atomically (a temporary file beside it, then a rename).

        Raises :class:`SettingsError` when the file cannot be written.
        """
        path = path or settings_path()
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        temporary: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
            )
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            Path(temporary).replace(path)
            temporary = None
        except OSError as exc:
            raise SettingsError(
                f"the settings cannot be saved to {path}: {exc.strerror or exc}"
            ) from None
        finally:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)

    def add_folder(self, folder: str | os.PathLike[str]) -> bool:
        """Watch ``folder`` too; False if it already is."""
        wanted = _folder(folder)
        if wanted in self.watched_folders:
            return False
        self.watched_folders.append(wanted)
        return True

    def remove_folder(self, folder: str | os.PathLike[str]) -> bool:
        """Stop watching ``folder``; False if it was not watched."""
        wanted = _folder(folder)
        kept = [p for p in self.watched_folders if p != wanted]
        removed = len(kept) != len(self.watched_folders)
        self.watched_folders = kept
        return removed


def _flag(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise TypeError(f"{key} is not true or false")
    return value


def _optional_path(data: dict[str, Any], key: str) -> Path | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key} is not a path")
    return _folder(value)
