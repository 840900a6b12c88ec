"""What an export is asked to do and what it did: plain frozen records for the CLI and the window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.export.sandbox import TIME_LIMIT
from reader.library import Changes, PaperFilter

DEFAULT_INDEX_NAME = "Reading list.md"


@dataclass(frozen=True)
class ExportOptions:
    """What to export, where, and how: the choices of the export dialog and of the CLI.

    ``paper_ids`` (the window's selection) overrides ``view``; with neither, every paper
    is exported. ``template`` is a Jinja2 file of the user's (``None``: the built-in one).
    ``index_name`` is the index note's file name; ``""`` writes no index.
    ``template_seconds`` is how long one note may take to render.
    """

    folder: Path
    view: PaperFilter | None = None
    paper_ids: Sequence[int] | None = None
    template: Path | None = None
    force: bool = False
    recreate: bool = False
    index_name: str = DEFAULT_INDEX_NAME
    template_seconds: float = TIME_LIMIT


@dataclass(frozen=True, slots=True)
class PulledNote:
    """A note edited in the vault and brought into the library: what it was and now is.

    The window's undo sets ``old`` back with ``Library.set_note(paper_id, old)``.
    """

    paper_id: int
    path: Path
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class NoteConflict:
    """A note section changed both in the library and in the vault since the last export.

    Nothing was changed: ``library_text`` is still the library's note and ``vault_text``
    still in the file. Both are here to be shown side by side and resolved.
    """

    paper_id: int
    path: Path
    library_text: str
    vault_text: str


@dataclass(frozen=True, slots=True)
class LeftAlone:
    """A note file the export could not safely read or merge, and did not touch."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}; left alone"


@dataclass(frozen=True)
class ExportReport:
    """What an export did, file by file, for the CLI's output and the window's result dialog."""

    written: list[Path] = field(default_factory=list)
    unchanged: Sequence[Path] = field(default_factory=list)
    """Notes found as they should be (made paths when looked at: there can be very many)."""
    conflicts: list[Path] = field(default_factory=list)
    """Notes whose note section changed on both sides (see ``note_conflicts``): left as
    the user made them."""
    note_conflicts: list[NoteConflict] = field(default_factory=list)
    """The conflicts with both texts, for a side-by-side resolution."""
    merged: list[Path] = field(default_factory=list)
    """Notes edited in the vault whose edits were kept while Papershelf's parts were
    updated (also in ``written``)."""
    pulled: list[PulledNote] = field(default_factory=list)
    """Notes whose text came back from the vault into the library (undo: ``old``)."""
    kept_edits: list[Path] = field(default_factory=list)
    """Notes where the user edited a part Papershelf generates: kept as the user left it."""
    left_alone: list[LeftAlone] = field(default_factory=list)
    """Notes that could not be read or merged safely (front matter that does not parse,
    no note-section markers, not UTF-8, too large, read-only…): untouched."""
    changes: Changes = field(default_factory=Changes)
    """What the export changed in the library (the pulled notes), for the window."""
    skipped_deleted: list[Path] = field(default_factory=list)
    """Notes deleted in the vault: not re-created (``recreate`` would)."""
    conflict_copies: list[Path] = field(default_factory=list)
    """Where ``force`` kept the user's versions before overwriting them."""
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        """Whether every note could be handled (conflicts are not errors)."""
        return not self.errors and not self.cancelled

    @property
    def needs_attention(self) -> bool:
        """Whether the user has something to resolve: conflicts, notes left alone, errors."""
        return bool(self.conflicts or self.left_alone or self.errors)

    def summary(self) -> str:
        """One line for people: ``12 written, 300 unchanged, 2 conflicts``."""
        parts = [
            f"{len(self.written)} written",
            f"{len(self.unchanged)} unchanged",
            _plural(len(self.conflicts), "conflict", "conflicts"),
        ]
        if self.merged:
            parts.append(f"{len(self.merged)} merged with your edits")
        if self.pulled:
            parts.append(_plural(len(self.pulled), "note brought back", "notes brought back"))
        if self.left_alone:
            parts.append(f"{len(self.left_alone)} left alone")
        if self.skipped_deleted:
            parts.append(f"{len(self.skipped_deleted)} deleted in the vault (not re-created)")
        if self.conflict_copies:
            parts.append(_plural(len(self.conflict_copies), "conflict copy", "conflict copies"))
        if self.errors:
            parts.append(_plural(len(self.errors), "error", "errors"))
        return ", ".join(parts) + (" (cancelled)" if self.cancelled else "")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
