"""The watched folder, with real watchdog observers on real temporary folders.

No sleeps decide an outcome: tests wait (up to 10 s) for a condition. To show that
something did *not* happen, a test drops a sentinel digest after it and waits for the
sentinel's report and for the watcher to be idle: events arrive in order, so by then every
earlier event has been dealt with.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest

from reader.digests import MAX_DIGEST_BYTES
from reader.digests.hf_text import render
from reader.digests.model import Entry
from reader.importer import ImportOutcome, ImportReport
from reader.library import DigestRecord, DigestStatus, Library
from reader.watcher import FolderWatcher, WatchError
from reader.worker import LibraryWorker

QUIET = 0.3
TIMEOUT = 10.0
DIGEST_DATE = date(2026, 1, 30)
_sentinels = itertools.count(1)
T = TypeVar("T")


def digest_text(tag: str, count: int = 4) -> str:
    """A Daily Papers capture with ``count`` papers whose titles carry ``tag``."""
    entries = [
        Entry(
            title=f"{tag} paper number {n}",
            abstract=f"We study {tag} problem {n} and report results on several benchmarks.",
            authors_count=n + 1,
            published=date(2026, 1, 28),
            comments=n,
        )
        for n in range(count)
    ]
    return render(entries, DIGEST_DATE)


def drop(folder: Path, name: str, text: str) -> Path:
    """Save a file the way a browser does: write a temporary name, then rename it."""
    final = folder / name
    temporary = folder / (name + ".part")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(final)
    return final


def wait_until(condition: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def names(reports: list[ImportReport]) -> list[str]:
    """The reported file names, sentinels left out."""
    return [r.path.name for r in reports if not r.path.name.startswith("zz-sentinel-")]


class Recorder:
    """Collects what a watcher reports (called on the worker thread)."""

    def __init__(self) -> None:
        self.reports: list[ImportReport] = []
        self.errors: list[str] = []

    def on_report(self, report: ImportReport) -> None:
        self.reports.append(report)

    def for_path(self, path: Path) -> list[ImportReport]:
        return [r for r in self.reports if r.path == path]

    def wait_for(self, path: Path, count: int = 1) -> ImportReport:
        wait_until(lambda: len(self.for_path(path)) >= count, f"report #{count} for {path.name}")
        return self.for_path(path)[count - 1]


class Harness:
    """A library, its worker and the watchers a test starts (stopped at teardown)."""

    def __init__(self, tmp_path: Path) -> None:
        self.library_path = tmp_path / "library.sqlite"
        self.inbox = (tmp_path / "inbox").resolve()
        self.inbox.mkdir()
        self.worker = LibraryWorker(self.library_path)
        self.recorder = Recorder()
        self.watchers: list[FolderWatcher] = []

    def watch(self, *folders: Path, **options: object) -> FolderWatcher:
        options.setdefault("quiet_period", QUIET)
        watcher = FolderWatcher(
            self.worker,
            list(folders) or [self.inbox],
            on_report=self.recorder.on_report,
            on_error=self.recorder.errors.append,
            **options,
        )
        self.watchers.append(watcher)
        watcher.start()
        return watcher

    def settle(self, watcher: FolderWatcher) -> None:
        """Wait until every event before now has been dealt with (see the module docstring)."""
        number = next(_sentinels)
        sentinel = drop(self.inbox, f"zz-sentinel-{number}.txt", digest_text(f"S{number}", 1))
        self.recorder.wait_for(sentinel)
        assert watcher.wait_until_idle(TIMEOUT)

    def query(self, job: Callable[[Library], T]) -> T:
        """Run a read on the worker: it comes after every import already queued."""
        return self.worker.submit(job).result(TIMEOUT)

    def digests(self) -> list[DigestRecord]:
        return self.query(lambda library: library.digests())

    def rows(self, path: Path) -> list[DigestRecord]:
        return [d for d in self.digests() if Path(d.path) == path]

    def paper_count(self) -> int:
        return self.query(lambda library: library.count())

    def close(self) -> None:
        for watcher in self.watchers:
            watcher.stop()
        self.worker.close()


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[Harness]:
    harness = Harness(tmp_path)
    yield harness
    harness.close()


# ---------------------------------------------------------------------- completeness


def test_a_file_written_slowly_in_chunks_is_imported_once_and_complete(shelf: Harness) -> None:
    watcher = shelf.watch()
    text = digest_text("Slow", 40)
    chunks = [text[i : i + len(text) // 6 + 1] for i in range(0, len(text), len(text) // 6 + 1)]
    target = shelf.inbox / "Daily Papers - Hugging Face.txt"
    with target.open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(chunk)
            handle.flush()
            time.sleep(QUIET / 3)

    report = shelf.recorder.wait_for(target)
    shelf.settle(watcher)
    assert report.outcome is ImportOutcome.IMPORTED
    assert report.entries == 40
    assert len(shelf.recorder.for_path(target)) == 1
    assert len(shelf.rows(target)) == 1
    assert shelf.paper_count() == 40 + 1  # and the sentinel's paper


@pytest.mark.parametrize("suffix", [".part", ".crdownload", ".tmp"])
def test_a_temporary_name_is_ignored_until_renamed(shelf: Harness, suffix: str) -> None:
    watcher = shelf.watch()
    temporary = shelf.inbox / f"Daily Papers.txt{suffix}"
    temporary.write_text(digest_text("Download"), encoding="utf-8")
    shelf.settle(watcher)
    assert shelf.rows(temporary) == []

    final = shelf.inbox / "Daily Papers.txt"
    temporary.rename(final)
    assert shelf.recorder.wait_for(final).outcome is ImportOutcome.IMPORTED
    assert not any(r.path.name.endswith(suffix) for r in shelf.recorder.reports)


def test_an_empty_placeholder_waits_for_its_content(shelf: Harness) -> None:
    watcher = shelf.watch()
    final = shelf.inbox / "paper digest.txt"
    final.touch()  # Firefox creates the final name empty, then renames the .part over it
    shelf.settle(watcher)
    assert shelf.rows(final) == []

    drop(shelf.inbox, final.name, digest_text("Placeholder"))
    assert shelf.recorder.wait_for(final).entries == 4
    assert len(shelf.rows(final)) == 1


def test_fifty_files_copied_in_at_once_are_all_imported(shelf: Harness, tmp_path: Path) -> None:
    watcher = shelf.watch()
    staging = tmp_path / "staging"
    staging.mkdir()
    for n in range(50):
        (staging / f"digest-{n:02}.txt").write_text(digest_text(f"Batch{n}", 3), encoding="utf-8")

    for source in sorted(staging.iterdir()):
        shutil.copy(source, shelf.inbox / source.name)

    wait_until(lambda: len(shelf.recorder.reports) >= 50, "50 imports")
    shelf.settle(watcher)
    digests = [d for d in shelf.digests() if "sentinel" not in d.path]
    assert len(digests) == 50
    assert {Path(d.path).name for d in digests} == {f"digest-{n:02}.txt" for n in range(50)}
    assert all(d.status is DigestStatus.IMPORTED for d in digests)
    assert shelf.paper_count() == 50 * 3 + 1


# ---------------------------------------------------------------------- failures


def test_a_bad_file_is_logged_and_the_next_good_file_still_imports(shelf: Harness) -> None:
    shelf.watch()
    bad = shelf.inbox / "broken.txt"
    bad.write_text(
        "Daily Papers\n\nJan 30\n\nA title\n\nAn abstract.\n\n  • 3 authors\n\n·\n\nnot a date\n",
        encoding="utf-8",
    )
    good = drop(shelf.inbox, "good.txt", digest_text("Good"))

    assert shelf.recorder.wait_for(good).outcome is ImportOutcome.IMPORTED
    failure = shelf.recorder.wait_for(bad)
    assert failure.outcome is ImportOutcome.FAILED
    assert "expected a date" in failure.message
    [row] = shelf.rows(bad)
    assert row.status is DigestStatus.FAILED
    assert "line" in row.error


def test_a_text_file_that_is_no_digest_is_reported_once(shelf: Harness) -> None:
    watcher = shelf.watch()
    notes = shelf.inbox / "shopping.txt"
    notes.write_text("milk\neggs\nbread\n", encoding="utf-8")
    assert shelf.recorder.wait_for(notes).outcome is ImportOutcome.FAILED

    os.utime(notes, (time.time() + 5, time.time() + 5))  # touched, same bytes
    shutil.copy(notes, shelf.inbox / "shopping copy.txt")
    watcher.scan()
    shelf.settle(watcher)
    reported = [r for r in shelf.recorder.reports if "shopping" in r.path.name]
    assert [r.path for r in reported] == [notes]
    failed = [d for d in shelf.digests() if "shopping" in d.path]
    assert len(failed) == 1


def test_images_and_other_binary_files_are_skipped_quietly(shelf: Harness) -> None:
    watcher = shelf.watch()
    picture = shelf.inbox / "figure.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    paper = shelf.inbox / "paper.pdf"
    paper.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    video = shelf.inbox / "talk.mp4"
    with video.open("wb") as handle:
        handle.truncate(MAX_DIGEST_BYTES + 1)  # too big to be read as a digest at all
    shelf.settle(watcher)
    assert shelf.rows(video) == []
    assert shelf.rows(picture) == []
    assert shelf.rows(paper) == []
    assert not shelf.recorder.for_path(picture)
    assert not shelf.recorder.for_path(paper)
    assert shelf.recorder.errors == []


def test_a_failing_report_handler_is_logged_and_watching_goes_on(
    shelf: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[Path] = []

    def explode(report: ImportReport) -> None:
        calls.append(report.path)
        if len(calls) == 1:
            raise RuntimeError("the window went away")

    caplog.set_level(logging.ERROR, logger="reader.watcher")
    watcher = FolderWatcher(shelf.worker, [shelf.inbox], quiet_period=QUIET, on_report=explode)
    shelf.watchers.append(watcher)
    watcher.start()
    first = drop(shelf.inbox, "first.txt", digest_text("First"))
    wait_until(lambda: calls == [first], "the first report")
    second = drop(shelf.inbox, "second.txt", digest_text("Second"))
    wait_until(lambda: calls == [first, second], "the second report")
    assert any("report handler failed" in r.getMessage() for r in caplog.records)
    assert len(shelf.rows(first)) == 1
    assert len(shelf.rows(second)) == 1


# ---------------------------------------------------------------------- exactly once


def test_nothing_is_imported_twice(shelf: Harness) -> None:
    watcher = shelf.watch()
    first = drop(shelf.inbox, "today.txt", digest_text("Once"))
    shelf.recorder.wait_for(first)

    os.utime(first, (time.time() + 5, time.time() + 5))  # touched: re-read, same bytes
    shutil.copy(first, shelf.inbox / "today (1).txt")  # the same capture saved twice
    watcher.scan()
    shelf.settle(watcher)

    assert len(shelf.rows(first)) == 1
    assert shelf.rows(shelf.inbox / "today (1).txt") == []
    assert names(shelf.recorder.reports) == ["today.txt"]
    assert shelf.paper_count() == 4 + 1


def test_a_restart_imports_what_arrived_while_stopped(shelf: Harness) -> None:
    before = drop(shelf.inbox, "before.txt", digest_text("Before"))
    first = shelf.watch()
    shelf.recorder.wait_for(before)  # found by the initial scan
    first.stop()

    during = drop(shelf.inbox, "during.txt", digest_text("During"))
    second = shelf.watch()
    assert shelf.recorder.wait_for(during).outcome is ImportOutcome.IMPORTED
    shelf.settle(second)
    assert len(shelf.recorder.for_path(before)) == 1
    assert len(shelf.rows(before)) == 1
    assert len(shelf.rows(during)) == 1


def test_a_changed_file_is_a_new_version_and_user_fields_stay(shelf: Harness) -> None:
    shelf.watch()
    path = drop(shelf.inbox, "digest.txt", digest_text("Kept", 3))
    shelf.recorder.wait_for(path)
    with Library(shelf.library_path) as library:
        [paper_id] = [p.id for p in library.papers() if p.title == "Kept paper number 1"]
        library.set_rating([paper_id], 4)
        library.add_tags([paper_id], ["to-read"])
        library.set_note(paper_id, "my own words")
        library.set_status([paper_id], "queue")

    path.write_text(digest_text("Kept", 5), encoding="utf-8")  # rewritten in place, longer
    second = shelf.recorder.wait_for(path, 2)
    assert (second.new, second.entries) == (2, 5)

    rows = shelf.rows(path)
    assert [r.status for r in rows] == [DigestStatus.IMPORTED] * 2
    with Library(shelf.library_path) as library:
        assert library.count() == 5
        paper = library.paper(paper_id)
    assert (paper.rating, paper.tags, paper.note, paper.status) == (
        4,
        ("to-read",),
        "my own words",
        "queue",
    )
    assert len(paper.appearances) == 2


# ---------------------------------------------------------------------- folders


def test_sub_folders_are_watched(shelf: Harness) -> None:
    existing = shelf.inbox / "2026" / "january"
    existing.mkdir(parents=True)
    old = drop(existing, "old.txt", digest_text("Old"))
    hidden = shelf.inbox / ".stversions"
    hidden.mkdir()
    drop(hidden, "backup.txt", digest_text("Hidden"))
    watcher = shelf.watch()
    shelf.recorder.wait_for(old)

    fresh = shelf.inbox / "2026" / "february" / "week 1"
    fresh.mkdir(parents=True)
    new = drop(fresh, "new.txt", digest_text("New"))
    (hidden / "later.txt").write_text(digest_text("Later hidden"), encoding="utf-8")
    assert shelf.recorder.wait_for(new).outcome is ImportOutcome.IMPORTED
    shelf.settle(watcher)
    assert not any(".stversions" in str(r.path) for r in shelf.recorder.reports)


def test_with_recursion_off_sub_folders_are_left_alone(shelf: Harness) -> None:
    sub = shelf.inbox / "archive"
    sub.mkdir()
    drop(sub, "archived.txt", digest_text("Archived"))
    watcher = shelf.watch(recursive=False)
    top = drop(shelf.inbox, "top.txt", digest_text("Top"))
    drop(sub, "later.txt", digest_text("Later"))
    shelf.recorder.wait_for(top)
    shelf.settle(watcher)
    assert names(shelf.recorder.reports) == ["top.txt"]


def test_polling_mode_finds_files(shelf: Harness) -> None:
    watcher = shelf.watch(polling=True, poll_interval=0.2)
    written = shelf.inbox / "written.txt"
    written.write_text(digest_text("Polled"), encoding="utf-8")
    renamed = drop(shelf.inbox, "renamed.txt", digest_text("Renamed"))
    assert shelf.recorder.wait_for(written).entries == 4
    assert shelf.recorder.wait_for(renamed).entries == 4
    shelf.settle(watcher)
    assert len(shelf.rows(written)) == 1
    assert len(shelf.rows(renamed)) == 1


def test_a_periodic_rescan_finds_files_whose_events_were_lost(shelf: Harness) -> None:
    # A poll interval far beyond the test: only the rescan can find the file.
    shelf.watch(polling=True, poll_interval=3600, rescan_interval=0.3)
    unseen = drop(shelf.inbox, "unseen.txt", digest_text("Unseen"))
    assert shelf.recorder.wait_for(unseen).outcome is ImportOutcome.IMPORTED


def test_a_missing_folder_is_reported_and_the_others_are_watched(
    shelf: Harness, tmp_path: Path
) -> None:
    missing = tmp_path / "no such folder"
    watcher = shelf.watch(missing, shelf.inbox)
    assert watcher.watching == (shelf.inbox,)
    assert shelf.recorder.errors == [f"the folder {missing} does not exist"]
    shelf.recorder.wait_for(drop(shelf.inbox, "a.txt", digest_text("Still")))


def test_no_usable_folder_raises_watch_error(shelf: Harness, tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(WatchError) as caught:
        shelf.watch(missing, a_file)
    assert str(caught.value) == (
        f"the folder {missing} does not exist; {a_file} is a file, not a folder"
    )
    assert shelf.recorder.errors == []  # said once, by the exception
    shelf.watchers[-1].stop()


def test_a_watched_folder_that_disappears_is_reported(shelf: Harness, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    watcher = shelf.watch(shelf.inbox, other)
    shutil.rmtree(other)
    wait_until(lambda: shelf.recorder.errors, "the error for the removed folder")
    assert shelf.recorder.errors == [
        f"the watched folder {other.resolve()} is gone; it is not watched any more"
    ]
    shelf.settle(watcher)


def test_idle_means_the_worker_holds_the_library_open(shelf: Harness) -> None:
    """The watcher pins the library file on start; until the worker has it open, the
    watcher is not idle (a library deleted before that would be created anew, empty)."""
    Library(shelf.library_path).close()
    release = threading.Event()
    blocker = shelf.worker.submit(lambda _library: release.wait(TIMEOUT))
    watcher = shelf.watch()
    assert not watcher.wait_until_idle(0.3)  # the pinning waits behind the blocker
    release.set()
    blocker.result(TIMEOUT)
    assert watcher.wait_until_idle(TIMEOUT)
    shelf.library_path.unlink()
    drop(shelf.inbox, "after.txt", digest_text("After", 1))
    wait_until(lambda: shelf.recorder.errors, "the watcher's failure")
    assert "was deleted or replaced" in shelf.recorder.errors[0]
    assert watcher.failure is not None
    assert not shelf.recorder.reports


def test_stop_is_idempotent_and_a_watcher_starts_once(shelf: Harness) -> None:
    unused = FolderWatcher(shelf.worker, [shelf.inbox])
    unused.stop()
    unused.stop()
    watcher = shelf.watch()
    watcher.stop()
    watcher.stop(timeout=0.1)
    with pytest.raises(RuntimeError):
        watcher.start()
    assert watcher.wait_until_idle(TIMEOUT)
    # The worker stays usable: it belongs to the caller.
    assert shelf.paper_count() == 0


def test_observer_threads_end_when_stopped(shelf: Harness) -> None:
    before = set(threading.enumerate())
    watcher = shelf.watch()
    shelf.watch(polling=True, poll_interval=0.2)
    shelf.settle(watcher)
    for started in shelf.watchers:
        started.stop()

    def leftover() -> list[str]:
        return [
            t.name
            for t in threading.enumerate()
            if t not in before and not t.name.startswith("papershelf-writer")
        ]

    wait_until(lambda: not leftover(), "the watcher threads to end")


def test_a_folder_nested_1100_deep_is_refused_in_words(tmp_path: Path) -> None:
    import tempfile

    # Outside pytest's tmp_path, whose clean-up (shutil.rmtree) recurses; taken down here.
    top = Path(tempfile.mkdtemp(prefix="papershelf-deep-"))
    folder = top
    try:
        for _ in range(1100):
            folder = folder / "d"
            folder.mkdir()
        with LibraryWorker(tmp_path / "lib.sqlite") as worker:
            watcher = FolderWatcher(worker, [top])
            try:
                with pytest.raises(WatchError, match="nested too deep"):
                    watcher.start()
            finally:
                watcher.stop()
    finally:
        while folder != top:
            folder.rmdir()
            folder = folder.parent
        top.rmdir()
