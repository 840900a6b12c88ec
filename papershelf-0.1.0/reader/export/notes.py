"""Exporting papers as Markdown notes into a vault folder without ever losing the user's edits.

How a run goes:

1. Compile the template and check the folder's path (nothing written yet).
2. Render every note in memory and hash it. A template that fails on any paper stops the
   export here, with an :class:`ExportError` and nothing written.
3. Create the folder if needed and prove it writable with a probe file.
4. Settle each note against what the library remembers having written into this folder
   (file name and SHA-256, per paper):

   - same text as last time → left alone (its mtime stays), ``unchanged``;
   - new text, and the file is what we last wrote → replaced atomically, ``written``;
   - the file differs from what we wrote (edited in the vault) → left alone and reported
     in ``conflicts``; with ``force`` the user's version is first kept in a
     ``.conflict.md`` copy, then the note is replaced;
   - the file is gone (deleted in the vault) → not re-created (``skipped_deleted``)
     unless ``recreate``;
   - never exported here → a new file whose name comes from the title; the name is then
     the paper's for good in this folder, even if its title is corrected later. A file
     already at that name is never replaced: the next name (``Title (2).md``) is used,
     unless the file is this paper's own note from an export the library has no record
     of (a moved or synced vault): then it is taken over as unchanged or as a conflict.

5. Write the index note the same way, listing every paper with a note in the folder.

Nothing in the vault is ever deleted. Records are kept per folder (its absolute path with
links resolved), so exporting to two vaults keeps two independent histories.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader import __version__
from reader.export import files
from reader.export.errors import ExportError
from reader.export.index import IndexEntry, render_index
from reader.export.model import ExportOptions, ExportReport
from reader.export.names import is_safe_name, name_key, note_name, note_stem
from reader.export.templates import NoteTemplate, note_context
from reader.library.model import Paper, Status
from reader.library.store import Library
from reader.query import QueryError

INDEX_ID = 0
"""The paper id under which a folder's index note is remembered (paper ids start at 1)."""
_BATCH = 500
_HEAD_BYTES = 8192

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def export_notes(
    library: Library,
    options: ExportOptions,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportReport:
    """Export papers as Markdown notes into ``options.folder``; see the module docstring.

    Runs on the caller's thread with the caller's ``library`` (the window runs it on the
    library worker). ``progress(done, total)`` is called now and then; ``cancelled()`` is
    polled between notes (a cancelled export keeps what it wrote, and remembers it).

    Raises :class:`ExportError` when the export cannot run (nothing is written then), and
    the library's errors when the library cannot be read or updated.
    """
    template = (
        NoteTemplate.from_file(Path(options.template))
        if options.template is not None
        else NoteTemplate.bundled()
    )
    index_name = _index_name(options.index_name)
    folder = files.absolute_folder(Path(options.folder))
    files.check_folder(folder)
    return _Export(library, options, folder, template, index_name, progress, cancelled).run()


def _index_name(name: str) -> str | None:
    name = name.strip()
    if not name:
        return None
    if not name.lower().endswith(".md"):
        name += ".md"
    if not is_safe_name(name):
        raise ExportError(
            f"{name!r} cannot be the index note's name: use a plain file name "
            'without / \\ : * ? " < > | and not starting with a dot'
        )
    return name


@dataclass(slots=True)
class _Note:
    """One file to settle: its name, what to write and what was written there last."""

    paper_id: int
    name: str
    sha: str
    data: bytes | None
    """``None`` when the text equals what was last written (and need not be re-created)."""
    recorded: str | None
    """SHA-256 of what the last export wrote, ``None`` if it never wrote this note."""
    title: str = ""
    status: Status = Status.INBOX
    rating: int = 0


class _Export:
    """The state of one export run."""

    def __init__(
        self,
        library: Library,
        options: ExportOptions,
        folder: Path,
        template: NoteTemplate,
        index_name: str | None,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> None:
        self.library = library
        self.options = options
        self.folder = folder
        self.key = os.path.normcase(str(folder))  # one history per folder, any spelling
        self.template = template
        self.index_name = index_name
        self._progress = progress
        self._cancelled = cancelled or (lambda: False)
        self._shown = -1
        self._done = 0
        self._total = 1
        self.inputs = library.export_inputs(self.key)
        self.fingerprints: dict[int, str] = {}
        self.settled_inputs: dict[int, str] = {}
        records = library.export_records(self.key)
        self.index_record = records.pop(INDEX_ID, None)
        # A remembered name that is not a plain, safe file name is forgotten, never used.
        self.records = {pid: rec for pid, rec in records.items() if is_safe_name(rec[0])}
        self.taken = {name_key(name) for name, _ in self.records.values()}
        if index_name is not None:
            owner = next(
                (
                    pid
                    for pid, (n, _) in self.records.items()
                    if name_key(n) == name_key(index_name)
                ),
                None,
            )
            if owner is not None:
                raise ExportError(
                    f"{index_name!r} is already the note of paper {owner} in {folder}; "
                    "choose another name for the index"
                )
            self.taken.add(name_key(index_name))
        self.on_disk = {name_key(n): n for n in files.folder_names(folder)}
        self.notes: list[_Note] = []
        self.present: dict[int, _Note] = {}
        self.pending: list[tuple[int, str, str]] = []
        self.written: list[Path] = []
        self.unchanged: list[Path] = []
        self.conflicts: list[Path] = []
        self.skipped: list[Path] = []
        self.copies: list[Path] = []
        self.errors: list[str] = []

    # ------------------------------------------------------------------ the run

    def run(self) -> ExportReport:
        ids, wanted = self._selection()
        self._total = 2 * len(ids) + 1
        if not self._render_all(ids):
            return self._report(cancelled=True)
        if wanted is not None:
            missing = sorted(set(wanted) - {n.paper_id for n in self.notes})
            self.errors.extend(f"there is no paper with id {i}" for i in missing)
        files.prepare_folder(self.folder)
        stopped = False
        try:
            for note in self.notes:
                if self._cancelled():
                    return self._report(cancelled=True)
                if not self._settle_safely(note):
                    stopped = True
                    break
                self._advance()
                if len(self.pending) >= _BATCH:
                    self._remember()
            if not stopped and self.index_name is not None:
                if self._cancelled():
                    return self._report(cancelled=True)
                index = self._index_note(self.index_name)
                if index is not None:
                    self._settle_safely(index)
            self._advance(final=True)
        finally:
            self._remember()
            if self.written or self.copies:
                files.sync_folder(self.folder)
        return self._report(cancelled=False)

    def _report(self, *, cancelled: bool) -> ExportReport:
        return ExportReport(
            written=self.written,
            unchanged=self.unchanged,
            conflicts=self.conflicts,
            skipped_deleted=self.skipped,
            conflict_copies=self.copies,
            errors=self.errors,
            cancelled=cancelled,
        )

    def _selection(self) -> tuple[list[int], list[int] | None]:
        if self.options.paper_ids is not None:
            wanted = sorted({int(i) for i in self.options.paper_ids})
            return wanted, wanted
        try:
            return sorted(self.library.paper_ids(self.options.view)), None
        except QueryError as exc:
            raise ExportError(str(exc)) from None

    def _advance(self, *, final: bool = False) -> None:
        self._done = self._total if final else self._done + 1
        if self._progress is None:
            return
        step = max(self._total // 200, 1)
        if final or self._done // step != self._shown:
            self._shown = self._done // step
            self._progress(min(self._done, self._total), self._total)

    # ------------------------------------------------------------------ rendering

    def _render_all(self, ids: Sequence[int]) -> bool:
        """Render every note; ``False`` if cancelled. Raises ExportError for a bad template."""
        for start in range(0, len(ids), _BATCH):
            if self._cancelled():
                return False
            for paper in self.library.papers_by_id(ids[start : start + _BATCH]):
                fingerprint = _fingerprint(paper, self.template.fingerprint)
                self.fingerprints[paper.id] = fingerprint
                record = self.records.get(paper.id)
                if (
                    record is not None
                    and self.inputs.get(paper.id) == fingerprint
                    and not self.options.recreate
                ):
                    # Made from exactly these inputs last time: the same text, not rendered.
                    last_name, last_sha = record
                    self.notes.append(
                        _Note(
                            paper.id,
                            last_name,
                            last_sha,
                            None,
                            last_sha,
                            paper.title,
                            paper.status,
                            paper.rating,
                        )
                    )
                    self._advance()
                    continue
                short = paper.title if len(paper.title) <= 60 else paper.title[:59] + "…"
                text = self.template.render(note_context(paper), f"paper {paper.id} ({short!r})")
                data = _encode(text)
                sha = files.sha256(data)
                if record is not None:
                    name, recorded = record
                    keep = sha != recorded or (
                        self.options.recreate and not files.exists(self.folder / name)
                    )
                else:
                    name, recorded, keep = self._allocate(paper.id, paper.title, data), None, True
                self.notes.append(
                    _Note(
                        paper.id,
                        name,
                        sha,
                        data if keep else None,
                        recorded,
                        paper.title,
                        paper.status,
                        paper.rating,
                    )
                )
                self._advance()
        return True

    def _allocate(self, paper_id: int, title: str, data: bytes) -> str:
        """A new, unused name for a paper's first note in this folder.

        A name already on disk is skipped, unless that file is this paper's note from an
        export the library has no record of (the vault was moved or synced from another
        copy, the records were lost): then it is taken over, so the paper does not get a
        second note. Identical, it is simply unchanged; different, it is a conflict.
        """
        stem = note_stem(title) or f"Paper {paper_id}"
        for number in itertools.count(1):
            name = note_name(stem, number)
            key = name_key(name)
            if key in self.taken:
                continue
            existing = self.on_disk.get(key)
            if existing is not None:
                if not self._is_note_of(existing, paper_id, data):
                    continue
                name = existing
            self.taken.add(key)
            return name
        raise AssertionError("unreachable")  # pragma: no cover

    def _is_note_of(self, name: str, paper_id: int, data: bytes) -> bool:
        """Whether the unrecorded file ``name`` holds this note or says it is this paper's."""
        path = self.folder / name
        try:
            if not files.is_inside(self.folder, name):
                return False
            found = files.read_note(path)
        except (OSError, files.NotARegularFile):
            return False
        if found is None:
            return False
        content = found[0]
        if content == data:
            return True
        head = content[:_HEAD_BYTES]
        end = head.find(b"\n---", 3)
        return (
            head.startswith(b"---")
            and end > 0
            and re.search(rb"^papershelf_id: *%d *\r?$" % paper_id, head[:end], re.MULTILINE)
            is not None
        )

    def _index_note(self, index_name: str) -> _Note | None:
        """The index: every paper whose note is in the folder, by status, then by title.

        ``None`` when there would be nothing in it and there never was an index here.
        """
        entries = [n for n in self.present.values() if n.paper_id != INDEX_ID]
        # Papers exported here before but not this time; this run's notes that are not
        # in the folder now (deleted, failed) stay out.
        exported = {n.paper_id for n in self.notes}
        others = [pid for pid in self.records if pid not in exported]
        for start in range(0, len(others), _BATCH):
            for row in self.library.rows(others[start : start + _BATCH]):
                name = self.records[row.id][0]
                if files.exists(self.folder / name):
                    entries.append(
                        _Note(row.id, name, "", None, None, row.title, row.status, row.rating)
                    )
        record = self.index_record
        recorded = record[1] if record is not None and record[0] == index_name else None
        if not entries and recorded is None and not files.exists(self.folder / index_name):
            return None
        listed = [IndexEntry(n.paper_id, n.name, n.title, n.status, n.rating) for n in entries]
        data = _encode(render_index(index_name[: -len(".md")], listed))
        return _Note(INDEX_ID, index_name, files.sha256(data), data, recorded)

    # ------------------------------------------------------------------ writing

    def _settle_safely(self, note: _Note) -> bool:
        """Settle one note; ``False`` when the disk stops taking writes (full, read-only)."""
        path = self.folder / note.name
        try:
            self._settle(note, path)
        except files.NotARegularFile:
            self.errors.append(f"{path}: not a regular file (a link or a folder); left alone")
        except FileExistsError:
            self.conflicts.append(path)  # a file appeared there while exporting
            self.present[note.paper_id] = note
        except OSError as exc:
            self.errors.append(f"{path}: {exc.strerror or exc}")
            if files.is_final(exc):
                self.errors.append("the export stopped: the disk takes no more writes")
                return False
        return True

    def _settle(self, note: _Note, path: Path) -> None:
        if note.sha == note.recorded and files.exists(path):  # nothing new to write
            self.unchanged.append(path)
            self.present[note.paper_id] = note
            self._settled(note)
            return
        if not files.is_inside(self.folder, note.name):
            self.errors.append(f"{path}: leads outside the export folder; left alone")
            return
        if note.sha == note.recorded:  # the same text as last time, but the file is gone
            if self.options.recreate and note.data is not None:
                self._write(note, path, replace=False)
            else:
                self.skipped.append(path)
            return
        assert note.data is not None
        found = files.read_note(path)
        if found is None:
            if note.recorded is not None and not self.options.recreate:
                self.skipped.append(path)
            else:
                self._write(note, path, replace=False)
            return
        current = files.sha256(found[0])
        self.present[note.paper_id] = note
        if current == note.sha:  # already holds this very text
            self.unchanged.append(path)
            self.pending.append((note.paper_id, note.name, note.sha))
            self._settled(note)
        elif current == note.recorded:  # ours, untouched since: safe to replace
            self._write(note, path, replace=True)
        elif self.options.force:
            self.copies.append(files.write_conflict_copy(self.folder, note.name, found[0]))
            self._write(note, path, replace=True)
        else:
            self.conflicts.append(path)

    def _write(self, note: _Note, path: Path, *, replace: bool) -> None:
        assert note.data is not None
        files.write_note(self.folder, note.name, note.data, replace=replace)
        self.written.append(path)
        self.present[note.paper_id] = note
        self.pending.append((note.paper_id, note.name, note.sha))
        self._settled(note)

    def _settled(self, note: _Note) -> None:
        """The note on disk is what these inputs make: remember their fingerprint."""
        fingerprint = self.fingerprints.get(note.paper_id)
        if fingerprint is not None and self.inputs.get(note.paper_id) != fingerprint:
            self.settled_inputs[note.paper_id] = fingerprint

    def _remember(self) -> None:
        if self.pending:
            self.library.remember_exports(self.key, self.pending)
            self.pending = []
        if self.settled_inputs:
            self.library.remember_export_inputs(self.key, self.settled_inputs)
            self.inputs.update(self.settled_inputs)
            self.settled_inputs = {}


def _fingerprint(paper: Paper, template: str) -> str:
    """What a note is made from: every field of the paper, the template, this version."""
    return hashlib.sha256(
        f"{__version__}\x00{template}\x00{paper!r}".encode("utf-8", "replace")
    ).hexdigest()


def _encode(text: str) -> bytes:
    """A rendered note as stored: UTF-8, ending in exactly one newline."""
    return (text.rstrip("\n") + "\n").encode("utf-8", "replace")
