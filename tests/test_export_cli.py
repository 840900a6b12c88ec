"""``papershelf export``: counts, conflicts, exit statuses and the configured folder."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.library import Library
from reader.settings import Settings
from tests.test_export_support import add_papers, notes_by_id, split_note

REPO = Path(__file__).resolve().parents[1]


def papershelf(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m reader`` as a user would, with user folders inside ``tmp_path``."""
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHONPATH": str(REPO),
    }
    env.pop("PAPERSHELF_LIBRARY", None)
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def library_file(tmp_path: Path) -> Path:
    path = tmp_path / "lib.sqlite"
    with Library(path) as library:
        add_papers(library, ["First: a paper", "Second paper", "Third paper"])
    return path


def test_export_in_a_subprocess_reports_and_lists_conflicts(
    tmp_path: Path, library_file: Path
) -> None:
    vault = tmp_path / "vault"
    first = papershelf(tmp_path, "--library", str(library_file), "export", "--to", str(vault))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == "4 written, 0 unchanged, 0 conflicts"
    assert first.stderr == ""

    with Library(library_file) as library:
        paper_id = library.paper_ids()[0]
        library.set_rating([paper_id], 5)
        library.set_note(paper_id, "typed in Papershelf")
    note = notes_by_id(vault)[paper_id]
    text = note.read_text(encoding="utf-8")
    note.write_text(
        text.replace("<!-- papershelf:note -->\n", "<!-- papershelf:note -->\ntyped in Obsidian\n"),
        encoding="utf-8",
    )
    edited = note.read_text(encoding="utf-8")

    second = papershelf(tmp_path, "--library", str(library_file), "export", "--to", str(vault))
    assert second.returncode == 1, second.stderr
    lines = second.stdout.splitlines()
    assert lines[0] == "1 written, 2 unchanged, 1 conflict"  # the index shows the rating
    assert f"conflict: {note}" in lines
    assert "  Papershelf: 'typed in Papershelf'" in lines
    assert "  vault:      'typed in Obsidian'" in lines
    assert note.read_text(encoding="utf-8") == edited
    with Library(library_file) as library:
        assert library.paper(paper_id).note == "typed in Papershelf"


def test_export_force_recreate_and_filters(tmp_path: Path, library_file: Path) -> None:
    vault = tmp_path / "vault"
    with Library(library_file) as library:
        ids = sorted(library.paper_ids())
        library.set_rating(ids[:1], 4)
        library.add_tags(ids[1:2], ["ml"])
    lib = ["--library", str(library_file)]
    assert cli(*lib, "export", "--to", str(vault), "--rating-min", "4")[1].startswith("2 written")
    assert set(notes_by_id(vault)) == {ids[0]}
    assert cli(*lib, "export", "--to", str(vault), "--tag", "ML")[1].startswith("2 written")
    assert set(notes_by_id(vault)) == {ids[0], ids[1]}

    note = notes_by_id(vault)[ids[0]]
    note.write_text("mine\n", encoding="utf-8")
    with Library(library_file) as library:
        library.set_rating(ids[:1], 5)
    code, out, _ = cli(*lib, "export", "--to", str(vault), "--rating-min", "4")
    assert code == 1
    assert "left alone (its note section is missing" in out
    assert note.read_text(encoding="utf-8") == "mine\n"
    code, out, _ = cli(*lib, "export", "--to", str(vault), "--rating-min", "4", "--force")
    assert code == 0
    assert "your version kept in:" in out
    assert note.with_name(note.stem + ".conflict.md").read_text(encoding="utf-8") == "mine\n"
    assert split_note(note)[0]["rating"] == 5

    note.unlink()
    code, out, _ = cli(*lib, "export", "--to", str(vault), "--status", "inbox")
    assert code == 0
    assert "deleted since the last export" in out
    assert not note.exists()
    cli(*lib, "export", "--to", str(vault), "--status", "inbox", "--recreate")
    assert note.exists()


def test_export_uses_the_configured_folder_and_template(tmp_path: Path, library_file: Path) -> None:
    vault = tmp_path / "configured"
    template = tmp_path / "t.md.j2"
    template.write_text("{{ front_matter }}custom {{ id }}\n{{ note_section }}\n", encoding="utf-8")
    with Library(library_file) as library:  # the export folder belongs to the library
        Settings(export_folder=vault, export_template=template).save_to_library(library)

    code, out, err = cli("--library", str(library_file), "export")

    assert code == 0, err
    assert out.startswith("4 written")
    note = next(iter(notes_by_id(vault).values()))
    assert split_note(note)[1].startswith("custom ")


def test_export_without_a_folder_is_a_usage_error(library_file: Path) -> None:
    code, _out, err = cli("--library", str(library_file), "export")
    assert code == 2
    assert err == (
        "papershelf: no export folder is set for this library: pass --to DIR "
        "(or set one with 'papershelf config --export-folder DIR')\n"
    )


def test_an_export_error_is_one_line_and_exit_2(tmp_path: Path, library_file: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = cli("--library", str(library_file), "export", "--to", str(blocker / "vault"))
    assert code == 2
    assert err.startswith("papershelf: cannot export to")
    assert err.count("\n") == 1
    bad = tmp_path / "bad.j2"
    bad.write_text("{% if %}", encoding="utf-8")
    code, _, err = cli(
        "--library",
        str(library_file),
        "export",
        "--to",
        str(tmp_path / "v"),
        "--template",
        str(bad),
    )
    assert code == 2
    assert "bad.j2" in err
    assert not (tmp_path / "v").exists()
    code, _, err = cli("--library", str(library_file), "export", "--to", "x", "--rating-min", "9")
    assert code == 2
    assert "--rating-min" in err


@pytest.mark.parametrize(
    "module",
    [
        "reader.export",
        "reader.export.model",
        "reader.export.names",
        "reader.export.vault",
        "reader.export.resolve",
        "reader.export.listing",
        "reader.export.proof",
        "reader.export.indexnote",
        "reader.library.vault_records",
        "bench.export_bench",
        "bench.vault",
    ],
)
def test_export_modules_import_first_in_a_fresh_interpreter(module: str) -> None:
    """No import cycle: the window and the benchmark may import the export before anything."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
