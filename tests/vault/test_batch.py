"""Crash safety of batched note writes: old or new, never half; records only after the disk.

The export stages a batch of notes, flushes them all with one wait, then moves them into
place (:mod:`reader.export.batch`). These tests hold it to its promises with a real
library, real files and a real ``papershelf export`` process killed with SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import reader.export.batch as batch
from reader.export import ExportOptions, export_notes
from reader.export.batch import ChangedMeanwhile, WriteBatch
from reader.library import Library
from reader.library.vault_records import vault_states
from tests.test_export_support import add_papers


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.md")}


def _key(folder: Path) -> str:
    return os.path.normcase(os.path.realpath(folder))


def test_no_note_is_moved_in_or_remembered_before_its_batch_is_on_disk(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = add_papers(library, [f"Paper number {n}" for n in range(600)])
    folder = tmp_path / "vault"
    export_notes(library, ExportOptions(folder=folder))
    old = _files(folder)
    old_records = {pid: s.sha256 for pid, s in vault_states(library, _key(folder)).items()}
    library.set_rating(ids, 4)
    real = batch.sync_descriptors
    seen: list[tuple[int, int, int]] = []

    def sync(fds: list[int]) -> list[OSError | None]:
        now = _files(folder)
        records = {pid: s.sha256 for pid, s in vault_states(library, _key(folder)).items()}
        moved = sum(now[name] != old[name] for name in old)
        ahead = sum(records[pid] != old_records[pid] for pid in ids)
        seen.append((len(fds), moved, ahead))
        return real(fds)

    monkeypatch.setattr(batch, "sync_descriptors", sync)
    report = export_notes(library, ExportOptions(folder=folder))

    assert len(report.written) == 601, report.summary()  # every note and the index
    assert [n for n, _, _ in seen] == [256, 256, 88]  # three batches, three waits
    done = 0
    for size, moved, ahead in seen:  # at each wait: only the earlier batches are in place
        assert moved == done
        assert ahead == done
        done += size
    assert not list(folder.glob(".papershelf-*"))


def test_a_note_changed_between_staging_and_the_commit_is_not_replaced(tmp_path: Path) -> None:
    note = tmp_path / "Note.md"
    note.write_bytes(b"one\n")
    info = note.stat()
    writes = WriteBatch(tmp_path)
    writes.stage("Note.md", b"ours\n", replace=True, expect=(info.st_size, info.st_mtime_ns))
    note.write_bytes(b"typed meanwhile\n")
    os.utime(note, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))

    (result,) = writes.commit()

    assert isinstance(result.error, ChangedMeanwhile)
    assert note.read_bytes() == b"typed meanwhile\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Note.md"]


def test_a_replaced_notes_old_version_is_freed_after_the_commit_not_during_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = [tmp_path / f"Note {n}.md" for n in range(3)]
    for n, note in enumerate(notes):
        note.write_bytes(f"old {n}\n".encode())
    writes = WriteBatch(tmp_path)
    for n, note in enumerate(notes):
        info = note.stat()
        expect = (info.st_size, info.st_mtime_ns)
        writes.stage(note.name, f"new {n}\n".encode(), replace=True, expect=expect)
    freed: list[tuple[str, bytes]] = []
    real = batch._remove_all

    def remove_all(paths: list[Path]) -> None:
        freed.extend((p.name, p.read_bytes()) for p in paths)  # still there: the old bytes
        real(paths)

    monkeypatch.setattr(batch, "_remove_all", remove_all)
    results = writes.commit()
    writes.finish()

    assert all(r.done for r in results)
    assert [note.read_bytes() for note in notes] == [b"new 0\n", b"new 1\n", b"new 2\n"]
    assert sorted(data for _, data in freed) == [b"old 0\n", b"old 1\n", b"old 2\n"]
    assert all(name.startswith(".papershelf-") for name, _ in freed)
    assert sorted(p.name for p in tmp_path.iterdir()) == [n.name for n in notes]


def test_without_hard_links_a_note_is_replaced_all_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.export.files as files

    note = tmp_path / "Note.md"
    note.write_bytes(b"one\n")
    info = note.stat()

    def no_links(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(files.os, "link", no_links)
    writes = WriteBatch(tmp_path)
    writes.stage("Note.md", b"two\n", replace=True, expect=(info.st_size, info.st_mtime_ns))
    (result,) = writes.commit()
    writes.finish()
    assert result.done
    assert note.read_bytes() == b"two\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Note.md"]


def test_an_old_version_left_by_a_killed_export_is_removed_by_the_next(tmp_path: Path) -> None:
    from reader.export import files

    note = tmp_path / "Note.md"
    note.write_bytes(b"the user's words\n")
    left = files.keep_old_version(note)
    assert left is not None
    assert left.read_bytes() == note.read_bytes()
    assert files.remove_stale_temporaries(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Note.md"]
    assert note.read_bytes() == b"the user's words\n"


_KILLS = 5


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_an_export_killed_at_any_moment_leaves_every_note_old_or_new(
    library: Library, tmp_path: Path
) -> None:
    ids = add_papers(library, [f"Paper number {n}" for n in range(800)])
    folder = tmp_path / "vault"
    export_notes(library, ExportOptions(folder=folder))
    old = _files(folder)
    library.set_rating(ids, 5)
    library.close()
    command = [
        sys.executable, "-m", "reader", "--library", str(library.path), "export", "--to",
        str(folder),
    ]  # fmt: skip
    # How long a whole run takes here (a copy's first export of the same notes): the kills
    # fall inside it, however fast or loaded the machine (a fixed 0.5-4 s let a quiet
    # machine finish before every kill).
    probe = tmp_path / "probe"
    probe.mkdir()
    shutil.copy2(library.path, probe / library.path.name)
    started = time.monotonic()
    subprocess.run(
        [*command[:4], str(probe / library.path.name), *command[5:7], str(probe / "vault")],
        check=True,
        capture_output=True,
        timeout=600,
    )
    lasts = time.monotonic() - started
    rng = random.Random(18)
    seen: list[dict[str, bytes]] = []
    remembered: list[tuple[str, str]] = []  # (name, sha) recorded and not what the file holds
    kills = 0
    while kills < _KILLS:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 0.8) * lasts)
        if process.poll() is not None:
            break  # finished before the kill: the rest is checked below
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        seen.append(_files(folder))
        with Library(library.path) as check:
            for pid, state in vault_states(check, _key(folder)).items():
                sha = hashlib.sha256((folder / state.name).read_bytes()).hexdigest()
                if pid and sha != state.sha256:
                    remembered.append((state.name, state.sha256))
    subprocess.run(command, check=False, capture_output=True, timeout=600)
    new = _files(folder)
    assert sum(new[n] != old[n] for n in old) >= 800
    assert kills >= 1, "every run finished before its kill"
    for files in seen:
        assert set(files) == set(old)
        assert [n for n, data in files.items() if data not in (old[n], new[n])] == []
    for name, sha in remembered:  # a record behind its file is fine, ahead of it never
        assert sha == hashlib.sha256(old[name]).hexdigest(), name
