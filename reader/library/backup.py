"""Backups of a library: daily, before every upgrade and on request; where they are kept.

Every copy is an atomic, checked snapshot (:mod:`reader.library.database_copy`): a kill at
any moment leaves either no backup or a good one. The copy is page-for-page, so its
integrity check is also the check of the library itself: the daily backup *is* the daily
full check (about 3 s for 100,000 papers, run off the GUI thread). When a copy fails it,
the library is checked directly; if it fails too, the library is marked damaged
(:mod:`reader.library.health`) and stops taking writes.

Where: :func:`reader.paths.backup_dir` for the default library; any other library gets a
sub-folder named after its stem and a short hash of its absolute path, so two libraries
never share (or rotate away) each other's copies. Names say when and why::

    library-2026-11-22.sqlite                          the daily copy (the last 7 kept)
    library-2026-11-22T10-15-00-manual.sqlite          papershelf backup (all kept)
    library-2026-11-22T10-15-00-before-upgrade-v1-to-v2.sqlite
    library-2026-11-22T10-15-00-before-restore.sqlite
    library-2026-11-22T10-15-00-damaged.sqlite         what a restore replaced, unchecked

Restoring is in :mod:`reader.library.restore`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from reader import paths
from reader.library import health
from reader.library.database_copy import copy_database, read_only
from reader.library.errors import BackupError, LibraryDamagedError
from reader.library.leftovers import is_copy_temporary, remove_stale_copies, remove_stale_copy

log = logging.getLogger(__name__)

KEEP = 7
"""How many daily copies are kept (a week back). Copies of every other kind are all kept."""

DAILY = "daily"
MANUAL = "manual"
BEFORE_UPGRADE = "before-upgrade"
BEFORE_RESTORE = "before-restore"
BEFORE_REPAIR = "before-repair"
DAMAGED = "damaged"
"""A copy of a library that failed its check, kept so nothing is ever thrown away."""

_NAME = re.compile(
    r"^library-(?P<date>\d{4}-\d{2}-\d{2})(?:T(?P<time>\d{2}-\d{2}-\d{2})-(?P<kind>[a-z0-9-]+))?"
    r"\.sqlite$"
)


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file: where it is, what kind, when it was taken (local time)."""

    path: Path
    kind: str
    taken: datetime
    size: int
    problems: tuple[str, ...] = ()
    """Damage the copy's check found that does not stop a backup (text that is not UTF-8)."""

    @property
    def good(self) -> bool:
        """Whether the copy passed its integrity check when it was made."""
        return self.kind != DAMAGED

    @property
    def label(self) -> str:
        """``2026-11-22 (daily)`` / ``2026-11-22 10:15 (before upgrade v1 to v2)``."""
        when = (
            self.taken.strftime("%Y-%m-%d")
            if self.kind == DAILY
            else self.taken.strftime("%Y-%m-%d %H:%M")
        )
        return f"{when} ({self.kind.replace('-', ' ')})"


def backup_folder(library_path: str | os.PathLike[str]) -> Path:
    """The folder holding the backups of the library at ``library_path``."""
    library = Path(library_path).expanduser().absolute()
    default = (paths.data_dir() / paths.LIBRARY_FILE).absolute()
    if os.path.normcase(library) == os.path.normcase(default):
        return paths.backup_dir()
    digest = hashlib.sha256(os.fsencode(library)).hexdigest()[:10]
    stem = re.sub(r"[^\w.-]+", "-", library.stem).strip("-.")[:40] or "library"
    return paths.backup_dir() / f"{stem}-{digest}"


def ensure_folder(library: Path) -> Path:
    """The library's backup folder, made if need be; :class:`BackupError` if it cannot be."""
    folder = backup_folder(library)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create the backup folder {folder}: {exc.strerror}") from None
    return folder


def backup_name(kind: str, moment: datetime) -> str:
    """The file name of a backup of ``kind`` taken at ``moment`` (a daily one: the day only)."""
    if kind == DAILY:
        return f"library-{moment:%Y-%m-%d}.sqlite"
    return f"library-{moment:%Y-%m-%dT%H-%M-%S}-{kind}.sqlite"


def unique_path(target: Path) -> Path:
    """``target``, or ``NAME-2.sqlite``, ``NAME-3.sqlite``… when it exists already."""
    number = 2
    candidate = target
    while candidate.exists():
        candidate = target.with_name(target.name.replace(".sqlite", f"-{number}.sqlite"))
        number += 1
    return candidate


def parse_backup(path: Path) -> Backup | None:
    """The :class:`Backup` that ``path`` is by its name, or ``None`` (not ours, or gone)."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        size = path.stat().st_size
        day = date.fromisoformat(match["date"])
        if match["time"]:
            hour, minute, second = (int(part) for part in match["time"].split("-"))
            taken = datetime(day.year, day.month, day.day, hour, minute, second)
        else:
            taken = datetime(day.year, day.month, day.day)
    except (OSError, ValueError):
        return None
    return Backup(path, match["kind"] or DAILY, taken, size)


def list_backups(library_path: str | os.PathLike[str]) -> list[Backup]:
    """The library's backups, newest first."""
    folder = backup_folder(library_path)
    found: list[Backup] = []
    try:
        children = list(folder.iterdir())
    except OSError:
        return []
    for child in children:
        backup = parse_backup(child)
        if backup is not None:
            found.append(backup)
    found.sort(key=lambda b: (b.taken.date(), _mtime(b.path)), reverse=True)
    return found


def _mtime(path: Path) -> float:
    """When ``path`` was last written (0 when it cannot be read)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def latest_good(library_path: str | os.PathLike[str]) -> Backup | None:
    """The newest backup that passed its check, or ``None``."""
    return next((b for b in list_backups(library_path) if b.good), None)


def restore_advice(library_path: str | os.PathLike[str]) -> str:
    """One sentence offering the latest good backup and listing the others with dates."""
    good = [b for b in list_backups(library_path) if b.good]
    if not good:
        return "there is no backup of it yet; 'papershelf check --repair' may repair it"
    text = (
        f"'papershelf restore --latest' puts back the latest good backup, "
        f"{good[0].path} from {good[0].label}"
    )
    if len(good) > 1:
        text += "; older backups: " + ", ".join(b.label for b in good[1:8])
    return text


def make_backup(
    library_path: str | os.PathLike[str],
    kind: str = MANUAL,
    *,
    now: datetime | None = None,
    verify: bool = True,
    pause: Callable[[], object] | None = None,
) -> Backup:
    """Copy the library into its backup folder now, checked; returns the kept copy.

    Raises :class:`LibraryDamagedError` (and marks the library) when the copy shows the
    library is damaged, :class:`BackupError` when no copy can be written. ``pause`` is
    called between the check's chunks (:func:`reader.yieldgate.pause` for a background one).
    """
    library = Path(library_path).expanduser()
    if not library.is_file():
        raise BackupError(f"there is no library at {library} to back up")
    moment = (now or datetime.now()).replace(microsecond=0)
    folder = ensure_folder(library)
    target = folder / backup_name(kind, moment)
    if kind != DAILY:
        target = unique_path(target)
    _remove_stale_temporaries(folder)  # a quit or a kill mid-copy left a full-size file
    with read_only(library) as source:
        errors = copy_database(source, target, verify=verify, pause=pause)
    if errors:
        _damaged(library, errors)
    rotate(folder)
    log.info("backed up %s to %s (%s)", library, target, kind)
    return parse_backup(target) or Backup(target, kind, moment, target.stat().st_size)


def backup_to(
    library_path: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    force: bool = False,
) -> Path:
    """Copy the library (checked) to a file the user chose; a folder gets a dated name.

    An existing file is never replaced unless ``force`` is given (it may be another
    library, or anything else the user keeps there); the library itself never is.
    """
    library = Path(library_path).expanduser()
    target = Path(destination).expanduser()
    if target.is_dir():
        target = unique_path(target / f"library-{datetime.now():%Y-%m-%dT%H-%M-%S}-{MANUAL}.sqlite")
    if not library.is_file():
        raise BackupError(f"there is no library at {library} to back up")
    if target.exists() and target.resolve() == library.resolve():
        raise BackupError("the backup cannot replace the library itself; choose another file")
    if target.exists() and not target.is_file():
        # /dev/null, a pipe, a socket: replacing one (as root) would break the system.
        raise BackupError(f"{target} is not a regular file; choose a file or a folder")
    if (target.exists() or target.is_symlink()) and not force:
        raise BackupError(
            f"{target} already exists; choose another file, or add --force to replace it"
        )
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    remove_stale_copies(target)
    with read_only(library) as source:
        errors = copy_database(source, target, verify=True)
    if errors:
        _damaged(library, errors)
    log.info("backed up %s to %s", library, target)
    return target


class BackupCancelled(Exception):
    """The daily backup was stopped (its window is closing): no copy was kept."""


def _remove_stale_temporaries(folder: Path) -> None:
    """Delete the copies in ``folder`` left by a Papershelf that quit or was killed while
    copying (``.NAME.<pid>.tmp`` of a process that is gone): at a million papers each is
    5 GB, and a reader who quits during a few daily backups would otherwise pile them up
    until a backup finishes."""
    with contextlib.suppress(OSError):
        for child in folder.iterdir():
            if is_copy_temporary(child) and child.is_file() and not child.is_symlink():
                remove_stale_copy(child)


def backup_if_due(
    library_path: str | os.PathLike[str],
    *,
    today: date | None = None,
    stop: threading.Event | None = None,
) -> Backup | None:
    """Make today's daily backup (with the full check) unless it exists; ``None`` if not due.

    Cheap when not due: one ``stat`` of today's file name. An empty library is not backed
    up. Safe to call from any thread: it uses its own connections. Its checks yield to the
    user (they wait at :data:`reader.yieldgate.GATE` between small chunks). Once ``stop``
    is set, the next of those waits raises :class:`BackupCancelled`: an unfinished copy is
    removed (a checked copy already in place stays), so a window closing during the check
    of a large library is not kept open for minutes.
    """
    from reader.yieldgate import GATE

    def pause() -> float:
        if stop is not None and stop.is_set():
            raise BackupCancelled("the daily backup was stopped")
        waited = GATE.pause(cancelled=stop.is_set if stop is not None else lambda: False)
        if stop is not None and stop.is_set():
            raise BackupCancelled("the daily backup was stopped")
        return waited

    library = Path(library_path).expanduser()
    day = today or date.today()
    folder = backup_folder(library)
    if (folder / backup_name(DAILY, datetime(day.year, day.month, day.day))).exists():
        return None
    if not library.is_file() or _is_empty(library):
        return None
    moment = datetime.now() if today is None else datetime(day.year, day.month, day.day, 12)
    made = make_backup(library, DAILY, now=moment, pause=pause)
    # The daily copy is the daily check: also of text that cannot be read back (the copy
    # keeps its bytes, which is what a repair wants; the user is told to repair).
    return replace(made, problems=_text_problems(made.path, pause))


def _text_problems(copy: Path, pause: Callable[[], object] | None = None) -> tuple[str, ...]:
    """The stored text of ``copy`` that cannot be read back (at most 5), for people."""
    from reader.library import text_damage

    try:
        with read_only(copy) as conn:
            found = text_damage.find(conn, limit=5, pause=pause)
            return tuple(item.describe() for item in found)
    except (sqlite3.Error, BackupError, LibraryDamagedError):
        return ()


def backup_before_migration(library_path: Path, old: int, new: int) -> None:
    """The ``before_migration`` hook: a checked copy before the schema is upgraded.

    Raising stops the upgrade: a library is never upgraded without a copy to go back to.
    """
    make_backup(library_path, f"{BEFORE_UPGRADE}-v{old}-to-v{new}")


def rotate(folder: Path, keep: int = KEEP) -> None:
    """Delete all but the newest ``keep`` daily copies, and stale temporary files.

    Only daily copies rotate. Every other copy was made to protect something — the
    library before an upgrade, a restore or a repair, a damaged library, a backup the
    user asked for — and its name was shown to the user: it is never deleted silently.
    """
    _remove_stale_temporaries(folder)
    daily: list[Backup] = []
    try:
        children = list(folder.iterdir())
    except OSError:
        return
    for child in children:
        if is_copy_temporary(child):
            continue
        backup = parse_backup(child)
        if backup is not None and backup.kind == DAILY:
            daily.append(backup)
    daily.sort(key=lambda b: (b.taken, b.path.name), reverse=True)
    for old in daily[keep:]:
        with contextlib.suppress(OSError):
            old.path.unlink()


def _damaged(library: Path, copy_errors: list[str]) -> None:
    """A copy failed its check: check the library itself, and mark it if it fails too."""
    with read_only(library) as conn:
        errors = health.integrity_errors(conn)
    if not errors:
        raise BackupError(
            f"the backup copy of {library} failed its check but the library passed: the "
            f"backup disk may be failing ({health.summarise(copy_errors)})"
        )
    reason = f"integrity check: {health.summarise(errors)}"
    health.record_damage(library, reason)
    raise LibraryDamagedError(str(library), reason)


def _is_empty(library: Path) -> bool:
    """Whether the library holds no paper and no digest (nothing to back up yet)."""
    try:
        with read_only(library) as conn:
            row = conn.execute(
                "SELECT NOT (EXISTS (SELECT 1 FROM paper) OR EXISTS (SELECT 1 FROM digest))"
            ).fetchone()
    except (sqlite3.Error, BackupError):
        return False  # not readable as a library: let the backup say why
    return bool(row[0])
