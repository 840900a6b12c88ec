"""The ``export`` command: Markdown notes into a vault folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from reader.cli.base import CommandError
from reader.library import Library, PaperFilter, Status


def register(commands: Any) -> None:
    """Add ``export`` to the ``papershelf`` parser."""
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
    p.set_defaults(run=_export)
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
