"""The ``papershelf`` command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DigestWriter
from tests.factories import run_papershelf

JSON_FIELDS = {
    "id", "key", "title", "abstract", "authors_count", "organization", "published",
    "comments", "status", "rating", "tags", "note", "digests",
}  # fmt: skip


def run(
    library: Path, *args: str, stdin: str | None = None, check: int | None = 0
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m reader --library LIBRARY ARGS…`` and return what it printed."""
    result = run_papershelf(library, *args, stdin=stdin, env={**os.environ, "COLUMNS": "120"})
    if check is not None:
        assert result.returncode == check, result.stderr
    return result


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    return tmp_path / "lib.sqlite"


def test_import_list_show_and_edit(lib: Path, sample_path: Path) -> None:
    out = run(lib, "import", str(sample_path)).stdout
    assert out.strip().endswith("imported: 48 new, 0 updated (48 papers)")
    assert run(lib, "import", str(sample_path)).stdout.strip().endswith("already imported")

    table = run(lib, "list", "--search", "flashattention").stdout
    assert "FlashAttention: Fast and Memory-Efficient" in table
    assert table.strip().endswith("1 paper")

    rows = [json.loads(line) for line in run(lib, "list", "--json").stdout.splitlines()]
    assert len(rows) == 48
    assert set(rows[0]) >= JSON_FIELDS
    flash = next(r for r in rows if r["title"].startswith("FlashAttention"))
    assert (flash["authors_count"], flash["published"], flash["comments"]) == (5, "2022-05-27", 4)
    assert flash["digests"][0]["date"] is not None

    pid = str(flash["id"])
    assert (
        run(lib, "tag", pid, "+nlp", "+long context", "-nothing").stdout.strip()
        == f"{pid}: long context, nlp"
    )
    assert run(lib, "tag", pid, "-nlp").stdout.strip() == f"{pid}: long context"
    run(lib, "rate", pid, "4")
    run(lib, "status", pid, "reading")
    run(lib, "note", pid, "--set", "Compare with *Mamba*.")
    shown = run(lib, "show", pid).stdout
    for expected in (
        "FlashAttention",
        "Status:    reading",
        "★★★★☆",
        "long context",
        "Compare with *Mamba*.",
    ):
        assert expected in shown
    detail = json.loads(run(lib, "show", pid, "--json").stdout)
    assert (detail["rating"], detail["status"], detail["tags"]) == (4, "reading", ["long context"])

    filtered = run(
        lib, "list", "--status", "reading", "--tag", "long context", "--rating-min", "4", "--json"
    )
    assert [json.loads(line)["id"] for line in filtered.stdout.splitlines()] == [flash["id"]]


def test_notes_from_a_file_and_stdin(lib: Path, write_digest: DigestWriter, tmp_path: Path) -> None:
    run(lib, "import", str(write_digest("d.txt", [1])))
    note_file = tmp_path / "note.md"
    note_file.write_text("# From a file\n\nünïcode ✓\n", encoding="utf-8")
    run(lib, "note", "1", "--file", str(note_file))
    assert run(lib, "note", "1").stdout == "# From a file\n\nünïcode ✓\n"
    run(lib, "note", "1", "-", stdin="from stdin\n")
    assert run(lib, "note", "1").stdout == "from stdin\n"


def test_errors_are_one_line_and_exit_2(
    lib: Path, write_digest: DigestWriter, tmp_path: Path
) -> None:
    run(lib, "import", str(write_digest("d.txt", [1])))
    cases = [
        (("rate", "1", "7"), "a rating is 0 to 5 stars, not 7"),
        (("rate", "99", "3"), "there is no paper with id 99"),
        (("show", "99"), "there is no paper with id 99"),
        (("status", "1", "someday"), "unknown status 'someday'"),
        (("list", "--search", "rating:9"), "rating: takes a number"),
        (("import", str(tmp_path / "missing.txt")), "no such file or folder"),
    ]
    for args, message in cases:
        result = run(lib, *args, check=2)
        assert result.stderr.startswith("papershelf: ")
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_unopenable_library_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(blocker / "lib.sqlite", "list", check=2)
    assert "cannot be opened" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_failed_imports_exit_1_and_are_in_the_log(
    lib: Path, tmp_path: Path, write_digest: DigestWriter
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("just some notes\nnothing to see\n")
    good = write_digest("good.txt", [1, 2])
    result = run(lib, "import", str(bad), str(good), check=1)
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(f"{bad}: failed: not a digest")
    assert lines[1].endswith("imported: 2 new, 0 updated (2 papers)")
    log = run(lib, "digests").stdout
    assert "failed" in log
    assert "error: not a digest" in log


def test_default_library_lives_in_the_user_data_folder(write_digest: DigestWriter) -> None:
    path = write_digest("d.txt", [1])
    subprocess.run(
        [sys.executable, "-m", "reader", "import", str(path)], check=True, capture_output=True
    )
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert (data_home / "Papershelf" / "library.sqlite").is_file()


def test_papershelf_library_variable(tmp_path: Path, write_digest: DigestWriter) -> None:
    target = tmp_path / "elsewhere.sqlite"
    env = {**os.environ, "PAPERSHELF_LIBRARY": str(target)}
    subprocess.run(
        [sys.executable, "-m", "reader", "import", str(write_digest("d.txt", [1]))],
        check=True,
        capture_output=True,
        env=env,
    )
    assert target.is_file()


def test_no_command_prints_help_without_a_window(lib: Path) -> None:
    result = run(lib)
    assert "usage: papershelf" in result.stdout
    assert "import" in result.stdout


def test_help_search_explains_several_tags(lib: Path) -> None:
    result = run(lib, "help", "search")
    assert "tag:nlp tag:vision   with both tags" in result.stdout
    assert "tag:nlp OR tag:cv    with either" in result.stdout


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("papershelf ")


def test_config_does_not_create_a_library(lib: Path) -> None:
    result = run(lib, "config")
    assert "settings file:" in result.stdout
    assert not lib.exists()
