"""The window's interest learner: the model of what this reader likes, kept up to date.

:class:`InterestService` owns one :class:`reader.ranking.Learner` for the window's
library. It hears every write on the :class:`~ui.operations.ChangeBus` and tells the
learner (which waits until the reader stops editing, then refits on its own thread from a
read-only snapshot). The learning, and the storing of the scores and the model's state,
run in the learner's child process (:mod:`reader.ranking.child`,
:mod:`reader.ranking.update`): scikit-learn is never imported into the window's process
to learn, and a refit holds neither its interpreter lock, its memory nor its writer. What
comes back is one writer operation per refit or scoring that writes nothing and returns
the :class:`Changes` (``"interest"``) of the papers whose score changed; the service
queues them on the one writer through the :class:`~ui.operations.OperationRunner` one at
a time, so they go out on the bus in order with every other write.
"""

from __future__ import annotations

import logging
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from reader.library import Changes, Library, LibraryError
from reader.library.for_you import has_signal
from reader.ranking import state
from ui.operations import ChangeBus, Operation, OperationRunner

if TYPE_CHECKING:
    from reader.ranking.learner import Learner

log = logging.getLogger(__name__)

REFIT_DELAY_S = 2.0
"""Seconds without an edit before the model is refitted."""
STOP_WAIT_S = 5.0
"""At close, how long the window waits for the learner's thread (a running refit is
abandoned and its child process ended at once; the next start catches up on whatever it
did not write)."""


COLD_START = "Rate or queue a few papers and Papershelf learns what you like."
"""What "For you" says while there is no model (it shows no papers rather than fake scores)."""
LEARNING = "Learning what you like from the papers you rated, moved and tagged…"
"""What it says while the first model is being made from signals the reader already gave
(a first refit of a large library takes a while: the reader is not asked for signals again)."""


def for_you_empty_text(library: Library) -> str:
    """The text of an empty "For you": how to get a model, or that nothing is left."""
    try:
        current = state(library)
    except LibraryError:
        return COLD_START
    if current.fitted_at is None:
        if current.positives and current.message:  # liked everything: nothing to contrast
            return f"{current.message[:1].upper()}{current.message[1:]}."
        if current.message is None and _has_signal(library):  # no fit has finished yet
            return LEARNING
        return COLD_START
    return "Nothing left for you in the inbox: every paper there is rated or tagged."


def _has_signal(library: Library) -> bool:
    try:
        return has_signal(library)
    except LibraryError:
        return False


class InterestService(QObject):
    """Runs the interest learner of the library at ``path`` while the window is open."""

    failed = Signal(str)
    """A refit failed (a one-line message for the status bar); the learner carries on."""
    _submitted = Signal(object)
    _failed = Signal(object)

    def __init__(
        self,
        path: Path,
        runner: OperationRunner,
        bus: ChangeBus,
        *,
        delay: float = REFIT_DELAY_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = path
        self._runner = runner
        self._delay = delay
        self._learner: Learner | None = None
        self._waiting: deque[Operation] = deque()  # the learner's writes not queued yet
        self._writing = False
        self._submitted.connect(self._run, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(self._report, Qt.ConnectionType.QueuedConnection)
        bus.changed.connect(self._on_changes)

    @property
    def learner(self) -> Learner | None:
        """The running learner (``None`` before :meth:`start` and after :meth:`stop`)."""
        return self._learner

    def start(self) -> None:
        """Start the learner's thread; it first brings the scores up to date."""
        if self._learner is not None:
            return
        from reader.ranking.learner import Learner  # no scikit-learn: that loads in its child

        self._learner = Learner(
            self._path, self._submitted.emit, delay=self._delay, on_error=self._failed.emit
        )
        self._learner.start()

    def stop(self) -> None:
        """Stop the learner (after the step it is running); idempotent."""
        learner, self._learner = self._learner, None
        if learner is not None:
            learner.close(timeout=STOP_WAIT_S)

    def request_refit(self) -> None:
        """Refit now (e.g. after the reader asked for it)."""
        if self._learner is not None:
            self._learner.request_refit(now=True)

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if self._learner is not None and initiator is not self:
            self._learner.notify(changes)

    def _run(self, op: Operation) -> None:
        if self._learner is None:
            return  # stopped: the next start catches up
        self._waiting.append(op)
        if not self._writing:
            self._next()

    def _next(self, _changes: Changes | None = None) -> None:
        """Queue the learner's next operation only once its previous one is done (they
        write nothing: the scores are stored by the learner's child; see the module)."""
        self._writing = False
        if self._learner is None or not self._waiting:
            self._waiting.clear()
            return
        self._writing = True
        queued = self._runner.run(
            self._waiting.popleft(),
            initiator=self,
            on_success=self._next,
            on_failure=self._write_failed,
        )
        if queued is None:  # the writer is closed
            self._writing = False
            self._waiting.clear()

    def _write_failed(self, exc: BaseException) -> None:
        log.warning("interest scores not stored: %s", exc)
        self._next()

    def _report(self, exc: BaseException) -> None:
        self.failed.emit(f"The interest model could not be updated: {exc}")
