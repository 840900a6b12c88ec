"""Exporting papers as Markdown notes into a vault folder, both ways, never losing an edit.

How a run goes:

1. Compile the template and check the folder's path (nothing written yet).
2. Render every note whose inputs (the paper's fields, the template, this version)
   changed since the last export, in memory. What a note is rendered from is read for all
   papers at once as a digest of the stored fields
   (:func:`reader.library.vault_records.note_sources`); only the papers whose digest
   changed are read whole and rendered. A template that fails on any paper, or does
   not print the note section, stops the export here with an :class:`ExportError` and
   nothing written.
3. Create the folder if needed, prove it writable with a probe file, and remove our own
   temporaries left by a killed export.
4. Settle each note. One whose inputs did not change and whose file the folder's listing
   proves untouched (:mod:`reader.export.listing`, :mod:`reader.export.proof`) is done
   without being read; one the listing cannot prove is read and its SHA-256 compared
   with the remembered one. Every other note is settled in full
   (:class:`reader.export.vault.VaultNotes`): a note never exported here gets a new file, named from its title (the name is then the paper's for good, even if
   its title is corrected later; a file already at that name is never replaced, unless
   it is this paper's own note from an export the library has no record of); a note
   exported before is found (at its name, or by its ``papershelf_id`` if the user renamed
   or moved it), merged three ways with the user's edits, and its note section pulled
   into the library when only the vault changed it. Conflicts, notes deleted in the vault
   and files that cannot be merged safely are left alone and reported.
5. Write the index note, listing every paper with a note in the folder. The index is
   Papershelf's alone: edited in the vault, it is a conflict.
6. Content-check the notes this run wrote or read whose records are not yet old enough
   to prove them, so the next run proves them from the listing alone.

Nothing in the vault is ever deleted. Records are kept per folder (its absolute path with
links resolved), so exporting to two vaults keeps two independent histories. A cancelled
export keeps (and remembers) what it did.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader import __version__
from reader.export import files, proof
from reader.export.batch import BATCH_FILES
from reader.export.errors import ExportError
from reader.export.indexnote import INDEX_ID, IndexTarget, write_index
from reader.export.ledger import Ledger
from reader.export.listing import Listing
from reader.export.model import ExportOptions, ExportReport
from reader.export.names import is_safe_name, is_safe_path, name_key, note_name, note_stem
from reader.export.templates import NoteTemplate, check_note_section, note_context
from reader.export.vault import Outcome, VaultNotes
from reader.library.errors import PaperNotFoundError
from reader.library.model import Paper
from reader.library.store import Library
from reader.library.vault_records import (
    NoteRecord,
    NoteSource,
    VaultState,
    note_sources,
    vault_bases,
    vault_states,
)
from reader.query import QueryError

_BATCH = 500

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
    polled between notes.

    Raises :class:`ExportError` when the export cannot run (nothing is written then), and
    the library's errors when the library cannot be read or updated.
    """
    template = (
        NoteTemplate.from_file(Path(options.template), time_limit=options.template_seconds)
        if options.template is not None
        else NoteTemplate.bundled()
    )
    index_name = _index_name(options.index_name)
    folder = files.absolute_folder(Path(options.folder))
    files.check_folder(folder)
    report = _Export(library, options, folder, template, index_name, progress, cancelled).run()
    logging.getLogger(__name__).info("exported to %s: %s", folder, report.summary())
    return report


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
    """One paper to settle: its source, its note as rendered now, its record, its paper."""

    source: NoteSource
    fingerprint: str
    text: str | None
    """The note as rendered now; ``None`` when the inputs did not change (not rendered)."""
    state: VaultState | None
    paper: Paper | None = None  # read only when it must be rendered, or settled in full


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
        states = vault_states(library, self.key)
        self.index_state = states.pop(INDEX_ID, None)
        # A remembered name that is not a plain, safe path is forgotten, never used.
        self.states = {pid: s for pid, s in states.items() if is_safe_path(s.name)}
        self.taken = {name_key(s.name) for s in self.states.values()}
        if index_name is not None:
            owner = next(
                (p for p, s in self.states.items() if name_key(s.name) == name_key(index_name)),
                None,
            )
            if owner is not None:
                raise ExportError(
                    f"{index_name!r} is already the note of paper {owner} in {folder}; "
                    "choose another name for the index"
                )
            self.taken.add(name_key(index_name))
        self._on_disk: dict[str, str] | None = None
        self.vault = VaultNotes(folder, recreate=options.recreate, force=options.force)
        self.notes: list[_Note] = []
        self.ledger = Ledger(folder, self.vault.batch)
        self.report = self.ledger.report
        self.listing = Listing(folder)  # each folder listed when its first note is settled
        self._bases: dict[int, str] = {}

    @property
    def on_disk(self) -> dict[str, str]:
        """The names in the folder before this export (listed when a new note needs a name)."""
        if self._on_disk is None:
            self._on_disk = {name_key(n): n for n in files.folder_names(self.folder)}
        return self._on_disk

    # ------------------------------------------------------------------ the run

    def run(self) -> ExportReport:
        ids, wanted = self._selection()
        self._total = 2 * len(ids) + 1
        if not self._render_all(ids):
            return self.report.build(cancelled=True)
        if wanted is not None:
            missing = sorted(set(wanted) - {n.source.paper_id for n in self.notes})
            self.report.errors.extend(f"there is no paper with id {i}" for i in missing)
        files.prepare_folder(self.folder)
        ledger = self.ledger
        cancelled = False
        try:
            for note in self._unproven():
                if self._cancelled():
                    cancelled = True
                    break
                if not self._settle_safely(note):
                    break
                self._advance()
                if len(self.vault.batch) >= BATCH_FILES and not self._commit():
                    break
                if ledger.queued >= _BATCH:
                    self._commit()
            else:
                if self._commit() and self.index_name is not None and not self._cancelled():
                    exported = {n.source.paper_id for n in self.notes}
                    write_index(
                        self.library,
                        self.ledger,
                        IndexTarget(self.folder, self.key, self.index_name, self.index_state),
                        {pid: s for pid, s in self.states.items() if pid not in exported},
                        force=self.options.force,
                    )
                proof.confirm_fresh(self.listing.folder, self.ledger)
                self.ledger.remember(self.library, self.key)
                self._advance(final=True)
        finally:
            self._commit()  # what was staged before a stop, a cancel or an error
            self.vault.batch.finish()
            if self.report.touched_folder:
                files.sync_folder(self.folder)
            ledger.errors_with_stop()
        return self.report.build(cancelled=cancelled)

    def _commit(self) -> bool:
        """Make the staged notes durable, then remember them; ``False`` if the disk is full."""
        going = self.ledger.commit()
        self.ledger.remember(self.library, self.key)
        return going and not self.ledger.disk_full

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

    def _render(self, paper: Paper) -> str:
        short = paper.title if len(paper.title) <= 60 else paper.title[:59] + "…"
        text = self.template.render(note_context(paper), f"paper {paper.id} ({short!r})")
        text = text.replace("\r\n", "\n").rstrip("\n") + "\n"
        check_note_section(text, paper.note, self.template.origin)
        return text

    def _render_all(self, ids: Sequence[int]) -> bool:
        """Render every note whose inputs changed; ``False`` if cancelled."""
        self.library.citekeys(ids)  # papers from before citekeys existed get theirs now
        salt = f"{__version__}\x00{self.template.fingerprint}".encode()
        for start in range(0, len(ids), _BATCH):
            if self._cancelled():
                return False
            changed: list[_Note] = []
            for source in note_sources(self.library, ids[start : start + _BATCH], salt):
                fingerprint = source.digest  # the paper's stored fields, the template, this version
                state = self.states.get(source.paper_id)
                note = _Note(source, fingerprint, None, state)
                self.notes.append(note)
                if state is None or state.inputs != fingerprint or not state.has_base:
                    changed.append(note)
                self._advance()
            wanted = [n.source.paper_id for n in changed]
            papers = {p.id: p for p in self.library.papers_by_id(wanted)} if wanted else {}
            for note in changed:  # only these are read whole
                note.paper = papers.get(note.source.paper_id)
                if note.paper is not None:
                    note.text = self._render(note.paper)
        return True

    def _unproven(self) -> Iterator[_Note]:
        """The notes to settle in full, their bases read; the others are done.

        A note is done here when its inputs did not change and the listing proves its file
        as remembered, or a content check does (:meth:`_as_remembered`).
        """
        for start in range(0, len(self.notes), _BATCH):
            rest = [n for n in self.notes[start : start + _BATCH] if not self._as_remembered(n)]
            with_state = [n.source.paper_id for n in rest if n.state is not None]
            self._bases = vault_bases(self.library, self.key, with_state) if with_state else {}
            # A rendered note's paper was read, an unrendered one's is read if needed; one
            # never exported here and deleted from the library meanwhile is not settled.
            yield from (n for n in rest if n.paper is not None or n.state is not None)

    def _as_remembered(self, note: _Note) -> bool:
        """Whether the note is done: same inputs, its file as remembered (see above)."""
        state = note.state
        if note.text is not None or state is None:
            return False
        if not proof.as_remembered(self.listing, state, note.source.paper_id, self.ledger):
            return False
        self.ledger.take_unchanged(note.source, state.name)
        self._advance()
        return True

    # ------------------------------------------------------------------ settling

    def _settle_safely(self, note: _Note) -> bool:
        """Settle one note; ``False`` when the disk stops taking writes (full, read-only)."""
        path = self.folder / (note.state.name if note.state else note.source.title)
        try:
            outcome = self._settle(note)
        except files.NotARegularFile as exc:
            self.report.errors.append(f"{exc}: not a regular file (a link or a folder); left alone")
            return True
        except ExportError as exc:  # the template failed on a note pulled from the vault
            self.report.errors.append(str(exc))
            return True
        except PaperNotFoundError:  # deleted from the library during the export
            return True
        except OSError as exc:  # FileExistsError: a file appeared there while exporting
            return self.ledger.failed(exc, path)
        self.ledger.take(note.source, outcome)
        return True

    def _settle(self, note: _Note) -> Outcome:
        paper_id = note.source.paper_id
        if note.state is None:
            assert note.paper is not None, "a note never exported here is rendered"
            text = note.text if note.text is not None else self._render(note.paper)
            return self._first(note.paper, text, note.fingerprint)
        return self.vault.settle(
            paper_id,
            lambda: self._whole(note),
            note.state,
            note.fingerprint,
            note.text,
            lambda: self._bases.get(paper_id),
            self._render,
        )

    def _whole(self, note: _Note) -> Paper:
        """The note's whole paper, read now if it was not (raises PaperNotFoundError)."""
        if note.paper is None:
            note.paper = self.library.paper(note.source.paper_id)
        return note.paper

    def _first(self, paper: Paper, text: str, fingerprint: str) -> Outcome:
        """A paper never exported to this folder: a new file (or its own unrecorded one)."""
        data = text.encode("utf-8", "replace")
        name = self._allocate(paper.id, paper.title, data)
        path = self.folder / name
        found = files.read_note(path)
        if found is None:
            return self.vault.write_new(paper.id, name, text, fingerprint)
        content, info = found
        record = NoteRecord(
            paper.id, name, files.sha256(content), fingerprint, text, info.st_size, info.st_mtime_ns
        )
        if content == data:
            return Outcome(path, "unchanged", record=record)
        # This paper's note from an export the library has no record of: merge against
        # nothing is impossible, so it is kept as it is and reported.
        state = VaultState(name, "", None, None, None, has_base=False)
        return self.vault.settle(
            paper.id, lambda: paper, state, fingerprint, text, lambda: None, self._render
        )

    def _allocate(self, paper_id: int, title: str, data: bytes) -> str:
        """A new, unused name for a paper's first note in this folder.

        A name already on disk is skipped, unless that file is this paper's note from an
        export the library has no record of (the vault was moved or synced from another
        copy, the records were lost): then it is taken over, so the paper does not get a
        second note.
        """
        stem = note_stem(title) or f"Paper {paper_id}"
        for number in itertools.count(1):
            name = note_name(stem, number)
            key = name_key(name)
            if key in self.taken:
                continue
            existing = self.on_disk.get(key)
            if existing is not None:
                if not files.is_note_of(self.folder, existing, paper_id, data):
                    continue
                name = existing
            self.taken.add(key)
            return name
        raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["INDEX_ID", "check_note_section", "export_notes"]
