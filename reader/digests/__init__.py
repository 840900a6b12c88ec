"""Digest formats: sniff which format a file is, then parse it into a :class:`Digest`.

Each format is a module with ``NAME``, ``LABEL``, ``sniff(text) -> bool`` and
``parse(text, captured_at) -> Digest``. :func:`parse` is the one entry point the rest of
Papershelf uses; it raises only :class:`DigestError` subclasses.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from reader.digests.clean import clean_digest, clean_line
from reader.digests.errors import (
    DigestError,
    DigestFormatError,
    DigestInternalError,
    DigestReadError,
    UnknownFormatError,
)
from reader.digests.model import Digest, Entry
from reader.digests.source import MAX_DIGEST_BYTES, decode_text, read_digest_bytes

__all__ = [
    "FORMATS",
    "MAX_DIGEST_BYTES",
    "Digest",
    "DigestError",
    "DigestFormat",
    "DigestFormatError",
    "DigestInternalError",
    "DigestReadError",
    "Entry",
    "UnknownFormatError",
    "detect",
    "formats",
    "parse",
    "parse_bytes",
]


@dataclass(frozen=True, slots=True)
class DigestFormat:
    """A registered format: its id, a label for people and the module that reads it."""

    name: str
    label: str
    module: ModuleType

    def sniff(self, text: str) -> bool:
        """Whether ``text`` looks like this format."""
        return bool(self.module.sniff(text))

    def parse(self, text: str, captured_at: datetime) -> Digest:
        """Parse ``text`` in this format; every text field comes back cleaned
        (:mod:`~reader.digests.clean`: no control characters, bidi overrides or surrogates).
        """
        digest: Digest = self.module.parse(text, captured_at)
        return clean_digest(digest)


_log = logging.getLogger(__name__)

_FORMAT_MODULES = (
    "scholar_email",  # a mail from Google Scholar's alerts: before the arXiv listing mail
    "arxiv_email",  # plain text with \\ and arXiv:ID lines, or a mail message
    "arxiv_rss",  # feeds from rss.arxiv.org: before the generic feed
    "arxiv_atom",  # arXiv API responses: before the generic feed
    "feeds",  # any other RSS or Atom feed
    "hf_json",
    "csl_json",  # items with a CSL "type"; never a Hugging Face paper object
    "hf_html",  # HTML and Markdown captures say "Daily Papers" too: before hf_text
    "hf_markdown",
    "bibtex",
    "ris",
    "hf_text",
)
"""Every format Papershelf reads, most specific first (module names in this package)."""


@cache
def formats() -> tuple[DigestFormat, ...]:
    """The registered formats, imported on first use: the window starts without them."""
    modules = [import_module(f"reader.digests.{name}") for name in _FORMAT_MODULES]
    return tuple(DigestFormat(m.NAME, m.LABEL, m) for m in modules)


def __getattr__(name: str) -> Any:
    """``FORMATS`` is :func:`formats`, computed when first asked for (PEP 562)."""
    if name == "FORMATS":
        return formats()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def detect(data: bytes) -> DigestFormat | None:
    """The format ``data`` is in, or ``None`` when it is no digest Papershelf knows."""
    try:
        text = decode_text(data)
    except UnknownFormatError:
        return None
    return next((fmt for fmt in formats() if fmt.sniff(text)), None)


def parse_bytes(data: bytes, *, captured_at: datetime | None = None) -> Digest:
    """Parse a digest held in memory. Raises only :class:`DigestError` subclasses.

    A reader's own bug (any other exception) is logged with its traceback and raised as
    :class:`DigestInternalError`, never passed off as a problem of the file.
    """
    when = captured_at if captured_at is not None else datetime.now(UTC)
    fmt: DigestFormat | None = None
    try:
        text = decode_text(data)
        fmt = next((fmt for fmt in formats() if fmt.sniff(text)), None)
        if fmt is None:
            raise UnknownFormatError(
                "not a digest Papershelf can read (supported: "
                + ", ".join(f.label for f in formats())
                + ")"
            )
        return fmt.parse(text, when)
    except DigestError as exc:
        # Messages quote the file: they are cleaned like its fields before anyone sees them.
        exc.message = clean_line(exc.message)
        exc.args = (clean_line(str(exc)),)
        raise
    except MemoryError:
        raise DigestFormatError("the file needs more memory to read than there is") from None
    except Exception as exc:
        where = f"as {fmt.label}" if fmt is not None else "to find its format"
        _log.exception("internal error while reading a %d-byte file %s", len(data), where)
        raise DigestInternalError(
            f"internal error while reading this file {where}; please report it "
            "(the details are in Papershelf's log)"
        ) from exc


def parse(source: str | os.PathLike[str] | bytes, *, captured_at: datetime | None = None) -> Digest:
    """Parse a digest file (a path) or its bytes.

    For a path, ``captured_at`` defaults to the file's modification time: dates without a
    year are read relative to it.
    """
    if isinstance(source, bytes):
        return parse_bytes(source, captured_at=captured_at)
    path = Path(source)
    data = read_digest_bytes(path)
    if captured_at is None:
        try:
            captured_at = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        except OSError:
            captured_at = datetime.now(UTC)
    return parse_bytes(data, captured_at=captured_at)
