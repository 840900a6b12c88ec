"""The ``export`` command: Markdown notes into a vault folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from reader.cli.base import CommandError
from reader.library import Library, PaperFilter, Status

if TYPE_CHECKING:
    from reader.export import ExportReport


def register(commands: Any) -> None:
    """Add ``export`` to the ``papershelf`` parser."""
    p = commands.add_parser(
        "export",
        help="export papers as Markdown notes into a vault folder",
        description="Write one Markdown note per paper (and an index note) into a folder, "
        "both ways: your edits in the folder are merged (your own front-matter keys and "
        "paragraphs are kept as you wrote them), a note you edited between the "
        "<!-- papershelf:note --> lines comes back into Papershelf, and a note changed on "
        "both sides is a conflict, left as it is on both sides. Notes you deleted in the "
        "folder stay deleted; notes you renamed or moved are found by their papershelf_id.",
        epilog="Exit status: 0 when every note was exported or merged; 1 when some need "
        "you: conflicts, notes left alone (front matter that does not parse, a removed note "
        "section, a read-only file…) or notes that could not be written; 2 when the "
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
        "--force",
        action="store_true",
        help="Papershelf wins conflicts and notes it cannot merge, keeping yours as a "
        ".conflict copy",
    )
    p.add_argument("--recreate", action="store_true", help="write notes deleted in the folder")


def _export(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from reader.export import ExportError, ExportOptions, export_notes

    if args.rating_min is not None and not 0 <= args.rating_min <= 5:
        raise CommandError(f"--rating-min is 0 to 5, not {args.rating_min}")
    folder, template = args.to, args.template
    if folder is None or template is None:
        configured_folder, configured_template = _configured_export(library)
        folder = folder or configured_folder
        template = template or configured_template
    if folder is None:
        raise CommandError(
            "no export folder is set for this library: pass --to DIR "
            "(or set one with 'papershelf config --export-folder DIR')"
        )
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
    _print_report(report, out)
    return 1 if report.needs_attention else 0


def _print_report(report: ExportReport, out: TextIO) -> None:
    print(report.summary(), file=out)
    for conflict in report.note_conflicts:
        print(f"conflict: {conflict.path}", file=out)
        print("  the note changed both in Papershelf and in the vault; both are kept:", file=out)
        print(f"  Papershelf: {_excerpt(conflict.library_text)}", file=out)
        print(f"  vault:      {_excerpt(conflict.vault_text)}", file=out)
    noted = {c.path for c in report.note_conflicts}
    for path in report.conflicts:
        if path not in noted:
            print(f"conflict: {path} (edited in the vault; Papershelf cannot merge it)", file=out)
    for pulled in report.pulled:
        print(f"brought back into Papershelf (paper {pulled.paper_id}): {pulled.path}", file=out)
    for path in report.kept_edits:
        print(f"your edit of a generated part kept (it is not updated): {path}", file=out)
    for item in report.left_alone:
        print(f"left alone ({item.reason}): {item.path}", file=out)
    for path in report.conflict_copies:
        print(f"your version kept in: {path}", file=out)
    for path in report.skipped_deleted:
        print(f"deleted since the last export (--recreate writes it): {path}", file=out)
    for message in report.errors:
        print(f"error: {message}", file=out)
    if report.conflicts or report.left_alone:
        print(
            "resolve them in the vault or in Papershelf and export again; --force makes "
            "Papershelf's version win after keeping yours as a .conflict copy",
            file=out,
        )


def _excerpt(text: str, limit: int = 100) -> str:
    line = " ".join(text.split())
    if not line:
        return "(empty)"
    return repr(line if len(line) <= limit else line[: limit - 1] + "…")


def _configured_export(library: Library) -> tuple[Path | None, Path | None]:
    """This library's export folder and template (they belong to the library)."""
    from reader.settings import Settings

    settings = Settings.for_library(library)
    return settings.export_folder, settings.export_template
