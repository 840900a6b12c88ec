"""Fixtures for the window tests: a tmp library, its worker, settings and a window factory.

The suite-wide conftest already points every XDG folder at a tmp directory; here the
window's state file and settings file are also placed in ``tmp_path`` explicitly, so no
test can touch the real user's configuration.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reader.digests.model import Digest, Entry
from reader.library import Changes, Library
from reader.library.ingest import SourceFile, record_digest
from reader.settings import Settings
from reader.worker import LibraryWorker
from tests.factories import SAMPLE_PATH
from ui.watching import WatchService
from ui.window import MainWindow

WAIT_MS = 20_000

OFFSCREEN_NOISE = "This plugin does not support"
"""The offscreen platform plugin warns about what it cannot do (size hints of every
QMainWindow, raising and grabbing for popups such as the tag completer). These are its
limitations, not problems of ours; every other Qt warning still fails a test."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a GUI test and tolerates the offscreen plugin's one remark."""
    for item in items:
        if "tests/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


def fill_library(library: Library, count: int, *, start: int = 0, abstract: str = "") -> None:
    """Add ``count`` synthetic papers in one transaction (fast: no parsing, no files)."""
    entries = tuple(
        Entry(
            title=f"Synthetic paper {n:06d} on sparse attention and retrieval",
            abstract=abstract or f"Abstract of synthetic paper {n}.",
            authors_count=n % 9 + 1,
            published=date(2025, n % 12 + 1, n % 28 + 1),
            comments=n % 7 or None,
        )
        for n in range(start, start + count)
    )
    record_entries(library, entries, f"synthetic-{start}.txt")


def record_entries(library: Library, entries: tuple[Entry, ...], name: str) -> None:
    """Add ``entries`` as one synthetic digest named ``name`` (captured 2026-01-30)."""
    digest = Digest(
        format="synthetic",
        entries=entries,
        date=date(2026, 1, 30),
        captured_at=datetime(2026, 1, 30, 12, tzinfo=UTC),
    )
    record_digest(library, SourceFile(name, None, None, "test"), digest)


@pytest.fixture(autouse=True)
def _application(qapp: object) -> object:
    """Every window test runs with the QApplication (icons and pixmaps need it)."""
    return qapp


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    """Where the test's library file lives."""
    return tmp_path / "library.sqlite"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """The watched folder."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def settings(inbox: Path, tmp_path: Path) -> Settings:
    """Settings watching ``inbox`` with a short quiet period."""
    return Settings(watched_folders=[inbox], quiet_period=0.1, export_folder=None)


@pytest.fixture
def worker(lib_path: Path) -> Iterator[LibraryWorker]:
    """The writer thread for the test's library."""
    with LibraryWorker(lib_path) as w:
        yield w


@pytest.fixture
def sample_digest() -> Path:
    """The real Daily Papers capture (vendored in ``tests/digests/samples``)."""
    return SAMPLE_PATH


WindowFactory = Callable[..., MainWindow]


def settle(qtbot: QtBot, window: MainWindow, timeout: int = WAIT_MS) -> None:
    """Wait until every read and write the window started has arrived."""
    qtbot.waitUntil(lambda: window.idle, timeout=timeout)


def write(qtbot: QtBot, window: MainWindow, op: Callable[[Library], Changes]) -> Changes:
    """Run ``op`` on the window's writer thread (as an edit of the window would) and wait."""
    results: list[Changes] = []
    window.runner.run(op, on_success=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT_MS)
    settle(qtbot, window)
    return results[0]


@pytest.fixture
def make_window(
    qtbot: QtBot,
    lib_path: Path,
    worker: LibraryWorker,
    settings: Settings,
    tmp_path: Path,
) -> Iterator[WindowFactory]:
    """Build a :class:`MainWindow` the way ``run_app`` does (optionally watching ``inbox``)."""
    libraries: list[Library] = []
    windows: list[MainWindow] = []

    def make(*, watch: bool = False, show: bool = True) -> MainWindow:
        library = Library(lib_path)
        libraries.append(library)
        service = WatchService(worker, settings) if watch else None
        window = MainWindow(
            library,
            worker,
            settings,
            watch=service,
            state_path=tmp_path / "state" / "window.ini",
            settings_path=tmp_path / "settings.json",
        )
        qtbot.addWidget(window)
        windows.append(window)
        if show:
            with qtbot.waitExposed(window):
                window.show()
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
        if watch:
            window.start_watching()
        settle(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()  # saves its state and stops watching, as a user closing it would
        window.shutdown()
    for library in libraries:
        library.close()


@pytest.fixture
def make_filled_window(make_window: WindowFactory, lib_path: Path) -> WindowFactory:
    """``make_filled_window(count, **options)``: a window (see ``make_window``) on a library
    that holds ``count`` synthetic papers (:func:`fill_library`) when it opens."""

    def make(count: int, **options: bool) -> MainWindow:
        with Library(lib_path) as library:
            fill_library(library, count)
        return make_window(**options)

    return make


def resize(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    """Resize the window and wait until it has its new width."""
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width, timeout=WAIT_MS)


@pytest.fixture
def copy_sample(sample_digest: Path) -> Callable[[Path], Path]:
    """Copy the sample capture into a folder (as a user saving it would)."""

    def copy(folder: Path, name: str = "Daily Papers - Hugging Face.txt") -> Path:
        target = folder / name
        shutil.copyfile(sample_digest, target)
        return target

    return copy


@pytest.fixture(scope="session", autouse=True)
def _clipboard_emptied_at_the_end() -> Iterator[None]:
    """Empty the clipboard before the process ends: with the offscreen platform Qt crashes
    at exit (SIGSEGV) when the clipboard still owns mime data a test put there (the copy
    tests do); on a real display (xcb) it does not."""
    yield
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()
