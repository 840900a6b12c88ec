"""``papershelf watch`` and ``papershelf config``, run as a person would (a real process)."""

from __future__ import annotations

import io
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from reader.cli import main
from reader.digests.hf_text import render
from reader.digests.model import Entry

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 10.0


def papershelf(*args: str) -> list[str]:
    """The command line that runs ``papershelf`` without the window."""
    return [sys.executable, "-m", "reader", *args]


def finished(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=30, check=False
    )


def capture(count: int = 3) -> str:
    entries = [
        Entry(
            title=f"Command line paper {n}",
            abstract=f"An abstract about command line matter {n}.",
            authors_count=2,
            published=date(2026, 1, 29),
        )
        for n in range(count)
    ]
    return render(entries, date(2026, 1, 30))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment whose user folders all live in the test's folder."""
    values = {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PAPERSHELF_LIBRARY": str(tmp_path / "default-library.sqlite"),
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **values, "PYTHONUNBUFFERED": "1"}


class Watch:
    """A running ``papershelf watch`` whose output lines can be waited for."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            papershelf(*args),
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self._reader.start()

    def _read(self, stream: io.TextIOBase) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for_line(self, needle: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            if needle in line:
                return line
        self.process.kill()
        _, err = self.process.communicate()
        pytest.fail(f"no line with {needle!r}; stderr: {err}")

    def finish(self, signum: int) -> tuple[int, str]:
        self.process.send_signal(signum)
        try:
            code = self.process.wait(TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        assert self.process.stderr is not None
        return code, self.process.stderr.read()


@pytest.fixture
def watches() -> Iterator[list[Watch]]:
    started: list[Watch] = []
    yield started
    for watch in started:
        if watch.process.poll() is None:
            watch.process.kill()
            watch.process.wait()


def test_watch_imports_dropped_files_and_stops_on_ctrl_c(
    tmp_path: Path, env: dict[str, str], watches: list[Watch]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    library = tmp_path / "library.sqlite"
    watch = Watch(["--library", str(library), "watch", str(inbox)], env)
    watches.append(watch)
    assert str(inbox) in watch.wait_for_line("watching")

    partial = inbox / "Daily Papers.txt.crdownload"
    partial.write_text(capture(3), encoding="utf-8")
    partial.rename(inbox / "Daily Papers.txt")
    line = watch.wait_for_line("Daily Papers.txt")
    assert line == f"{inbox / 'Daily Papers.txt'}: imported: 3 new, 0 updated (3 papers)"

    (inbox / "list.txt").write_text("not a digest at all\n", encoding="utf-8")
    assert "list.txt: failed: " in watch.wait_for_line("list.txt")

    code, err = watch.finish(signal.SIGINT)
    assert code == 0, err
    assert "Traceback" not in err


def test_watch_defaults_to_the_configured_inbox_and_stops_on_sigterm(
    tmp_path: Path, env: dict[str, str], watches: list[Watch]
) -> None:
    inbox = tmp_path / "data" / "Papershelf" / "inbox"
    watch = Watch(["watch"], env)  # the default library watches the default inbox
    watches.append(watch)
    assert str(inbox) in watch.wait_for_line("watching")
    assert inbox.is_dir()  # created on first use

    code, err = watch.finish(signal.SIGTERM)
    assert code == 0, err


def test_watch_a_missing_folder_says_so_in_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    missing = tmp_path / "nowhere"
    result = finished(
        papershelf("--library", str(tmp_path / "l.sqlite"), "watch", str(missing)), env
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"papershelf: created a new library at {tmp_path / 'l.sqlite'}",
        f"papershelf: the folder {missing} does not exist",
    ]
    assert result.stdout == ""


def test_config_command_sets_and_shows_settings(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    library = str(tmp_path / "library.sqlite")
    args = ["--add-folder", str(folder), "--no-recursive", "--polling"]
    result = finished(papershelf("--library", library, "config", *args), env)
    assert result.returncode == 0, result.stderr
    settings_file = tmp_path / "config" / "Papershelf" / "settings.json"
    assert f"library: {library}\n" in result.stdout
    assert f"app-wide settings file: {settings_file}" in result.stdout
    assert f"  {folder}\n" in result.stdout
    assert "sub-folders: not watched" in result.stdout
    assert "polling: on" in result.stdout
    assert not settings_file.exists()  # these settings belong to the library
    shown = finished(papershelf("--library", library, "config"), env).stdout
    assert f"watched folders:\n  {folder}\n" in shown  # a named library: only its own folder
    assert "polling: on" in shown
    other = finished(papershelf("config"), env).stdout  # the default library's are its own
    assert str(folder) not in other
    assert "polling: off" in other


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_config_shows_the_defaults(tmp_path: Path, env: dict[str, str]) -> None:
    code, out, _ = run(["config"])
    assert code == 0
    assert out.splitlines() == [
        f"library: {tmp_path / 'default-library.sqlite'}  (not created yet)",
        f"app-wide settings file: {tmp_path / 'config' / 'Papershelf' / 'settings.json'}",
        "watched folders:",
        f"  {tmp_path / 'data' / 'Papershelf' / 'inbox'}  (missing)",
        "sub-folders: watched",
        "polling: off",
        "quiet period: 0.5 s",
        "export folder: (not set)",
    ]
    assert not (tmp_path / "config").exists()  # showing saves nothing


def test_config_removes_folders_and_sets_the_export_folder(
    tmp_path: Path, env: dict[str, str]
) -> None:
    inbox = tmp_path / "data" / "Papershelf" / "inbox"
    code, out, _ = run(["config", "--remove-folder", str(inbox), "--export-folder", "vault"])
    assert code == 0
    assert "watched folders: none" in out
    assert f"export folder: {Path.cwd() / 'vault'}" in out

    code, out, _ = run(["config", "--export-folder", ""])
    assert "export folder: (not set)" in out


def test_config_refuses_what_it_cannot_do(tmp_path: Path, env: dict[str, str]) -> None:
    code, _, err = run(["config", "--remove-folder", str(tmp_path / "never")])
    assert code == 2
    assert err == f"papershelf: {tmp_path / 'never'} is not a watched folder\n"

    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    code, _, err = run(["config", "--add-folder", str(a_file)])
    assert code == 2
    assert "is a file, not a folder" in err


def test_watch_with_no_folder_configured_says_how_to_add_one(
    tmp_path: Path, env: dict[str, str]
) -> None:
    run(["config", "--remove-folder", str(tmp_path / "data" / "Papershelf" / "inbox")])
    code, _, err = run(["watch"])
    assert code == 2
    assert "papershelf config --add-folder" in err


def test_deleting_the_library_while_watching_stops_with_a_clear_message(
    tmp_path: Path, env: dict[str, str], watches: list[Watch]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    library = tmp_path / "library.sqlite"
    watch = Watch(["--library", str(library), "watch", str(inbox)], env)
    watches.append(watch)
    watch.wait_for_line("watching")
    for suffix in ("", "-wal", "-shm"):
        library.with_name(library.name + suffix).unlink(missing_ok=True)
    (inbox / "after.txt").write_text(capture(2), encoding="utf-8")
    try:
        code = watch.process.wait(TIMEOUT)
    finally:
        if watch.process.poll() is None:
            watch.process.kill()
    assert watch.process.stderr is not None
    err = watch.process.stderr.read()
    assert code == 2, err
    assert "was deleted or replaced while Papershelf had it open" in err
    assert "Traceback" not in err
    assert not library.exists()  # no new, empty library in its place
