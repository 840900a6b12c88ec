"""The command line imports a command's module only when that command runs: opening the
window imports none of them, and ``--help`` still lists every command."""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def _registered(module: str) -> list[str]:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    importlib.import_module(f"reader.cli.{module}").register(commands)
    return list(commands.choices)


def test_the_command_table_names_exactly_what_each_module_registers() -> None:
    modules = sorted(set(COMMANDS.values()))
    for module in modules:
        assert _registered(module) == [c for c, m in COMMANDS.items() if m == module]
    found = {p.stem for p in (ROOT / "reader" / "cli").glob("*.py")} - {"__init__", "base"}
    assert found == set(modules)  # a new command module must be in the table


def test_help_lists_every_command_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert listed == build_parser().format_help()
    starts = [re.search(rf"\n    {name}[ \n]", listed) for name in [*COMMANDS, "help"]]
    positions = [found.start() for found in starts if found is not None]
    assert len(positions) == len(COMMANDS) + 1
    assert positions == sorted(positions)


def _modules_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return set(eval(done.stdout.strip().splitlines()[-1]))  # a printed list of names


def test_opening_the_window_imports_no_command_module(tmp_path: Path) -> None:
    code = (
        "from reader.cli import main\n"
        f"main(['--library', {str(tmp_path / 'x.sqlite')!r}], open_window=lambda path: 0)"
    )
    loaded = {m for m in _modules_after(code) if m.startswith("reader.cli.")}
    assert loaded == {"reader.cli.base"}


def test_a_command_imports_only_its_own_module(tmp_path: Path) -> None:
    library = tmp_path / "x.sqlite"
    code = f"from reader.cli import main\nmain(['--library', {str(library)!r}, 'tags'])"
    loaded = {m for m in _modules_after(code) if m.startswith("reader.cli.")}
    assert "reader.cli.papers" in loaded
    assert not loaded & {"reader.cli.cite", "reader.cli.exporting", "reader.cli.maintenance"}


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["lst"], "invalid choice: 'lst'"),
        (["--library"], "expected one argument"),
        (["list", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_mistakes_are_still_said_in_one_line(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert said in capsys.readouterr().err


def test_the_old_name_paper_to_json_still_imports() -> None:
    from reader.cli import paper_to_json
    from reader.cli.papers import paper_to_json as where_it_lives

    assert paper_to_json is where_it_lives
