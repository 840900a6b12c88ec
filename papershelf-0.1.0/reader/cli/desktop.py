"""``install-desktop-entry``: put Papershelf into the application menu."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from reader.cli.base import CommandError
from reader.library import Library


def register(commands: Any) -> None:
    """Add ``install-desktop-entry`` to the ``papershelf`` parser."""
    p = commands.add_parser(
        "install-desktop-entry",
        help="add Papershelf to your application menu (for this user)",
    )
    p.add_argument("--uninstall", action="store_true", help="remove it again")
    p.set_defaults(run=_install, needs_library=False)


def _install(library: Library | None, args: argparse.Namespace, out: TextIO) -> int:
    from reader import desktop

    try:
        if args.uninstall:
            removed = desktop.uninstall()
            print(
                f"removed {len(removed)} file(s)" if removed else "nothing was installed", file=out
            )
            return 0
        files = desktop.install()
    except OSError as exc:
        raise CommandError(f"cannot install the desktop entry: {exc}") from None
    print(f"application menu entry: {files.entry}", file=out)
    print(f"icon: {files.icon}", file=out)
    print(f"metadata: {files.metainfo}", file=out)
    return 0
