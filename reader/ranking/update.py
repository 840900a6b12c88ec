"""A refit's or a scoring's result, and how it is stored: in short, paced transactions.

An :class:`InterestUpdate` holds scores as NumPy arrays and (after a refit) the model's
new state. :meth:`InterestUpdate.store` writes it through a connection of its own, in
transactions of about :data:`HOLD_S` each with a pause after each (:data:`PAUSE_S`, or as
long as it held the lock), and the state last, in the same transaction as the last scores.

Who writes: the learner's child process (:mod:`reader.ranking.jobs`), not the window's
writer. This is the one exception to "one writer for every write" (DESIGN.md), argued:

- Scores are derived data, rebuilt by the next refit, never something the user made, so
  nothing the user wrote can be overwritten or lost by them.
- Storing a million scores costs 10-13 s of CPU. In the window's process that CPU is
  the GUI thread's (the interpreter lock; it stalled the window 95-115 ms at a million
  papers). In the child it costs the window nothing.
- The window's writer is never starved: every transaction here holds the lock for about
  :data:`HOLD_S`, then leaves it free for at least :data:`PAUSE_S` (or as long as it
  held it), longer than SQLite's busy handler sleeps between retries, so an edit waits
  at most one short transaction. Those writes run at the window's CPU priority
  (:func:`~reader.ranking.child.at_full_priority`), so a low-priority child descheduled
  mid-transaction cannot hold the lock against the user.
- Its commits never checkpoint the log: it checkpoints in the pause after each of its
  transactions (:func:`interest_scores.checkpoint_scores`), so the window's writer never
  commits a rating and then copies a refit's pages into the file.
- Most rows update a score already stored (:func:`interest_scores.write_scores`' ``stored``),
  which reads only the score table and its indexes, never the paper table; the rows go
  best first, so the indexes are updated in runs of neighbouring entries.
- A crash or a close in the middle leaves a consistent file: each transaction is whole,
  and the model's state (its generation) is written only with the last scores. Until
  then the library still names the previous refit. The cache already holds the new
  model, whose generation is not the library's, so the next start (or the learner's
  retry) refits and rewrites every score. Until then some papers carry the previous
  model's score and some the next's: every score was given by a model of the reader's
  signals a moment apart, on the same 0-1 scale (anchored to the library's median and top
  ranks), so the mix is a ranking between two refits, like the one the window shows
  while a refit is stored, not a wrong one.

This module needs only NumPy: the window's process never imports scikit-learn or SciPy
to receive an update or a :class:`Stored` summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from reader.library import interest, interest_scores
from reader.library.interest import InterestState
from reader.library.model import Changes
from reader.library.store import Library

HOLD_S = 0.005
"""How long one score transaction should hold the library's write lock (the chunk size
follows the measured time: rows cost more on a bigger library with a colder cache). An
edit that finds the lock held is retried by SQLite's busy handler after 1, 3 and 8 ms,
so it waits about 9 ms at most (1M papers, quiet machine: 9.1 ms; with 15 ms holds it
was 18.5 ms). Storing takes about twice as long as with 15 ms holds (a 1M refit 75 s
against 40; 100k 2.5-3.3 s against 1.9), and nothing waits for it."""
FIRST_CHUNK = 1000
MIN_CHUNK = 100
MAX_CHUNK = 20_000
EVERY_PAPER_ABOVE = 2000
"""Above this many changed scores, the update is published as changing every paper's
interest (:meth:`Stored.changes`); below, as the ids (a new digest's papers)."""
PAUSE_S = 0.025
"""The least time the lock is left free after each score transaction. SQLite's busy
handler sleeps at most 25 ms between its first nine retries, so a writer waiting for the
lock wakes inside one of these gaps: the window's edit waits at most about one
transaction and one gap, and usually half a transaction."""

WriterOp = Callable[[Library], Changes]


@dataclass(frozen=True)
class Stored:
    """What storing an update changed: sent back from the learner's child to the window."""

    changed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """The papers whose stored score changed (or went), sorted."""
    state: InterestState | None = None
    transactions: int = 0
    longest_s: float = 0.0
    """The longest time one transaction held the write lock (for the bench)."""
    wall_s: float = 0.0
    cpu_s: float = 0.0
    """How long storing took, and the storing thread's CPU (for the bench)."""

    def changes(self) -> Changes:
        """The :class:`Changes` to publish on the window's bus.

        More than :data:`EVERY_PAPER_ABOVE` changed scores (a refit) are published as
        "interest changed for every paper" (:attr:`Changes.every_paper`), never as a
        million ids: a ``frozenset`` of them held the window's interpreter lock for about
        50 ms in one call, and the subscribers' set operations cost the GUI thread as
        much again; the list re-reads only the rows it shows.
        """
        fields = frozenset({interest.INTEREST_FIELD})
        if self.changed.size > EVERY_PAPER_ABOVE:
            return Changes(fields=fields, every_paper=True)
        return Changes(paper_ids=frozenset(self.changed.tolist()), fields=fields)

    def publish(self) -> WriterOp:
        """A writer operation that writes nothing and returns these changes, so that the
        window's change bus carries them in order with its other writes."""
        changes = self.changes()
        return lambda _library: changes


@dataclass(frozen=True)
class InterestUpdate:
    """Scores to store, and (after a refit) the model's new state.

    ``complete`` means the scores cover every paper: any other stored score is dropped.
    ``state`` is ``None`` when the update only adds scores for new papers.
    """

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    state: InterestState | None = None
    complete: bool = False
    candidates: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """The papers that were untriaged inbox papers (For-you candidates) when scored."""

    @property
    def message(self) -> str | None:
        """Why there is no model ("not enough signal …"), or ``None`` when there is one."""
        return self.state.message if self.state is not None else None

    def store(
        self,
        library: Library,
        *,
        hold_s: float = HOLD_S,
        first_chunk: int = FIRST_CHUNK,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Stored:
        """Write the scores through ``library`` in short transactions (see the module).

        Each transaction checks the file is still the library (a backup restored over it
        meanwhile stops the writes with :class:`~reader.library.errors.LibraryGoneError`).
        """
        began_all, cpu_all = time.perf_counter(), time.thread_time()
        state = self.state
        if state is not None and state.fitted_at is None:
            library.ensure_file_present()
            gone = interest_scores.clear_scores(library, state)
            return Stored(np.array(sorted(gone.paper_ids), dtype=np.int64), state, 1)
        # Best first: the two score indexes are then updated in runs of neighbouring
        # entries (old and new scores are close), and a store cut short has written the
        # top of the new ranking.
        order = np.argsort(-self.scores, kind="stable")
        ids, scores = self.ids[order], self.scores[order]
        candidates = np.unique(self.candidates)  # sorted once: each chunk only looks up
        known = np.zeros(ids.size, dtype=bool)
        changed: list[np.ndarray] = []
        transactions, longest = 0, 0.0
        if self.complete:  # scores of papers this refit did not score go first
            stored = np.fromiter(interest_scores.scored_ids(library), dtype=np.int64)
            known = _members(ids, stored)
            drop = np.setdiff1d(stored, ids)
            del stored
            for start in range(0, drop.size, MAX_CHUNK):
                part = drop[start : start + MAX_CHUNK]
                library.ensure_file_present()
                interest_scores.write_scores(library, (), drop=part.tolist())
                changed.append(part)
                transactions += 1
                interest_scores.checkpoint_scores(library)
                sleep(PAUSE_S)
        start, size = 0, max(1, first_chunk)
        while True:
            end = min(ids.size, start + size)
            last = end >= ids.size
            part_ids, part_known = ids[start:end], known[start:end]
            rows = np.rec.fromarrays(
                [part_ids, scores[start:end], _members(part_ids, candidates)]
            ).tolist()
            library.ensure_file_present()
            began = time.perf_counter()
            written = interest_scores.write_scores(
                library,
                [row for row, old in zip(rows, part_known.tolist(), strict=True) if not old],
                stored=[row for row, old in zip(rows, part_known.tolist(), strict=True) if old],
                state=state if last else None,
            )
            held = time.perf_counter() - began
            transactions += 1
            longest = max(longest, held)
            if written.paper_ids:
                changed.append(np.fromiter(written.paper_ids, dtype=np.int64))
            if last:
                break
            start = end
            if hold_s > 0:  # (0: chunks of ``first_chunk`` throughout)
                size = int(min(MAX_CHUNK, max(MIN_CHUNK, size * hold_s / max(held, 1e-4))))
            # The lock is free for at least as long as it was held; the checkpoint (which
            # takes no write lock) runs in that time, so no commit of the window's does.
            freed = time.perf_counter()
            interest_scores.checkpoint_scores(library)
            sleep(max(0.0, max(PAUSE_S, held) - (time.perf_counter() - freed)))
        interest_scores.checkpoint_scores(library)  # the last one's pages too
        every = np.unique(np.concatenate(changed)) if changed else np.zeros(0, dtype=np.int64)
        wall, cpu = time.perf_counter() - began_all, time.thread_time() - cpu_all
        return Stored(every, state, transactions, longest, wall, cpu)

    def apply(self, library: Library) -> Changes:
        """Store the update through ``library`` now (the command line's way)."""
        stored = self.store(library)
        return Changes(
            paper_ids=frozenset(stored.changed.tolist()),
            fields=frozenset({interest.INTEREST_FIELD}),
        )


def _members(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in the sorted array ``ordered`` (a binary search each: a
    chunk of 5,000 against a million candidates costs microseconds, not a sort)."""
    if not ordered.size:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), ordered.size - 1)
    return np.asarray(ordered[at] == values)
