"""The background learner of one library: debounced refits and scoring of new papers.

A :class:`Learner` owns one thread. The application tells it what changed
(:meth:`Learner.notify` with the :class:`Changes` of every write); it waits until the
reader has stopped editing for :attr:`Learner.delay` seconds, then refits from a
read-only snapshot of the library and hands the writes to ``submit`` as writer
operations ``(Library) -> Changes``. Papers that arrive are scored with the stored model
at once, without a refit. Nothing here touches Qt: the window passes a ``submit`` that
queues the operation on its writer thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.library import interest
from reader.library.interest_cache import FeatureCache, cache_path
from reader.library.model import Changes
from reader.library.store import Library

log = logging.getLogger(__name__)

REFIT_FIELDS = frozenset({"rating", "status", "tags", "not_interested", "deleted", "note"})
"""Changed fields that can change the reader's signals, so the model."""

WriterOp = Callable[[Library], Changes]


class Learner:
    """Refits the interest model of the library at ``path`` on a thread of its own.

    ``submit(op)`` must run ``op(library)`` on the library's writer (any thread but this
    one); ``on_error(exc)`` hears about a refit that failed (the learner carries on).
    Start with :meth:`start`, stop with :meth:`close`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        submit: Callable[[WriterOp], None],
        *,
        delay: float = 2.0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.delay = delay
        self._submit = submit
        self._on_error = on_error
        self._lock = threading.Condition()
        self._refit_due: float | None = None
        self._new: set[int] = set()
        self._catch_up = False
        self._busy = False
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="interest-learner", daemon=True)
        self.refits = 0
        """How many refits ran (for tests and benchmarks)."""

    def start(self, *, catch_up: bool = True) -> None:
        """Start the thread; with ``catch_up``, first bring scores up to date with the library."""
        with self._lock:
            self._catch_up = catch_up
        self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Stop after the running step (if any); waits up to ``timeout`` seconds."""
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def notify(self, changes: Changes) -> None:
        """Tell the learner what a write changed; it decides whether to refit or score."""
        if changes.fields and changes.fields <= {interest.INTEREST_FIELD}:
            return
        with self._lock:
            if changes.papers_added or changes.digests or "imported" in changes.fields:
                self._new |= changes.paper_ids  # an import: score its papers, no refit
            elif changes.fields & REFIT_FIELDS or (
                not changes.fields and (changes.paper_ids or changes.tags)
            ):
                self._refit_due = time.monotonic() + self.delay
            self._lock.notify_all()

    def request_refit(self, *, now: bool = False) -> None:
        """Ask for a refit (after :attr:`delay`, or at once with ``now``)."""
        with self._lock:
            self._refit_due = time.monotonic() + (0.0 if now else self.delay)
            self._lock.notify_all()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is due or running; ``False`` on timeout (for tests)."""
        end = time.monotonic() + timeout
        with self._lock:
            while self._busy or self._new or self._catch_up or self._refit_due is not None:
                left = end - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return False
                self._lock.wait(min(left, 0.05))
        return True

    # ------------------------------------------------------------------ the thread

    def _run(self) -> None:
        while True:
            with self._lock:
                job = self._next_job()
                while job is None and not self._closing:
                    wait = None
                    if self._refit_due is not None:
                        wait = max(0.0, self._refit_due - time.monotonic())
                    self._lock.wait(wait)
                    job = self._next_job()
                if self._closing or job is None:
                    return
                self._busy = True
            try:
                job()
            except Exception as exc:  # a failed refit must not kill the learner
                log.exception("the interest model could not be refitted")
                if self._on_error is not None:
                    self._on_error(exc)
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()

    def _next_job(self) -> Callable[[], None] | None:
        if self._catch_up:
            self._catch_up = False
            return self._do_catch_up
        if self._refit_due is not None and time.monotonic() >= self._refit_due:
            self._refit_due = None
            self._new.clear()
            return self._do_refit
        if self._new:
            ids, self._new = sorted(self._new), set()
            return lambda: self._do_score(ids)
        return None

    @contextmanager
    def _snapshot(self) -> Iterator[tuple[Library, FeatureCache]]:
        """A read-only snapshot of the library (:func:`interest.open_snapshot`) and the
        cache; both closed on the way out."""
        with (
            interest.open_snapshot(self.path) as library,
            FeatureCache(cache_path(self.path)) as cache,
        ):
            yield library, cache

    def _hand_over(self, ops: list[WriterOp]) -> None:
        for op in ops:
            self._submit(op)

    def _do_refit(self) -> None:
        from reader.ranking.refit import refit

        with self._snapshot() as (library, cache):
            update = refit(library, cache)
            cache.set_meta("signals", _fingerprint(library).encode())
        self.refits += 1
        self._hand_over(update.operations())

    def _do_score(self, ids: list[int]) -> None:
        from reader.ranking.refit import score_new

        with self._snapshot() as (library, cache):
            update = score_new(library, cache, ids)
        if update is None:
            self.request_refit(now=True)
        else:
            self._hand_over(update.operations())

    def _do_catch_up(self) -> None:
        from reader.ranking.refit import load_model

        with self._snapshot() as (library, cache):
            signals = _fingerprint(library)
            stored = cache.meta("signals")
            model = load_model(cache, library)
            unscored = interest.unscored_ids(library) if model is not None else []
        # No usable model (none yet, or the cache is another file's: a library replaced
        # under its cache by a restored backup has the same signals but no model state):
        # refit. Without a liked paper that only writes the "not enough signal" state.
        if stored is None or stored.decode() != signals or model is None:
            self.request_refit(now=True)
        elif unscored:
            with self._lock:
                self._new |= set(unscored)
                self._lock.notify_all()


def _fingerprint(library: Library) -> str:
    from reader.ranking.signals import Signals

    return Signals.from_rows(interest.signal_rows(library)).fingerprint()
