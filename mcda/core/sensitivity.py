"""One-way weight sensitivity: how far can one criterion's weight move before the winner changes?

For criterion j the weight vector moves along w(t) = t·e_j + (1 − t)·u, where u holds the
other weights rescaled proportionally to sum 1 (equal shares if w_j = 1). We report the
interval [lo, hi] of t that contains the current w_j and in which the current top alternative
stays first (ties within the ranking tolerance count as staying first), and the alternative
that takes over just outside each end. For WSM the scores are linear in t and the interval is
exact (analytic); for the other methods it is found on a grid of 201 points and refined by
bisection to 1e-9.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from . import ranking

GRID = 201
BISECT_TOL = 1e-9


def _direction(w: np.ndarray, j: int) -> np.ndarray:
    n = w.shape[0]
    rest = np.delete(w, j)
    u = np.zeros(n)
    if rest.sum() > 0:
        u[np.arange(n) != j] = rest / rest.sum()
    else:
        u[np.arange(n) != j] = 1.0 / (n - 1)
    return u


def _weights_at(t: np.ndarray, j: int, u: np.ndarray) -> np.ndarray:
    t = np.atleast_1d(np.asarray(t, float))
    W = (1.0 - t)[:, None] * u[None, :]
    W[:, j] += t
    return W


def _is_top(scores: np.ndarray, top: int, hib: bool) -> np.ndarray:
    r = ranking.rank_rows(np.atleast_2d(scores), hib)
    return r[:, top] == 1


def _best_other(scores: np.ndarray, top: int, hib: bool) -> int:
    s = np.array(scores, dtype=float)
    s[top] = -np.inf if hib else np.inf
    return int(np.argmax(s) if hib else np.argmin(s))


def _wsm_interval(score, w, j, top) -> tuple[float, float, int | None, int | None]:
    u = _direction(w, j)
    # s_i(t) = a_i + t b_i (WSM is linear in the weights)
    s0 = score(_weights_at(np.array([0.0, 1.0]), j, u))
    a, b = s0[0], s0[1] - s0[0]
    d0, d1 = a[top] - a, b[top] - b
    tol = ranking.RANK_RTOL * max(np.abs(s0).max(), 1e-300)
    lo, hi, r_lo, r_hi = 0.0, 1.0, None, None
    for i in range(s0.shape[1]):
        if i == top:
            continue
        if d1[i] > 0:  # top wins for t >= -(d0 + tol)/d1
            bound = -(d0[i] + tol) / d1[i]
            if bound > lo:
                lo, r_lo = bound, i
        elif d1[i] < 0:  # top wins for t <= (d0 + tol)/(-d1)
            bound = (d0[i] + tol) / (-d1[i])
            if bound < hi:
                hi, r_hi = bound, i
    return min(max(lo, 0.0), 1.0), min(max(hi, 0.0), 1.0), r_lo, r_hi


def _numeric_interval(method, score, w, j, top) -> tuple[float, float, int | None, int | None]:
    hib = ranking.HIGHER_IS_BETTER[method]
    u = _direction(w, j)
    grid = np.linspace(0.0, 1.0, GRID)
    grid = np.unique(np.append(grid, w[j]))
    ok = _is_top(score(_weights_at(grid, j, u)), top, hib)
    c = int(np.searchsorted(grid, w[j]))
    if not ok[c]:  # numerically on a boundary; treat the current weight as the interval
        return float(w[j]), float(w[j]), None, None

    def top_at(x: float) -> tuple[bool, np.ndarray]:
        sc = score(_weights_at(np.array([x]), j, u))[0]
        return bool(_is_top(sc, top, hib)[0]), sc

    def refine(good: float, bad: float) -> tuple[float, int]:
        # Shrink the bracket 64× per step with one vectorised evaluation of 65 points.
        while abs(bad - good) > BISECT_TOL:
            pts = np.linspace(good, bad, 65)
            sc = score(_weights_at(pts, j, u))
            okp = _is_top(sc, top, hib)
            first_bad = int(np.argmin(okp)) if not okp.all() else 64
            good, bad = pts[first_bad - 1], pts[first_bad]
        return good, _best_other(top_at(bad)[1], top, hib)

    return _walk(ok, grid, c, refine)


def _walk(ok: np.ndarray, grid: np.ndarray, c: int,
          refine: Any) -> tuple[float, float, int | None, int | None]:
    """From the current weight (grid index ``c``) out to the first grid point on each side
    where the top changes, refined there (``refine(good, bad) -> (bound, rival)``)."""
    k = c
    while k > 0 and ok[k - 1]:
        k -= 1
    lo, r_lo = (0.0, None) if k == 0 else refine(grid[k], grid[k - 1])
    k = c
    while k < grid.size - 1 and ok[k + 1]:
        k += 1
    hi, r_hi = (1.0, None) if k == grid.size - 1 else refine(grid[k], grid[k + 1])
    return float(lo), float(hi), r_lo, r_hi


def one_way(
    matrix: np.ndarray,
    weights: np.ndarray,
    types: np.ndarray,
    method: str = "wsm",
    method_options: Mapping[str, Any] | None = None,
) -> dict:
    """Stability interval of the current top alternative for every criterion's weight.

    Inputs must be validated (e.g. by :func:`mcda.core.ranking.run`). Returns
    ``{"top": index, "criteria": [{"weight", "lo", "hi", "rival_lo", "rival_hi"}]}`` with
    indices; ``rival_lo``/``rival_hi`` is the alternative ranked first just below ``lo`` /
    above ``hi`` (None when the interval reaches 0 or 1).
    """
    kw = dict(method_options or {})
    m = np.asarray(matrix, float)
    w = np.asarray(weights, float)
    t = np.asarray(types)
    hib = ranking.HIGHER_IS_BETTER[method]
    score = ranking.make_scorer(method, m, t, **kw)
    s = score(w[None, :])[0]
    r = ranking.rank_scores(s, hib)
    top = int(np.flatnonzero(r == 1)[0])
    rows = []
    for j in range(m.shape[1]):
        if method == "wsm":
            lo, hi, r_lo, r_hi = _wsm_interval(score, w, j, top)
        else:
            lo, hi, r_lo, r_hi = _numeric_interval(method, score, w, j, top)
        rows.append({"weight": float(w[j]), "lo": float(lo), "hi": float(hi),
                     "rival_lo": r_lo, "rival_hi": r_hi})
    return {"method": method, "top": top, "tied_top": int((r == 1).sum()) > 1,
            "criteria": rows}


def _compromise_ranks(scorers: Mapping[str, Any], W: np.ndarray) -> np.ndarray:
    """Copeland compromise ranks (N × m) over the methods' rankings under each weight row."""
    r = np.array([ranking.rank_rows(f(W), ranking.HIGHER_IS_BETTER[mth])
                  for mth, f in scorers.items()])
    return ranking.copeland_rows(r)


def one_way_compromise(
    matrix: np.ndarray,
    weights: np.ndarray,
    types: np.ndarray,
    methods: Mapping[str, Mapping[str, Any]],
) -> dict:
    """:func:`one_way` for the compromise ranking (Copeland over ``methods``: name → options).

    The same question as :func:`one_way` (how far can one criterion's weight move, the others
    rescaled proportionally, before another alternative takes first place), asked of the
    ranking the results lead with instead of one method's, so that the verdict and its
    sensitivity speak of the same winner. Found on a grid of 201 points and refined to 1e-9.
    """
    m = np.asarray(matrix, float)
    w = np.asarray(weights, float)
    t = np.asarray(types)
    scorers = {mth: ranking.make_scorer(mth, m, t, **dict(kw)) for mth, kw in methods.items()}
    r0 = _compromise_ranks(scorers, w[None, :])[0]
    top = int(np.flatnonzero(r0 == 1)[0])

    def ok_at(pts: np.ndarray, j: int, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = _compromise_ranks(scorers, _weights_at(pts, j, u))
        return r[:, top] == 1, r

    def other_first(r_row: np.ndarray) -> int:
        cand = [i for i in np.flatnonzero(r_row == r_row.min()) if i != top]
        if cand:
            return int(cand[0])
        rr = r_row.astype(float).copy()
        rr[top] = np.inf
        return int(np.argmin(rr))

    rows = []
    for j in range(m.shape[1]):
        u = _direction(w, j)
        grid = np.unique(np.append(np.linspace(0.0, 1.0, GRID), w[j]))
        ok, _r = ok_at(grid, j, u)
        c = int(np.searchsorted(grid, w[j]))
        if not ok[c]:  # numerically on a boundary: the current weight is the interval
            rows.append({"weight": float(w[j]), "lo": float(w[j]), "hi": float(w[j]),
                         "rival_lo": None, "rival_hi": None})
            continue

        def refine(good: float, bad: float, j: int = j, u: np.ndarray = u) -> tuple[float, int]:
            while abs(bad - good) > BISECT_TOL:
                pts = np.linspace(good, bad, 65)
                okp, _rp = ok_at(pts, j, u)
                first_bad = int(np.argmin(okp)) if not okp.all() else 64
                good, bad = pts[first_bad - 1], pts[first_bad]
            return float(good), other_first(ok_at(np.array([bad]), j, u)[1][0])

        lo, hi, r_lo, r_hi = _walk(ok, grid, c, refine)
        rows.append({"weight": float(w[j]), "lo": float(lo), "hi": float(hi),
                     "rival_lo": r_lo, "rival_hi": r_hi})
    return {"method": "copeland", "methods": list(methods), "top": top,
            "tied_top": int((r0 == 1).sum()) > 1, "criteria": rows}


def smallest_change(rows: list[dict]) -> dict | None:
    """The one-criterion weight change (rows of :func:`one_way`) that changes first place
    soonest: ``{"criterion": index, "direction": "up"|"down", "to", "delta", "rival"}``, or
    None when no single weight anywhere in [0, 1] unseats the top alternative."""
    best = None
    for j, d in enumerate(rows):
        for direction, bound, rival in (("down", d["lo"], d["rival_lo"]),
                                        ("up", d["hi"], d["rival_hi"])):
            if rival is None:
                continue
            delta = abs(d["weight"] - bound)
            if best is None or delta < best["delta"] - 1e-12:
                best = {"criterion": j, "direction": direction, "weight": d["weight"],
                        "to": bound, "delta": delta, "rival": rival}
    return best
