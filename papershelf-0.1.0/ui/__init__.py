"""Papershelf's desktop front end (PySide6). It talks to the library only through :mod:`reader`."""
