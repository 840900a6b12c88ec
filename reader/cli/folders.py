"""Commands on watched folders and settings: watch, config."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from reader.cli.base import CommandError, user_text
from reader.library import Library


def register(commands: Any) -> None:
    """Add ``watch`` and ``config`` to the ``papershelf`` parser."""
    p = commands.add_parser("watch", help="import digests as they land in folders, until Ctrl+C")
    p.set_defaults(run=_watch)
    p.add_argument("folders", nargs="*", type=Path, metavar="FOLDER", help="default: configured")
    p.add_argument("--recursive", action=argparse.BooleanOptionalAction, help="sub-folders too")
    p.add_argument("--polling", action=argparse.BooleanOptionalAction, help="poll, for shares")

    p = commands.add_parser(
        "config",
        help="show or change this library's settings (watched folders, export folder)",
        description="Watched folders and the export folder belong to the library (they are "
        "kept in its file, so --library LIBRARY config shows and changes that library's).",
    )
    p.set_defaults(run=_config, needs_library=False)
    p.add_argument("--add-folder", action="append", type=Path, metavar="DIR", default=[])
    p.add_argument("--remove-folder", action="append", type=Path, metavar="DIR", default=[])
    p.add_argument("--recursive", action=argparse.BooleanOptionalAction, help="watch sub-folders")
    p.add_argument("--polling", action=argparse.BooleanOptionalAction, help="poll the folders")
    p.add_argument("--export-folder", metavar="DIR", help="where notes are exported ('' unsets)")


def _watch(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    import signal
    import threading

    from reader.importer import ImportReport
    from reader.paths import default_inbox_dir
    from reader.settings import Settings
    from reader.watcher import FolderWatcher, WatchError, folder_problem
    from reader.worker import LibraryWorker

    settings = Settings.for_library(library)
    folders: list[Path] = args.folders or settings.watched_folders
    if args.folders:
        for folder in folders:
            if problem := folder_problem(folder.expanduser().absolute()):
                raise CommandError(problem)
    elif not folders:
        raise CommandError("no folder is configured; add one with 'papershelf config --add-folder'")
    elif default_inbox_dir() in folders:
        try:
            default_inbox_dir().mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create {default_inbox_dir()}: {exc.strerror}") from None
    stop = threading.Event()
    printing = threading.Lock()

    def show(report: ImportReport) -> None:
        lines = [f"{report.path}: {report.summary()}"]
        lines += [f"  warning: {warning}" for warning in report.warnings]
        with printing:
            try:
                print("\n".join(lines), file=out, flush=True)
            except (BrokenPipeError, ValueError):  # `papershelf watch | head` ended
                stop.set()

    def warn(message: str) -> None:
        print(f"papershelf: {message}", file=sys.stderr, flush=True)

    def interrupt(signum: int, frame: object) -> None:
        stop.set()

    worker = LibraryWorker(library.path)
    watcher = FolderWatcher(
        worker,
        folders,
        recursive=settings.recursive if args.recursive is None else args.recursive,
        polling=settings.polling if args.polling is None else args.polling,
        quiet_period=settings.quiet_period,
        on_report=show,
        on_error=warn,
    )
    previous = {}
    if threading.current_thread() is threading.main_thread():
        # Ctrl+C and SIGTERM end the wait below; a second Ctrl+C interrupts the clean-up.
        previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        # The worker opens its connection now, on this library: should the file be deleted
        # later, the watcher notices instead of the worker creating an empty one.
        worker.submit(lambda lib: lib.ensure_file_present()).result()
        watcher.start()
        watched = ", ".join(map(str, watcher.watching))
        with printing:
            print(f"watching {watched} (Ctrl+C stops)", file=out, flush=True)
        while not stop.wait(0.5):
            if watcher.failure is not None:
                raise CommandError(watcher.failure)
    except WatchError as exc:
        raise CommandError(str(exc)) from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        watcher.stop()
        worker.close()
    return 0


def _config(_none: None, args: argparse.Namespace, out: TextIO) -> int:
    from reader.library.opening import open_library
    from reader.paths import default_library_path

    changing = bool(
        args.add_folder
        or args.remove_folder
        or args.export_folder is not None
        or args.recursive is not None
        or args.polling is not None
    )
    library_path: Path = args.library or default_library_path()
    if not changing and not library_path.expanduser().exists():
        return _show_config(None, library_path, args, out)  # showing creates no library
    with open_library(library_path, create_folders=args.library is None) as library:
        return _show_config(library, library_path, args, out)


def _show_config(
    library: Library | None, library_path: Path, args: argparse.Namespace, out: TextIO
) -> int:
    from reader.settings import Settings, settings_path

    path = settings_path()
    if library is not None:
        settings = Settings.for_library(library, path)
    else:
        settings = Settings.for_missing_library(library_path, path)
    changed = False
    for folder in [*args.add_folder, *args.remove_folder]:
        user_text(str(folder), f"the folder name {str(folder)[:60]!r}")
    if args.export_folder:
        user_text(args.export_folder, "the export folder name")
    for folder in args.add_folder:
        if folder.expanduser().is_file():
            raise CommandError(f"{folder} is a file, not a folder")
        changed |= settings.add_folder(folder)
    for folder in args.remove_folder:
        if not settings.remove_folder(folder):
            raise CommandError(f"{folder} is not a watched folder")
        changed = True
    for name in ("recursive", "polling"):
        if getattr(args, name) is not None:
            setattr(settings, name, getattr(args, name))
            changed = True
    if args.export_folder is not None:
        settings.export_folder = (
            Path(args.export_folder).expanduser().absolute() if args.export_folder else None
        )
        changed = True
    if changed and library is not None:
        settings.save_to_library(library)
    print(
        f"library: {library_path}{'' if library is not None else '  (not created yet)'}", file=out
    )
    print(f"app-wide settings file: {path}", file=out)
    print("watched folders:" if settings.watched_folders else "watched folders: none", file=out)
    for folder in settings.watched_folders:
        print(f"  {folder}{'' if folder.is_dir() else '  (missing)'}", file=out)
    print(f"sub-folders: {'watched' if settings.recursive else 'not watched'}", file=out)
    print(f"polling: {'on' if settings.polling else 'off'}", file=out)
    print(f"quiet period: {settings.quiet_period:g} s", file=out)
    print(f"export folder: {settings.export_folder or '(not set)'}", file=out)
    if settings.export_template:
        print(f"export template: {settings.export_template}", file=out)
    return 0
