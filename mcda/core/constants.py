"""Every enum, limit and default that more than one module needs, in one place.

The core modules that own a name re-export it (``ranking.METHODS``,
``aggregation.WITHIN_RULES``); the store, the web app and the CLI import from here, which loads
nothing heavy (no numpy, no pymcdm). The defaults of each analysis option are declared once, in
the models of :mod:`mcda.core.contract`, from the names below.
"""

from __future__ import annotations

# --- names (the analysis format's enums) ----------------------------------------------------

VOTE_METHODS: tuple[str, ...] = ("direct", "points", "ranking", "pairwise")
"""Elicitation methods of a vote."""
RANK_WEIGHTS: tuple[str, ...] = ("roc", "rs", "rr")
AHP_PRIORITIES: tuple[str, ...] = ("eigenvector", "geometric")
WITHIN_RULES: tuple[str, ...] = ("mean", "geometric", "median", "aij")
"""Aggregation of the participants' weights within a municipality."""
BETWEEN_RULES: tuple[str, ...] = ("equal", "participants", "population")
"""Aggregation of the municipalities' weights into the region's."""
METHODS: tuple[str, ...] = ("topsis", "vikor", "promethee_ii", "wsm", "wpm", "spotis", "copras")
"""Ranking methods Vägval offers, in the default order."""
MODELS: tuple[str, ...] = ("value", *METHODS)
"""A decision's ranking model: the additive value model (``value``: weighted sum of value
scores scaled 0–1 per criterion by min–max over the alternatives) or one of :data:`METHODS`."""
DEFAULT_MODEL = "value"
"""Why the default: the elicited weights are trade-offs between criteria scaled 0–1, which is
exactly what the additive value model sums (docs/methods.md, "Beslutets modell och utslaget")."""
MODEL_NAMES: dict[str, tuple[str, str]] = {
    "value": ("Viktad summa av värden (additiv värdemodell)",
              "Weighted sum of values (additive value model)"),
    "topsis": ("Närhet till idealet", "Closeness to the ideal"),
    "vikor": ("Kompromiss mellan summa och sämsta kriterium",
              "Compromise between the sum and the worst criterion"),
    "promethee_ii": ("Parvisa företräden", "Pairwise outranking"),
    "wsm": ("Viktad summa av andelar", "Weighted sum of shares"),
    "wpm": ("Viktad produkt", "Weighted product"),
    "spotis": ("Avstånd till bästa möjliga", "Distance to the best possible"),
    "copras": ("Nytta mot kostnad i proportion", "Proportional benefit against cost"),
}
"""Plain names (sv, en) of every model: main views never show a method's acronym."""
MODEL_METHOD: dict[str, tuple[str, dict[str, str]]] = {
    "value": ("wsm", {"normalization": "minmax"})}
"""Models that are a ranking method with fixed options: the additive value model is pymcdm's
weighted sum on min–max normalised scores (benefit (x − min)/(max − min), cost
(max − x)/(max − min); a constant criterion scores 1 for every alternative)."""
NORMALIZATIONS: tuple[str, ...] = ("minmax", "max", "sum", "vector", "linear")
DEFAULT_NORMALIZATION: dict[str, str] = {"topsis": "minmax", "wsm": "sum", "wpm": "sum"}
"""pymcdm's defaults for the methods that take a normalisation."""
PREFERENCE_FUNCTIONS: tuple[str, ...] = ("usual", "ushape", "vshape", "level", "vshape_2")
WEIGHT_MODES: tuple[str, ...] = ("uniform", "empirical")
"""Where SMAA draws its weight samples from."""

# --- defaults shared by layers ----------------------------------------------------------------

POINTS_TOTAL = 100
"""Points a participant distributes in a 100-point vote."""

# --- limits ---------------------------------------------------------------------------------
# They keep one request's work bounded; each is far above what a workshop produces (15
# municipalities, ~500 participants, ~15 criteria, ~40 alternatives).

MAX_CRITERIA = 50
MAX_ALTERNATIVES = 500
MAX_VOTES = 20_000
MAX_PHASES = 20
MAX_TOP_K = 50
DEFAULT_TOP_K = 5
"""Investments shown per phasing path (analysis default, planning page, top-5 per phase)."""
MAX_SCENARIOS = 20
MAX_PAIRWISE_N = 15
"""Largest pairwise comparison matrix (random-index tables end at 15)."""
#: A median (or any quantile) of fewer values is one person's answer: groups smaller than this
#: use the mean even under ``within_group = median`` (issue 13: no quantile from < 10 values).
MIN_QUANTILE_VALUES = 10
MAX_MAGNITUDE = 1e15
"""Largest |score| and |vote value|: beyond it sums, squares and ratios inside the methods
overflow (±1.7e308 did); 10^15 is far beyond any score scale (rescale, e.g. to MSEK)."""
MAX_JUDGEMENT = 1e6
"""Largest pairwise judgement (its reciprocal the smallest): Saaty's scale ends at 9; at 1e300
the eigenvector and the completion's products overflow."""
MAX_SEED = 2**63 - 1
"""Largest SMAA seed: a 64-bit integer, what SQLite and most JSON readers keep exactly."""
MAX_SAMPLES = 1_000_000
"""Most SMAA weight samples one analysis may ask for."""
MAX_INPUT_BYTES = 50 * 1024 * 1024
"""The largest analysis input file ``python -m mcda analyze`` reads (50 MB; the largest input
within the other limits, 20 000 pairwise votes of 15 criteria, is about 40 MB)."""
MAX_JSON_DEPTH = 200
"""Nesting named in the error when an input file is too deep for Python's JSON parser (about
990 levels; an analysis input has five)."""
