"""The user's settings: app-wide ones in a small JSON file, the rest in each library.

**Scope.** The watched folders (and how they are watched: sub-folders, polling, the quiet
period), the export folder and the export template belong to the library they were chosen
for (:data:`LIBRARY_KEYS`), and are kept in that library's file (``library_setting``,
:mod:`reader.library.library_settings`), so they move with it and a second library never
imports another's inbox or writes into another's vault. :meth:`Settings.for_library` reads
them; :meth:`Settings.save_to_library` writes them. Everything else (what later parts add:
theme, behaviour of the window) is app-wide, in ``settings.json`` in the platformdirs
config folder, written by :meth:`Settings.save`; the window's geometry is in its own file.

**Migration.** Before libraries had settings, every setting was in ``settings.json``. The
first time the default library is opened, the library settings found there (or the
defaults: the data folder's ``inbox``) are copied into it, once; the file keeps them as
they were (an older Papershelf still reads them). Any other library starts with no watched
folder and no export folder.

Reading never fails: a missing file gives the defaults, and a damaged one gives the
defaults too, after being kept aside as ``settings.json.bad`` so nothing the user wrote is
lost. Saving is atomic.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader import paths

if TYPE_CHECKING:
    from reader.library import Changes, Library

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
FORMAT_VERSION = 1
LIBRARY_KEYS = frozenset(
    {"watched_folders", "recursive", "polling", "quiet_period", "export_folder", "export_template"}
)
"""The settings that belong to one library (kept in it), by their JSON names."""


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
            text = _read_bounded(path)
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
        kept = _readable_json(path)
        values = {k: v for k, v in self.to_json().items() if k not in LIBRARY_KEYS}
        text = json.dumps(kept | values, indent=2, ensure_ascii=False) + "\n"
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

    @classmethod
    def for_library(cls, library: Library, path: Path | None = None) -> Settings:
        """The settings for ``library``: app-wide ones from the file, its own from it.

        A library with no settings yet gets the defaults: no watched folder and no export
        folder, except the default library, which takes (once, stored in it when it can be
        written) what the settings file said before settings belonged to libraries.
        """
        from reader.library.library_settings import read_settings, write_settings

        app = cls.load(path)
        stored = read_settings(library)
        if stored is None:
            if _is_default_library(library.path):
                stored = {k: v for k, v in app.to_json().items() if k in LIBRARY_KEYS}
                if library.writable:
                    write_settings(library, stored)
                    log.info("the settings of %s were moved into the library", library.path)
            else:
                stored = {"watched_folders": []}  # never the default library's inbox
        try:
            return cls._from_json(
                {k: v for k, v in app.to_json().items() if k not in LIBRARY_KEYS} | stored
            )
        except (TypeError, ValueError) as exc:
            log.warning(
                "the settings in %s are damaged (%s); using the defaults", library.path, exc
            )
            return cls(watched_folders=[])

    @classmethod
    def for_missing_library(cls, library_path: Path, path: Path | None = None) -> Settings:
        """What :meth:`for_library` will give a library not created yet (nothing is written)."""
        app = cls.load(path)
        if _is_default_library(library_path):
            return app
        own = {k: v for k, v in app.to_json().items() if k not in LIBRARY_KEYS}
        return cls._from_json(own | {"watched_folders": []})

    def library_values(self) -> dict[str, Any]:
        """The settings that belong to the library, as JSON-ready values."""
        return {k: v for k, v in self.to_json().items() if k in LIBRARY_KEYS}

    def save_to_library(self, library: Library) -> Changes:
        """Store the library's own settings in ``library`` (one transaction).

        Raises the library's errors (read-only, damaged, locked) when it cannot be written.
        """
        from reader.library.library_settings import write_settings

        return write_settings(library, self.library_values())

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


MAX_SETTINGS_BYTES = 1_048_576
"""A settings file larger than this is not read (real ones are well under 1 KB)."""


def _read_bounded(path: Path) -> str:
    """The settings file's text: only a regular file (a symlink to a pipe or ``/dev/zero``
    would block or never end), opened non-blocking, at most :data:`MAX_SETTINGS_BYTES`.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        data = handle.read(MAX_SETTINGS_BYTES + 1)
    if len(data) > MAX_SETTINGS_BYTES:
        raise OSError(f"{path} is larger than {MAX_SETTINGS_BYTES // 1_048_576} MB")
    return data.decode("utf-8")


def _is_default_library(path: Path) -> bool:
    """Whether ``path`` is the library used when none is named."""
    try:
        return path.resolve() == paths.default_library_path().resolve()
    except OSError:
        return path.absolute() == paths.default_library_path().absolute()


_MAX_KEPT = 1 << 20
"""A settings file larger than this is not a settings file: its keys are not kept."""


def _readable_json(path: Path) -> dict[str, Any]:
    """What the settings file holds now (kept on saving: keys of other versions), or ``{}``."""
    try:
        data = json.loads(_read_bounded(path))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
