"""pytest-qt tests of the desktop window (offscreen, real widgets, real libraries)."""
