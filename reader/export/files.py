"""Writing into the user's vault: atomic, never clobbering, never leaving the folder.

Every note is written to a temporary file in the export folder, flushed to disk and then
moved into place (``os.replace``), so a crash leaves the old note or the new one, never
half of one. A new note is moved into place with a hard link, which fails rather than
overwrite a file that appeared meanwhile. Nothing here ever deletes a file of the user's:
the one name it removes besides its temporaries is the second name it gave a note's old
version just before replacing it (:func:`keep_old_version`).

A temporary file is named ``.papershelf-<16 hex digits>.tmp`` and, where the platform has
``flock``, locked by its writer until it has been moved into place. A process killed
meanwhile leaves it behind; the next export removes such leftovers of ours (names of
exactly that form whose lock nobody holds; without ``flock``, ones older than an hour).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import stat
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: open files cannot be deleted there anyway
    fcntl = None  # type: ignore[assignment]

from reader.durable import sync_path
from reader.export.errors import ExportError
from reader.export.names import conflict_name

_TEMP_PREFIX = ".papershelf-"
_TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"\.papershelf-[0-9a-f]{16}\.tmp")
_STALE_AFTER_S = 3600.0
"""Without ``flock``: how old a leftover temporary must be before it is removed."""
_OPEN_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_FINAL_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC)})
"""Errors after which no further note can be written: the export stops at the first."""


class NotARegularFile(Exception):
    """The vault holds something other than a plain file where a note should be."""


class NoteTooLarge(Exception):
    """A note file larger than :data:`MAX_NOTE_BYTES`: not read, left alone."""


def sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data``: what the library remembers of each written note."""
    return hashlib.sha256(data).hexdigest()


def is_final(exc: OSError) -> bool:
    """Whether ``exc`` (disk full, read-only file system) will stop every further write."""
    return exc.errno in _FINAL_ERRNOS


def absolute_folder(folder: Path) -> Path:
    """The export folder as an absolute path with symbolic links resolved (it may not exist)."""
    return Path(os.path.realpath(Path(folder).expanduser().absolute()))


def check_folder(folder: Path) -> None:
    """Fail early, writing nothing, when ``folder`` can certainly not become the export folder."""
    probe = folder
    while True:
        if probe.exists():
            if not probe.is_dir():
                what = "the export folder" if probe == folder else f"{probe} (inside its path)"
                raise ExportError(f"cannot export to {folder}: {what} is a file, not a folder")
            return
        if probe.parent == probe:
            return
        probe = probe.parent


def prepare_folder(folder: Path) -> None:
    """Create ``folder`` if needed and prove it writable with a probe file (then removed)."""
    check_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"cannot create the export folder {folder}: {exc.strerror or exc}"
        ) from None
    try:
        fd, probe = new_temp(folder)
        os.close(fd)
        probe.unlink()
    except OSError as exc:
        raise ExportError(
            f"cannot write into the export folder {folder}: {exc.strerror or exc}"
        ) from None
    remove_stale_temporaries(folder)


def remove_stale_temporaries(folder: Path) -> int:
    """Remove our temporaries left in ``folder`` by a killed export; returns how many.

    Only regular files named exactly like ours, whose writer is gone (their lock is free),
    are removed; anything else, and every file that cannot be checked, is left alone.
    """
    removed = 0
    try:
        with os.scandir(folder) as entries:
            names = [
                e.name
                for e in entries
                if e.name.startswith(_TEMP_PREFIX) and _TEMP_NAME.fullmatch(e.name)
            ]
    except OSError:
        return 0
    for name in names:
        path = folder / name
        with contextlib.suppress(OSError):
            if _remove_if_abandoned(path):
                removed += 1
    return removed


def _remove_if_abandoned(path: Path) -> bool:
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        return False
    if fcntl is None:  # pragma: no cover - Windows
        if time.time() - info.st_mtime < _STALE_AFTER_S:
            return False
        path.unlink()
        return True
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # an export is writing it right now
        if os.path.samestat(os.fstat(fd), os.lstat(path)):
            path.unlink()
            return True
        return False
    finally:
        os.close(fd)


def read_note(path: Path) -> tuple[bytes, os.stat_result] | None:
    """The bytes of the note at ``path``, or ``None`` when there is none.

    Raises :class:`NotARegularFile` for a link, a folder or a device: those are never
    read through nor replaced.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise NotARegularFile(path)
    with path.open("rb") as stream:
        data = stream.read(MAX_NOTE_BYTES + 1)
    if len(data) > MAX_NOTE_BYTES:
        raise NoteTooLarge(path)
    return data, info


def exists(path: Path) -> bool:
    """Whether anything (a file, a link, even a broken one) is at ``path``."""
    return os.path.lexists(path)


def write_note(folder: Path, name: str, data: bytes, *, replace: bool) -> Path:
    """Write ``data`` as ``folder/name`` atomically; returns the path.

    With ``replace`` an existing file is replaced (the caller has checked it is ours);
    without it, :class:`FileExistsError` is raised if anything is at the path.
    """
    target = folder / name
    fd, temp = new_temp(target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            # Moved while still open, so still locked: a cleaner never takes it for stale.
            if replace:
                temp.replace(target)
            else:
                move_no_clobber(temp, target)
    except FileExistsError:
        raise
    except OSError as exc:  # name the note in messages, not our temporary file
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None
    finally:
        temp.unlink(missing_ok=True)
    return target


def write_conflict_copy(folder: Path, name: str, data: bytes) -> Path:
    """Keep ``data`` (the user's version of ``name``) as ``Name.conflict.md`` beside it.

    An existing conflict copy is never overwritten: the next free ``.conflict N.md`` is used.
    """
    for number in range(1, 10_000):
        target = folder / conflict_name(name, number)
        try:
            fd = os.open(target, _OPEN_NEW, 0o666)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                target.unlink()
            raise
        return target
    raise FileExistsError(errno.EEXIST, "too many conflict copies", str(folder / name))


def sync_folder(folder: Path) -> None:
    """Flush the folder's entries (the renames) to disk, where the platform allows it."""
    sync_path(folder)


def folder_names(folder: Path) -> list[str]:
    """The names of everything in ``folder`` (empty when it does not exist yet)."""
    try:
        with os.scandir(folder) as entries:
            return [entry.name for entry in entries]
    except OSError:  # missing, or listing not allowed: no-clobber writes still protect
        return []


def is_inside(folder: Path, name: str) -> bool:
    """Whether ``folder/name`` really is inside ``folder`` with no link on the way.

    ``name`` is a file name or a ``/``-separated path below ``folder`` (a note the user
    moved into a subfolder); no part may be empty, ``.``, ``..`` or hidden. ``folder`` must
    be resolved already (:func:`absolute_folder`).
    """
    parts = name.split("/")
    if any(
        not part or part.startswith(".") or os.sep in part or (os.altsep and os.altsep in part)
        for part in parts
    ):
        return False
    # ``folder`` is resolved (absolute_folder): only the parts below it can be links. One
    # lstat per part below it, not one per part of the whole path (realpath).
    where = str(folder)
    for part in parts:
        where = os.path.join(where, part)  # noqa: PTH118 - one string per step
        try:
            info = os.lstat(where)
        except FileNotFoundError:
            return True  # nothing there yet: nothing below can be a link
        except OSError:
            return False
        if stat.S_ISLNK(info.st_mode):
            return False
    return True


def is_read_only(info: os.stat_result) -> bool:
    """Whether the user made the file read-only (no write bit for its owner): left alone."""
    return not info.st_mode & stat.S_IWUSR


MAX_NOTE_BYTES = 64 * 1024 * 1024
"""The largest note file the export reads; a bigger one is left alone and reported."""
_ID_LINE = re.compile(rb"^papershelf_id: *(\d{1,18}) *\r?$", re.MULTILINE)
_SCAN_DEPTH = 12
_SCAN_FILES = 200_000


def find_notes_by_id(folder: Path) -> dict[int, list[str]]:
    """Every Markdown file below ``folder`` whose front matter names a ``papershelf_id``.

    Paper id → the files' paths relative to ``folder`` (``/``-separated). Hidden folders
    (``.obsidian``, ``.trash``), links and files other than ``*.md`` are not looked into;
    only the first 8 KiB of a file are read.
    """
    found: dict[int, list[str]] = {}
    seen = 0
    pending: list[tuple[Path, str, int]] = [(folder, "", 0)]
    while pending and seen < _SCAN_FILES:
        directory, prefix, depth = pending.pop()
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            seen += 1
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth < _SCAN_DEPTH:
                        pending.append((Path(entry.path), f"{prefix}{entry.name}/", depth + 1))
                    continue
                if not entry.name.lower().endswith(".md") or not entry.is_file(
                    follow_symlinks=False
                ):
                    continue
                with open(entry.path, "rb") as stream:  # noqa: PTH123 - a DirEntry path
                    head = stream.read(8192)
            except OSError:
                continue
            paper_id = front_matter_id(head)
            if paper_id is not None:
                found.setdefault(paper_id, []).append(prefix + entry.name)
    return found


def front_matter_id(head: bytes) -> int | None:
    """The ``papershelf_id`` in the front matter at the start of ``head``, if there is one."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    if not head.startswith(b"---"):
        return None
    end = head.find(b"\n---", 3)
    match = _ID_LINE.search(head, 0, end if end > 0 else len(head))
    return int(match.group(1)) if match else None


def new_temp(folder: Path) -> tuple[int, Path]:
    """A new, empty, hidden temporary file in ``folder`` (created with the user's umask),
    locked (``flock``) for as long as the returned descriptor is open."""
    while True:
        path = folder / f"{_TEMP_PREFIX}{secrets.token_hex(8)}{_TEMP_SUFFIX}"
        try:
            fd = os.open(path, _OPEN_NEW, 0o666)
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue
        if fcntl is not None:
            with contextlib.suppress(OSError):  # no locks here (some network shares)
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd, path


def keep_old_version(target: Path) -> Path | None:
    """A second, hidden name for the note at ``target`` (a hard link, named like a
    temporary), so that replacing the note does not free its old version's blocks then:
    on a file system that trims freed blocks at once, that is milliseconds a note. The
    caller removes it when the replace is done, off the export's path; a killed export
    leaves it to be removed like a temporary. ``None`` where there are no hard links."""
    while True:
        path = target.parent / f"{_TEMP_PREFIX}{secrets.token_hex(8)}{_TEMP_SUFFIX}"
        try:
            os.link(target, path, follow_symlinks=False)
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue
        except (OSError, NotImplementedError):
            return None
        return path


def move_no_clobber(temp: Path, target: Path) -> None:
    """Move ``temp`` to ``target``, raising :class:`FileExistsError` if anything is there."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT, some network shares): check, then rename.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "a file appeared", str(target)) from None
        temp.replace(target)


def is_note_of(folder: Path, name: str, paper_id: int, data: bytes) -> bool:
    """Whether the unrecorded file ``folder/name`` holds ``data`` or says (its front
    matter's ``papershelf_id``) it is the note of ``paper_id``."""
    try:
        if not is_inside(folder, name):
            return False
        found = read_note(folder / name)
    except (OSError, NotARegularFile, NoteTooLarge):
        return False
    if found is None:
        return False
    return found[0] == data or front_matter_id(found[0][:8192]) == paper_id
