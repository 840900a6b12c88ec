"""Which notes nobody touched since the last export: one directory listing, no reads.

An unchanged re-export of 10,000 notes must not read 10,000 files. :class:`Listing`
lists each folder holding notes once (``os.scandir``) and compares each note's entry with
what the library remembers of it (:class:`~reader.library.vault_records.VaultState`):
size, mtime, inode and ctime. :meth:`Listing.verdict` says:

- ``SAME``: the file is the one the export last wrote or read, proven by its metadata; it
  is not read.
- ``CHECK``: the metadata matches but does not prove it (see below); the caller compares
  the file's SHA-256 with the remembered one (a cheap content check: one read, no parse).
- ``CHANGED``: it differs, or is not a regular file, or is gone: the note is settled in
  full (found, read, merged).

**What the listing can prove, and what it cannot.** Size and mtime alone prove nothing:
a sync tool or a backup restore writes a file and sets its old mtime back (``rsync -t``,
Syncthing, ``touch -r``), and the same size is common for a small edit. The ctime cannot
be set back by any tool: every write, ``utime`` or rename sets it to the current time, and
an atomic replace gives a new inode. So equal size, mtime, inode and ctime prove the file
is unchanged since it was seen, with two exceptions, both sent to the content check:

- *Racy* records (as git calls them): a change in the same clock tick as the export's own
  write, or its look at the file, leaves ctime equal. A record proves the file only if it
  was taken at least :data:`RACY_NS` after the file's ctime; before it ends, the export
  content-checks the notes it wrote or read that are old enough by then
  (:func:`reader.export.notes.export_notes`), and the next export those still too young.
- File systems whose ctime is not a change time: Windows (``st_ctime`` is the creation
  time there: every note is content-checked) and ones with whole-second timestamps (FAT,
  some network shares: a whole-second mtime or ctime is never taken as proof).

Records from before the listing pass (no inode, no ctime) are content-checked once.
"""

from __future__ import annotations

import enum
import os
import stat
import time
from pathlib import Path

from reader.library.vault_records import VaultState

RACY_NS = 2_000_000_000
"""How much older than the look at it a file's ctime must be for the look to prove it
(more than any file system's timestamp step, and than a network share's clock drift)."""
_SECOND = 1_000_000_000
_CTIME_IS_CHANGE = os.name == "posix"


class Verdict(enum.Enum):
    """What the listing says of one note (see the module docstring)."""

    SAME = "same"
    CHECK = "check"
    CHANGED = "changed"


class Listing:
    """The entries of the folders holding notes, each folder listed once, when first asked."""

    def __init__(self, folder: Path) -> None:
        self.folder = str(folder)
        self._dirs: dict[str, dict[str, os.DirEntry[str]]] = {}
        self.listed_ns = time.time_ns()
        """When the first folder was listed: what a content check proves the notes at."""

    def stat(self, name: str) -> os.stat_result | None:
        """The entry of ``name`` (``/``-separated, below the folder) not following links,
        or ``None`` when the listing has no such entry."""
        parent, _, leaf = name.rpartition("/")
        entries = self._dirs.get(parent)
        if entries is None:
            entries = self._list(parent)
        entry = entries.get(leaf)
        if entry is None:
            return None
        try:
            return entry.stat(follow_symlinks=False)
        except OSError:
            return None

    def _list(self, parent: str) -> dict[str, os.DirEntry[str]]:
        where = str(Path(self.folder).joinpath(*parent.split("/"))) if parent else self.folder
        if parent and any(part.startswith(".") or not part for part in parent.split("/")):
            entries: dict[str, os.DirEntry[str]] = {}  # never looked into: settled in full
        else:
            try:
                with os.scandir(where) as listed:
                    entries = {entry.name: entry for entry in listed}
            except OSError:
                entries = {}
        self._dirs[parent] = entries
        return entries

    def verdict(self, state: VaultState) -> tuple[Verdict, os.stat_result | None]:
        """What the entry of the note ``state`` names says, and the entry's metadata."""
        info = self.stat(state.name)
        if info is None or not stat.S_ISREG(info.st_mode):
            return Verdict.CHANGED, info
        if (state.size, state.mtime_ns) != (info.st_size, info.st_mtime_ns):
            return Verdict.CHANGED, info
        if state.ino is not None and state.ino != info.st_ino:
            return Verdict.CHANGED, info  # replaced by another file (a sync tool's rename)
        if state.ctime_ns is not None and state.ctime_ns != info.st_ctime_ns:
            return Verdict.CHECK, info  # a chmod, a link, or content restored with its mtime
        trusted = proves(state.ino, state.mtime_ns, state.ctime_ns, state.checked_ns)
        return (Verdict.SAME if trusted else Verdict.CHECK), info


def proves(
    ino: int | None, mtime_ns: int | None, ctime_ns: int | None, checked_ns: int | None
) -> bool:
    """Whether remembered metadata, when found again, proves the file unchanged."""
    if not _CTIME_IS_CHANGE or ino is None or checked_ns is None:
        return False
    if ctime_ns is None or mtime_ns is None or ctime_ns % _SECOND == 0 or mtime_ns % _SECOND == 0:
        return False  # no ctime remembered, or whole-second timestamps: no proof
    return ctime_ns + RACY_NS <= checked_ns


def seen(info: os.stat_result, checked_ns: int) -> tuple[int, int, int, int, int]:
    """``(size, mtime_ns, ino, ctime_ns, checked_ns)``: the file as seen at ``checked_ns``."""
    return info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns, checked_ns
