"""Papershelf's SVG icons (24 px grid, 1.75 px round strokes in ``currentColor``)."""
