"""The ``papershelf`` command line: import, list, show and edit papers without the window.

Every error a person can cause or meet (no such paper, a rating of 7, a library that cannot
be opened) prints one line on stderr and exits with status 2. No traceback reaches the user.

Each group of commands lives in its own module with a ``register(commands)`` function that
adds its sub-parsers; a sub-parser names its handler with ``set_defaults(run=…)`` and, when
the command needs no library (``config``), ``needs_library=False``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from reader import __version__
from reader.cli import desktop, exporting, folders, maintenance, papers
from reader.cli.base import EXIT_USAGE, CommandError
from reader.cli.papers import paper_to_json
from reader.library import LibraryCorruptError, LibraryError, QueryError
from reader.paths import default_library_path

OpenWindow = Callable[[Path], int]

__all__ = ["EXIT_USAGE", "CommandError", "build_parser", "main", "paper_to_json"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="papershelf",
        description="Papershelf: a reading list for research papers, fed by digest files.",
        epilog="Run 'papershelf' with no command to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"papershelf {__version__}")
    parser.add_argument(
        "--library",
        metavar="PATH",
        type=Path,
        help="the library file (default: $PAPERSHELF_LIBRARY or the user data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (papers, folders, exporting, desktop, maintenance):
        module.register(commands)
    p = commands.add_parser("help", help="help on a topic: search")
    p.add_argument("topic", nargs="?", choices=["search"])
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    open_window: OpenWindow | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line; returns the exit status.

    ``open_window`` is what runs when no command is given (the desktop front end passes
    its launcher in); without it, the help is printed.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    library_path: Path = args.library or default_library_path()
    if args.command is None:
        if open_window is not None:
            return open_window(library_path)
        parser.print_help(out)
        return 0
    if args.command == "help":
        from reader.query import SYNTAX_HELP

        print(SYNTAX_HELP if args.topic == "search" else parser.format_help(), file=out)
        return 0
    warnings: list[str] = []
    try:
        if not getattr(args, "needs_library", True):
            return int(args.run(None, args, out))
        from reader.library.opening import open_library

        with open_library(library_path, on_warning=warnings.append) as library:
            status = int(args.run(library, args, out))
        for warning in warnings:  # after the output: `papershelf list` still lists
            print(f"papershelf: warning: {warning}", file=err)
        return status
    except (CommandError, LibraryError, QueryError) as exc:
        message = str(exc)
        if isinstance(exc, LibraryCorruptError):
            from reader.library.backup import list_backups, restore_advice

            if list_backups(library_path):
                message += f"; {restore_advice(library_path)}"
        print(f"papershelf: {message}", file=err)
        return EXIT_USAGE
    except sqlite3.DatabaseError as exc:
        # Damage met outside the library's own methods: said plainly, never as a traceback.
        from reader.library.errors import is_corruption

        if not is_corruption(exc):
            raise
        from reader.library import health
        from reader.library.opening import damage_warning

        reason = f"SQLite reported: {exc}"
        health.record_damage(library_path, reason)
        print(f"papershelf: {damage_warning(library_path, reason)}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("papershelf: interrupted", file=err)
        return 130
    except BrokenPipeError:
        # `papershelf list | head`: the reader went away; that is fine.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
