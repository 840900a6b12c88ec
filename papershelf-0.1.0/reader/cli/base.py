"""What every command module shares."""

from __future__ import annotations

EXIT_USAGE = 2
"""Exit status for every error a person can cause or meet."""


class CommandError(Exception):
    """A problem to report in one line (``papershelf: …``) and exit with status 2."""
