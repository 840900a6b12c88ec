"""Papershelf's bundled resources (icons, export templates), read with importlib.resources."""
