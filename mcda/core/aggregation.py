"""Two-level aggregation: participants → group (municipality) → region.

Level 1 (:func:`within_group`) summarises one municipality's participants; level 2
(:func:`between_groups`) combines municipalities, by default with equal weight
("en kommun, en röst") so that a large delegation cannot outvote a small municipality.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .constants import BETWEEN_RULES, WITHIN_RULES
from .elicitation import AHP_PRIORITIES, aggregate_matrices, pairwise
from .errors import MCDAInputError, check_cells, check_choice, check_finite, fmt

__all__ = [
    "BETWEEN_RULES",
    "GEOMETRIC_FLOOR",
    "WITHIN_RULES",
    "between_groups",
    "weight_matrix",
    "within_group",
]


#: Zero weights are raised to this floor before the geometric mean (see :func:`within_group`).
GEOMETRIC_FLOOR = 1e-6


def weight_matrix(weights: object, field_name: str = "weights", min_rows: int = 1) -> np.ndarray:
    """Validate a k×n matrix of weight vectors (one row each) and renormalise every row.

    Rows must be finite, non-negative and not all zero; they are divided by their sum so that
    small rounding in stored weights cannot tilt an aggregate. Shared by aggregation,
    consensus and conflicts so every function rejects the same inputs with the same message.
    """
    w = check_finite(field_name, weights, ndim=2)
    k, n = w.shape
    if k < min_rows:
        raise MCDAInputError(
            field_name,
            w.tolist(),
            f"{field_name} måste innehålla minst {min_rows} viktvektor(er) (fick {k}); "
            "en grupp utan röster kan inte sammanvägas.",
            f"{field_name} must contain at least {min_rows} weight vector(s) (got {k}); "
            "a group without votes cannot be aggregated.",
        )
    if n < 1:
        raise MCDAInputError(
            field_name,
            w.tolist(),
            f"{field_name} måste ha minst ett kriterium.",
            f"{field_name} must have at least one criterion.",
        )
    check_cells(field_name, w, w < 0, "{name} får inte vara negativ (fick {value}).",
                "{name} must not be negative (got {value}).")
    top = w.max(axis=1)
    w = w / np.where(top > 0, top, 1.0)[:, None]  # no overflow in the row sums
    sums = w.sum(axis=1)
    zero = np.flatnonzero(sums <= 0)
    if zero.size:
        i = int(zero[0])
        name = f"{field_name}[{i}]"
        raise MCDAInputError(
            name,
            w[i].tolist(),
            f"{name} har bara nollor; en viktvektor måste ha någon vikt större än 0.",
            f"{name} is all zero; a weight vector needs some weight above 0.",
        )
    return w / sums[:, None]


def _normalise(v: np.ndarray) -> np.ndarray:
    s = float(v.sum())
    if s <= 0:  # only reachable for a column-wise median of all-zero columns
        return np.full(v.shape, 1.0 / v.size)
    return v / s


def within_group(
    weights: np.ndarray,
    rule: str = "mean",
    matrices: Sequence[np.ndarray] | None = None,
    ahp_priority: str = "eigenvector",
) -> np.ndarray:
    """Aggregate one group's participants (rows of ``weights``, k×m) into one vector.

    - ``mean``: arithmetic mean (AIP; Forman & Peniwati 1998) — the default.
    - ``geometric``: normalised geometric mean per criterion. A geometric mean is zero as soon
      as one participant gives 0, which would let a single "0 points" veto a criterion and can
      leave every criterion at 0; we therefore raise zero weights to ``GEOMETRIC_FLOOR`` (1e-6)
      first: one zero still pulls a criterion down strongly, but the result stays defined.
    - ``median``: per-criterion median, renormalised (robust to a few extreme voters; if every
      median is 0 the result is equal weights).
    - ``aij``: aggregation of individual judgements — element-wise geometric mean of the
      participants' pairwise matrices (``matrices``, one per row, same order), then the AHP
      priority ``ahp_priority``. Only valid when every vote of the group is pairwise.
    """
    rule = check_choice("within_group", rule, WITHIN_RULES)
    w = weight_matrix(weights)
    if rule == "mean":
        return _normalise(w.mean(axis=0))
    if rule == "geometric":
        g = np.exp(np.log(np.maximum(w, GEOMETRIC_FLOOR)).mean(axis=0))
        return _normalise(g)
    if rule == "median":
        return _normalise(np.median(w, axis=0))
    check_choice("ahp_priority", ahp_priority, AHP_PRIORITIES)
    n_mats = 0 if matrices is None else sum(m is not None for m in matrices)
    if matrices is None or len(matrices) != w.shape[0] or n_mats != w.shape[0]:
        raise MCDAInputError(
            "matrices",
            n_mats,
            "AIJ (within_group = aij) kräver att alla röster i gruppen är parvisa jämförelser: "
            f"{w.shape[0]} röster men {n_mats} parvisa jämförelsematriser. Välj en annan regel.",
            "AIJ (within_group = aij) needs every vote in the group to be pairwise: "
            f"{w.shape[0]} votes but {n_mats} pairwise comparison matrices. Choose another rule.",
        )
    agg = aggregate_matrices(list(matrices))
    if agg.shape[0] != w.shape[1]:
        raise MCDAInputError(
            "matrices",
            agg.shape[0],
            f"Matriserna har {agg.shape[0]} kriterier men vikterna {w.shape[1]}.",
            f"The matrices have {agg.shape[0]} criteria but the weights have {w.shape[1]}.",
        )
    return pairwise(agg, priority=ahp_priority).weights


def _positive_vector(field_name: str, values: object, g: int, integer: bool) -> np.ndarray:
    arr = check_finite(field_name, values, ndim=1)
    if arr.size != g:
        raise MCDAInputError(
            field_name,
            arr.tolist(),
            f"{field_name} måste ha ett värde per grupp ({g}), fick {arr.size}.",
            f"{field_name} must have one value per group ({g}), got {arr.size}.",
        )
    for i, v in enumerate(arr):
        if v <= 0 or (integer and v != np.floor(v)):
            kind_sv = "ett positivt heltal" if integer else "ett tal större än 0"
            kind_en = "a positive integer" if integer else "a number greater than 0"
            raise MCDAInputError(
                f"{field_name}[{i}]",
                float(v),
                f"{field_name}[{i}] måste vara {kind_sv} (fick {fmt(float(v))}).",
                f"{field_name}[{i}] must be {kind_en} (got {fmt(float(v))}).",
            )
    return arr


def _proportional(field: str, values: Sequence[float] | None, g: int, integer: bool,
                  missing_sv: str, missing_en: str) -> np.ndarray:
    """Shares proportional to ``values`` (participants or inhabitants per group)."""
    if values is None:
        raise MCDAInputError(field, None, missing_sv, missing_en)
    v = _positive_vector(field, values, g, integer=integer)
    return v / v.sum()


def between_groups(
    group_weights: np.ndarray,
    rule: str = "equal",
    sizes: Sequence[int] | None = None,
    populations: Sequence[float] | None = None,
) -> np.ndarray:
    """Combine group vectors (g×m) into the region's weights: a weighted arithmetic mean.

    - ``equal``: every group counts once ("en kommun, en röst") — the default.
    - ``participants``: proportional to ``sizes`` (number of participants per group); equals
      pooling all participants when the groups were aggregated with ``mean``.
    - ``population``: proportional to ``populations`` (e.g. inhabitants per municipality).
    """
    rule = check_choice("between_groups", rule, BETWEEN_RULES)
    gw = weight_matrix(group_weights, "group_weights")
    g = gw.shape[0]
    if rule == "equal":
        share = np.full(g, 1.0 / g)
    elif rule == "participants":
        share = _proportional(
            "sizes", sizes, g, True,
            "Regeln participants kräver antalet deltagare per grupp (sizes).",
            "The participants rule needs the number of participants per group (sizes).")
    else:
        share = _proportional(
            "populations", populations, g, False,
            "Regeln population kräver folkmängd för varje grupp (population).",
            "The population rule needs a population for every group.")
    return _normalise(share @ gw)
