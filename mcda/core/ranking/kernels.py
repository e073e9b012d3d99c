"""Vectorised score kernels: one row of weights per sample, for SMAA and the per-group
rankings; tests check them against pymcdm to 1e-9."""

from __future__ import annotations

from typing import Any

import numpy as np
from pymcdm import helpers as _pm_helpers
from pymcdm import methods as _pm_methods

from .names import RANK_RTOL
from .validate import _err, _nonconstant, _norm_fn, rescale_columns, spotis_bounds


def _normalize(m: np.ndarray, t: np.ndarray, name: str) -> np.ndarray:
    with np.errstate(all="ignore"):
        return _pm_helpers.normalize_matrix(m, _norm_fn(name), t)


def _wsm_scorer(m, t, normalization="sum"):
    nt = _normalize(m, t, normalization).T
    return lambda W: W @ nt


def _wpm_scorer(m, t, normalization="sum"):
    lt = np.log(_normalize(m, t, normalization)).T
    return lambda W: np.exp(W @ lt)


def _topsis_scorer(m, t, normalization="minmax"):
    nm = _normalize(m, t, normalization)
    # For w >= 0: max_i w_j r_ij = w_j max_i r_ij, so both distances are W² @ (squared gaps).
    gp = ((nm - nm.max(axis=0)) ** 2).T
    gm = ((nm - nm.min(axis=0)) ** 2).T

    def score(W):
        W2 = W * W
        dp = np.sqrt(np.maximum(W2 @ gp, 0))
        dm = np.sqrt(np.maximum(W2 @ gm, 0))
        with np.errstate(all="ignore"):
            c = dm / (dm + dp)
        return np.where((dm + dp) > 0, c, 0.5)

    return score


def _spotis_scorer(m, t):
    keep = _nonconstant(m)
    if not keep.any():
        return lambda W: np.zeros((W.shape[0], m.shape[0]))
    mk, tk = m[:, keep], t[keep]
    b = spotis_bounds(mk)
    esp = np.where(tk == 1, b[:, 1], b[:, 0])
    dt = np.abs((mk - esp) / (b[:, 0] - b[:, 1])).T
    return lambda W: W[:, keep] @ dt


def _promethee_usual_scorer(m, t):
    """PROMETHEE II net flow with the usual preference function: linear in the weights."""
    n_alt = m.shape[0]
    with np.errstate(over="ignore"):  # ±1.7e308: the difference is ±inf, its sign is right
        diff = (m[:, None, :] - m[None, :, :]) * t  # diff[i, k, j] = oriented x_ij - x_kj
    ct = ((np.sign(diff).sum(axis=1)) / (n_alt - 1)).T  # Σ_k [P(i,k) - P(k,i)] per criterion
    return lambda W: W @ ct


def _vikor_sr(m, t):
    """VIKOR's S and R as a function of W (N × n), or None if every criterion is constant."""
    keep = _nonconstant(m)
    if not keep.any():
        return None
    mk, tk = m[:, keep], t[keep]
    nm = np.where(tk == 1, mk, mk.max(axis=0) - mk)  # pymcdm's VIKOR default "normalisation"
    fstar, fminus = nm.max(axis=0), nm.min(axis=0)
    d = (fstar - nm) / (fstar - fminus)  # (m × n)

    def sr(W):
        Wk = W[:, keep]
        return Wk @ d.T, np.max(Wk[:, None, :] * d[None, :, :], axis=2)

    return sr


def _flat_rows(x: np.ndarray) -> np.ndarray:
    """Rows whose range is rounding noise: within RANK_RTOL × max|x| (the tie tolerance)."""
    return np.ptp(x, axis=1) <= RANK_RTOL * np.max(np.abs(x), axis=1)


def _vikor_flat(m: np.ndarray, w: np.ndarray, t: np.ndarray) -> bool:
    sr = _vikor_sr(m, t)
    if sr is None:
        return False
    S, R = sr(w[None, :])
    return bool(_flat_rows(S)[0] or _flat_rows(R)[0])


def _vikor_scorer(m, t, v=0.5):
    sr = _vikor_sr(m, t)
    if sr is None:
        return lambda W: np.zeros((W.shape[0], m.shape[0]))

    def score(W):
        S, R = sr(W)
        with np.errstate(all="ignore"):
            qs = (S - S.min(axis=1, keepdims=True)) / np.ptp(S, axis=1, keepdims=True)
            qr = (R - R.min(axis=1, keepdims=True)) / np.ptp(R, axis=1, keepdims=True)
        # 0/0, or a range of rounding noise, counts as no difference (the term is 0).
        qs = np.where(np.isfinite(qs) & ~_flat_rows(S)[:, None], qs, 0.0)
        qr = np.where(np.isfinite(qr) & ~_flat_rows(R)[:, None], qr, 0.0)
        return v * qs + (1 - v) * qr

    return score


def _copras_scorer(m, t):
    nm = m / m.sum(axis=0)
    ben, cost = t == 1, t == -1
    nb, nc = nm[:, ben].T, nm[:, cost].T

    def score(W):
        sp = W[:, ben] @ nb
        if not cost.any():
            q = sp
        else:
            sm = W[:, cost] @ nc
            with np.errstate(all="ignore"):
                q = sp + sm.sum(axis=1, keepdims=True) / (
                    sm * (1.0 / sm).sum(axis=1, keepdims=True))
            # No weight on any cost criterion: S-_i = c·a_i with c → 0, the cost term → 0.
            no_cost = W[:, cost].sum(axis=1) <= 0
            q[no_cost] = sp[no_cost]
        return q / q.max(axis=1, keepdims=True)

    return score


def make_scorer(method: str, m: np.ndarray, t: np.ndarray, **kw) -> Any:
    """A function W (N × n) → scores (N × m) with everything weight-independent precomputed.

    ``m`` and ``t`` must already be validated (:func:`run` on one weight vector does that).
    Used where the same problem is scored many times (SMAA, sensitivity, per-group rankings).
    """
    if method != "promethee_ii":
        m = rescale_columns(m)
    if method == "wsm":
        f = _wsm_scorer(m, t, kw.get("normalization", "sum"))
    elif method == "wpm":
        f = _wpm_scorer(m, t, kw.get("normalization", "sum"))
    elif method == "topsis":
        f = _topsis_scorer(m, t, kw.get("normalization", "minmax"))
    elif method == "spotis":
        f = _spotis_scorer(m, t)
    elif method == "vikor":
        f = _vikor_scorer(m, t, float(kw.get("v", 0.5)))
    elif method == "copras":
        f = _copras_scorer(m, t)
    elif method == "promethee_ii":
        if kw.get("preference_function", "usual") == "usual" and kw.get("p") is None \
                and kw.get("q") is None:
            f = _promethee_usual_scorer(m, t)
        else:
            def f(W):
                return score_loop(method, m, W, t, **kw)
    else:
        raise _err("options.methods", method, "Okänd metod.", "Unknown method.")
    return lambda W: f(np.atleast_2d(np.asarray(W, dtype=float)))


def score_batch(method: str, m: np.ndarray, W: np.ndarray, t: np.ndarray, **kw) -> np.ndarray:
    """Scores of every alternative under every weight row of ``W`` (N × n) → (N × m).

    ``m`` and ``t`` must already be validated (:func:`run` on one weight vector does that).
    """
    return make_scorer(method, m, t, **kw)(W)


def vikor_batch(m, W, t, *, v: float = 0.5) -> np.ndarray:
    """VIKOR Q for every weight row (used by :func:`vikor` when pymcdm divides 0/0)."""
    return _vikor_scorer(m, t, v)(np.atleast_2d(W))


def copras_batch(m, W, t) -> np.ndarray:
    """Textbook COPRAS utility degrees for every weight row."""
    return _copras_scorer(m, t)(np.atleast_2d(W))


def score_loop(method: str, m: np.ndarray, W: np.ndarray, t: np.ndarray, **kw) -> np.ndarray:
    """Reference implementation of :func:`score_batch`: one pymcdm call per weight row.

    Slow on purpose (it is what the vectorised kernels are checked and benchmarked against).
    """
    W = np.atleast_2d(np.asarray(W, dtype=float))
    out = np.empty((W.shape[0], m.shape[0]))
    if method != "promethee_ii":
        m = rescale_columns(m)
    if method == "copras":
        for k in range(W.shape[0]):
            out[k] = _copras_one(m, W[k], t)
        return out
    keep = _nonconstant(m)
    if method == "wsm":
        body = _pm_methods.WSM(_norm_fn(kw.get("normalization", "sum")))
    elif method == "wpm":
        body = _pm_methods.WPM(_norm_fn(kw.get("normalization", "sum")))
    elif method == "topsis":
        body = _pm_methods.TOPSIS(_norm_fn(kw.get("normalization", "minmax")))
    elif method == "vikor":
        body = _pm_methods.VIKOR(v=float(kw.get("v", 0.5)))
    elif method == "spotis":
        body = _pm_methods.SPOTIS(spotis_bounds(m[:, keep]))
    elif method == "promethee_ii":
        body = None
    else:
        raise _err("options.methods", method, "Okänd metod.", "Unknown method.")
    sub = method in ("vikor", "spotis")
    if sub and not keep.any():
        return np.zeros((W.shape[0], m.shape[0]))
    mm, tt = (m[:, keep], t[keep]) if sub else (m, t)
    with np.errstate(all="ignore"):
        for k in range(W.shape[0]):
            w = W[k, keep] if sub else W[k]
            if method == "promethee_ii":
                pq = {x: np.asarray(kw[x], float) for x in ("p", "q") if kw.get(x) is not None}
                body = _pm_methods.PROMETHEE_II(kw.get("preference_function", "usual"), **pq)
            out[k] = body(mm, w, tt, validation=False)
    return out


def _copras_one(m: np.ndarray, w: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Plain per-alternative textbook COPRAS (the loop reference for :func:`copras_batch`)."""
    nm = m / m.sum(axis=0)
    d = nm * w
    sp = d[:, t == 1].sum(axis=1)
    if not np.any(t == -1) or w[t == -1].sum() <= 0:
        q = sp
    else:
        sm = d[:, t == -1].sum(axis=1)
        q = np.array([sp[i] + sm.sum() / (sm[i] * np.sum(1.0 / sm)) for i in range(len(sp))])
    return q / q.max()
