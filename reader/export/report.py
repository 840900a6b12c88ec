"""Collecting what an export did, note by note, into its :class:`ExportReport`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import overload

from reader.export.model import ExportReport, LeftAlone, NoteConflict, PulledNote
from reader.export.vault import Outcome
from reader.library.model import Changes
from reader.library.vault_records import NotePull


class NotePaths(Sequence[Path]):
    """Paths of notes below a folder, each made when it is asked for: an unchanged re-export
    of 10,000 notes reports 10,000 of them, most never looked at."""

    def __init__(self, paths: list[Path], folder: Path, names: list[str]) -> None:
        self._paths = paths
        self._folder = folder
        self._names = names

    def __len__(self) -> int:
        return len(self._paths) + len(self._names)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> list[Path]: ...

    def __getitem__(self, index: int | slice) -> Path | list[Path]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        known = len(self._paths)
        return self._paths[index] if index < known else self._folder / self._names[index - known]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # not hashable, like a list

    def __repr__(self) -> str:
        return f"NotePaths({list(self)!r})"


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
        unchanged = NotePaths(self.unchanged, self.folder, self.unchanged_names)
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
