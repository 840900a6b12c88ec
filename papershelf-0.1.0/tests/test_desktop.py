"""Desktop integration: the entry and metadata are valid and install per user."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest

from reader import desktop

ENTRY = resources.files("resources.desktop") / f"{desktop.APP_ID}.desktop"
METAINFO = resources.files("resources.desktop") / f"{desktop.APP_ID}.metainfo.xml"


def test_desktop_entry_has_what_menus_need() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(ENTRY.read_text("utf-8"))
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Papershelf"
    assert entry["Icon"] == desktop.APP_ID
    assert entry["Exec"].startswith("papershelf")
    assert entry["Categories"].endswith(";")


def test_metainfo_names_the_app_and_its_launchable() -> None:
    root = ET.fromstring(METAINFO.read_bytes())
    assert root.findtext("id") == desktop.APP_ID
    assert root.find("launchable").text == f"{desktop.APP_ID}.desktop"  # type: ignore[union-attr]
    assert root.findtext("summary")
    assert root.find("description/p") is not None


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed"
)
def test_desktop_entry_validates(tmp_path: Path) -> None:
    installed = desktop.install(tmp_path)
    for path in (Path(str(ENTRY)), installed.entry):
        result = subprocess.run(
            ["desktop-file-validate", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_install_points_at_this_installation_and_uninstalls(tmp_path: Path) -> None:
    files = desktop.install(tmp_path)
    text = files.entry.read_text("utf-8")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    program = exec_line.removeprefix("Exec=").split()[0]
    assert Path(program).is_absolute()
    assert files.icon.read_bytes().startswith(b"<svg") or b"<svg" in files.icon.read_bytes()[:200]
    assert files.metainfo.exists()
    png = files.icon.parents[1] / "48x48" / "apps" / f"{desktop.APP_ID}.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    removed = set(desktop.uninstall(tmp_path))
    assert set(files.all()) | {png} <= removed
    assert not any(p.exists() for p in files.all())


def test_install_desktop_entry_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "install-desktop-entry"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "application menu entry:" in result.stdout
    assert desktop.targets().entry.exists()
