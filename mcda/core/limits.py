"""The size limits of an analysis, in one place (store, web and CLI import them from here).

The limits keep one request's work bounded; each is far above what a workshop produces (15
municipalities, ~500 participants, ~15 criteria, ~40 alternatives).
"""

from __future__ import annotations

MAX_CRITERIA = 50
MAX_ALTERNATIVES = 500
MAX_VOTES = 20_000
MAX_PHASES = 20
MAX_TOP_K = 50
MAX_SCENARIOS = 20
MAX_INPUT_BYTES = 50 * 1024 * 1024
"""The largest analysis input file ``python -m mcda analyze`` reads (50 MB; the largest input
within the other limits, 20 000 pairwise votes of 15 criteria, is about 40 MB)."""
MAX_JSON_DEPTH = 200
"""Nesting named in the error when an input file is too deep for Python's JSON parser (about
990 levels; an analysis input has five)."""
