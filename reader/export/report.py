"""Collecting what an export did, note by note, into its :class:`ExportReport`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reader.export.model import ExportReport, LeftAlone, NoteConflict, PulledNote
from reader.export.vault import Outcome
from reader.library.model import Changes
from reader.library.vault_records import NotePull


class ReportBuilder:
    """The lists of an :class:`ExportReport`, filled as the export settles each note."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.unchanged_names: list[str] = []
        """Notes found unchanged by the listing (names below the folder): made paths last."""
        self.written: list[Path] = []
        self.unchanged: list[Path] = []
        self.conflicts: list[Path] = []
        self.note_conflicts: list[NoteConflict] = []
        self.merged: list[Path] = []
        self.kept_edits: list[Path] = []
        self.skipped: list[Path] = []
        self.copies: list[Path] = []
        self.left_alone: list[LeftAlone] = []
        self.errors: list[str] = []
        self.pulled: list[PulledNote] = []
        self.changes = Changes()
        self._pulling: dict[int, PulledNote] = {}

    @property
    def touched_folder(self) -> bool:
        """Whether anything was written into the folder (it is then synced to disk)."""
        return bool(self.written or self.copies)

    def add(self, outcome: Outcome) -> None:
        """Count one note's outcome."""
        lists = {
            "written": self.written,
            "unchanged": self.unchanged,
            "conflict": self.conflicts,
            "deleted": self.skipped,
        }
        if outcome.kind in lists:
            lists[outcome.kind].append(outcome.path)
        elif outcome.kind == "left-alone" and outcome.left_alone is not None:
            self.left_alone.append(outcome.left_alone)
        elif outcome.kind == "error":
            self.errors.append(outcome.message)
        if outcome.conflict is not None:
            self.note_conflicts.append(outcome.conflict)
        if outcome.copy is not None:
            self.copies.append(outcome.copy)
        if outcome.merged:
            self.merged.append(outcome.path)
        if outcome.kept_edits:
            self.kept_edits.append(outcome.path)
        if outcome.pulled is not None:
            self._pulling[outcome.pulled.paper_id] = outcome.pulled

    def pulled_into_library(self, changes: Changes, pulls: Sequence[NotePull]) -> None:
        """Record which pulls the library took (a note edited meanwhile in the window is not)."""
        self.changes = self.changes | changes
        for pull in pulls:
            pulled = self._pulling.pop(pull.paper_id, None)
            if pulled is not None and pull.paper_id in changes.paper_ids:
                self.pulled.append(pulled)

    def build(self, *, cancelled: bool) -> ExportReport:
        """The report."""
        folder = self.folder
        unchanged = self.unchanged + [folder / name for name in self.unchanged_names]
        return ExportReport(
            written=self.written,
            unchanged=unchanged,
            conflicts=self.conflicts,
            note_conflicts=self.note_conflicts,
            merged=self.merged,
            pulled=self.pulled,
            kept_edits=self.kept_edits,
            left_alone=self.left_alone,
            skipped_deleted=self.skipped,
            conflict_copies=self.copies,
            errors=self.errors,
            changes=self.changes,
            cancelled=cancelled,
        )
