"""The do-nothing reference ("Nuläge / gör ingenting") under the decision's model.

Why: a board asks not only "which investment is best?" but "is it better than doing
nothing?". MAMCA-SIS and the CAR method (``docs/phasing.md``, "Vinnare och förlorare") judge
gains and losses against a business-as-usual reference; here the reference is a row of levels,
one per criterion, scored by the decision's model under each group's own weights.

* Default level of a criterion: its worst level among the alternatives (lowest for a benefit,
  highest for a cost criterion). Under the additive value model that row is worth exactly 0.
* The additive value model (``value``) scores the reference by the same 0–1 value functions
  as the alternatives (min–max over the alternatives, extended linearly beyond them), so the
  alternatives' scores are unchanged whatever levels the facilitator enters.
* Any other model scores the matrix with the reference appended as one more row (its
  normalisation then sees the reference too); the alternatives' scores are then read from
  that same run, so every comparison is on one scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import ranking
from .constants import MODEL_METHOD

__all__ = ["ReferenceScores", "default_levels", "reference_scores", "reference_value"]


def default_levels(matrix: np.ndarray, types: np.ndarray) -> np.ndarray:
    """The worst level of each criterion among the alternatives."""
    m = np.asarray(matrix, dtype=float)
    t = np.asarray(types)
    return np.where(t == 1, m.min(axis=0), m.max(axis=0))


def resolve_levels(matrix: np.ndarray, types: np.ndarray,
                   levels: Sequence[float | None] | None) -> tuple[np.ndarray, list[bool]]:
    """Entered levels with the default (worst) level where none is given, and which were
    entered (True) rather than defaulted."""
    worst = default_levels(matrix, types)
    if levels is None:
        return worst, [False] * worst.size
    given = [lv is not None for lv in levels]
    out = np.array([float(lv) if lv is not None else float(w)
                    for lv, w in zip(levels, worst, strict=True)])
    return out, given


def _value_scores(matrix: np.ndarray, types: np.ndarray, levels: np.ndarray,
                  weights: np.ndarray) -> np.ndarray:
    """The additive value model's score of the reference row (linear value functions)."""
    m = np.asarray(matrix, dtype=float)
    lo, hi = m.min(axis=0), m.max(axis=0)
    span = hi - lo
    benefit = np.asarray(types) == 1
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(benefit, (levels - lo) / span, (hi - levels) / span)
    # a constant criterion: every alternative scores 1; the reference 1 if at least as good
    const = span <= 0
    good = np.where(benefit, levels >= lo, levels <= hi)
    u = np.where(const, np.where(good, 1.0, 0.0), u)
    return np.atleast_2d(weights) @ u


@dataclass
class ReferenceScores:
    """Per weight row: the alternatives' scores and the reference's score on one scale."""

    alternatives: np.ndarray  # W × m
    reference: np.ndarray  # W
    higher_is_better: bool

    def better(self) -> np.ndarray:
        """W × m: True where an alternative is strictly better than doing nothing."""
        a, r = self.alternatives, self.reference[:, None]
        tol = 1e-12 * np.maximum(1.0, np.abs(r))
        return a > r + tol if self.higher_is_better else a < r - tol


def reference_scores(method: str, kw: Mapping, matrix: np.ndarray, types: np.ndarray,
                     weights: np.ndarray, levels: np.ndarray) -> ReferenceScores:
    """Scores of the alternatives and of the reference under each row of ``weights``."""
    W = np.atleast_2d(np.asarray(weights, dtype=float))
    m = np.asarray(matrix, dtype=float)
    t = np.asarray(types)
    hib = ranking.HIGHER_IS_BETTER[method]
    if method == MODEL_METHOD["value"][0] and dict(kw) == MODEL_METHOD["value"][1]:
        alts = ranking.score_batch(method, m, W, t, **dict(kw))
        return ReferenceScores(alts, _value_scores(m, t, np.asarray(levels), W), hib)
    ext = np.vstack([m, np.asarray(levels, dtype=float)[None, :]])
    s = ranking.score_batch(method, ext, W, t, **dict(kw))
    return ReferenceScores(s[:, :-1], s[:, -1], hib)


def reference_value(ref_score: float, scores: Sequence[float], higher_is_better: bool) -> float:
    """The reference's score on the plan-value scale of ``scores`` (the same transform as
    :func:`mcda.core.phasing.values_from_scores` applies to them)."""
    s = np.asarray(scores, dtype=float)
    if higher_is_better and (s.size == 0 or s.min() >= 0):
        return float(ref_score)
    r = float(ref_score)
    if not higher_is_better:
        s, r = -s, -r
    lo, hi = float(s.min()), float(s.max())
    if hi - lo <= 1e-12:
        return 1.0 if r >= hi else 0.0
    return 0.01 + 0.99 * (r - lo) / (hi - lo)
