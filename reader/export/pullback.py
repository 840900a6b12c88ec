"""Notes edited in the vault, brought back while Papershelf runs (the watched vault).

The window watches the export folder; when note files change there it calls
:func:`pull_back` on the writer thread with their paths. For each file that is one of
this folder's exported notes (found by the name the library remembers, or by its
``papershelf_id`` when the user renamed or moved it) only the **note section** is looked
at, against the base of the last export:

- unchanged in the vault (the user edited their own parts, or this is Papershelf's own
  write): nothing happens;
- changed in the vault, not in the library: the vault's text becomes the library note
  (:func:`reader.library.vault_records.pull_notes`: only while the library note is still
  what it was, in one transaction), reported in ``pulled`` for undo;
- changed on both sides, differently: a :class:`~reader.export.model.NoteConflict`,
  reported, nothing overwritten (the next export offers both texts side by side).

The vault file itself is never written here: Papershelf's parts are updated by the next
export. A file that is not a note the export can read is reported in ``left_alone``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reader.export import files
from reader.export.listing import proves
from reader.export.model import LeftAlone, NoteConflict, PulledNote
from reader.export.sections import (
    NoteFormatError,
    decode_file,
    note_from_section,
    section_text,
    split_note,
)
from reader.export.vault import TOO_LONG
from reader.library.model import Changes
from reader.library.store import MAX_NOTE_CHARS, Library
from reader.library.vault_records import (
    NotePull,
    NoteRecord,
    VaultState,
    pull_notes,
    vault_base,
    vault_states,
)


@dataclass(frozen=True)
class PullBack:
    """What :func:`pull_back` did."""

    pulled: list[PulledNote] = field(default_factory=list)
    """Notes whose vault text is now the library's (undo: ``old``)."""
    conflicts: list[NoteConflict] = field(default_factory=list)
    """Notes changed on both sides: nothing overwritten."""
    left_alone: list[LeftAlone] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


def pull_back(library: Library, folder: Path, paths: Iterable[Path]) -> PullBack:
    """Bring the note sections of ``paths`` (files in the export folder) into the library."""
    folder = files.absolute_folder(Path(folder))
    key = os.path.normcase(str(folder))
    states = vault_states(library, key)
    by_name = {state.name: pid for pid, state in states.items()}
    pulls: list[NotePull] = []
    pulled: dict[int, PulledNote] = {}
    conflicts: list[NoteConflict] = []
    alone: list[LeftAlone] = []
    for path in sorted({files.absolute_folder(Path(p)) for p in paths}):
        name = _name_in(folder, path)
        if name is None:
            continue
        known = by_name.get(name)
        if known is not None and _as_recorded(states[known], name, path):
            continue  # one stat: as the last export left it (Papershelf's own writes)
        try:
            found = files.read_note(path)
        except (OSError, files.NotARegularFile, files.NoteTooLarge):
            continue  # gone again, a link, too large: the export reports those
        if found is None:
            continue
        data, info = found
        paper_id = known if known is not None else files.front_matter_id(data[:8192])
        state = states.get(paper_id) if paper_id else None
        if paper_id is None or state is None:
            continue
        base = vault_base(library, key, paper_id)
        if base is None:
            continue
        try:
            section = split_note(decode_file(data).text).section
            base_section = split_note(base).section
        except NoteFormatError as exc:
            alone.append(LeftAlone(path, str(exc)))
            continue
        if section == base_section:
            continue  # the user's own parts, or Papershelf's own write
        note = library.paper(paper_id).note
        vault_note = note_from_section(section)
        if note == vault_note:
            continue
        if section_text(note) != base_section:
            conflicts.append(NoteConflict(paper_id, path, note, vault_note))
            continue
        record = NoteRecord(
            paper_id, name, files.sha256(data), None, None, info.st_size, info.st_mtime_ns
        )  # the file as found; rendered again by the next export
        pulls.append(NotePull(paper_id, note, vault_note, record))
        pulled[paper_id] = PulledNote(paper_id, path, note, vault_note)
    too_long = [p for p in pulls if len(p.new) > MAX_NOTE_CHARS]
    alone.extend(LeftAlone(pulled[p.paper_id].path, TOO_LONG) for p in too_long)
    pulls = [p for p in pulls if len(p.new) <= MAX_NOTE_CHARS]
    changes = pull_notes(library, key, pulls) if pulls else Changes()
    done = [pulled[pid] for pid in sorted(changes.paper_ids) if pid in pulled]
    return PullBack(done, conflicts, alone, changes)


def _name_in(folder: Path, path: Path) -> str | None:
    """``path`` as a note name below ``folder`` (``/``-separated), or ``None`` if it is not one."""
    try:
        relative = path.relative_to(folder)
    except ValueError:
        return None
    name = relative.as_posix()
    if not name.lower().endswith(".md") or not files.is_inside(folder, name):
        return None  # hidden folders (.obsidian, .trash), our temporaries, other files
    return name


def _as_recorded(state: VaultState, name: str, path: Path) -> bool:
    """Whether the file is proven as the last export left it (one stat, nothing read; see
    :mod:`reader.export.listing`: equal size and mtime alone prove nothing)."""
    try:
        info = os.lstat(path)
    except OSError:
        return True  # gone again: nothing to bring back
    seen = (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
    return (
        state.name == name
        and (state.size, state.mtime_ns, state.ino, state.ctime_ns) == seen
        and proves(state.ino, state.mtime_ns, state.ctime_ns, state.checked_ns)
    )
