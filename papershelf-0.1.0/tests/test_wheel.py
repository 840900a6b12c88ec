"""Packaging: the wheel, installed into a fresh virtualenv, is a working Papershelf.

This builds the wheel from this checkout, installs it (with its dependencies, from the
package index) into a new venv outside the source tree, and runs what a user runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=cwd,
        check=False,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_the_sdist_carries_every_resource(tmp_path: Path) -> None:
    import tarfile

    run(sys.executable, "-m", "build", "--sdist", "--outdir", tmp_path, ROOT)
    (sdist,) = tmp_path.glob("papershelf-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    shipped = {
        Path(n).relative_to(Path(n).parts[0]).as_posix() for n in names if "/resources/" in n
    }
    expected = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert expected <= shipped, sorted(expected - shipped)


@pytest.mark.slow
def test_the_wheel_installs_and_starts_in_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", dist, ROOT)
    wheels = list(dist.glob("papershelf-*.whl"))
    assert len(wheels) == 1

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheels[0])

    home = tmp_path / "home"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "PYTHONPATH": "",
    }
    outside = tmp_path  # not the checkout: nothing may be imported from the source tree
    papershelf = env_dir / "bin" / "papershelf"
    assert run(papershelf, "--version", env=env, cwd=outside).startswith("papershelf ")

    located = run(
        python,
        "-c",
        "import reader, ui, resources.icons as i, importlib.resources as r;"
        "print(reader.__file__);"
        "print(sum(1 for f in r.files(i).iterdir() if f.name.endswith('.svg')));"
        "print((r.files('resources.templates') / 'note.md.j2').is_file());"
        "print((r.files('resources.desktop') / 'io.github.papershelf.Papershelf.desktop').is_file())",
        env=env,
        cwd=outside,
    ).split()
    assert str(env_dir) in located[0]
    assert int(located[1]) >= 10
    assert located[2:] == ["True", "True"]

    shown = run(
        papershelf,
        "--library",
        tmp_path / "lib.sqlite",
        env={**env, "PAPERSHELF_SMOKE_TEST": "1"},
        cwd=outside,
    )
    assert "papershelf: window shown" in shown
