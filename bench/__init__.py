"""Papershelf's benchmarks: ``make bench`` (``python -m bench``) prints one table of ratios."""
