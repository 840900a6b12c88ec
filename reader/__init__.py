"""Papershelf's core: digest parsing, the SQLite library, imports, watching and export.

Nothing in this package imports Qt; the desktop window in :mod:`ui` is one client of it and
the ``papershelf`` command line (:mod:`reader.cli`) is another.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("papershelf")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
