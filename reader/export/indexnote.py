"""Writing a folder's index note: every paper whose note is in the folder, with its citekey.

The index is Papershelf's alone (:func:`reader.export.vault.write_index_note`): edited in
the vault it is a conflict. Its fingerprint is made from its entries, so an export whose
entries did not change reads the index once and renders nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from reader import __version__
from reader.export import files
from reader.export.index import IndexEntry, render_index
from reader.export.ledger import Ledger
from reader.export.proof import read_with_info
from reader.export.vault import Outcome, write_index_note
from reader.library.store import Library
from reader.library.vault_records import NoteRecord, VaultState

INDEX_ID = 0
"""The paper id under which a folder's index note is remembered (paper ids start at 1)."""
_BATCH = 500


@dataclass(frozen=True, slots=True)
class IndexTarget:
    """Where the index goes: the folder, its records' key, the index's name and record."""

    folder: Path
    key: str
    name: str
    state: VaultState | None


def write_index(
    library: Library,
    ledger: Ledger,
    target: IndexTarget,
    others: dict[int, VaultState],
    *,
    force: bool,
) -> None:
    """The index: every note of this export that is in the folder (``ledger.present``) and
    every other paper's note remembered there (``others``), by status, then by title."""
    folder, index_name, state = target.folder, target.name, target.state
    entries = dict(ledger.present)
    ids = list(others)
    for start in range(0, len(ids), _BATCH):
        for row in library.rows(ids[start : start + _BATCH]):
            name = others[row.id].name
            if files.exists(folder / name):
                entries[row.id] = IndexEntry(row.id, name, row.title, row.status, row.rating)
    recorded = state.sha256 if state is not None and state.name == index_name else None
    path = folder / index_name
    if not entries and recorded is None and not files.exists(path):
        return
    cited = _cited(library, entries)
    inputs = _index_fingerprint(index_name, cited)
    if state is not None and recorded is not None and state.inputs == inputs:
        found = read_with_info(path)  # the same entries as last time: no need to render
        if found is not None and files.sha256(found[0]) == recorded:
            ledger.report.add(Outcome(path, "unchanged"))
            return
    data = (render_index(index_name[: -len(".md")], cited).rstrip("\n") + "\n").encode(
        "utf-8", "replace"
    )
    outcome = write_index_note(folder, index_name, data, recorded, force=force)
    ledger.report.add(outcome)
    if outcome.kind in {"written", "unchanged"}:
        sha = files.sha256(data)
        ledger.records.append(NoteRecord(INDEX_ID, index_name, sha, inputs, None, None, None))
        ledger.remember(library, target.key)


def _cited(library: Library, entries: dict[int, IndexEntry]) -> list[IndexEntry]:
    """The index's entries with their citekeys, for ``[@key]`` citations (the notes'
    came with their sources; the others' are read here)."""
    keys = library.citekeys([pid for pid, e in entries.items() if e.citekey is None])
    return [
        e if e.citekey is not None else dataclasses.replace(e, citekey=keys.get(pid))
        for pid, e in entries.items()
    ]


def _index_fingerprint(name: str, entries: list[IndexEntry]) -> str:
    """What the index note is made from: its name, its entries, this version."""
    listed = sorted(entries, key=lambda e: e.paper_id)
    text = "\x1e".join(
        f"{e.paper_id}\x1f{e.name}\x1f{e.title}\x1f{e.status.value}\x1f{e.rating}\x1f{e.citekey}"
        for e in listed
    )
    return hashlib.sha256(
        f"{__version__}\x00{name}\x00{text}".encode("utf-8", "replace")
    ).hexdigest()
