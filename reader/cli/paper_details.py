"""Editing a paper's details and merging two papers: ``edit`` and ``merge``.

``papershelf edit ID --title … --authors … --year …`` sets the details given; each becomes
the user's, and no later import changes it. ``papershelf merge KEEP OTHER`` folds OTHER
into KEEP (:mod:`reader.library.paper_merge` says what is kept); in the window both can be
undone, here the command says what it did.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from reader.cli.base import CommandError, paper_id
from reader.library import Library
from reader.library.paper_edits import EDITABLE, edit_details
from reader.library.paper_merge import merge_papers

_HELP = {
    "title": "the title",
    "authors": "the authors, separated by commas (or by ';' when names hold commas)",
    "year": "the year it was published",
    "arxiv_id": "the arXiv id (2411.13560)",
    "doi": "the DOI (10.1000/xyz123)",
    "url": "the link (http:// or https://)",
    "journal": "the journal or proceedings",
}


def register(commands: Any) -> None:
    """Add ``edit`` and ``merge`` to the ``papershelf`` parser."""
    p = commands.add_parser(
        "edit",
        help="edit a paper's details (title, authors, year, ids, link, journal)",
        description="Set a paper's details. An empty value ('') clears one (not the title). "
        "Edited details are yours: later imports never change them.",
    )
    p.set_defaults(run=_edit)
    p.add_argument("id", type=paper_id, metavar="ID")
    for name in EDITABLE:
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar="TEXT", help=_HELP[name])

    p = commands.add_parser(
        "merge",
        help="merge two papers that are the same into the first",
        description="Fold paper OTHER into paper KEEP: digests, tags, both notes, the higher "
        "rating, ids and links; OTHER's citation key answers to KEEP.",
    )
    p.set_defaults(run=_merge)
    p.add_argument("keep", type=paper_id, metavar="KEEP")
    p.add_argument("other", type=paper_id, metavar="OTHER")


def _edit(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    values = {name: getattr(args, name) for name in EDITABLE if getattr(args, name) is not None}
    if not values:
        raise CommandError(
            "say what to change: " + ", ".join(f"--{n.replace('_', '-')}" for n in EDITABLE)
        )
    edit = edit_details(library, args.id, **values)
    if not edit.edited:
        print(f"paper {args.id} already has those details", file=out)
        return 0
    names = ", ".join(n.replace("_", " ") for n in EDITABLE if n in edit.edited)
    print(f"paper {args.id}: changed {names}", file=out)
    return 0


def _merge(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    merge = merge_papers(library, args.keep, args.other)
    print(f"merged paper {merge.other} into paper {merge.keep}", file=out)
    return 0
