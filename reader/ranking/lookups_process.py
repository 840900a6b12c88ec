""" "Why" and "More like this" answered in a child process: the window's never featurizes.

:func:`~reader.ranking.lookups.similar` brings the feature cache up to date
(:meth:`Corpus.sync <reader.ranking.corpus.Corpus.sync>`: on a library new to the cache,
the whole corpus is read and analysed) and scans every paper's TF-IDF vector; on a thread
of the window's process that is seconds of Python and NumPy work holding the interpreter
lock, beside what the learner does. :class:`LookupProcess` asks a child process of its
own (a :class:`~reader.ranking.child.LearnerProcess`, running the jobs of
:mod:`reader.ranking.jobs`) instead: the answers are the same functions' answers, sent
back small (a few ids and reasons). It has its own child, not the learner's, so that a
question never waits behind a refit.

Errors of the library (:class:`LibraryError`) raised there are raised here again, with
the same message (a paper that is gone raises :class:`PaperNotFoundError`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from reader.library.errors import LibraryError, PaperNotFoundError
from reader.ranking.answers import Explanation, Similar
from reader.ranking.child import LearnerProcess


@dataclass(frozen=True)
class LookupFailed:
    """A library error in the child, sent back as text (exceptions may not pickle)."""

    message: str
    not_found: bool


def failure(exc: LibraryError) -> LookupFailed:
    """What the child sends back in place of ``exc``."""
    return LookupFailed(str(exc), isinstance(exc, PaperNotFoundError))


def _raise(failed: LookupFailed) -> None:
    raise PaperNotFoundError(failed.message) if failed.not_found else LibraryError(failed.message)


class LookupProcess:
    """Runs "Why" and "More like this" in a child process; one caller at a time.

    Calls block the calling thread (never the GUI thread: the insight thread) while the
    child works; :meth:`close` ends the child and makes a waiting call give up.
    """

    def __init__(self, process: LearnerProcess | None = None) -> None:
        self.process = process or LearnerProcess()
        self._lock = threading.Lock()  # the child's pipe carries one question at a time
        self._closed = False

    def warm(self) -> None:
        """Start the child and load scikit-learn and SciPy there."""
        self._ask("warm_up")

    def insight(
        self, path: str | os.PathLike[str], paper_id: int, *, similar_limit: int, why_limit: int = 5
    ) -> tuple[Explanation, list[Similar]]:
        """:func:`explain` and :func:`similar` of ``paper_id`` (one snapshot, one sync)."""
        found = self._ask("insight", os.fspath(path), paper_id, similar_limit, why_limit)
        if isinstance(found, LookupFailed):
            _raise(found)
        explanation, alike = found
        return explanation, list(alike)

    def similar(
        self, path: str | os.PathLike[str], paper_id: int, *, limit: int = 20
    ) -> list[Similar]:
        """The papers most like ``paper_id``, as :func:`reader.ranking.similar` finds them."""
        found = self._ask("similar", os.fspath(path), paper_id, limit)
        if isinstance(found, LookupFailed):
            _raise(found)
        return list(found)

    def close(self) -> None:
        """End the child (a question being answered is abandoned); idempotent."""
        self._closed = True
        self.process.stop()

    def _ask(self, job: str, *args: object) -> Any:
        with self._lock:
            if self._closed:
                raise LibraryError("the window is closing")
            return self.process.run(job, *args, cancelled=lambda: self._closed)
