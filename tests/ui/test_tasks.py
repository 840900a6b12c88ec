"""Background work: results and errors come back on the GUI thread; imports can be cancelled."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reader.library import Library, LibraryLockedError
from reader.worker import LibraryWorker
from tests.ui.conftest import WAIT_MS
from ui.tasks import ImportTask, TaskRunner


def test_results_arrive_on_the_gui_thread(qtbot: QtBot, worker: LibraryWorker) -> None:
    runner = TaskRunner(worker)
    seen: list[tuple[object, bool]] = []

    def job(library: Library) -> int:
        assert threading.current_thread() is not threading.main_thread()
        return library.count()

    runner.run(
        job, lambda n: seen.append((n, threading.current_thread() is threading.main_thread()))
    )
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen == [(0, True)]
    assert not runner.busy


def test_errors_arrive_on_the_gui_thread(qtbot: QtBot, worker: LibraryWorker) -> None:
    runner = TaskRunner(worker)
    errors: list[BaseException] = []

    def job(_library: Library) -> None:
        raise LibraryLockedError("the library is locked")

    runner.run(job, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert isinstance(errors[0], LibraryLockedError)


def test_import_progress_and_cancel(
    qtbot: QtBot, worker: LibraryWorker, write_digest: Callable[..., Path], tmp_path: Path
) -> None:
    for n in range(6):
        write_digest(f"d{n}.txt", [n * 10 + k for k in range(3)])
    runner = TaskRunner(worker)
    gate = threading.Event()
    worker.submit(lambda _library: gate.wait(WAIT_MS / 1000))  # hold the worker
    task = ImportTask(runner, [tmp_path / "digests"])
    progress: list[tuple[int, int]] = []
    reports: list[object] = []
    task.progress.connect(lambda done, total: progress.append((done, total)))
    task.report.connect(reports.append)
    # Cancel on the worker thread right after the first file, so the test cannot race it.
    task.report.connect(lambda _report: task.cancel(), Qt.ConnectionType.DirectConnection)
    task.start()
    gate.set()
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS) as blocker:
        pass
    done = blocker.args[0]
    assert len(done) == 1
    assert task.cancelled
    assert progress[0] == (0, 6)
    assert len(reports) == len(done)


@pytest.mark.parametrize("count", [1])
def test_runner_after_close_delivers_nothing(
    qtbot: QtBot, worker: LibraryWorker, count: int
) -> None:
    runner = TaskRunner(worker)
    seen: list[int] = []
    runner.close()
    future = runner.run(lambda _library: count, seen.append)
    assert future.result(timeout=WAIT_MS / 1000) == count
    qtbot.wait(50)
    assert seen == []


ASIDE_AT_EXIT = """
import sys, threading
from PySide6.QtCore import QCoreApplication
from reader.worker import LibraryWorker
from ui.tasks import TaskRunner

app = QCoreApplication([])
worker = LibraryWorker(sys.argv[1])
runner = TaskRunner(worker)
started = threading.Event()
never = threading.Event()

def job():
    started.set()
    never.wait()  # a copy that would take minutes

runner.run_aside(job)
started.wait(30)
runner.close()
worker.close()
print("closed", runner.stopping.is_set(), flush=True)
"""


def test_work_aside_never_keeps_the_process_alive_at_exit(tmp_path: Path) -> None:
    """A daily backup still copying a large library when the window closes does not hold
    the process open (a ThreadPoolExecutor's thread is joined at exit: minutes at 1M)."""
    import os
    import subprocess
    import sys

    path = tmp_path / "lib.sqlite"
    Library(path).close()
    done = subprocess.run(
        [sys.executable, "-c", ASIDE_AT_EXIT, str(path)],
        check=False, capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "closed True"
