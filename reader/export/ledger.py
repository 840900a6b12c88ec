"""What one export run did and still has to remember: outcomes, records, pulls, the index.

Each settled note's :class:`~reader.export.vault.Outcome` comes here. One whose file waits
in the :class:`~reader.export.batch.WriteBatch` counts only once the batch is committed:
then it is reported, its record (or its pull, the note coming back into the library with
its record) queued, and it is listed in the index. :meth:`Ledger.remember` writes the
queued records and pulls into the library; the export calls it only after a commit, so the
library never remembers a file that is not on disk yet.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

from reader.export import files
from reader.export.batch import ChangedMeanwhile, WriteBatch
from reader.export.index import IndexEntry
from reader.export.listing import proves
from reader.export.model import LeftAlone
from reader.export.report import ReportBuilder
from reader.export.vault import Outcome
from reader.library.errors import LibraryUsageError
from reader.library.store import Library
from reader.library.vault_records import (
    NotePull,
    NoteRecord,
    NoteSource,
    confirm_seen,
    pull_notes,
    remember_notes,
)

STOPPED = "the export stopped: the disk takes no more writes"
_PRESENT = frozenset({"written", "unchanged", "conflict", "left-alone"})


class Ledger:
    """The report, the records and pulls to remember, and the notes present in the folder."""

    def __init__(self, folder: Path, batch: WriteBatch) -> None:
        self.folder = folder
        self.batch = batch
        self.report = ReportBuilder(folder)
        self.records: list[NoteRecord] = []
        self.pulls: list[NotePull] = []
        self.present: dict[int, IndexEntry] = {}
        self.confirmed: list[tuple[int, int, int, int, int, int]] = []
        """Notes the listing could not prove unchanged and their content did: their file as
        seen now (see :func:`reader.library.vault_records.confirm_seen`)."""
        self.fresh: list[NoteRecord] = []
        """Records remembered in this run that do not prove their file yet (too young)."""
        self.disk_full = False
        """A write failed because the disk takes no more (full, read-only file system)."""
        self._waiting: list[tuple[NoteSource, Outcome]] = []
        self._prefix = str(folder) + os.sep

    @property
    def queued(self) -> int:
        """How many records and pulls wait to be remembered."""
        return len(self.records) + len(self.pulls) + len(self.confirmed)

    def take_unchanged(self, note: NoteSource, name: str) -> None:
        """A note the listing (or a content check) found as it was: nothing to write."""
        self.report.unchanged_names.append(name)
        self.present[note.paper_id] = IndexEntry(
            note.paper_id, name, note.title, note.status, note.rating, note.citekey
        )

    def take(self, note: NoteSource, outcome: Outcome) -> None:
        """Count one note's outcome (once its staged write, if any, is committed)."""
        if outcome.staged is not None and not outcome.staged.done:
            self._waiting.append((note, outcome))
            return
        self.report.add(outcome)
        record = outcome.record
        if outcome.pull is not None and record is not None:
            self.pulls.append(dataclasses.replace(outcome.pull, record=record))
        elif record is not None:
            self.records.append(record)
        if record is not None and not proves(
            record.ino, record.mtime_ns, record.ctime_ns, record.checked_ns
        ):
            self.fresh.append(record)
        if outcome.kind in _PRESENT:
            self.present[note.paper_id] = IndexEntry(
                note.paper_id,
                self._relative(outcome.path),
                note.title,
                note.status,
                note.rating,
                note.citekey,
            )

    def failed(self, exc: OSError, where: Path | str) -> bool:
        """A note could not be written: reported; ``False`` when no write can succeed now."""
        if isinstance(exc, FileExistsError):  # a file appeared there while exporting
            self.report.add(Outcome(Path(exc.filename or where), "conflict"))
            return True
        self.report.errors.append(f"{exc.filename or where}: {exc.strerror or exc}")
        if files.is_final(exc):
            self.disk_full = True
            return False
        return True

    def commit(self) -> bool:
        """Make the staged notes durable and count them; ``False`` if the disk is full."""
        self.batch.commit()
        waiting, self._waiting = self._waiting, []
        going = True
        checked = time.time_ns()
        for note, outcome in waiting:
            staged = outcome.staged
            assert staged is not None
            if staged.info is not None:
                info = staged.info
                if outcome.record is not None:
                    outcome.record = dataclasses.replace(
                        outcome.record,
                        size=info.st_size,
                        mtime_ns=info.st_mtime_ns,
                        ino=info.st_ino,
                        ctime_ns=info.st_ctime_ns,
                        checked_ns=checked,
                    )
                self.take(note, outcome)
            elif isinstance(staged.error, ChangedMeanwhile):
                reason = "it changed while exporting; the next export merges it"
                left = LeftAlone(outcome.path, reason)
                self.take(note, Outcome(outcome.path, "left-alone", left_alone=left))
            elif isinstance(staged.error, OSError):
                going = self.failed(staged.error, outcome.path) and going
        return going

    def remember(self, library: Library, key: str) -> None:
        """Write the queued pulls and records into the library (after a commit)."""
        if self.pulls:
            pulls, self.pulls = self.pulls, []
            try:
                changes = pull_notes(library, key, pulls)
            except LibraryUsageError as exc:
                self.report.errors.append(str(exc))
            else:
                self.report.pulled_into_library(changes, pulls)
        if self.records:
            records, self.records = self.records, []
            remember_notes(library, key, records)
        if self.confirmed:
            confirmed, self.confirmed = self.confirmed, []
            confirm_seen(library, key, confirmed)

    def errors_with_stop(self) -> None:
        """Add the one line saying the export stopped early, last, if it did."""
        if self.disk_full and STOPPED not in self.report.errors:
            self.report.errors.append(STOPPED)

    def _relative(self, path: Path) -> str:
        text = str(path)
        if text.startswith(self._prefix):
            return text[len(self._prefix) :].replace(os.sep, "/")
        return path.name  # pragma: no cover - every note is inside the folder
