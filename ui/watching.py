"""The watched folders while the window is open: a :class:`FolderWatcher` bridged to Qt.

The watcher calls back on its own threads; :class:`WatchService` re-emits those calls as
signals of a QObject living on the GUI thread, so Qt queues them to the window. The Settings
dialog restarts it with new folders.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from reader.paths import default_inbox_dir
from reader.settings import Settings
from reader.worker import LibraryWorker

if TYPE_CHECKING:
    from reader.watcher import FolderWatcher

log = logging.getLogger(__name__)

WatcherFactory = Callable[..., "FolderWatcher"]


class WatchService(QObject):
    """Starts, restarts and stops the folder watcher; its reports arrive as signals."""

    report = Signal(object)
    """An :class:`~reader.importer.ImportReport` (an import, or a failure that was logged)."""
    error = Signal(str)
    """A problem with a folder or with the library, in words for people."""
    failed = Signal(str)
    """The watcher stopped for good (the library file is gone): said once, in words."""

    def __init__(
        self,
        worker: LibraryWorker,
        settings: Settings,
        parent: QObject | None = None,
        *,
        factory: WatcherFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._settings = settings
        self._factory = factory
        self._watcher: FolderWatcher | None = None
        self.problem: str | None = None
        """Why nothing is watched, after a failed :meth:`start`."""

    @property
    def watcher(self) -> FolderWatcher | None:
        """The running watcher."""
        return self._watcher

    @property
    def folders(self) -> list[object]:
        """The folders the settings name."""
        return list(self._settings.watched_folders)

    def start(self) -> bool:
        """Watch the settings' folders (scanning them first). False when none can be watched."""
        self.stop()
        self.problem = None
        settings = self._settings
        inbox = default_inbox_dir()
        for folder in settings.watched_folders:
            if folder == inbox:  # the default inbox is created on first use; others must exist
                with contextlib.suppress(OSError):
                    folder.mkdir(parents=True, exist_ok=True)
        if not settings.watched_folders:
            self.problem = "no folder is watched (choose one in Settings)"
            return False
        from reader.watcher import FolderWatcher, WatchError  # watchdog loads after first paint

        factory = self._factory or FolderWatcher
        watcher: FolderWatcher
        watcher = factory(
            self._worker,
            settings.watched_folders,
            recursive=settings.recursive,
            polling=settings.polling,
            quiet_period=settings.quiet_period,
            on_report=self.report.emit,
            on_error=lambda message: self._relay(watcher, message),
        )
        try:
            watcher.start()
        except WatchError as exc:
            self.problem = str(exc)
            log.warning("not watching: %s", exc)
            return False
        self._watcher = watcher
        return True

    def _relay(self, watcher: FolderWatcher, message: str) -> None:
        """A watcher's problem (on its thread): its one failure, or a passing problem."""
        if watcher.failure is not None and watcher.failure == message:
            self.failed.emit(message)
        else:
            self.error.emit(message)

    def restart(self, settings: Settings) -> bool:
        """Watch with new settings."""
        self._settings = settings
        return self.start()

    def stop(self) -> None:
        """Stop watching (idempotent)."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()
