"""The ``papershelf`` command line: import, list, show and edit papers without the window.

Every error a person can cause or meet (no such paper, a rating of 7, a library that cannot
be opened) prints one line on stderr and exits with status 2. No traceback reaches the user.

Each group of commands lives in its own module with a ``register(commands)`` function that
adds its sub-parsers; a sub-parser names its handler with ``set_defaults(run=…)`` and, when
the command needs no library (``config``), ``needs_library=False``. :data:`COMMANDS` names
the module of every command, so that only the module of the command given is imported.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from reader import __version__
from reader.cli.base import EXIT_INTERNAL, EXIT_USAGE, CommandError, TerminalSafe
from reader.library import LibraryCorruptError, LibraryError, QueryError
from reader.paths import default_library_path

if TYPE_CHECKING:
    from reader.cli.papers import paper_to_json

OpenWindow = Callable[[Path], int]
log = logging.getLogger(__name__)

__all__ = ["EXIT_USAGE", "CommandError", "build_parser", "main", "paper_to_json"]


COMMANDS: dict[str, str] = {
    **dict.fromkeys(
        ("import", "list", "show", "tag", "rate", "status", "note", "digests", "tags"), "papers"
    ),
    **dict.fromkeys(("delete", "trash"), "trash"),
    **dict.fromkeys(("watch", "config"), "folders"),
    "export": "exporting",
    **dict.fromkeys(("cite", "citekey"), "cite"),
    "install-desktop-entry": "desktop",
    **dict.fromkeys(("backup", "restore", "check"), "maintenance"),
    **dict.fromkeys(("rank", "similar", "why", "not-interested"), "ranking"),
    "views": "views",
    "rules": "rules",
    **dict.fromkeys(("edit", "merge"), "paper_details"),
}
"""Every command, in the order ``--help`` lists them, and the module under
:mod:`reader.cli` whose ``register`` adds it. A command's module is imported only when
that command runs (or the whole list is shown): opening the window imports none."""


def _modules(commands: Sequence[str] | None) -> list[str]:
    """The command modules that register ``commands`` (all of them for ``None``), in order."""
    wanted = COMMANDS if commands is None else {c: COMMANDS[c] for c in commands}
    return list(dict.fromkeys(wanted.values()))


def build_parser(commands: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser for every command (or only for those named in ``commands``)."""
    import importlib

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
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _modules(commands):
        importlib.import_module(f"reader.cli.{name}").register(subparsers)
    p = subparsers.add_parser("help", help="help on a topic: search")
    p.add_argument("topic", nargs="?", choices=["search"])
    return parser


def _parse(argv: Sequence[str] | None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """Parse ``argv`` with a parser that knows only the command given (if it is one).

    The global options are read first; with no command (the window) no command module is
    imported; for a known command only its module; for anything else (``--help``, a
    typo) every command's, so the help and the error list them all.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    first = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    first.add_argument("--library")
    try:
        rest: list[str] | None = first.parse_known_args(args)[1]
    except argparse.ArgumentError:  # the full parser says what is wrong
        rest = None
    if rest is not None and not rest:
        parser = build_parser(())
    elif rest and rest[0] in COMMANDS:
        parser = build_parser([rest[0]])
    else:
        parser = build_parser()
    return parser, parser.parse_args(args)


def __getattr__(name: str) -> Any:
    if name == "paper_to_json":  # kept where it always was, without importing it early
        from reader.cli.papers import paper_to_json

        return paper_to_json
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    out = stdout or _for_people(_tolerant(sys.stdout))
    err = stderr or _for_people(_tolerant(sys.stderr))
    _parser, args = _parse(argv)
    library_path: Path = args.library or default_library_path()
    if args.command is None:
        if open_window is not None:
            return open_window(library_path)
        build_parser().print_help(out)
        return 0
    if args.command == "help":
        from reader.query import SYNTAX_HELP

        print(SYNTAX_HELP if args.topic == "search" else build_parser().format_help(), file=out)
        return 0
    warnings: list[str] = []
    try:
        if not getattr(args, "needs_library", True):
            return int(args.run(None, args, out))
        from reader.library.opening import open_library

        if args.library is not None:
            _check_named_library(args.library)
        with open_library(
            library_path, on_warning=warnings.append, create_folders=args.library is None
        ) as library:
            if library.created:
                print(f"papershelf: created a new library at {library.path}", file=err)
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
            return _internal_error(args.command, err)
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
    except Exception:
        return _internal_error(args.command, err)


def _internal_error(command: str, err: TextIO) -> int:
    """Log the exception being handled (a bug) with its traceback; tell the user plainly."""
    log.exception("papershelf %s failed with an internal error", command)
    from reader.logs import log_file

    print(
        f"papershelf: an internal error stopped '{command}' (a bug in Papershelf; what "
        f"it was writing was not saved). The details are in {log_file()}",
        file=err,
    )
    return EXIT_INTERNAL


def _for_people(stream: TextIO) -> TextIO:
    """On a terminal, control characters in what is printed are shown, not obeyed."""
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    return cast("TextIO", TerminalSafe(stream)) if interactive else stream


def _tolerant(stream: TextIO) -> TextIO:
    """``stream``, printing what it cannot encode as a replacement instead of raising.

    Stored text from a damaged or hostile source must never stop a listing half-way.
    """
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors="replace")
    return stream


def _check_named_library(path: Path) -> None:
    """Refuse a ``--library`` path whose folder does not exist (a typo, most likely).

    A new library file in an existing folder is fine (and announced); folders are created
    only for the default library.
    """
    target = path.expanduser()
    if target.is_dir():
        raise CommandError(f"{target} is a folder; name the library file inside it")
    if target.parent.exists() and not target.parent.is_dir():
        raise CommandError(
            f"the library {target} cannot be opened: {target.parent} is a file, not a folder"
        )
    if not target.parent.is_dir():
        raise CommandError(
            f"the folder {target.parent} does not exist; check the --library path "
            "(Papershelf creates no folders for a library named on the command line)"
        )
