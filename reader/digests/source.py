"""Reading a digest file's bytes safely and turning them into text.

A watched folder receives anything: devices behind symlinks, folders named ``x.txt``,
100 MB logs, UTF-16 files from Windows Notepad. Everything here either returns what was
asked for or raises :class:`~reader.digests.errors.DigestError` with a message a person
can act on.
"""

from __future__ import annotations

import codecs
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
    or never end. Files larger than ``limit`` are refused before they are read, and never
    more than ``limit`` bytes are read. A file that reports no size (``/proc/kmsg``, an
    empty file) is not read at all, and the file is opened non-blocking: no read can wait
    for data that may never come.
    """
    path = Path(path)
    info = _stat(path, limit)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _read_error(path, exc) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (
            info.st_dev,
            info.st_ino,
        ):  # replaced by something else between the two looks
            raise DigestReadError(f"{path.name}: changed while it was being opened; try again")
        if opened.st_size == 0:
            # An empty file, or a kernel file that reports no size and may block (/proc/kmsg).
            return b""
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(limit + 1)
    except OSError as exc:
        raise _read_error(path, exc) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:  # grew while we looked
        raise DigestReadError(f"{path.name}: is larger than {limit / 1_048_576:.0f} MB")
    return data


def _stat(path: Path, limit: int) -> os.stat_result:
    """``path``'s status (symlinks followed), refusing folders, devices, pipes and huge files."""
    try:
        info = path.stat()
    except OSError as exc:
        raise _read_error(path, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise DigestReadError(f"{path.name}: is a folder, not a digest file")
    if not stat.S_ISREG(info.st_mode):
        raise DigestReadError(
            f"{path.name}: is not a regular file (a device, pipe or socket); "
            "only ordinary files are read as digests"
        )
    if info.st_size > limit:
        raise DigestReadError(
            f"{path.name}: is {info.st_size / 1_048_576:.0f} MB; "
            f"digests are at most {limit / 1_048_576:.0f} MB"
        )
    return info


def _read_error(path: Path, exc: OSError) -> DigestReadError:
    if isinstance(exc, FileNotFoundError):
        return DigestReadError(f"{path.name}: the file no longer exists")
    if isinstance(exc, PermissionError):
        return DigestReadError(f"{path.name}: permission denied; check the file's access rights")
    if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
        return DigestReadError(f"{path.name}: has no data to read now (not an ordinary file)")
    return DigestReadError(f"{path.name}: cannot be read ({_describe(exc)})")


def _describe(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that points back at itself"
    return exc.strerror or type(exc).__name__


_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_FALLBACK = "papershelf-cp1252"
"""Decoding error handler: a byte that is not UTF-8 is read as Windows-1252, on its own."""


def _cp1252_byte(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bytes(bad).decode("cp1252", errors="replace"), exc.end


codecs.register_error(_FALLBACK, _cp1252_byte)


def decode_text(data: bytes) -> str:
    """Decode a text capture: UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, UTF-16
    without BOM, else Windows-1252.

    Decoding never gives up on a whole file for one bad byte: each byte that is not UTF-8 is
    read as Windows-1252 on its own (Latin-1 files read right, a stray byte in a UTF-8 file
    costs one character), and broken UTF-16/32 becomes U+FFFD where it breaks. UTF-8 cut off
    inside its last character stays UTF-8 (the partial character is dropped).

    Line endings are normalised to ``\\n``. Binary data (NUL characters) raises
    :class:`UnknownFormatError`.
    """
    if not data.strip():
        raise UnknownFormatError("the file is empty")
    found = next(((bom, name) for bom, name in _BOMS if data.startswith(bom)), None)
    if found is not None:
        text = data[len(found[0]) :].decode(found[1], errors="replace")
    elif b"\x00" in data:
        codec = _bomless_utf16(data)
        if codec is None:
            raise UnknownFormatError("the file is binary, not text")
        text = data.decode(codec, errors="replace")
    else:
        text = _decode_utf8(data)
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise UnknownFormatError("the file is binary, not text")
    if not text.strip():  # a BOM, no-break spaces or blank lines only
        raise UnknownFormatError("the file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and not data[: exc.start].isascii():
            # UTF-8 cut off inside its last character: keep everything before it.
            return data[: exc.start].decode("utf-8", errors=_FALLBACK)
        return data.decode("utf-8", errors=_FALLBACK)


def _bomless_utf16(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when ``data`` reads as UTF-16 text without a BOM
    (mostly ASCII: every other byte NUL), else ``None``.
    """
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    for codec, zeros, chars in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) >= 0.9 * len(zeros) and chars.count(0) <= 0.05 * len(chars):
            return codec
    return None
