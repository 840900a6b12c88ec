"""What an export is asked to do and what it did: plain frozen records for the CLI and the window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.library import PaperFilter

DEFAULT_INDEX_NAME = "Reading list.md"


@dataclass(frozen=True)
class ExportOptions:
    """What to export, where, and how: the choices of the export dialog and of the CLI.

    ``paper_ids`` (the window's selection) overrides ``view``; with neither, every paper
    is exported. ``template`` is a Jinja2 file of the user's (``None``: the built-in one).
    ``index_name`` is the index note's file name; ``""`` writes no index.
    """

    folder: Path
    view: PaperFilter | None = None
    paper_ids: Sequence[int] | None = None
    template: Path | None = None
    force: bool = False
    recreate: bool = False
    index_name: str = DEFAULT_INDEX_NAME


@dataclass(frozen=True)
class ExportReport:
    """What an export did, file by file, for the CLI's output and the window's result dialog."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    conflicts: list[Path] = field(default_factory=list)
    """Notes edited in the vault since the last export: left as the user made them."""
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

    def summary(self) -> str:
        """One line for people: ``12 written, 300 unchanged, 2 conflicts``."""
        parts = [
            f"{len(self.written)} written",
            f"{len(self.unchanged)} unchanged",
            _plural(len(self.conflicts), "conflict", "conflicts"),
        ]
        if self.skipped_deleted:
            parts.append(f"{len(self.skipped_deleted)} deleted in the vault (not re-created)")
        if self.conflict_copies:
            parts.append(_plural(len(self.conflict_copies), "conflict copy", "conflict copies"))
        if self.errors:
            parts.append(_plural(len(self.errors), "error", "errors"))
        return ", ".join(parts) + (" (cancelled)" if self.cancelled else "")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
