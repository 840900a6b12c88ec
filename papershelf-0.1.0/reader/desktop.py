"""Installing Papershelf into the desktop's application menu (freedesktop, per user).

Writes the ``.desktop`` entry, the icon and the AppStream metadata under
``$XDG_DATA_HOME`` (``~/.local/share``), pointing the entry at the ``papershelf`` that is
running now, so a virtualenv or bundle install shows up in the menu without PATH changes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

APP_ID = "io.github.papershelf.Papershelf"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
"""The PNG renderings shipped beside the scalable icon (``packaging/render_icons.py``)."""


@dataclass(frozen=True, slots=True)
class DesktopFiles:
    """Where the entry, the icon and the metadata go."""

    entry: Path
    icon: Path
    metainfo: Path

    def all(self) -> tuple[Path, Path, Path]:
        """The three paths."""
        return self.entry, self.icon, self.metainfo


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share``."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def targets(base: Path | None = None) -> DesktopFiles:
    """The per-user locations of the three files."""
    root = base or data_home()
    return DesktopFiles(
        entry=root / "applications" / f"{APP_ID}.desktop",
        icon=root / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        metainfo=root / "metainfo" / f"{APP_ID}.metainfo.xml",
    )


def launcher_command() -> str:
    """The command line that starts this installation of Papershelf."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: the executable is the app
        return shlex.quote(sys.executable)
    beside = Path(sys.executable).with_name("papershelf")
    if beside.is_file() and os.access(beside, os.X_OK):
        return shlex.quote(str(beside))
    found = shutil.which("papershelf")
    if found:
        return shlex.quote(str(Path(found).absolute()))
    return f"{shlex.quote(sys.executable)} -m ui.launch"


def desktop_entry(command: str) -> str:
    """The shipped ``.desktop`` text with ``Exec``/``TryExec`` pointing at ``command``."""
    template = (resources.files("resources.desktop") / f"{APP_ID}.desktop").read_text("utf-8")
    program = shlex.split(command)[0]
    replacements = {"Exec": f"Exec={command} %F", "TryExec": f"TryExec={program}"}
    lines = [replacements.get(line.split("=", 1)[0], line) for line in template.splitlines()]
    return "\n".join(lines) + "\n"


def install(base: Path | None = None) -> DesktopFiles:
    """Install (or refresh) the entry, icon and metadata; returns where they went."""
    files = targets(base)
    for path in files.all():
        path.parent.mkdir(parents=True, exist_ok=True)
    _write(files.entry, desktop_entry(launcher_command()).encode("utf-8"))
    icons = resources.files("resources.icons.app")
    _write(files.icon, (icons / f"{APP_ID}.svg").read_bytes())
    for size in PNG_SIZES:
        png = files.icon.parents[1] / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        png.parent.mkdir(parents=True, exist_ok=True)
        _write(png, (icons / f"{APP_ID}-{size}.png").read_bytes())
    _write(
        files.metainfo,
        (resources.files("resources.desktop") / f"{APP_ID}.metainfo.xml").read_bytes(),
    )
    _refresh_caches(files)
    return files


def uninstall(base: Path | None = None) -> list[Path]:
    """Remove what :func:`install` wrote; returns the files removed."""
    removed = []
    files = targets(base)
    pngs = [files.icon.parents[1] / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in PNG_SIZES]
    for path in (*files.all(), *pngs):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def _write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(data)
    temp.replace(path)


def _refresh_caches(files: DesktopFiles) -> None:
    """Tell the desktop about the new entry, where the tools exist (best effort)."""
    for tool, arg in (
        ("update-desktop-database", files.entry.parent),
        ("gtk-update-icon-cache", files.icon.parents[2]),
    ):
        if shutil.which(tool):
            subprocess.run([tool, "-q", str(arg)], check=False, capture_output=True, timeout=30)
