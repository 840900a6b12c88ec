"""The command line against hostile arguments and files: one plain line, never a traceback."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.conftest import DigestWriter
from tests.test_cli import run

BAD_BYTE = os.fsdecode(b"\xff")  # what argv holds for a byte that is not UTF-8
INTERNALS = ("UnicodeEncodeError", "RecursionError", "set_int_max_str_digits", "Traceback")


def one_line(result: object, *expected: str) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert len(stderr.strip().splitlines()) == 1, stderr
    for word in INTERNALS:
        assert word not in stderr
    for text in expected:
        assert text in stderr
    return str(stderr)


@pytest.fixture
def lib(tmp_path: Path, write_digest: DigestWriter) -> Path:
    path = tmp_path / "lib.sqlite"
    run(path, "import", str(write_digest("d.txt", [1, 2])))
    return path


def test_arguments_that_are_not_utf8_are_refused_and_change_nothing(lib: Path) -> None:
    one_line(run(lib, "note", "1", "--set", f"draft {BAD_BYTE}", check=2), "not valid UTF-8")
    assert run(lib, "note", "1").stdout == ""
    one_line(run(lib, "tag", "1", f"+{BAD_BYTE}", check=2), "not valid UTF-8")
    assert "(no tags)" in run(lib, "tag", "1").stdout
    one_line(run(lib, "list", "--tag", BAD_BYTE, check=2), "not valid UTF-8")


@pytest.mark.parametrize("number", ["99999999999999999999", "9" * 5000, "0", "-3"])
def test_ids_out_of_range_are_plain_errors(lib: Path, number: str) -> None:
    result = run(lib, "show", number, check=2)
    for word in INTERNALS:
        assert word not in result.stderr
    assert "paper id" in result.stderr or "no paper with id" in result.stderr


def test_a_note_file_is_read_with_a_bound(lib: Path, tmp_path: Path) -> None:
    one_line(run(lib, "note", "1", "--file", "/dev/zero", check=2), "not a regular file")
    one_line(run(lib, "note", "1", "--file", str(tmp_path), check=2), "not a regular file")
    binary = tmp_path / "note.bin"
    binary.write_bytes(b"caf\xe9")
    one_line(run(lib, "note", "1", "--file", str(binary), check=2), "not UTF-8")
    assert run(lib, "note", "1").stdout == ""


def test_a_folder_1100_levels_deep_imports(lib: Path, write_digest: DigestWriter) -> None:
    # Outside pytest's tmp_path: its clean-up (shutil.rmtree) recurses and would fail on
    # this tree in every later run. Taken down bottom up here, whatever happens.
    top = Path(tempfile.mkdtemp(prefix="papershelf-deep-"))
    folder = top
    try:
        for _ in range(1100):  # os.makedirs itself recurses
            folder = folder / "d"
            folder.mkdir()
        write_digest("bottom.txt", [7], folder=folder)
        result = run(lib, "import", str(top))
        assert result.stdout.strip().endswith("imported: 1 new, 0 updated (1 papers)")
    finally:
        (folder / "bottom.txt").unlink(missing_ok=True)
        while folder != top:
            folder.rmdir()
            folder = folder.parent
        top.rmdir()


def test_a_library_in_a_missing_folder_is_refused_and_nothing_is_created(
    tmp_path: Path,
) -> None:
    typo = tmp_path / "Documnets" / "papers" / "lib.sqlite"
    one_line(run(typo, "list", check=2), "does not exist", str(typo.parent))
    assert not (tmp_path / "Documnets").exists()
    fresh = tmp_path / "new.sqlite"
    result = run(fresh, "list")
    assert f"created a new library at {fresh}" in result.stderr
    assert "created" not in run(fresh, "list").stderr


def test_a_pseudo_file_as_library_is_not_a_full_disk(tmp_path: Path) -> None:
    message = one_line(run(Path("/proc/self/status"), "list", check=2))
    assert "full" not in message
    assert "cannot be opened" in message


def test_delete_and_trash_commands(lib: Path, write_digest: DigestWriter) -> None:
    run(lib, "rate", "1", "5")
    run(lib, "note", "1", "--set", "keep this")
    assert "moved 1 paper to the trash" in run(lib, "delete", "1").stdout
    assert "1 paper in the trash" in run(lib, "trash").stdout
    one_line(run(lib, "show", "1", check=2), "no paper with id 1")
    run(lib, "trash", "restore", "1")
    assert "keep this" in run(lib, "show", "1").stdout
    junk = run(lib, "import", str(write_digest("junk.txt", [2, 5, 6, 7]))).stdout
    assert "3 new" in junk
    digest_id = run(lib, "digests").stdout.splitlines()[1].split()[0]
    deleted = run(lib, "delete", "--digest", digest_id).stdout
    assert "kept 1 paper that other digests list too" in deleted
    assert "moved 3 papers" in deleted
    assert run(lib, "list").stdout.strip().endswith("2 papers")
    assert "deleted 3 papers from the trash for good" in run(lib, "trash", "empty").stdout
    one_line(run(lib, "delete", check=2), "name the papers")
    one_line(run(lib, "trash", "restore", "42", check=2), "no paper with id 42 in the trash")


def test_backup_never_replaces_a_device_or_a_pipe_even_with_force(
    lib: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # stands for /dev/null, which root could otherwise replace
    one_line(run(lib, "backup", "--to", str(fifo), "--force", check=2), "not a regular file")
    assert fifo.is_fifo()


def test_settings_and_tags_refuse_what_they_cannot_hold(lib: Path) -> None:
    one_line(run(lib, "config", "--add-folder", f"/tmp/{BAD_BYTE}", check=2), "not valid UTF-8")
    one_line(run(lib, "tag", "1", "+a\x1b[2J", check=2), "control characters")
    one_line(run(lib, "status", "1", BAD_BYTE, check=2), "not valid UTF-8")


def test_restore_into_a_missing_folder_is_refused(lib: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.sqlite"
    run(lib, "backup", "--to", str(saved))
    typo = tmp_path / "nope" / "lib.sqlite"
    one_line(run(typo, "restore", str(saved), check=2), "does not exist")
    assert not typo.parent.exists()


def _on_a_terminal(library: Path, *args: str) -> str:
    """What ``papershelf ARGS`` shows on a terminal (a real pseudo-terminal)."""
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "reader", "--library", str(library), *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    return b"".join(chunks).decode("utf-8", "replace")


def test_control_characters_in_names_are_shown_not_obeyed_on_a_terminal(
    lib: Path, write_digest: DigestWriter
) -> None:
    evil = write_digest("evil\x1b]0;pwned\x07\x1b[2J.txt", [3])
    run(lib, "import", str(evil))
    shown = _on_a_terminal(lib, "digests")
    assert "\x1b" not in shown
    assert "\x07" not in shown
    assert "evil␛]0;pwned␇␛[2J.txt" in shown
    piped = run(lib, "digests").stdout  # a pipe gets the name as it is
    assert "evil\x1b]0;pwned" in piped
