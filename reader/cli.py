"""The ``papershelf`` command line: import, list, show and edit papers without the window.

Every error a person can cause or meet (no such paper, a rating of 7, a library that cannot
be opened) prints one line on stderr and exits with status 2. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from reader import __version__
from reader.importer import Importer, ImportOutcome
from reader.library import (
    Library,
    LibraryError,
    Paper,
    PaperFilter,
    QueryError,
    SortKey,
    Status,
)
from reader.paths import default_library_path

OpenWindow = Callable[[Path], int]
EXIT_USAGE = 2


class CommandError(Exception):
    """A problem to report in one line and exit 2."""


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

    p = commands.add_parser("import", help="import digest files or folders of them")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--no-recursive", action="store_true", help="do not descend into sub-folders")

    p = commands.add_parser("list", help="list papers")
    p.add_argument("--status", choices=[s.value for s in Status])
    p.add_argument("--tag")
    p.add_argument("--rating-min", type=int, metavar="N")
    p.add_argument("--search", metavar="QUERY", default="", help="search text (see 'help search')")
    p.add_argument("--sort", choices=[k.value for k in SortKey], default=SortKey.ADDED.value)
    p.add_argument("--asc", action="store_true", help="ascending order")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--json", action="store_true", help="JSON lines with every field")

    p = commands.add_parser("show", help="show one paper")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")

    p = commands.add_parser("tag", help="add (+name or name) and remove (-name) tags")
    p.add_argument("id", type=int)
    p.add_argument("changes", nargs=argparse.REMAINDER, metavar="+name|-name")

    p = commands.add_parser("rate", help="rate a paper 0–5 (0 clears)")
    p.add_argument("id", type=int)
    p.add_argument("stars", metavar="0-5")

    p = commands.add_parser("status", help="set a paper's reading status")
    p.add_argument("id", type=int)
    p.add_argument("status", metavar="|".join(s.value for s in Status))

    p = commands.add_parser("note", help="show or set a paper's Markdown note")
    p.add_argument("id", type=int)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--set", metavar="TEXT", dest="text", help="the new note ('-' reads stdin)")
    group.add_argument("--file", metavar="F", help="read the note from a file ('-' for stdin)")
    group.add_argument("stdin", nargs="?", choices=["-"], help="read the note from stdin")

    commands.add_parser("digests", help="the import log")
    p = commands.add_parser("tags", help="every tag with its paper count")

    p = commands.add_parser("watch", help="import digests as they land in folders, until Ctrl+C")
    p.add_argument("folders", nargs="*", type=Path, metavar="FOLDER", help="default: configured")
    p.add_argument("--recursive", action=argparse.BooleanOptionalAction, help="sub-folders too")
    p.add_argument("--polling", action=argparse.BooleanOptionalAction, help="poll, for shares")

    p = commands.add_parser("config", help="show or change the settings (watched folders…)")
    p.add_argument("--add-folder", action="append", type=Path, metavar="DIR", default=[])
    p.add_argument("--remove-folder", action="append", type=Path, metavar="DIR", default=[])
    p.add_argument("--recursive", action=argparse.BooleanOptionalAction, help="watch sub-folders")
    p.add_argument("--polling", action=argparse.BooleanOptionalAction, help="poll the folders")
    p.add_argument("--export-folder", metavar="DIR", help="where notes are exported ('' unsets)")

    p = commands.add_parser(
        "export",
        help="export papers as Markdown notes into a vault folder",
        description="Write one Markdown note per paper (and an index note) into a folder. "
        "Notes you edited or deleted in the folder since the last export are left alone "
        "and reported.",
        epilog="Exit status: 0 when the export ran, conflicts included (they are listed, "
        "and your edits are kept); 1 when some notes could not be written; 2 when the "
        "export could not run at all.",
    )
    p.add_argument("--to", type=Path, metavar="DIR", help="the folder (default: configured)")
    p.add_argument("--status", choices=[s.value for s in Status])
    p.add_argument("--tag")
    p.add_argument("--rating-min", type=int, metavar="N")
    p.add_argument("--search", metavar="QUERY", default="", help="search text (see 'help search')")
    p.add_argument("--template", type=Path, metavar="FILE", help="a Jinja2 note template")
    p.add_argument(
        "--force", action="store_true", help="overwrite edited notes, keeping a .conflict copy"
    )
    p.add_argument("--recreate", action="store_true", help="write notes deleted in the folder")

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
    try:
        with Library(library_path) as library:
            return _COMMANDS[args.command](library, args, out)
    except (CommandError, LibraryError, QueryError) as exc:
        print(f"papershelf: {exc}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("papershelf: interrupted", file=err)
        return 130
    except BrokenPipeError:
        # `papershelf list | head`: the reader went away; that is fine.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# ---------------------------------------------------------------------- commands


def _import(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    missing = [p for p in args.paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise CommandError(f"no such file or folder: {missing[0]}")
    failed = 0
    counts = {"new": 0, "files": 0}

    def show(report: Any) -> None:
        nonlocal failed
        if report.outcome is ImportOutcome.SKIPPED:
            return
        failed += report.outcome is ImportOutcome.FAILED
        counts["files"] += 1
        counts["new"] += report.new
        print(f"{report.path}: {report.summary()}", file=out, flush=True)
        for warning in report.warnings:
            print(f"  warning: {warning}", file=out)

    Importer(library).import_paths(args.paths, recursive=not args.no_recursive, on_report=show)
    if counts["files"] == 0:
        print("no digest files found", file=out)
    return 1 if failed else 0


def _list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.rating_min is not None and not 0 <= args.rating_min <= 5:
        raise CommandError(f"--rating-min is 0 to 5, not {args.rating_min}")
    view = PaperFilter(
        status=Status(args.status) if args.status else None,
        tag=args.tag,
        rating_min=args.rating_min,
        search=args.search,
    )
    ids = library.paper_ids(view, SortKey(args.sort), descending=not args.asc)
    if args.limit is not None:
        ids = ids[: max(args.limit, 0)]
    if args.json:
        for start in range(0, len(ids), 500):
            for paper in library.papers_by_id(ids[start : start + 500]):
                print(json.dumps(paper_to_json(paper), ensure_ascii=False), file=out)
        return 0
    width = shutil.get_terminal_size((100, 24)).columns
    title_width = max(20, width - 48)
    print(f"{'ID':>6}  {'RATING':<6} {'STATUS':<9} {'PUBLISHED':<10}  TITLE", file=out)
    for start in range(0, len(ids), 500):
        for row in library.rows(ids[start : start + 500]):
            stars = "★" * row.rating if row.rating else "-"
            published = row.published.isoformat() if row.published else ""
            title = (
                row.title if len(row.title) <= title_width else row.title[: title_width - 1] + "…"
            )
            tags = f"  [{', '.join(row.tags)}]" if row.tags else ""
            print(
                f"{row.id:>6}  {stars:<6} {row.status.value:<9} {published:<10}  {title}{tags}",
                file=out,
            )
    print(f"{len(ids)} paper{'s' if len(ids) != 1 else ''}", file=out)
    return 0


def paper_to_json(paper: Paper) -> dict[str, Any]:
    """Every field of a paper as JSON-ready values."""
    return {
        "id": paper.id,
        "key": paper.key,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors_count": paper.authors_count,
        "organization": paper.organization,
        "authors": list(paper.authors),
        "published": paper.published.isoformat() if paper.published else None,
        "comments": paper.comments,
        "upvotes": paper.upvotes,
        "arxiv_id": paper.arxiv_id,
        "url": paper.url,
        "doi": paper.doi,
        "categories": list(paper.categories),
        "status": paper.status.value,
        "rating": paper.rating,
        "tags": list(paper.tags),
        "note": paper.note,
        "first_seen": paper.first_seen.isoformat(),
        "opened_at": paper.opened_at.isoformat() if paper.opened_at else None,
        "digests": [
            {
                "id": a.digest_id,
                "path": a.digest_path,
                "date": a.digest_date.isoformat() if a.digest_date else None,
                "position": a.position,
                "comments": a.comments,
            }
            for a in paper.appearances
        ],
    }


def _show(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.paper(args.id)
    if args.json:
        print(json.dumps(paper_to_json(paper), ensure_ascii=False, indent=2), file=out)
        return 0
    who = paper.organization or (
        f"{paper.authors_count} author{'s' if paper.authors_count != 1 else ''}"
        if paper.authors_count is not None
        else None
    )
    facts = [
        ("Published", paper.published.isoformat() if paper.published else None),
        ("By", ", ".join(paper.authors) if paper.authors else who),
        ("arXiv", paper.arxiv_id),
        ("Comments", str(paper.comments) if paper.comments is not None else None),
        ("Status", paper.status.value),
        ("Rating", "★" * paper.rating + "☆" * (5 - paper.rating) if paper.rating else "unrated"),
        ("Tags", ", ".join(paper.tags) or None),
        ("Added", paper.first_seen.strftime("%Y-%m-%d %H:%M")),
        (
            "Digests",
            ", ".join(
                f"{a.digest_date.isoformat() if a.digest_date else Path(a.digest_path).name} #{a.position}"
                for a in paper.appearances
            )
            or None,
        ),
    ]
    print(f"[{paper.id}] {paper.title}", file=out)
    for label, value in facts:
        if value:
            print(f"  {label + ':':<11}{value}", file=out)
    if paper.abstract:
        print(f"\n{paper.abstract}", file=out)
    if paper.note:
        print(f"\n--- note ---\n{paper.note}", file=out)
    return 0


def _tag(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if not args.changes:
        paper = library.paper(args.id)
        print(", ".join(paper.tags) if paper.tags else "(no tags)", file=out)
        return 0
    add = [c.removeprefix("+") for c in args.changes if not c.startswith("-")]
    remove = [c[1:] for c in args.changes if c.startswith("-")]
    if add:
        library.add_tags([args.id], add)
    if remove:
        library.remove_tags([args.id], remove)
    paper = library.paper(args.id)
    print(f"{paper.id}: {', '.join(paper.tags) if paper.tags else '(no tags)'}", file=out)
    return 0


def _rate(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    try:
        stars = int(args.stars)
    except ValueError:
        raise CommandError(f"a rating is 0 to 5 stars, not {args.stars!r}") from None
    library.paper(args.id)
    library.set_rating([args.id], stars)
    print(f"{args.id}: {'★' * stars if stars else 'unrated'}", file=out)
    return 0


def _status(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    library.set_status([args.id], args.status)
    print(f"{args.id}: {args.status}", file=out)
    return 0


def _note(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.text is None and args.file is None and args.stdin is None:
        print(library.paper(args.id).note, file=out, end="")
        return 0
    if args.stdin == "-" or args.text == "-" or args.file == "-":
        text = sys.stdin.read()
    elif args.file is not None:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read the note from {args.file}: {exc}") from None
    else:
        text = args.text
    library.paper(args.id)
    library.set_note(args.id, text)
    print(f"{args.id}: note saved ({len(text)} characters)", file=out)
    return 0


def _digests(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    records = library.digests()
    if not records:
        print("no digests imported yet", file=out)
        return 0
    print(
        f"{'ID':>5}  {'IMPORTED':<16}  {'DATE':<10}  {'STATUS':<8}  {'PAPERS':>6} {'NEW':>4} {'UPD':>4}  FILE",
        file=out,
    )
    for d in records:
        date = d.digest_date.isoformat() if d.digest_date else ""
        print(
            f"{d.id:>5}  {d.imported_at.strftime('%Y-%m-%d %H:%M'):<16}  {date:<10}  "
            f"{d.status.value:<8}  {d.entries:>6} {d.new:>4} {d.updated:>4}  {d.path}",
            file=out,
        )
        if d.error:
            print(f"{'':>7}error: {d.error}", file=out)
    return 0


def _tags(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    tags = library.tags()
    for tag in tags:
        print(f"{tag.count:>6}  {tag.name}", file=out)
    if not tags:
        print("no tags yet", file=out)
    return 0


def _watch(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    import signal
    import threading

    from reader.importer import ImportReport
    from reader.paths import default_inbox_dir
    from reader.settings import Settings
    from reader.watcher import FolderWatcher, WatchError, folder_problem
    from reader.worker import LibraryWorker

    settings = Settings.load()
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
        watcher.start()
        watched = ", ".join(map(str, watcher.watching))
        with printing:
            print(f"watching {watched} (Ctrl+C stops)", file=out, flush=True)
        while not stop.wait(0.5):
            pass
    except WatchError as exc:
        raise CommandError(str(exc)) from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        watcher.stop()
        worker.close()
    return 0


def _config(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from reader.settings import Settings, SettingsError, settings_path

    path = settings_path()
    settings = Settings.load(path)
    changed = False
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
    if changed:
        try:
            settings.save(path)
        except SettingsError as exc:
            raise CommandError(str(exc)) from None
    print(f"settings file: {path}", file=out)
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


def _export(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from reader.export import ExportError, ExportOptions, export_notes

    if args.rating_min is not None and not 0 <= args.rating_min <= 5:
        raise CommandError(f"--rating-min is 0 to 5, not {args.rating_min}")
    folder, template = args.to, args.template
    if folder is None or template is None:
        configured_folder, configured_template = _configured_export()
        folder = folder or configured_folder
        template = template or configured_template
    if folder is None:
        raise CommandError("no export folder: pass --to DIR")
    view = PaperFilter(
        status=Status(args.status) if args.status else None,
        tag=args.tag,
        rating_min=args.rating_min,
        search=args.search,
    )
    options = ExportOptions(
        folder=folder, view=view, template=template, force=args.force, recreate=args.recreate
    )
    try:
        report = export_notes(library, options)
    except ExportError as exc:
        raise CommandError(str(exc)) from None
    print(report.summary(), file=out)
    for path in report.conflicts:
        print(f"conflict (edited since the last export, left alone): {path}", file=out)
    for path in report.conflict_copies:
        print(f"your version kept in: {path}", file=out)
    for path in report.skipped_deleted:
        print(f"deleted since the last export (--recreate writes it): {path}", file=out)
    for message in report.errors:
        print(f"error: {message}", file=out)
    if report.conflicts:
        print("--force overwrites them after keeping your versions as .conflict copies", file=out)
    return 1 if report.errors else 0


def _configured_export() -> tuple[Path | None, Path | None]:
    """The export folder and template from the settings, when there are settings."""
    try:
        from reader.settings import Settings
    except ImportError:
        return None, None
    settings = Settings.load()
    return getattr(settings, "export_folder", None), getattr(settings, "export_template", None)


_COMMANDS: dict[str, Callable[[Library, argparse.Namespace, TextIO], int]] = {
    "import": _import,
    "list": _list,
    "show": _show,
    "tag": _tag,
    "rate": _rate,
    "status": _status,
    "note": _note,
    "digests": _digests,
    "tags": _tags,
    "export": _export,
    "watch": _watch,
    "config": _config,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
