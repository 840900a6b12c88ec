"""The one family of exceptions a digest parser raises."""

from __future__ import annotations


class DigestError(Exception):
    """A file could not be read as a digest. ``str(error)`` is a message for a person.

    ``line`` is the 1-based line the problem was found on, when there is one.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class UnknownFormatError(DigestError):
    """The bytes are not any digest format Papershelf knows (binary, empty, unrelated text)."""


class DigestFormatError(DigestError):
    """The file is recognisably a digest of some format but breaks that format's rules."""


class DigestInternalError(DigestError):
    """A reader failed on its own bug (a ``KeyError`` inside a parser, say), not on the file.

    The traceback is logged; the message asks the user to report it.
    """


class DigestReadError(DigestError):
    """The file could not be read at all: missing, a folder, a device, too large, no access."""
