"""Hostile input: what a watched folder meets, generated here, fed to the importer and watcher.

Each file is either imported correctly or recorded as failed with a message a person can
act on; nothing crashes the importer or the watcher; nothing hangs (a subprocess timeout
guards every run) or takes unbounded memory (the big ones run in a subprocess under
``RLIMIT_AS``); and a good digest dropped after them still imports. How long each file
took is printed, not asserted.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reader.digests import DigestError
from reader.digests.hf_text import render
from reader.digests.model import Entry
from reader.digests.source import read_digest_bytes
from reader.importer import Importer, ImportOutcome, ImportReport
from reader.library import DigestStatus, Library, checkup
from reader.watcher import FolderWatcher
from reader.worker import LibraryWorker
from tests.factories import entry

REPO = Path(__file__).resolve().parents[1]
MEMORY_LIMIT = 1 << 30  # 1 GiB of address space for the importing process
GUARD = 120  # seconds: a hang, not slowness, trips it
HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\nJan 30\n\n"
)
BIG = 100 * 1024 * 1024


def capture(first: int, count: int, **fields: object) -> str:
    return render([entry(n, **fields) for n in range(first, first + count)], date(2026, 1, 30))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    """One hostile file and what must become of it."""

    name: str
    outcome: ImportOutcome
    message: str = ""  # a regular expression the failure message must match
    entries: int | None = None
    warning: str = ""  # words an import warning must contain


UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _arxiv_rss(title: str) -> str:
    return (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>cs.CL updates on arXiv.org'
        "</title><link>http://rss.arxiv.org/rss/cs.CL</link><item>"
        f"<title>{title}</title><link>https://arxiv.org/abs/2401.01234</link>"
        "<description>arXiv:2401.01234v1 Announce Type: new Abstract: An abstract."
        "</description></item></channel></rss>"
    )


def _utf7_mail() -> str:
    body = (
        "\\\\\narXiv:2411.13560\nDate: Thu, 7 Nov 2024 02:49:53 GMT   (31kb)\n\n"
        "Title: A +2AA- title with +ABs-[2J an escape\nAuthors: A. Author\n"
        "Categories: cs.AI\n\\\\\n  Abstract.\n\\\\ ( https://arxiv.org/abs/2411.13560 , 31kb)\n"
    )
    return (
        "From: no-reply@arXiv.org\nTo: me@example.org\nSubject: cs daily\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-7\nContent-Transfer-Encoding: quoted-printable\n\n"
        + body
    )


def build_corpus(folder: Path) -> list[Case]:
    """Write the hostile files into ``folder``; returns what each must give."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, data: bytes | str, *args: object, **kwargs: object) -> None:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", newline="")
        else:
            path.write_bytes(data)
        cases.append(Case(name, *args, **kwargs))  # type: ignore[arg-type]

    good = capture(0, 5)
    add("empty.txt", b"", ImportOutcome.FAILED, "empty")
    add("only-a-bom.txt", b"\xef\xbb\xbf\r\n\r\n", ImportOutcome.FAILED, "empty")
    add("binary.txt", bytes(range(256)) * 4000, ImportOutcome.FAILED, "binary")
    add("nul-in-the-middle.txt", good[:300] + "\0" + good[300:], ImportOutcome.FAILED, "binary")
    add("utf-16-le.txt", b"\xff\xfe" + good.encode("utf-16-le"), ImportOutcome.IMPORTED, entries=5)
    add("utf-16-be.txt", b"\xfe\xff" + good.encode("utf-16-be"), ImportOutcome.IMPORTED, entries=5)
    add(  # the half character costs that character, not the file
        "utf-16-cut-in-half-a-character.txt",
        b"\xff\xfe" + good.encode("utf-16-le") + b"x",
        ImportOutcome.IMPORTED,
        entries=5,
    )
    add("utf-32-le.txt", good.encode("utf-32"), ImportOutcome.IMPORTED, entries=5)
    add(
        "utf-32-be.txt",
        b"\x00\x00\xfe\xff" + good.encode("utf-32-be"),
        ImportOutcome.IMPORTED,
        entries=5,
    )
    add("utf-16-no-bom.txt", good.encode("utf-16-le"), ImportOutcome.IMPORTED, entries=5)
    stray = good.replace("Paper number 2", "Paper num\udcffber 2")  # one stray byte 0xFF
    add(
        "one-stray-byte-in-utf-8.txt",
        stray.encode("utf-8", "surrogateescape"),
        ImportOutcome.IMPORTED,
        entries=5,
    )
    latin = render(
        [
            Entry(
                title="Café au lait: naïve résumés for façade detection",
                abstract="We study cafés, naïveté and the façades of résumés in detail.",
                authors_count=2,
                published=date(2026, 1, 2),
            ),
            entry(6),
        ],
        date(2026, 1, 30),
    ).replace("•", "-")
    add("latin-1.txt", latin.encode("latin-1"), ImportOutcome.IMPORTED, entries=2)
    add("crlf.txt", capture(10, 5).replace("\n", "\r\n"), ImportOutcome.IMPORTED, entries=5)
    add("old-mac-cr.txt", capture(15, 5).replace("\n", "\r"), ImportOutcome.IMPORTED, entries=5)
    cut = capture(20, 5)
    add(
        "truncated-in-a-date.txt",
        cut[: cut.rindex("May 1, 2025") + 3],
        ImportOutcome.FAILED,
        r"^line \d+: expected a date after '·', found 'May'$",
    )
    add(
        "truncated-in-a-meta-line.txt",
        cut[: cut.rindex("• 3 authors") + 3],
        ImportOutcome.IMPORTED,
        entries=5,  # the last paper without its meta block, and a warning
        warning="the file may have been cut off",
    )
    add("ten-thousand-entries.txt", capture(1000, 10_000), ImportOutcome.IMPORTED, entries=10_000)
    add(
        "five-thousand-character-title.txt",
        render([entry(30, title="Long " * 1000), entry(31)], date(2026, 1, 30)),
        ImportOutcome.IMPORTED,
        entries=2,
    )
    add(
        "control-characters-in-titles.txt",
        render(
            [
                entry(40, title="Red \x1b[31malert\x1b[0m and a \u202eright-to-left override"),
                entry(41),
            ],
            date(2026, 1, 30),
        ),
        ImportOutcome.IMPORTED,
        entries=2,
    )
    add(
        "one-twenty-megabyte-line.txt",
        HEADER + "y" * (20 * 1024 * 1024) + "\n",
        ImportOutcome.FAILED,
        "no papers",
    )
    add(
        "many-dots-few-dates.txt",
        HEADER + "Title\n\nAbstract.\n\n" + "·\n\n" * 200_000,
        ImportOutcome.FAILED,
        r"line \d+: expected a date after|lines; a Daily Papers capture has a few hundred",
    )
    add("deeply-nested.json", "[" * 1_000_000, ImportOutcome.FAILED, "not a digest")
    # Inputs that made a pattern backtrack without end (issue #12): bounded time now.
    add("forty-spaces-and-a-letter.txt", " " * 40 + "a", ImportOutcome.FAILED, "not a digest")
    add("blank-lines-first.txt", "\n" * 30 + capture(60, 5), ImportOutcome.IMPORTED, entries=5)
    add(
        "arxiv-title-markers.xml", _arxiv_rss("(arXiv:" * 30_000), ImportOutcome.IMPORTED, entries=1
    )
    add("unclosed-root.xml", "<rss" + "a" * 60_000, ImportOutcome.FAILED, "not a digest")
    add("prolog-of-comments.html", "<!---->" * 9_000 + "x", ImportOutcome.FAILED, "not a digest")
    # Text that must be cleaned on the way in: controls, bidi overrides, lone surrogates.
    add(
        "surrogates-and-escapes.json",
        '[{"paper": {"id": "2501.00002", "title": "Lone \\ud800 \\u001b]8;;x\\u0007link\\u202e",'
        ' "summary": "\\udfff\\u009b2J", "authors": [{"name": "Li \\ud800 Wei"}], "upvotes": 1}}]',
        ImportOutcome.IMPORTED,
        entries=1,
    )
    add("utf-7.eml", _utf7_mail(), ImportOutcome.IMPORTED, entries=1)
    add(
        "escapes-in-a-feed.rss",
        _arxiv_rss("Feed &#x9b;&#x202e;title"),
        ImportOutcome.IMPORTED,
        entries=1,
    )
    add("not-a-digest.md", "# Shopping\n\n- milk\n- eggs\n" * 100, ImportOutcome.FAILED, "not a")

    with (folder / "one-hundred-megabytes.txt").open("wb") as handle:
        block = (capture(50, 40) * 4).encode()
        for _ in range(BIG // len(block) + 1):
            handle.write(block)
    cases.append(Case("one-hundred-megabytes.txt", ImportOutcome.FAILED, r"at most 32 MB"))
    with (folder / "sparse-forty-megabytes.txt").open("wb") as handle:
        handle.truncate(40 * 1024 * 1024)
    cases.append(Case("sparse-forty-megabytes.txt", ImportOutcome.FAILED, r"at most 32 MB"))

    (folder / "zero.txt").symlink_to("/dev/zero")
    cases.append(Case("zero.txt", ImportOutcome.FAILED, "not a regular file"))
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    cases.append(Case("loop-a.txt", ImportOutcome.FAILED, "points back at itself"))
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    cases.append(Case("dangling.txt", ImportOutcome.FAILED, "no longer exists"))
    (folder / "x.txt").mkdir()
    cases.append(Case("x.txt", ImportOutcome.FAILED, "is a folder"))
    os.mkfifo(folder / "digest.txt")
    cases.append(Case("digest.txt", ImportOutcome.FAILED, "not a regular file"))
    if os.geteuid() != 0:  # root reads anything: see test_an_unreadable_file_fails_plainly
        add("unreadable.txt", good, ImportOutcome.FAILED, "permission denied")
        (folder / "unreadable.txt").chmod(0)
    return cases


_DRIVER = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from reader.importer import Importer
from reader.library import Library
library = Library(sys.argv[1])
importer = Importer(library)
for path in sys.argv[2:]:
    started = time.perf_counter()
    report = importer.import_file(path)
    print(json.dumps({{
        "name": path.rsplit("/", 1)[-1], "seconds": time.perf_counter() - started,
        "outcome": report.outcome.value, "message": report.message, "entries": report.entries,
        "warnings": list(report.warnings),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }}), flush=True)
library.close()
"""


def run_limited(code: str, *args: str, guard: float = GUARD) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter whose address space is limited; guarded."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=guard,
        check=False,
    )


def is_for_people(message: str) -> bool:
    """A message names the problem in words, not a Python exception."""
    return bool(message) and not re.search(r"\b\w+(Error|Exception)\b|Traceback", message)


def test_every_hostile_file_is_imported_or_failed_plainly_in_bounded_time_and_memory(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "hostile"
    cases = build_corpus(folder)
    library = tmp_path / "lib.sqlite"
    started = time.monotonic()
    result = run_limited(
        _DRIVER.format(limit=MEMORY_LIMIT), str(library), *(str(folder / c.name) for c in cases)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"\n{len(cases)} hostile files in {time.monotonic() - started:.1f} s:")
    results = {r["name"]: r for r in map(json.loads, result.stdout.splitlines())}
    for case in cases:
        got = results[case.name]
        print(
            f"  {case.name:<40} {got['seconds']:6.2f} s  peak so far {got['peak_mb']:4d} MB  "
            f"{got['outcome']}: {got['message'] or got['entries']}"
        )
        assert got["outcome"] == case.outcome.value, (case, got)
        if case.outcome is ImportOutcome.FAILED:
            assert re.search(case.message, got["message"]), (case, got)
            assert is_for_people(got["message"]), got["message"]
        if case.entries is not None:
            assert got["entries"] == case.entries
        if case.warning:
            assert any(case.warning in w for w in got["warnings"]), got
    with Library(library) as lib:
        failed = [d for d in lib.digests() if d.status is DigestStatus.FAILED]
        assert len(failed) == sum(c.outcome is ImportOutcome.FAILED for c in cases)
        assert all(d.error and is_for_people(d.error) for d in failed)
        titles = {p.title for p in lib.papers()}
        assert "Café au lait: naïve résumés for façade detection" in titles
        assert not any(UNSAFE.search(t) for t in titles)
        assert not any(UNSAFE.search(a) for p in lib.papers() for a in p.authors)
        assert max(len(t) for t in titles) >= 4999  # the long title is kept whole
        report = Importer(lib).import_file(write(tmp_path / "good.txt", capture(20_000, 3)))
        assert report.outcome is ImportOutcome.IMPORTED
    conn = sqlite3.connect(library, isolation_level=None)
    assert checkup.check(conn).ok
    conn.close()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_papershelf_import_of_the_hostile_folder_reports_and_carries_on(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    build_corpus(folder)
    library = tmp_path / "lib.sqlite"
    code = (
        f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, "
        f"{MEMORY_LIMIT}))\nfrom reader.cli import main\nsys.exit(main())"
    )
    result = run_limited(code, "--library", str(library), "import", str(folder))
    assert result.returncode == 1, result.stderr  # some files failed: status 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert any("ten-thousand-entries.txt: imported: " in line for line in lines)
    assert any("binary.txt: failed: the file is binary" in line for line in lines)
    assert any("one-hundred-megabytes.txt: failed: " in line for line in lines)
    good = write(tmp_path / "good.txt", capture(20_000, 3))
    after = run_limited(code, "--library", str(library), "import", str(good))
    assert after.returncode == 0, after.stderr
    assert "imported: 3 new" in after.stdout


# watchdog warns when a moved-in folder named x.txt gets its inotify watch: its own noise.
@pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")
def test_the_watcher_survives_the_hostile_folder_and_still_imports_a_good_digest(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    early = build_corpus(inbox)  # there before the watcher starts: found by its first scan
    build_corpus(tmp_path / "late")  # moved in one by one while it watches: live events
    reports: list[ImportReport] = []
    errors: list[str] = []
    arrived = threading.Condition()

    def on_report(report: ImportReport) -> None:
        with arrived:
            reports.append(report)
            arrived.notify_all()

    def wait_for(condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + GUARD
        with arrived:
            while not condition():
                assert arrived.wait(max(0.0, deadline - time.monotonic())), "timed out"

    # Regular, non-empty files are reported; the watcher never opens special files, and an
    # empty file is a placeholder whose content comes later.
    regular = {
        c.name for c in early if (inbox / c.name).is_file() and (inbox / c.name).stat().st_size
    }
    started = time.monotonic()
    with LibraryWorker(tmp_path / "lib.sqlite") as worker:
        watcher = FolderWatcher(
            worker, [inbox], quiet_period=0.1, on_report=on_report, on_error=errors.append
        )
        watcher.start()
        try:
            wait_for(lambda: {r.path.name for r in reports} >= regular)
            later = inbox / "later"
            later.mkdir()
            for item in sorted((tmp_path / "late").iterdir()):
                item.rename(later / item.name)
            good = later / "good digest.txt"
            write(good.with_suffix(".part"), capture(20_000, 3)).rename(good)
            wait_for(lambda: any(r.path == good for r in reports))
            assert watcher.wait_until_idle(GUARD)
        finally:
            watcher.stop()
    print(f"\nthe watcher took {time.monotonic() - started:.1f} s over {2 * len(early)} files")
    assert errors == []
    final = next(r for r in reports if r.path.name == "good digest.txt")
    assert final.outcome is ImportOutcome.IMPORTED
    assert final.new == 3
    by_name = {r.path.name: r for r in reports if r.path.parent == inbox}
    for case in early:
        if case.name in regular:
            assert by_name[case.name].outcome is case.outcome, by_name[case.name]
        else:
            assert case.name not in by_name


def test_files_over_the_size_limit_are_refused_before_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: Library
) -> None:
    big = tmp_path / "one-hundred-megabytes.txt"
    with big.open("wb") as handle:
        handle.truncate(BIG)
    opened: list[Path] = []
    real_open = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    report = Importer(library).import_file(big)
    assert report.outcome is ImportOutcome.FAILED
    assert report.message == "one-hundred-megabytes.txt: is 100 MB; digests are at most 32 MB"
    assert big not in opened


@pytest.mark.parametrize("how", ["permissions", "simulated"])
def test_an_unreadable_file_fails_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: Library, how: str
) -> None:
    path = write(tmp_path / "secret.txt", capture(0, 3))
    if how == "permissions":
        if os.geteuid() == 0:
            pytest.skip("root reads files whatever their permissions (the simulated case runs)")
        path.chmod(0)
    else:
        real_open = os.open

        def denied(name: Any, *args: Any, **kwargs: Any) -> Any:
            if Path(name) == path:
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", denied)
    report = Importer(library).import_file(path)
    assert report.outcome is ImportOutcome.FAILED
    assert report.message == "secret.txt: permission denied; check the file's access rights"
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_file_that_disappears_between_looking_and_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: Library
) -> None:
    path = write(tmp_path / "fleeting.txt", capture(0, 3))
    real_open = os.open

    def vanish(name: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(name) == path:
            path.unlink()
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", vanish)
    report = Importer(library).import_file(path)
    assert report.outcome is ImportOutcome.FAILED
    assert report.message == "fleeting.txt: the file no longer exists"
    assert library.stats()["paper"] == 0


# ---------------------------------------------------------------------- known weaknesses


def test_a_maximal_file_of_tiny_entries_fails_plainly_within_bounded_memory(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tiny-entries.txt"
    write(path, HEADER + "x\n\nx\n\n" * (31 * 1024 * 1024 // 6))
    limit = 512 * 1024 * 1024
    result = run_limited(_DRIVER.format(limit=limit), str(tmp_path / "lib.sqlite"), str(path))
    assert result.returncode == 0, result.stderr[-2000:]
    got = json.loads(result.stdout.splitlines()[-1])
    print(f"\ntiny entries: {got['seconds']:.1f} s, peak {got['peak_mb']} MB: {got['message']}")
    assert got["outcome"] == "failed"
    assert is_for_people(got["message"]), got["message"]


def test_a_file_name_that_is_not_utf8_is_imported(tmp_path: Path, library: Library) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.txt"))
    write(path, capture(0, 3))
    report = Importer(library).import_file(path)
    assert report.outcome is ImportOutcome.IMPORTED


def test_a_capture_cut_off_inside_an_abstract_says_so(tmp_path: Path, library: Library) -> None:
    text = capture(0, 5)
    path = write(tmp_path / "cut.txt", text[: int(len(text) * 0.5)])
    report = Importer(library).import_file(path)
    assert report.warnings or report.outcome is ImportOutcome.FAILED


def test_a_file_swapped_for_a_pipe_after_the_first_look_is_refused_not_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first look (``stat``) says "regular file", the open finds a FIFO: never blocked on."""
    regular = write(tmp_path / "regular.txt", capture(0, 3))
    pipe = tmp_path / "digest.txt"
    os.mkfifo(pipe)
    real_stat = Path.stat

    def regular_at_first(self: Path, *args: Any, **kwargs: Any) -> Any:
        return real_stat(regular if self == pipe else self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", regular_at_first)
    errors: list[DigestError] = []

    def read() -> None:
        try:
            read_digest_bytes(pipe)
        except DigestError as exc:
            errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(30)
    if thread.is_alive():  # blocked opening the pipe: let it go before failing
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(30)
        pytest.fail("the import waited for a writer on a named pipe")
    assert [str(e) for e in errors] == ["digest.txt: changed while it was being opened; try again"]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc")
def test_files_that_report_no_size_are_not_read(tmp_path: Path, library: Library) -> None:
    """Kernel files report size 0 and may block on read (``/proc/kmsg``): never read."""
    for target in ("/proc/kmsg", "/proc/self/status"):
        if not Path(target).exists():
            continue
        link = tmp_path / (Path(target).name + ".txt")
        link.symlink_to(target)
        report = Importer(library).import_file(link)
        assert report.outcome is ImportOutcome.FAILED
        assert report.message == "the file is empty", target
