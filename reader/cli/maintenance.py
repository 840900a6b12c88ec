"""Commands that look after the library file itself: backup, restore, check."""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from reader.cli.base import CommandError
from reader.library import Library
from reader.library.checkup import HealthReport
from reader.library.errors import translate
from reader.paths import default_library_path


def register(commands: Any) -> None:
    """Add ``backup``, ``restore`` and ``check`` to the ``papershelf`` parser."""
    p = commands.add_parser("backup", help="copy the library (checked) to the backup folder")
    p.set_defaults(run=_backup, needs_library=False)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--to", metavar="FILE", type=Path, help="copy to this file instead")
    group.add_argument("--list", action="store_true", help="list the backups, newest first")
    p.add_argument("--force", action="store_true", help="with --to: replace an existing file")

    p = commands.add_parser(
        "restore", help="replace the library with a backup (the current one is backed up first)"
    )
    p.set_defaults(run=_restore, needs_library=False)
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="the backup to restore")
    p.add_argument("--latest", action="store_true", help="restore the latest good backup")

    p = commands.add_parser("check", help="check the library: integrity, search index, orphan rows")
    p.set_defaults(run=_check, needs_library=False)
    p.add_argument("--repair", action="store_true", help="repair what can be repaired")


def _library_path(args: argparse.Namespace) -> Path:
    path: Path = args.library or default_library_path()
    return path.expanduser()


def _backup(library: Library | None, args: argparse.Namespace, out: TextIO) -> int:
    from reader.library.backup import MANUAL, backup_folder, backup_to, list_backups, make_backup

    path = _library_path(args)
    if args.list:
        backups = list_backups(path)
        if not backups:
            print(f"no backups of {path} yet (they go to {backup_folder(path)})", file=out)
        for backup in backups:
            print(f"{backup.label:<44} {backup.size / 1_048_576:8.1f} MB  {backup.path}", file=out)
        return 0
    if args.force and args.to is None:
        raise CommandError("--force only goes with --to FILE")
    target = (
        backup_to(path, args.to, force=args.force)
        if args.to is not None
        else make_backup(path, MANUAL).path
    )
    print(f"backed up {path} to {target}", file=out)
    return 0


def _restore(library: Library | None, args: argparse.Namespace, out: TextIO) -> int:
    from reader.library.restore import restore

    if (args.file is None) == (not args.latest):
        raise CommandError("name the backup FILE to restore, or use --latest")
    target = _library_path(args)
    if args.library is not None and not target.parent.is_dir():
        raise CommandError(
            f"the folder {target.parent} does not exist; check the --library path "
            "(Papershelf creates no folders for a library named on the command line)"
        )
    result = restore(target, args.file)
    print(f"restored {result.source} into {result.library} ({result.papers} papers)", file=out)
    if result.previous is not None:
        print(f"the library it replaced was saved as {result.previous.path}", file=out)
    for note in result.notes:
        print(note, file=out)
    return 0


def _check(library: Library | None, args: argparse.Namespace, out: TextIO) -> int:
    from reader.library import checkup, health
    from reader.library.backup import BEFORE_REPAIR, make_backup, restore_advice

    path = _library_path(args)
    if not path.is_file():
        raise CommandError(f"there is no library at {path}")
    print(f"checking {path}", file=out)
    with _connect(path) as conn:
        report = checkup.check(conn)
    _print_report(report, out)
    if report.damaged and _is_sqlite(path):  # a stray text file gets no marker beside it
        health.record_damage(path, f"integrity check: {health.summarise(report.problems)}")
    if args.repair and not report.ok:
        if not report.repairable:
            print(f"this damage cannot be repaired in place; {restore_advice(path)}", file=out)
            return 1
        saved = make_backup(path, BEFORE_REPAIR, verify=False)
        print(f"saved a copy before repairing: {saved.path}", file=out)
        with _connect(path) as conn:
            for done in checkup.repair(conn, report):
                print(f"repaired: {done}", file=out)
            report = checkup.check(conn)
        _print_report(report, out)
    if report.ok:
        health.clear_damage(path)
        print("the library is healthy", file=out)
        return 0
    if report.damaged:
        print(f"the library is damaged; {restore_advice(path)}", file=out)
    else:
        print("run 'papershelf check --repair' to repair it", file=out)
    return 1


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _print_report(report: HealthReport, out: TextIO) -> None:
    if report.schema:
        print(report.schema, file=out)
        return
    print("integrity: failed" if report.integrity else "integrity: ok", file=out)
    for line in report.integrity[:10]:
        print(f"  {line}", file=out)
    if report.integrity:
        return
    print(f"search index: {report.search_index or 'ok'}", file=out)
    orphans = [f"{count} {what}" for what, count in report.orphans.items() if count]
    print(f"orphan rows: {', '.join(orphans) if orphans else 'none'}", file=out)
    print(f"text: {len(report.text)} damaged value(s)" if report.text else "text: ok", file=out)
    for item in report.text[:10]:
        print(f"  {item.describe()}", file=out)
    if len(report.text) > 10:
        print(f"  and {len(report.text) - 10} more", file=out)


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection for checking and repairing; SQLite errors translated.

    Not read-only: FTS5 runs its integrity check as an ``INSERT`` command (it writes
    nothing), which a ``mode=ro`` connection refuses.
    """
    try:
        conn = sqlite3.connect(os.fspath(path.absolute()), isolation_level=None, timeout=5)
    except sqlite3.Error as exc:
        raise CommandError(f"the library {path} cannot be opened: {exc}") from None
    try:
        yield conn
    except sqlite3.Error as exc:
        translated = translate(exc, str(path))
        if translated is None:
            raise
        raise translated from exc
    finally:
        conn.close()
