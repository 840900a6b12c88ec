"""The ``papershelf`` entry point: the command line, or the window when no command is given.

Qt is imported only when the window opens, so command-line use stays fast and works on
machines without a display.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from reader.cli import main as cli_main


def open_window(library_path: Path) -> int:
    """Open the main window on ``library_path``; returns the application's exit status."""
    from ui.app import run_app

    return run_app(library_path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``papershelf`` with ``argv`` (default: the process arguments)."""
    return cli_main(argv, open_window=open_window)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
