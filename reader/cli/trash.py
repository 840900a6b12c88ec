"""Deleting papers with undo: ``delete`` and ``trash``.

``papershelf delete ID…`` (or ``--digest N`` for every paper a digest brought) moves papers
to the trash with everything the user gave them; ``papershelf trash`` lists it,
``trash restore ID…`` brings papers back as they were, ``trash empty`` deletes for good.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from reader.cli.base import CommandError, paper_id
from reader.library import Library


def register(commands: Any) -> None:
    """Add ``delete`` and ``trash`` to the ``papershelf`` parser."""
    p = commands.add_parser(
        "delete",
        help="move papers to the trash (undo with 'trash restore')",
        description="Move papers, with their tags, note, rating and status, to the trash. "
        "A later import of a digest that lists them leaves them there.",
    )
    p.set_defaults(run=_delete)
    p.add_argument("ids", nargs="*", type=paper_id, metavar="ID")
    p.add_argument(
        "--digest",
        type=paper_id,
        metavar="N",
        help="the papers only the digest N (see 'digests') brought: none another digest lists",
    )

    p = commands.add_parser("trash", help="list, restore or empty the trash")
    p.set_defaults(run=_trash)
    p.add_argument("action", nargs="?", choices=["list", "restore", "empty"], default="list")
    p.add_argument("ids", nargs="*", type=paper_id, metavar="ID", help="papers to restore")


def _delete(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if bool(args.ids) == (args.digest is not None):
        raise CommandError("name the papers to delete (ID…), or one digest with --digest N")
    if args.ids:
        ids = list(args.ids)
    else:
        ids = library.digest_paper_ids(args.digest, only_there=True)
        shared = len(library.digest_paper_ids(args.digest)) - len(ids)
        if shared:
            print(
                f"kept {shared} paper{'s' if shared != 1 else ''} that other digests list too",
                file=out,
            )
    if not ids:
        print(f"digest {args.digest} has no papers of its own in the library", file=out)
        return 0
    changes = library.trash_papers(ids)
    count = len(changes.paper_ids)
    shown = " ".join(str(i) for i in sorted(changes.paper_ids)[:20])
    more = " …" if count > 20 else ""
    print(
        f"moved {count} paper{'s' if count != 1 else ''} to the trash ({shown}{more}); "
        "'papershelf trash restore ID…' brings them back",
        file=out,
    )
    return 0


def _trash(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "restore":
        if not args.ids:
            raise CommandError("name the papers to restore: 'papershelf trash restore ID…'")
        changes = library.restore_papers(args.ids)
        print(f"restored {len(changes.paper_ids)} paper(s) from the trash", file=out)
        return 0
    if args.ids:
        raise CommandError(f"'trash {args.action}' takes no ids")
    if args.action == "empty":
        changes = library.empty_trash()
        count = len(changes.paper_ids)
        print(f"deleted {count} paper{'s' if count != 1 else ''} from the trash for good", file=out)
        return 0
    items = library.trashed()
    if not items:
        print("the trash is empty", file=out)
        return 0
    print(f"{'ID':>6}  {'TRASHED':<16}  TITLE", file=out)
    for item in items:
        print(f"{item.id:>6}  {item.trashed_at:%Y-%m-%d %H:%M}  {item.title}", file=out)
    print(f"{len(items)} paper{'s' if len(items) != 1 else ''} in the trash", file=out)
    return 0
