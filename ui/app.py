"""Starting the desktop app: everything is built here, explicitly, and handed down.

:func:`run_app` makes the :class:`QApplication`, claims the library for this process (a
second window on the same library brings the first forward instead), opens the library on
the GUI thread, starts the writer :class:`~reader.worker.LibraryWorker`, reads the
:class:`~reader.settings.Settings`, and builds the :class:`~ui.window.MainWindow` and its
folder watcher. Nothing is global; tests build a ``MainWindow`` the same way.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

WATCH_DELAY_MS = 150
"""How long after the window is shown the folder watcher starts."""
LEARNER_DELAY_MS = 300
"""How long after the window is shown the interest learner starts (it loads numpy)."""

if TYPE_CHECKING:
    from reader.library import Changes, Library
    from reader.library.warmup import Warmup
    from reader.worker import LibraryWorker
    from ui.instance import InstanceGuard
    from ui.operations import OperationRunner
    from ui.window import MainWindow

log = logging.getLogger(__name__)


@dataclass
class Session:
    """What a running window owns; :meth:`close` releases it in order."""

    app: QApplication
    window: MainWindow
    worker: LibraryWorker
    library: Library
    guard: InstanceGuard
    warmup: Warmup | None = None
    """The page-cache warm-up started after the first paint (:func:`_start_warmup`)."""

    def close(self) -> None:
        """Stop the warm-up, save the note and the window's state, stop the watcher, finish
        queued writes, close the library, release the lock."""
        if self.warmup is not None:
            self.warmup.stop()
        if self.window.isVisible():  # quit by a signal or the session ending, not the window
            self.window.close()
        self.window.flush()
        self.window.shutdown()
        self.worker.close()
        self.library.close()
        self.guard.release()


def application() -> QApplication:
    """The :class:`QApplication` (created with Papershelf's names and style)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # The writer and reader threads run Python too: hand the interpreter back to the GUI
    # thread within a millisecond (the default 5 ms per hand-over adds up over a repaint).
    sys.setswitchinterval(0.001)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Papershelf")
    app.setOrganizationName("Papershelf")
    app.setApplicationDisplayName("Papershelf")
    app.setDesktopFileName("io.github.papershelf.Papershelf")
    from ui.style import choose_style, follow_system_scheme

    choose_style(app)
    follow_system_scheme(app)
    from ui.icons import app_icon

    app.setWindowIcon(app_icon())
    return app


def start_session(library_path: Path) -> Session | int:
    """Build and show the window; an exit status instead when it must not open."""
    app = application()
    from reader.logs import configure_logging, log_file
    from ui.errors import install_excepthook
    from ui.instance import InstanceGuard

    configure_logging()
    install_excepthook(log_file())

    guard = InstanceGuard(library_path)
    if not guard.acquire():
        if not guard.forwarded:
            QMessageBox.information(
                None,
                "Papershelf",
                f"Papershelf is already open on {library_path}.\n\n"
                "Switch to that window (or close it first to open the library here).",
            )
        print(f"papershelf: already open on {library_path}", file=sys.stderr)
        return 0

    from reader.library import LibraryEnvironmentError
    from reader.library.opening import open_library, upgrade_pending

    warnings: list[str] = []
    try:
        if upgrade_pending(library_path):
            # Minutes at a million papers: on a thread, while a dialog says which step runs.
            upgrade_with_progress(library_path)
        # The daily backup (a full copy and check: seconds on a large library) runs on the
        # writer thread once the window is up; opening does only the cheap checks.
        # Citation keys missing after an upgrade are given on the writer thread, after the
        # first paint (give_citekeys): minutes at a million papers.
        library = open_library(
            library_path, daily_backup=False, on_warning=warnings.append, give_citekeys=False
        )
    except LibraryEnvironmentError as exc:
        guard.release()
        from ui.errors import advice_for

        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Papershelf cannot open the library",
            f"{str(exc)[:1].upper()}{str(exc)[1:]}.",
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the path is the user's text
        box.setInformativeText(advice_for(exc))
        box.exec()
        return 1

    from reader.settings import Settings
    from reader.worker import LibraryWorker
    from ui.watching import WatchService
    from ui.window import MainWindow

    worker = LibraryWorker(library_path)
    settings = Settings.for_library(library)  # before the window makes it read-only
    writable = library.writable
    watch = WatchService(worker, settings)
    window = MainWindow(library, worker, settings, watch=watch, start_learner=False)
    guard.activation_requested.connect(lambda: _bring_forward(window))
    session = Session(app, window, worker, library, guard)
    app.aboutToQuit.connect(window.flush)
    window.show()
    # What searches, counts and views read, into the OS page cache: after the first paint.
    QTimer.singleShot(0, window, lambda: _start_warmup(session))
    # The watcher (watchdog, and a scan of the folders) starts once the window is up.
    QTimer.singleShot(WATCH_DELAY_MS, window, window.start_watching)
    # The interest learner's thread loads numpy and reads the scores: after the first paint.
    QTimer.singleShot(LEARNER_DELAY_MS, window, lambda: _start_learner(window))
    QTimer.singleShot(BACKUP_DELAY_MS, window, window.notices.back_up_if_due)
    window.heap.start()  # the collector then walks only recent objects (ui.collector)
    if writable:
        QTimer.singleShot(0, window, lambda: give_citekeys(window.runner))
    if warnings:
        QTimer.singleShot(0, window, lambda: window.notices.show_library_warnings(warnings))
    return session


class _UpgradeSignals(QObject):
    progress = Signal(str)
    finished = Signal()


def upgrade_with_progress(library_path: Path) -> None:
    """Make the library's schema upgrade on a thread while a progress dialog shows the
    step (the GUI event loop keeps running); raises what the upgrade raised."""
    from reader.library.opening import upgrade

    dialog = QProgressDialog("Upgrading the library…", "", 0, 0)
    dialog.setWindowTitle("Papershelf")
    dialog.setCancelButton(None)  # an upgrade step is one transaction: it finishes
    dialog.setMinimumDuration(0)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    signals = _UpgradeSignals()
    signals.progress.connect(
        lambda line: dialog.setLabelText(f"{line[:1].upper()}{line[1:]}…"),
        Qt.ConnectionType.QueuedConnection,
    )
    loop = QEventLoop()
    signals.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            upgrade(library_path, signals.progress.emit)
        except BaseException as exc:
            failure.append(exc)
        finally:
            signals.finished.emit()

    thread = threading.Thread(target=run, name="papershelf-upgrade", daemon=True)
    dialog.show()
    thread.start()
    loop.exec()
    thread.join()
    dialog.close()
    dialog.deleteLater()
    if failure:
        raise failure[0]


def give_citekeys(runner: OperationRunner, after: int = 0) -> None:
    """Give papers without a citation key theirs, one chunk per write on the writer thread.

    Each chunk is queued when the one before has finished, so the user's edits run in
    between; each announces ``Changes(fields={"citekey"})`` on the change bus. Nothing is
    read beyond one lookup when every paper has a key (as on every open but the first
    after the upgrade that added keys, or after a fill cut short by a quit).
    """
    from reader.library import Changes, citekeys

    def chunk(library: Library) -> Changes:
        if after == 0 and not citekeys.missing(library):
            return Changes()  # one lookup in the list of unkeyed papers
        changes, nxt = citekeys.assign_missing_chunk(library, after=after)
        following[0] = nxt
        return changes

    following: list[int | None] = [None]

    def done(_changes: Changes) -> None:
        if following[0] is not None:
            give_citekeys(runner, following[0])

    runner.run(
        chunk,
        on_success=done,
        on_failure=lambda exc: log.warning("citation keys were not given yet: %s", exc),
        title="Citation keys were not given",
    )


def _start_warmup(session: Session) -> None:
    """Warm the OS page cache with the pages the first searches and views read, on a
    thread of its own at low priority, waiting behind the reads the reader waits for
    (:mod:`reader.library.warmup`); :meth:`Session.close` stops it."""
    if not session.window.isVisible():  # closed meanwhile
        return
    from reader.library.warmup import start_warmup
    from reader.yieldgate import GATE

    session.warmup = start_warmup(session.library.path, GATE)


def _start_learner(window: MainWindow) -> None:
    if window.isVisible():  # not for a window closed meanwhile
        window.interest.start()


def _bring_forward(window: MainWindow) -> None:
    window.setWindowState(
        (window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
    )
    window.show()
    window.raise_()
    window.activateWindow()


def _quit_on_signals(app: QApplication) -> None:
    """SIGTERM (logging out, shutting down) and Ctrl+C quit cleanly: the note is saved.

    Python runs signal handlers only when it has control, so a slow timer gives it some.
    """

    def handler(_signum: int, _frame: object) -> None:
        app.quit()

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, handler)
    timer = QTimer(app)
    timer.setInterval(500)
    timer.timeout.connect(lambda: None)
    timer.start()


BACKUP_DELAY_MS = 2000
"""The daily backup waits until the window has settled: it is not urgent, the user is."""

SMOKE_TEST_VARIABLE = "PAPERSHELF_SMOKE_TEST"
"""When set, the window quits right after its first paint and says so on stdout: how
installers and bundles check that the app they built really starts."""


def run_app(library_path: Path) -> int:
    """Open the main window on ``library_path`` and run until it closes; the exit status."""
    session = start_session(Path(library_path))
    if isinstance(session, int):
        return session
    _quit_on_signals(session.app)
    if os.environ.get(SMOKE_TEST_VARIABLE):
        from PySide6.QtCore import QTimer

        def shown() -> None:
            visible = session.window.isVisible()
            print(f"papershelf: window {'shown' if visible else 'NOT shown'}", flush=True)
            session.app.exit(0 if visible else 1)

        QTimer.singleShot(300, shown)
    from ui.switching import SessionSwitcher

    # File ▸ Open Library and Restore put another session in this one's place.
    switcher = SessionSwitcher(session.app, session, start_session)
    try:
        status = session.app.exec()
    finally:
        switcher.close()
    return int(status)
