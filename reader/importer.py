"""Importing digest files: file → parse → one transaction → an :class:`ImportReport`.

The importer reads the user's files and never moves, renames or deletes them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from reader import __version__
from reader.digests import (
    DigestError,
    DigestReadError,
    UnknownFormatError,
    parse_bytes,
)
from reader.digests.source import read_digest_bytes
from reader.library import Changes, DigestStatus, Library, LibraryError
from reader.library.ingest import SourceFile, record_digest, record_failure

TEXT_SUFFIXES = frozenset(
    {"", ".txt", ".text", ".md", ".markdown", ".json", ".html", ".htm", ".xml", ".rss",
     ".atom", ".eml", ".mbox", ".bib", ".ris"}
)  # fmt: skip
"""Files with these endings are reported when they are not a digest; others are skipped."""

log = logging.getLogger(__name__)

STORE_BUG = (
    "internal error while storing this file's papers; please report it "
    "(the details are in Papershelf's log)"
)

TEMPORARY_PATTERNS = (".part", ".crdownload", ".tmp", ".download", ".partial", ".swp", "~")


def is_candidate_name(name: str) -> bool:
    """Whether a file name may be a finished digest (not hidden, not a download in progress)."""
    lowered = name.lower()
    return not (
        name.startswith((".", "~$", "~"))
        or lowered.endswith(TEMPORARY_PATTERNS)
        or lowered in {"desktop.ini", "thumbs.db"}
    )


class ImportOutcome(StrEnum):
    """What happened to one file."""

    IMPORTED = "imported"
    ALREADY_IMPORTED = "already imported"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The result of importing one file, with a one-line summary for people."""

    path: Path
    outcome: ImportOutcome
    message: str = ""
    digest_id: int | None = None
    entries: int = 0
    new: int = 0
    updated: int = 0
    warnings: tuple[str, ...] = ()
    changes: Changes = field(default_factory=Changes)

    @property
    def ok(self) -> bool:
        """False only for a failed file."""
        return self.outcome is not ImportOutcome.FAILED

    def summary(self) -> str:
        """``imported: 12 new, 3 updated`` / ``already imported`` / ``failed: line 4: …``."""
        if self.outcome is ImportOutcome.IMPORTED:
            return f"imported: {self.new} new, {self.updated} updated ({self.entries} papers)"
        if self.outcome is ImportOutcome.FAILED:
            return f"failed: {self.message}"
        if self.outcome is ImportOutcome.SKIPPED:
            return f"skipped: {self.message}" if self.message else "skipped"
        return "already imported"


class Importer:
    """Imports digest files into one :class:`Library` (used from the library's thread)."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def import_file(
        self,
        path: str | os.PathLike[str],
        *,
        quiet_unknown: bool = False,
        captured_at: datetime | None = None,
    ) -> ImportReport:
        """Import one file.

        With ``quiet_unknown`` (folder scans, the watcher), a file that is no digest and has
        no text-like ending (an image, a PDF) is skipped without a log entry.

        Every outcome is written to Papershelf's log file (:mod:`reader.logs`): imports at
        INFO, failures at WARNING, skipped files at DEBUG.
        """
        report = self._import_file(Path(path), quiet_unknown, captured_at)
        if report.outcome is ImportOutcome.FAILED:
            log.warning("%s: %s", report.path, report.summary())
        elif report.outcome is ImportOutcome.SKIPPED:
            log.debug("%s: %s", report.path, report.summary())
        else:
            log.info("%s: %s", report.path, report.summary())
        return report

    def _import_file(
        self, path: Path, quiet_unknown: bool, captured_at: datetime | None
    ) -> ImportReport:
        # A name that is not valid UTF-8 (surrogate escapes) is stored readable, not raw.
        shown = (
            os.path.normpath(path.absolute())
            .encode("utf-8", "surrogateescape")
            .decode("utf-8", "replace")
        )
        try:
            data = read_digest_bytes(path)
        except DigestReadError as exc:
            if quiet_unknown and path.suffix.lower() not in TEXT_SUFFIXES:
                # A 2 GB video in the downloads folder is no failed digest either.
                return ImportReport(path, ImportOutcome.SKIPPED, str(exc))
            source = SourceFile(shown, None, None, __version__)
            record_failure(self.library, source, str(exc))
            return ImportReport(path, ImportOutcome.FAILED, str(exc), changes=Changes(digests=True))
        sha = hashlib.sha256(data).hexdigest()
        source = SourceFile(shown, len(data), sha, __version__)
        known = self.library.digest_by_sha256(sha)
        if known is not None and known.status is DigestStatus.IMPORTED:
            return ImportReport(path, ImportOutcome.ALREADY_IMPORTED, digest_id=known.id)
        if known is not None and self._same_parser(known.id):
            # Failed before with these exact bytes: not retried until the content changes.
            return ImportReport(
                path, ImportOutcome.FAILED, known.error or "failed", digest_id=known.id
            )
        if captured_at is None:
            captured_at = _mtime(path)
        try:
            digest = parse_bytes(data, captured_at=captured_at)
        except UnknownFormatError as exc:
            if quiet_unknown and path.suffix.lower() not in TEXT_SUFFIXES:
                return ImportReport(path, ImportOutcome.SKIPPED, "not a digest")
            return self._failed(path, source, str(exc))
        except DigestError as exc:
            return self._failed(path, source, str(exc))
        try:
            result = record_digest(self.library, source, digest)
        except (LibraryError, sqlite3.Error, OSError, MemoryError):
            raise  # the library's or the system's trouble (locked, full, I/O): not the file's
        except Exception:
            # Our bug, met on this file: logged, the file marked failed, the next one read.
            log.exception("internal error while storing %s", shown)
            return self._failed(path, source, STORE_BUG)
        if result is None:  # another process imported the same bytes meanwhile
            return ImportReport(path, ImportOutcome.ALREADY_IMPORTED)
        return ImportReport(
            path,
            ImportOutcome.IMPORTED,
            digest_id=result.digest_id,
            entries=result.entries,
            new=result.new,
            updated=result.updated,
            warnings=digest.warnings,
            changes=result.changes,
        )

    def import_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        recursive: bool = True,
        on_report: Callable[[ImportReport], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[ImportReport]:
        """Import files and every candidate file inside folders, in name order.

        ``on_report`` is called after each file; ``cancelled`` is polled between files (a
        file already started finishes: its transaction is all or nothing anyway).
        """
        reports: list[ImportReport] = []
        for path, explicit in expand_paths(paths, recursive=recursive):
            if cancelled is not None and cancelled():
                break
            report = self.import_file(path, quiet_unknown=not explicit)
            reports.append(report)
            if on_report is not None:
                on_report(report)
        return reports

    def _same_parser(self, digest_id: int) -> bool:
        return self.library.digest_parser(digest_id) == __version__

    def _failed(self, path: Path, source: SourceFile, message: str) -> ImportReport:
        digest_id = record_failure(self.library, source, message)
        return ImportReport(
            path, ImportOutcome.FAILED, message, digest_id=digest_id, changes=Changes(digests=True)
        )


def expand_paths(
    paths: Iterable[str | os.PathLike[str]], *, recursive: bool = True
) -> Iterator[tuple[Path, bool]]:
    """Files to import: ``(path, named_explicitly)``; folders expand to their candidate files."""
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield path, True
            continue
        yield from ((child, False) for child in sorted(_candidate_files(path, recursive)))


def _candidate_files(root: Path, recursive: bool) -> list[Path]:
    """Candidate files under ``root``, walked with a stack (any depth, no recursion).

    Hidden and temporary names are skipped with everything below them; links to folders
    are not followed (a link loop would never end), links to files are.
    """
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for item in entries:
            if not is_candidate_name(item.name):
                continue
            try:
                if item.is_dir(follow_symlinks=False):
                    if recursive:
                        stack.append(Path(item.path))
                elif item.is_file():
                    found.append(Path(item.path))
            except OSError:
                continue
    return found


def _mtime(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return datetime.now(UTC)
