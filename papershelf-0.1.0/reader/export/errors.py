"""The one error an export raises on purpose."""

from __future__ import annotations


class ExportError(Exception):
    """The export could not run and wrote nothing: the folder cannot be created or written,
    or the template cannot be read, compiled or rendered. ``str()`` is one line for people.
    """
