"""Reading a digest file's bytes safely and turning them into text.

A watched folder receives anything: devices behind symlinks, folders named ``x.txt``,
100 MB logs, UTF-16 files from Windows Notepad. Everything here either returns what was
asked for or raises :class:`~reader.digests.errors.DigestError` with a message a person
can act on.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from reader.digests.errors import DigestReadError, UnknownFormatError

MAX_DIGEST_BYTES = 32 * 1024 * 1024
"""The largest file read as a digest. Real captures are well under 1 MB."""


def read_digest_bytes(path: str | os.PathLike[str], limit: int = MAX_DIGEST_BYTES) -> bytes:
    """Return the bytes of the regular file at ``path``, refusing anything unsafe to read.

    Symlinks are followed, but only to regular files: ``/dev/zero`` or a FIFO would block
    or never end. Files larger than ``limit`` are refused before they are read.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DigestReadError(f"{path.name}: the file no longer exists") from None
    except PermissionError:
        raise DigestReadError(
            f"{path.name}: permission denied; check the file's access rights"
        ) from None
    except OSError as exc:
        raise DigestReadError(f"{path.name}: cannot be read ({_describe(exc)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise DigestReadError(f"{path.name}: is a folder, not a digest file")
    if not stat.S_ISREG(info.st_mode):
        raise DigestReadError(f"{path.name}: is not a regular file (a device, pipe or socket)")
    if info.st_size > limit:
        raise DigestReadError(
            f"{path.name}: is {info.st_size / 1_048_576:.0f} MB; "
            f"digests are at most {limit / 1_048_576:.0f} MB"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except PermissionError:
        raise DigestReadError(
            f"{path.name}: permission denied; check the file's access rights"
        ) from None
    except OSError as exc:
        raise DigestReadError(f"{path.name}: cannot be read ({_describe(exc)})") from None
    if len(data) > limit:  # grew while we looked
        raise DigestReadError(f"{path.name}: is larger than {limit / 1_048_576:.0f} MB")
    return data


def _describe(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that points back at itself"
    return exc.strerror or type(exc).__name__


def decode_text(data: bytes) -> str:
    """Decode a text capture: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    UTF-8 cut off inside its last character stays UTF-8 (the partial character is dropped).

    Line endings are normalised to ``\\n``. Binary data (NUL bytes outside UTF-16) raises
    :class:`UnknownFormatError`.
    """
    if not data.strip():
        raise UnknownFormatError("the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnknownFormatError("the file starts like UTF-16 text but is not") from None
    else:
        if b"\x00" in data:
            raise UnknownFormatError("the file is binary, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and not data[: exc.start].isascii():
                # UTF-8 cut off inside its last character: keep everything before it.
                text = data[: exc.start].decode("utf-8")
            else:
                # Latin-1 / Windows-1252 captures exist; every byte maps to something.
                text = data.decode("cp1252", errors="replace")
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise UnknownFormatError("the file is binary, not text")
    if not text.strip():  # a BOM, no-break spaces or blank lines only
        raise UnknownFormatError("the file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")
