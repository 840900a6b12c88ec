"""What every command module shares."""

from __future__ import annotations

from typing import TextIO

EXIT_USAGE = 2
"""Exit status for every error a person can cause or meet."""

EXIT_INTERNAL = 70
"""Exit status for a bug in Papershelf (``EX_SOFTWARE``); the details are in the log."""

MAX_ID = 2**63 - 1
"""The largest id SQLite can hold."""


def paper_id(text: str) -> int:
    """An ``argparse`` type for a paper id: a positive whole number SQLite can hold."""
    import argparse

    digits = text.strip()
    if not digits.isdigit() or not digits.isascii():
        raise argparse.ArgumentTypeError(f"a paper id is a whole number, not {text[:40]!r}")
    if len(digits) > 19 or int(digits) > MAX_ID or int(digits) == 0:
        raise argparse.ArgumentTypeError(f"there is no paper with id {digits[:40]}")
    return int(digits)


def user_text(value: str, what: str) -> str:
    """``value`` from the command line, refused if it is not valid text.

    Arguments that are not valid UTF-8 arrive with surrogate escapes; storing them would
    change what the user typed, so they are refused with a plain message.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CommandError(
            f"{what} is not valid UTF-8 text (at character {exc.start + 1}); nothing was changed"
        ) from None
    return value


class CommandError(Exception):
    """A problem to report in one line (``papershelf: …``) and exit with status 2."""


_CONTROL_PICTURES = {code: 0x2400 + code for code in range(32) if chr(code) not in "\n\t"}
_CONTROL_PICTURES[0x7F] = 0x2421
_CONTROL_PICTURES.update(dict.fromkeys(range(0x80, 0xA0), 0xFFFD))


def terminal_safe(text: str) -> str:
    """``text`` with control characters made visible (``␛`` for ESC), newlines and tabs kept.

    A title or a file name holding ESC sequences must not clear the screen, change the
    window title or spoof a hyperlink when it is listed. The pictures are plain text, so
    output stays valid (JSON included) wherever it is pasted.
    """
    return text.translate(_CONTROL_PICTURES)


class TerminalSafe:
    """A text stream for a terminal: everything written goes through :func:`terminal_safe`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters made visible."""
        return self._stream.write(terminal_safe(text))

    def flush(self) -> None:
        """Flush the terminal stream."""
        self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)
