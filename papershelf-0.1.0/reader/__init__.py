"""Papershelf's core: digest parsing, the SQLite library, imports, watching and export.

Nothing in this package imports Qt; the desktop window in :mod:`ui` is one client of it and
the ``papershelf`` command line (:mod:`reader.cli`) is another.
"""

from __future__ import annotations

from reader._version import __version__

__all__ = ["__version__"]
