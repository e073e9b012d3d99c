"""Rankings of alternatives: validated wrappers around pymcdm 1.4.0, plus the pieces pymcdm lacks.

Why wrappers: pymcdm lets NaN and bad types through, ranks ties by exact float equality,
raises or warns on edge cases we must report in the user's words, and ships a COPRAS whose Q
rewards cost criteria. Every public function validates first (raising :class:`MCDAInputError`
that names the field and value) and only then calls pymcdm with ``validation=False``.

One responsibility per module: :mod:`.validate` (checks and matrix preparation),
:mod:`.methods` (one call of a method, ``run`` by name), :mod:`.kernels` (vectorised scores,
one row of weights per sample, checked against pymcdm to 1e-9), :mod:`.ranks` (tolerance
ranks and rank counts), :mod:`.concordance` (r_w, WS, the Copeland compromise) and
:mod:`.names`. Import from this package.
"""

from ..constants import DEFAULT_NORMALIZATION, METHODS, NORMALIZATIONS, PREFERENCE_FUNCTIONS
from .concordance import (
    agreement,
    copeland,
    copeland_rows,
    fractional_ranks,
    weighted_spearman,
    ws_coefficient,
)
from .kernels import copras_batch, make_scorer, score_batch, score_loop, vikor_batch
from .methods import (
    copras,
    method_kwargs,
    promethee_ii,
    run,
    spotis,
    topsis,
    vikor,
    wpm,
    wsm,
    wsm_contributions,
)
from .names import HIGHER_IS_BETTER, METHOD_DESCRIPTIONS, RANK_RTOL
from .ranks import rank_counts, rank_rows, rank_scores
from .validate import rescale_columns, spotis_bounds, validate_problem

__all__ = [
    "DEFAULT_NORMALIZATION",
    "HIGHER_IS_BETTER",
    "METHODS",
    "METHOD_DESCRIPTIONS",
    "NORMALIZATIONS",
    "PREFERENCE_FUNCTIONS",
    "RANK_RTOL",
    "agreement",
    "copeland",
    "copeland_rows",
    "copras",
    "copras_batch",
    "fractional_ranks",
    "make_scorer",
    "method_kwargs",
    "promethee_ii",
    "rank_counts",
    "rank_rows",
    "rank_scores",
    "rescale_columns",
    "run",
    "score_batch",
    "score_loop",
    "spotis",
    "spotis_bounds",
    "topsis",
    "validate_problem",
    "vikor",
    "vikor_batch",
    "weighted_spearman",
    "wpm",
    "ws_coefficient",
    "wsm",
    "wsm_contributions",
]
