"""Settling one paper's note with the vault: find it, read it, merge it, write it back.

For each paper the export has (see :mod:`reader.export.notes`), :class:`VaultNotes`
decides, in this order:

1. **Where the note is.** At the path the library remembers; if nothing is there, at the
   path of the Markdown file below the folder whose front matter has this
   ``papershelf_id`` (renamed or moved in the vault); else it was deleted in the vault
   and is not re-created unless ``recreate``.
2. **Whether anything changed.** Same inputs as last time and the folder's listing
   proving the file is as last seen (:mod:`reader.export.listing`, done by the caller
   before it calls :meth:`VaultNotes.settle`): unchanged, without reading it.
3. **The merge.** The file is read (and must be UTF-8 text with front matter that parses
   and both note-section markers, else it is left alone and reported), and merged three
   ways (:mod:`reader.export.merge`) with what Papershelf renders now, against the base
   remembered from the last export. A note section changed only in the vault is pulled
   into the library (:func:`reader.library.vault_records.pull_notes`); changed on both
   sides it is a conflict: the file stays as it is and both texts are reported.
4. **The write**, only when the merged text differs from the file, only into a file that
   is not read-only; Windows line endings and a BOM are written back as the file had
   them. It is staged in the folder's :class:`~reader.export.batch.WriteBatch` (the
   outcome's ``staged``): the export commits a batch of notes with one wait for the
   disk, and a note changed since it was read is not replaced then.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from reader.export import files
from reader.export.batch import StagedWrite, WriteBatch
from reader.export.merge import merge_note
from reader.export.model import LeftAlone, NoteConflict, PulledNote
from reader.export.sections import FileText, NoteFormatError, decode_file, split_note
from reader.library.model import Paper
from reader.library.store import MAX_NOTE_CHARS
from reader.library.vault_records import NotePull, NoteRecord, VaultState

TOO_LONG = f"its note is longer than {MAX_NOTE_CHARS:,} characters, more than the library keeps"
Render = Callable[[Paper], str]
"""Renders a paper's note (``\\n`` line endings); raises ExportError."""


@dataclass(slots=True)
class Outcome:
    """What became of one note, for the report (every list holds at most one item)."""

    path: Path
    kind: str
    """``written``, ``unchanged``, ``conflict``, ``deleted``, ``left-alone``, ``error``."""
    record: NoteRecord | None = None
    pull: NotePull | None = None
    pulled: PulledNote | None = None
    conflict: NoteConflict | None = None
    left_alone: LeftAlone | None = None
    message: str = ""
    copy: Path | None = None
    """Where ``force`` kept the user's version."""
    staged: StagedWrite | None = None
    """The write, when it waits in the batch (the outcome counts once it is committed)."""
    merged: bool = False
    """Written with the user's edits kept (the file differed from what was written last)."""
    kept_edits: bool = False


class VaultNotes:
    """The notes of one folder, settled one paper at a time."""

    def __init__(self, folder: Path, *, recreate: bool, force: bool) -> None:
        self.folder = folder
        self.recreate = recreate
        self.force = force
        self._by_id: dict[int, list[str]] | None = None
        self.batch = WriteBatch(folder)
        """The notes written and not yet committed (see :mod:`reader.export.batch`)."""

    # ------------------------------------------------------------------ locating

    def locate(self, paper_id: int, name: str) -> str | None:
        """Where the paper's note is now: ``name``, where it was moved, or ``None`` (deleted)."""
        if files.exists(self.folder / name):
            return name
        if self._by_id is None:
            self._by_id = files.find_notes_by_id(self.folder)
        found = self._by_id.get(paper_id, [])
        return found[0] if len(found) == 1 else None

    # ------------------------------------------------------------------ settling

    def settle(
        self,
        paper_id: int,
        whole: Callable[[], Paper],
        state: VaultState,
        fingerprint: str,
        ours: str | None,
        base: Callable[[], str | None],
        render: Render,
    ) -> Outcome:
        """Settle a note exported here before; ``ours`` is ``None`` when inputs are unchanged.

        The file is always read: the caller has found it changed, or not proven unchanged.
        ``whole()`` reads the whole paper, only when needed (to render it, or for its note
        in a conflict or a pull): a note edited in the user's own parts never needs it.
        """
        name = self.locate(paper_id, state.name)
        if name is None:
            path = self.folder / state.name
            if not self.recreate:
                return Outcome(path, "deleted")
            text = ours if ours is not None else render(whole())
            return self.write_new(paper_id, state.name, text, fingerprint)
        path = self.folder / name
        if not files.is_inside(self.folder, name):
            return Outcome(
                path, "error", message=f"{path}: leads outside the export folder; left alone"
            )
        try:
            found = files.read_note(path)
        except files.NotARegularFile:
            return Outcome(
                path,
                "error",
                message=f"{path}: not a regular file (a link or a folder); left alone",
            )
        except files.NoteTooLarge:
            return self._alone(path, f"larger than {files.MAX_NOTE_BYTES // 2**20} MB")
        if found is None:  # pragma: no cover - removed between looking and reading
            return Outcome(path, "deleted")
        data, info = found
        sha = files.sha256(data)
        if ours is None and sha == state.sha256:
            return Outcome(
                path, "unchanged", record=self._record(paper_id, name, sha, fingerprint, None, info)
            )
        try:
            file = decode_file(data)
        except NoteFormatError as exc:
            return self._unreadable(
                paper_id, path, name, data, ours, render, whole, fingerprint, exc
            )
        last = base()
        current = ours if ours is not None else last
        if current is None:
            current = render(whole())
        if last is None:
            if sha == state.sha256:
                # Untouched since an export that kept no base (an older Papershelf): replaced.
                return self._write_merged(
                    paper_id, path, name, file, info, data, current, current, fingerprint
                )
            return self._unmerged(whole(), path, name, data, current, fingerprint)
        try:
            merged = merge_note(last, current, file.text)
        except NoteFormatError as exc:
            return self._unreadable(
                paper_id, path, name, data, current, render, whole, fingerprint, exc
            )
        if merged.conflict:
            return self._conflict(
                whole(), path, name, data, file, current, fingerprint, merged.vault_note
            )
        pull = None
        if merged.pulled and len(merged.vault_note) > MAX_NOTE_CHARS:
            return self._alone(path, TOO_LONG)  # before anything is written
        if merged.pulled:
            current = render(replace(whole(), note=merged.vault_note))
            try:
                merged = merge_note(last, current, file.text)
            except NoteFormatError as exc:  # pragma: no cover - the same file parsed above
                return self._alone(path, str(exc))
            pull = merged.vault_note
        outcome = self._write_merged(
            paper_id,
            path,
            name,
            file,
            info,
            data,
            merged.text,
            None if current == last else current,  # None: the remembered base stays
            fingerprint if pull is None else None,
        )
        outcome.kept_edits = merged.kept_edits
        outcome.merged = outcome.kind == "written" and sha != state.sha256
        if pull is not None and outcome.record is not None:
            # Remembered together with the pull, once the file is on disk.
            old = whole().note
            outcome.pull = NotePull(paper_id, old, pull, outcome.record)
            outcome.pulled = PulledNote(paper_id, path, old, pull)
        return outcome

    def _unreadable(
        self,
        paper_id: int,
        path: Path,
        name: str,
        data: bytes,
        ours: str | None,
        render: Render,
        whole: Callable[[], Paper],
        fingerprint: str,
        exc: NoteFormatError,
    ) -> Outcome:
        """A file that cannot be merged: left alone, or with ``force`` kept as a copy and replaced."""
        if not self.force:
            return self._alone(path, str(exc))
        return self._forced(paper_id, path, name, data, ours or render(whole()), fingerprint)

    def _alone(self, path: Path, reason: str) -> Outcome:
        return Outcome(path, "left-alone", left_alone=LeftAlone(path, reason))

    def _record(
        self,
        paper_id: int,
        name: str,
        sha: str,
        fingerprint: str | None,
        base: str | None,
        info: os.stat_result | None,
    ) -> NoteRecord:
        if info is None:
            return NoteRecord(paper_id, name, sha, fingerprint, base, None, None)
        return NoteRecord(
            paper_id,
            name,
            sha,
            fingerprint,
            base,
            info.st_size,
            info.st_mtime_ns,
            info.st_ino,
            info.st_ctime_ns,
            time.time_ns(),
        )

    def _write_merged(
        self,
        paper_id: int,
        path: Path,
        name: str,
        file: FileText,
        info: os.stat_result,
        data: bytes,
        text: str,
        base: str | None,
        fingerprint: str | None,
    ) -> Outcome:
        new = file.encode(text)
        if new == data:  # nothing to write: remember the base and the file as found
            record = self._record(paper_id, name, files.sha256(data), fingerprint, base, info)
            return Outcome(path, "unchanged", record=record)
        if files.is_read_only(info):
            return self._alone(path, "the file is read-only")
        staged = self.batch.stage(
            name, new, replace=True, expect=(info.st_size, info.st_mtime_ns)
        )  # not replaced if it changes before the commit
        record = self._record(paper_id, name, files.sha256(new), fingerprint, base, None)
        return Outcome(path, "written", record=record, staged=staged)

    def write_new(self, paper_id: int, name: str, text: str, fingerprint: str) -> Outcome:
        """A new note file at ``name`` (staged; never replacing a file that appears there)."""
        data = text.encode("utf-8", "replace")
        staged = self.batch.stage(name, data, replace=False)
        record = self._record(paper_id, name, files.sha256(data), fingerprint, text, None)
        return Outcome(staged.target, "written", record=record, staged=staged)

    def _unmerged(
        self, paper: Paper, path: Path, name: str, data: bytes, ours: str, fingerprint: str
    ) -> Outcome:
        """A file edited since an export that kept no base: nothing to merge against."""
        if not self.force:
            return Outcome(
                path,
                "conflict",
                conflict=NoteConflict(paper.id, path, paper.note, _vault_note(data)),
                message="edited since an export by an older Papershelf, which kept no base",
            )
        return self._forced(paper.id, path, name, data, ours, fingerprint)

    def _conflict(
        self,
        paper: Paper,
        path: Path,
        name: str,
        data: bytes,
        file: FileText,
        ours: str,
        fingerprint: str,
        vault_note: str,
    ) -> Outcome:
        if self.force:
            return self._forced(paper.id, path, name, data, ours, fingerprint)
        return Outcome(
            path, "conflict", conflict=NoteConflict(paper.id, path, paper.note, vault_note)
        )

    def _forced(
        self, paper_id: int, path: Path, name: str, data: bytes, ours: str, fingerprint: str
    ) -> Outcome:
        """``force``: keep the user's version as a conflict copy, then write Papershelf's."""
        copy = files.write_conflict_copy(path.parent, path.name, data)
        new = ours.encode("utf-8", "replace")
        files.write_note(self.folder, name, new, replace=True)
        record = self._record(paper_id, name, files.sha256(new), fingerprint, ours, _stat(path))
        return Outcome(path, "written", record=record, copy=copy)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:  # pragma: no cover - removed right after writing
        return None


def _vault_note(data: bytes) -> str:
    """The note section of a file, when it has one (for showing a conflict), else the file."""
    try:
        text = decode_file(data).text
    except NoteFormatError:
        return data.decode("utf-8", "replace")
    try:
        return split_note(text).section.removesuffix("\n")
    except NoteFormatError:
        return text


def write_index_note(
    folder: Path, name: str, data: bytes, recorded: str | None, *, force: bool
) -> Outcome:
    """Write the index note, Papershelf's alone: replaced only if it is what was written last.

    Edited in the vault it is a conflict (with ``force``: kept as a conflict copy, then
    replaced).
    """
    path = folder / name
    try:
        found = files.read_note(path)
        if found is not None and files.sha256(found[0]) == files.sha256(data):
            return Outcome(path, "unchanged")
        if found is None or files.sha256(found[0]) == recorded:
            files.write_note(folder, name, data, replace=found is not None)
            return Outcome(path, "written")
        if force:
            copy = files.write_conflict_copy(folder, name, found[0])
            files.write_note(folder, name, data, replace=True)
            return Outcome(path, "written", copy=copy)
        return Outcome(path, "conflict")
    except (files.NotARegularFile, files.NoteTooLarge):
        return Outcome(
            path, "error", message=f"{path}: not a note file Papershelf can replace; left alone"
        )
    except FileExistsError:
        return Outcome(path, "conflict")
    except OSError as exc:
        return Outcome(path, "error", message=f"{path}: {exc.strerror or exc}")
