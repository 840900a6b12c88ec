"""Backups (daily, before upgrades, on request) and restoring them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from reader import paths
from reader.library import (
    BackupError,
    LibraryDamagedError,
    LibraryLockedError,
    LibraryOpenError,
    backup,
    checkup,
    database_copy,
    health,
    schema,
)
from reader.library.opening import open_library
from reader.library.restore import restore
from reader.library.store import Library
from tests.factories import run_papershelf
from tests.schema_before import library_at
from tests.test_health import PAPERS, damage_index, damage_page, fill


def papers_in(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM paper").fetchone()[0])
    finally:
        conn.close()


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return health.integrity_errors(conn)
    finally:
        conn.close()


def rating(path: Path, paper_id: int) -> int:
    with Library(path) as library:
        return library.paper(paper_id).rating


# ---------------------------------------------------------------------- where and when


def test_backups_of_the_default_library_and_of_others_live_apart(tmp_path: Path) -> None:
    default = paths.data_dir() / paths.LIBRARY_FILE
    assert backup.backup_folder(default) == paths.backup_dir()
    one = backup.backup_folder(tmp_path / "a" / "library.sqlite")
    two = backup.backup_folder(tmp_path / "b" / "library.sqlite")
    assert one.parent == two.parent == paths.backup_dir()
    assert one != two
    assert one.name.startswith("library-")
    assert backup.backup_folder(tmp_path / "My Papers!.sqlite").name.startswith("My-Papers-")


def test_the_daily_backup_is_made_once_a_day_and_seven_are_kept(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    first = date(2026, 11, 10)
    made = []
    for offset in range(10):
        day = first + timedelta(days=offset)
        kept = backup.backup_if_due(path, today=day)
        assert kept is not None
        assert kept.path.name == f"library-{day.isoformat()}.sqlite"
        made.append(kept)
        assert backup.backup_if_due(path, today=day) is None  # due once a day
    daily = [b for b in backup.list_backups(path) if b.kind == backup.DAILY]
    assert [b.path.name for b in daily] == [b.path.name for b in reversed(made[-7:])]
    for copy in daily:
        assert integrity(copy.path) == []
        assert papers_in(copy.path) == PAPERS
        # a backup is one self-contained file: no WAL beside it
        assert not copy.path.with_name(copy.path.name + "-wal").exists()
    assert backup.latest_good(path) == daily[0]


def test_an_empty_library_is_not_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    Library(path).close()
    assert backup.backup_if_due(path) is None
    assert backup.list_backups(path) == []


def test_a_backup_holds_what_was_committed_and_nothing_uncommitted(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    writer = Library(path)
    writer.set_rating(7, 5)  # committed, still in the WAL
    with writer.transaction() as conn:
        conn.execute("UPDATE paper SET rating = 1 WHERE id = 8")
        copy = backup.make_backup(path)  # while the write transaction is open
    writer.close()
    assert rating(copy.path, 7) == 5
    assert rating(copy.path, 8) == 0


def test_a_copy_that_cannot_start_gives_up_instead_of_waiting_forever(tmp_path: Path) -> None:
    """Python retries a busy backup step without end; the copy gives up after its timeout."""
    path = fill(tmp_path / "lib.sqlite")
    source = sqlite3.connect(path, isolation_level=None)
    source.execute("BEGIN IMMEDIATE")  # a connection that is writing cannot be copied from
    target = tmp_path / "copy.sqlite"
    with pytest.raises(LibraryLockedError, match="stayed locked"):
        database_copy.copy_database(source, target, timeout=0.3)
    source.execute("ROLLBACK")
    source.close()
    assert not target.exists()
    assert not list(tmp_path.glob(".copy.sqlite.*"))


def test_open_library_makes_the_daily_backup_and_is_cheap_afterwards(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    open_library(path).close()
    assert [b.kind for b in backup.list_backups(path)] == [backup.DAILY]
    start = time.perf_counter()
    open_library(path).close()
    elapsed = time.perf_counter() - start
    print(f"open_library when the daily backup exists: {elapsed * 1000:.1f} ms")
    assert len(backup.list_backups(path)) == 1


def test_stale_temporary_copies_are_cleaned_up(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    folder = backup.backup_folder(path)
    folder.mkdir(parents=True)
    dead = folder / ".library-2026-11-21.sqlite.999999999.tmp"  # no such process
    dead.write_bytes(b"half a copy")
    backup.make_backup(path)
    assert not dead.exists()


# ---------------------------------------------------------------------- before upgrades


def make_v1_library(path: Path) -> None:
    """A library as the first schema version wrote it, with one paper."""
    conn = library_at(path, 1)
    conn.execute(
        "INSERT INTO paper (title_key, title, first_seen, rating) VALUES "
        "('old paper', 'Old paper', '2025-01-01T00:00:00Z', 3)"
    )
    conn.close()


def test_every_upgrade_is_preceded_by_a_checked_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    make_v1_library(path)
    with open_library(path, daily_backup=False) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
    (copy,) = backup.list_backups(path)
    assert copy.kind == f"before-upgrade-v1-to-v{schema.SCHEMA_VERSION}"
    conn = sqlite3.connect(copy.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT rating FROM paper").fetchone()[0] == 3
    conn.close()


def test_no_upgrade_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    make_v1_library(path)
    paths.backup_dir().parent.mkdir(parents=True, exist_ok=True)
    paths.backup_dir().write_text("a file where the backup folder should be")
    with pytest.raises(BackupError, match="backup folder"):
        open_library(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_a_backup_folder_that_cannot_be_written_does_not_stop_the_library(
    tmp_path: Path,
) -> None:
    path = fill(tmp_path / "lib.sqlite")
    paths.backup_dir().parent.mkdir(parents=True, exist_ok=True)
    paths.backup_dir().write_text("a file where the backup folder should be")
    warnings: list[str] = []
    with open_library(path, on_warning=warnings.append) as library:
        library.set_rating(1, 5)
    assert len(warnings) == 1
    assert warnings[0].startswith("today's backup of the library was not made")


# ---------------------------------------------------------------------- damage


def test_the_daily_backup_finds_damage_and_the_library_stops_taking_writes(
    tmp_path: Path,
) -> None:
    path = fill(tmp_path / "lib.sqlite")
    good = backup.make_backup(path)
    damage_index(path)
    warnings: list[str] = []
    with open_library(path, on_warning=warnings.append) as library:
        assert library.count() == PAPERS  # still readable
        with pytest.raises(LibraryDamagedError):
            library.set_rating(1, 5)
    assert len(warnings) == 1
    assert "row 2 missing from index paper_title_key" in warnings[0]
    assert "papershelf restore --latest" in warnings[0]
    assert str(good.path) in warnings[0]
    assert [b.kind for b in backup.list_backups(path)] == [backup.MANUAL]  # no bad daily
    # the next open knows without checking again: read-only, with the same offer
    warnings.clear()
    with open_library(path, on_warning=warnings.append) as library:
        assert library.read_only
        assert library.damage is not None
    assert "damaged" in warnings[0]


def test_a_backup_copy_that_fails_its_check_on_a_good_library_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fill(tmp_path / "lib.sqlite")
    checks = iter([["Page 3: a failing backup disk"], []])  # the copy fails, the library not
    monkeypatch.setattr(health, "integrity_errors", lambda conn, limit=20: next(checks))
    with pytest.raises(BackupError, match="backup disk may be failing"):
        backup.make_backup(path)
    assert backup.list_backups(path) == []
    assert health.read_damage(path) is None


# ---------------------------------------------------------------------- restoring


def test_restore_puts_a_backup_back_and_keeps_what_it_replaced(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    saved = backup.make_backup(path)
    with Library(path) as library:
        library.set_rating(1, 5)
        library.set_note(2, "written after the backup")
    result = restore(path, saved.path)
    assert result.papers == PAPERS
    assert rating(path, 1) == 0
    assert result.previous is not None
    assert result.previous.kind == backup.BEFORE_RESTORE
    assert rating(result.previous.path, 1) == 5  # nothing is ever thrown away
    assert not path.with_name(path.name + "-journal").exists()
    with Library(path) as library:
        assert library.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        library.set_rating(3, 2)  # writable again
    assert integrity(path) == []


def test_restore_latest_and_a_damaged_library(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    backup.backup_if_due(path)
    damage_page(path, "paper")
    health.record_damage(path, "integrity check: broken")
    result = restore(path)  # the latest good backup
    assert result.previous is not None
    assert result.previous.kind == backup.DAMAGED
    assert not result.previous.good
    assert health.read_damage(path) is None
    assert papers_in(path) == PAPERS
    assert backup.latest_good(path) is not None
    assert backup.latest_good(path).kind == backup.DAILY  # type: ignore[union-attr]


def test_restore_over_a_file_sqlite_cannot_open(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    saved = backup.make_backup(path)
    path.write_bytes(b"\x00garbage" * 4096)
    result = restore(path, saved.path)
    assert result.previous is not None
    assert result.previous.kind == backup.DAMAGED
    assert result.previous.path.read_bytes().startswith(b"\x00garbage")  # kept byte for byte
    assert papers_in(path) == PAPERS


def test_restore_refuses_while_the_library_is_open_elsewhere(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    saved = backup.make_backup(path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sqlite3, sys, time\n"
                f"c = sqlite3.connect({str(path)!r})\n"
                "c.execute('SELECT count(*) FROM paper').fetchall()\n"
                "print('open', flush=True)\n"
                "sys.stdin.read()\n"
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        with Library(path) as library:
            library.set_rating(1, 4)
        with pytest.raises(LibraryLockedError, match="open in another program"):
            restore(path, saved.path)
        assert rating(path, 1) == 4
    finally:
        holder.communicate("", timeout=30)
    restore(path, saved.path)
    assert rating(path, 1) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text", "not a Papershelf library"),
        ("empty sqlite", "not a Papershelf library"),
        ("foreign sqlite", "not a Papershelf library"),
        ("newer", "newer Papershelf"),
        ("damaged", "damaged"),
        ("missing", "is not a file"),
    ],
)
def test_restore_refuses_files_that_are_no_good_library(
    tmp_path: Path, content: str, message: str
) -> None:
    path = fill(tmp_path / "lib.sqlite")
    with Library(path) as library:
        library.set_rating(1, 2)
    candidate = tmp_path / "candidate.sqlite"
    if content == "text":
        candidate.write_text("not a database at all\n" * 100)
    elif content == "empty sqlite":
        sqlite3.connect(candidate).execute("PRAGMA user_version").fetchall()
        candidate.write_bytes(b"")
    elif content == "foreign sqlite":
        conn = sqlite3.connect(candidate)
        conn.execute("CREATE TABLE other (x)")
        conn.close()
    elif content == "newer":
        fill(candidate)
        conn = sqlite3.connect(candidate)
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
        conn.close()
    elif content == "damaged":
        fill(candidate)
        damage_page(candidate, "paper")
    with pytest.raises(BackupError, match=message):
        restore(path, candidate)
    assert rating(path, 1) == 2
    assert not list(tmp_path.glob(".lib.sqlite.restore.*"))


def test_restore_rebuilds_a_stale_search_index_and_upgrades_an_old_backup(
    tmp_path: Path,
) -> None:
    path = fill(tmp_path / "lib.sqlite")
    old = tmp_path / "old.sqlite"
    make_v1_library(old)
    conn = sqlite3.connect(old, isolation_level=None)
    conn.execute("DROP TRIGGER paper_fts_update")
    conn.execute("UPDATE paper SET title = 'Renamed without the index knowing'")
    conn.close()
    result = restore(path, old)
    assert result.notes == ("the search index of the backup was rebuilt",)
    with Library(path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        assert library.count() == 1
    conn = sqlite3.connect(path, isolation_level=None)
    assert checkup.check(conn).ok
    conn.close()
    kinds = {b.kind.split("-v")[0] for b in backup.list_backups(path)}
    assert kinds == {backup.BEFORE_RESTORE, backup.BEFORE_UPGRADE}


def test_the_library_itself_cannot_be_restored_onto_itself(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    with pytest.raises(BackupError, match="the library itself"):
        restore(path, path)
    with pytest.raises(BackupError, match="no backup"):
        restore(tmp_path / "never-backed-up.sqlite")
    with pytest.raises(LibraryOpenError):
        Library(tmp_path / "nothing-here.sqlite", read_only=True)


# ---------------------------------------------------------------------- the commands


def test_backup_and_restore_commands(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    made = run_papershelf(path, "backup")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"backed up {path} to ")
    exported = tmp_path / "elsewhere" / "copy.sqlite"
    exported.parent.mkdir()
    assert run_papershelf(path, "backup", "--to", str(exported)).returncode == 0
    assert papers_in(exported) == PAPERS

    assert run_papershelf(path, "rate", "1", "5").returncode == 0  # also makes the daily copy
    listing = run_papershelf(path, "backup", "--list").stdout.splitlines()
    assert len(listing) == 2
    assert "(daily)" in listing[0] or "(daily)" in listing[1]

    restored = run_papershelf(path, "restore", str(exported))
    assert restored.returncode == 0, restored.stderr
    assert f"restored {exported} into {path} ({PAPERS} papers)" in restored.stdout
    assert "the library it replaced was saved as" in restored.stdout
    assert rating(path, 1) == 0

    refused = run_papershelf(path, "restore", str(tmp_path / "nope.sqlite"))
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    usage = run_papershelf(path, "restore")
    assert usage.returncode == 2
    assert "--latest" in usage.stderr
    latest = run_papershelf(path, "restore", "--latest")
    assert latest.returncode == 0, latest.stderr
    assert rating(path, 1) == 5  # the copy taken before the previous restore


# ---------------------------------------------------------------------- what is never lost


def test_copies_made_to_protect_data_are_never_rotated_away(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    first = restore(path, backup.make_backup(path).path).previous
    assert first is not None
    for _ in range(8):
        restore(path, backup.make_backup(path).path)
    kinds = [b.kind for b in backup.list_backups(path)]
    assert first.path.exists()  # what the first restore announced is still there
    assert sum(k.startswith(backup.BEFORE_RESTORE) for k in kinds) == 9
    assert sum(k.startswith(backup.MANUAL) for k in kinds) == 9
    for day in range(1, 11):  # only daily copies rotate
        backup.make_backup(path, backup.DAILY, now=datetime(2026, 1, day, 12))
    assert [b.kind for b in backup.list_backups(path)].count(backup.DAILY) == 7


def test_backup_to_an_existing_file_needs_force(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    other = fill(tmp_path / "other" / "precious.sqlite", papers=3)
    refused = run_papershelf(path, "backup", "--to", str(other))
    assert refused.returncode == 2
    assert "already exists" in refused.stderr
    assert "--force" in refused.stderr
    assert papers_in(other) == 3
    forced = run_papershelf(path, "backup", "--to", str(other), "--force")
    assert forced.returncode == 0, forced.stderr
    assert papers_in(other) == PAPERS


def test_a_killed_restore_leaves_nothing_behind_after_the_next_open(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    saved = backup.make_backup(path)
    script = (
        "import os, sys\n"
        "from reader.library import restore\n"
        "real = restore._swap\n"
        "def die(*a):\n"
        "    os._exit(9)\n"
        "restore._swap = die\n"
        f"restore.restore({str(path)!r}, {str(saved.path)!r})\n"
    )
    result = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert result.returncode == 9
    stale = [p for p in tmp_path.iterdir() if ".restore." in p.name]
    assert stale
    assert stale[0].stat().st_size > 10_000
    bystander = tmp_path / ".lib.sqlite.restore.notes.txt"  # not ours: never touched
    bystander.write_text("keep me")
    with open_library(path, daily_backup=False):
        pass
    assert [p for p in tmp_path.iterdir() if ".restore." in p.name] == [bystander]


def test_a_killed_backup_to_a_file_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    target = tmp_path / "out" / "copy.sqlite"
    target.parent.mkdir()
    dead = target.with_name(".copy.sqlite.999999999.tmp")  # no such process
    dead.write_bytes(b"half a copy")
    other = target.with_name(".copy.sqlite.notes")  # not ours
    other.write_text("keep")
    backup.backup_to(path, target)
    assert not dead.exists()
    assert other.exists()
    assert papers_in(target) == PAPERS


def test_a_stopped_daily_backup_keeps_no_copy_and_says_so(tmp_path: Path) -> None:
    """The window closing (its stop event set) ends the daily backup at its check's next
    pause: no backup and no temporary copy are left, and the library is untouched."""
    import threading

    path = fill(tmp_path / "lib.sqlite")
    stop = threading.Event()
    stop.set()
    with pytest.raises(backup.BackupCancelled):
        backup.backup_if_due(path, today=date(2026, 11, 10), stop=stop)
    assert backup.list_backups(path) == []
    assert [p.name for p in backup.backup_folder(path).iterdir()] == []
    assert papers_in(path) == PAPERS
    # not stopped, the same call makes the day's checked copy
    kept = backup.backup_if_due(path, today=date(2026, 11, 10), stop=threading.Event())
    assert kept is not None
    assert integrity(kept.path) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_backup_first_removes_copies_left_by_a_quit_or_a_kill(tmp_path: Path) -> None:
    """A 5 GB temporary left by a Papershelf that quit mid-copy goes when the next backup
    starts, even if that one is stopped in turn (they would pile up otherwise)."""
    import threading

    path = fill(tmp_path / "lib.sqlite")
    folder = backup.ensure_folder(path)
    left = folder / f".library-2026-11-09.sqlite.{_dead_pid()}.tmp"
    left.write_bytes(b"half a copy")
    journal = left.with_name(left.name + "-journal")
    journal.write_bytes(b"")
    mine = folder / f".library-2026-11-09.sqlite.{os.getpid()}.tmp"  # a live process's
    mine.write_bytes(b"being written")
    stop = threading.Event()
    stop.set()
    with pytest.raises(backup.BackupCancelled):
        backup.backup_if_due(path, today=date(2026, 11, 10), stop=stop)
    assert not left.exists()
    assert not journal.exists()
    assert mine.exists()


COPY_AT_EXIT = """
import sys, threading
from pathlib import Path
from reader.library.database_copy import copy_database, read_only

never = threading.Event()
started = threading.Event()

def prepare(_copy):
    started.set()
    never.wait()  # a copy still running when the program ends

def run():
    with read_only(Path(sys.argv[1])) as source:
        copy_database(source, Path(sys.argv[2]), prepare=prepare)

threading.Thread(target=run, daemon=True).start()
started.wait(30)
print("copying", flush=True)
"""


def test_a_copy_still_running_at_exit_leaves_no_temporary(tmp_path: Path) -> None:
    path = fill(tmp_path / "lib.sqlite")
    target = tmp_path / "copy.sqlite"
    done = subprocess.run(
        [sys.executable, "-c", COPY_AT_EXIT, str(path), str(target)],
        check=False, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "copying"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".copy")) == []
    assert not target.exists()
