"""The decision's ranking model and the verdict's parts computed from it.

Why a module of its own: every place that ranks or values (the verdict, plan values, every
scenario's baseline) must agree on one model per decision (issue 23). ``resolve`` maps a model
id to the ranking method that computes it, and ``flip`` answers "what is the smallest change
of the region's weights that puts the runner-up first?" (``docs/methods.md``, "Beslutets
modell").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from . import ranking
from .constants import DEFAULT_MODEL, MODEL_METHOD, MODEL_NAMES, MODELS
from .sensitivity import BISECT_TOL, GRID, _direction, _weights_at

__all__ = ["DEFAULT_MODEL", "MODELS", "describe", "flip", "resolve"]


def resolve(model: str, options: Mapping[str, Any] | None) -> tuple[str, dict]:
    """``(method, keyword arguments)`` that compute ``model``'s scores.

    The additive value model is pymcdm's weighted sum on min–max normalised scores (the
    ``wsm`` method with ``normalization="minmax"``); any other model is the method of that id
    with the analysis options' settings.
    """
    if model in MODEL_METHOD:
        mth, kw = MODEL_METHOD[model]
        return mth, dict(kw)
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}")
    return model, ranking.method_kwargs(model, options)


def describe(model: str) -> dict[str, str]:
    """``{id, name_sv, name_en}``: the plain names main views show (never an acronym)."""
    sv, en = MODEL_NAMES[model]
    return {"id": model, "name_sv": sv, "name_en": en}


def _first_interval_linear(score: Any, w: np.ndarray, j: int, r: int) -> tuple[float, float] | None:
    """Exact [lo, hi] of t in [0, 1] on criterion j's path where ``r`` scores at least as
    high as every other alternative (a weighted sum is linear in t), or None."""
    u = _direction(w, j)
    s = score(_weights_at(np.array([0.0, 1.0]), j, u))
    a, b = s[0], s[1] - s[0]
    d0, d1 = a[r] - a, b[r] - b
    lo, hi = 0.0, 1.0
    for i in range(a.shape[0]):
        if i == r:
            continue
        if d1[i] > 0:
            lo = max(lo, -d0[i] / d1[i])
        elif d1[i] < 0:
            hi = min(hi, d0[i] / -d1[i])
        elif d0[i] < 0:
            return None
    return (lo, hi) if lo <= hi + 1e-12 else None  # a tie at an end, up to rounding


def _nearest_first(method: str, score: Any, w: np.ndarray, j: int, r: int) -> float | None:
    """The t nearest to w_j on criterion j's path where ``r`` is first (ties count), found
    on a grid of :data:`~mcda.core.sensitivity.GRID` points and refined to 1e-9."""
    hib = ranking.HIGHER_IS_BETTER[method]
    u = _direction(w, j)
    t0 = float(w[j])

    def first(ts: np.ndarray) -> np.ndarray:
        return ranking.rank_rows(score(_weights_at(ts, j, u)), hib)[:, r] == 1

    best: float | None = None
    for grid in (np.linspace(t0, 1.0, GRID), np.linspace(t0, 0.0, GRID)):
        ok = first(grid)
        if not ok.any():
            continue
        k = int(np.argmax(ok))
        if k == 0:
            return t0
        bad, good = float(grid[k - 1]), float(grid[k])
        while abs(good - bad) > BISECT_TOL:
            pts = np.linspace(bad, good, 65)
            okp = first(pts)
            k2 = int(np.argmax(okp))
            bad, good = float(pts[k2 - 1]), float(pts[k2])
        if best is None or abs(good - t0) < abs(best - t0):
            best = good
    return best


def flip(matrix: np.ndarray, weights: np.ndarray, types: np.ndarray, method: str,
         method_options: Mapping[str, Any] | None, runner_up: int) -> dict | None:
    """The smallest one-criterion change of ``weights`` that puts ``runner_up`` first.

    Criterion j's weight moves to t and the other weights keep their proportions (sum 1),
    as in :func:`mcda.core.sensitivity.one_way`. The answer is the point where the runner-up
    reaches first place (ties with the leader): ``{"criterion": index, "direction":
    "up"|"down", "weight", "to", "delta", "points"}`` (``points`` = 100 × delta, percentage
    points), or None when no single weight in [0, 1] does it. A weighted sum is linear in t
    and solved exactly; other methods on a grid refined to 1e-9.
    """
    m = np.asarray(matrix, float)
    w = np.asarray(weights, float)
    t = np.asarray(types)
    score = ranking.make_scorer(method, m, t, **dict(method_options or {}))
    best: dict | None = None
    for j in range(m.shape[1]):
        t0 = float(w[j])
        if method == "wsm":
            iv = _first_interval_linear(score, w, j, runner_up)
            to = None if iv is None else min(max(t0, iv[0]), iv[1])
        else:
            to = _nearest_first(method, score, w, j, runner_up)
        if to is None:
            continue
        delta = abs(to - t0)
        if best is None or delta < best["delta"] - 1e-12:
            best = {"criterion": j, "direction": "up" if to >= t0 else "down",
                    "weight": t0, "to": float(to), "delta": float(delta),
                    "points": float(100.0 * delta)}
    return best
