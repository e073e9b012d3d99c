"""Pure decision math: numpy, pymcdm and the standard library only.

No Flask, no SQLite here (``tests/core/test_purity.py`` enforces it). Import the
sub-modules directly (``from mcda.core import elicitation``); this package
imports nothing heavy on its own.
"""
