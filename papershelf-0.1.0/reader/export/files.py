"""Writing into the user's vault: atomic, never clobbering, never leaving the folder.

Every note is written to a temporary file in the export folder, flushed to disk and then
moved into place (``os.replace``), so a crash leaves the old note or the new one, never
half of one. A new note is moved into place with a hard link, which fails rather than
overwrite a file that appeared meanwhile. Nothing here ever deletes a file of the user's.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from pathlib import Path

from reader.durable import sync_path
from reader.export.errors import ExportError
from reader.export.names import conflict_name

_TEMP_PREFIX = ".papershelf-"
_TEMP_SUFFIX = ".tmp"
_OPEN_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_FINAL_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC)})
"""Errors after which no further note can be written: the export stops at the first."""


class NotARegularFile(Exception):
    """The vault holds something other than a plain file where a note should be."""


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
        fd, probe = _new_temp(folder)
        os.close(fd)
        probe.unlink()
    except OSError as exc:
        raise ExportError(
            f"cannot write into the export folder {folder}: {exc.strerror or exc}"
        ) from None


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
        return stream.read(), info


def exists(path: Path) -> bool:
    """Whether anything (a file, a link, even a broken one) is at ``path``."""
    return os.path.lexists(path)


def write_note(folder: Path, name: str, data: bytes, *, replace: bool) -> Path:
    """Write ``data`` as ``folder/name`` atomically; returns the path.

    With ``replace`` an existing file is replaced (the caller has checked it is ours);
    without it, :class:`FileExistsError` is raised if anything is at the path.
    """
    target = folder / name
    fd, temp = _new_temp(folder)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            temp.replace(target)
        else:
            _move_no_clobber(temp, target)
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
    """Whether ``folder/name`` really is a direct child of ``folder``, links resolved."""
    if os.sep in name or (os.altsep and os.altsep in name) or name in {"", ".", ".."}:
        return False
    return Path(os.path.realpath(folder / name)).parent == folder


def _new_temp(folder: Path) -> tuple[int, Path]:
    """A new, empty, hidden temporary file in ``folder`` (created with the user's umask)."""
    while True:
        path = folder / f"{_TEMP_PREFIX}{secrets.token_hex(8)}{_TEMP_SUFFIX}"
        try:
            return os.open(path, _OPEN_NEW, 0o666), path
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue


def _move_no_clobber(temp: Path, target: Path) -> None:
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT, some network shares): check, then rename.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "a file appeared", str(target)) from None
        temp.replace(target)
