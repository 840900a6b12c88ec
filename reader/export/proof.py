"""The export's listing pass, note by note: proven, content-checked, or to settle in full.

:mod:`reader.export.listing` says what a note's directory entry proves; here the export
acts on it. :func:`as_remembered` is asked for each note whose inputs did not change:
proven by the listing, it is done without being read; not proven, the file is read once and
its SHA-256 compared with the remembered one (no parse, no merge), and when equal the file
is remembered as seen now, so the next export proves it from the listing alone.
:func:`confirm_fresh` does the same, at the end of an export, for the notes it wrote or read
whose records were too young to prove them (see the racy records in
:mod:`reader.export.listing`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from reader.export import files, listing
from reader.export.ledger import Ledger
from reader.export.listing import Listing, Verdict, seen
from reader.library.vault_records import VaultState


def read_with_info(path: Path) -> tuple[bytes, os.stat_result] | None:
    """The note's bytes and metadata, or ``None`` when it cannot be read as a note."""
    try:
        return files.read_note(path)
    except (OSError, files.NotARegularFile, files.NoteTooLarge):
        return None


def as_remembered(where: Listing, state: VaultState, paper_id: int, ledger: Ledger) -> bool:
    """Whether the note's file is as remembered: proven by the listing, or by its content
    (then queued in ``ledger.confirmed`` as seen now)."""
    verdict, _ = where.verdict(state)
    if verdict is Verdict.CHANGED:
        return False
    if verdict is Verdict.CHECK:
        checked = time.time_ns()  # before the read: what the read proves the file at
        found = read_with_info(Path(where.folder) / state.name)
        if found is None or files.sha256(found[0]) != state.sha256:
            return False
        ledger.confirmed.append((paper_id, *seen(found[1], checked)))
    return True


def confirm_fresh(folder: str, ledger: Ledger) -> None:
    """Content-check the notes remembered in this run that are old enough now; queue the
    ones found as remembered in ``ledger.confirmed`` (the caller remembers them)."""
    fresh, ledger.fresh = ledger.fresh, []
    if not fresh:
        return
    now = Listing(Path(folder))
    for record in fresh:
        if record.ctime_ns is None or record.ctime_ns + listing.RACY_NS > now.listed_ns:
            continue  # too young: the next export reads it
        info = now.stat(record.name)
        if info is None or (info.st_size, info.st_mtime_ns, info.st_ino) != (
            record.size,
            record.mtime_ns,
            record.ino,
        ):
            continue  # changed since: the next export settles it
        found = read_with_info(Path(folder) / record.name)
        if found is None or files.sha256(found[0]) != record.sha256:
            continue
        if found[1].st_ctime_ns != info.st_ctime_ns:
            continue  # changed while being read
        ledger.confirmed.append((record.paper_id, *seen(info, now.listed_ns)))
