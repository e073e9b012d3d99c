"""Ranks from scores with a tolerance (pymcdm's ``rankdata`` ties by exact float equality)
and rank counts over many weight samples."""

from __future__ import annotations

from typing import Any

import numpy as np

from .names import RANK_RTOL


def rank_scores(scores: Any, higher_is_better: bool, rtol: float = RANK_RTOL) -> np.ndarray:
    """Competition ranks (1 = best; ties share the better rank, e.g. 1, 1, 3).

    Scores whose sorted neighbours differ by at most ``rtol × max|score|`` are tied, so that
    floating-point noise (1e-16) never decides an order; pymcdm's ``rankdata`` uses exact
    equality.
    """
    s = np.asarray(scores, dtype=float).reshape(1, -1)
    return rank_rows(s, higher_is_better, rtol)[0]


def rank_rows(scores: np.ndarray, higher_is_better: bool, rtol: float = RANK_RTOL) -> np.ndarray:
    """:func:`rank_scores` for every row of an (N × m) array at once (vectorised)."""
    s = np.asarray(scores, dtype=float)
    key = -s if higher_is_better else s
    order = np.argsort(key, axis=1)
    srt = np.sort(key, axis=1)  # same values as key[order]; the SIMD sort is cheaper than a gather
    n, m = s.shape
    tol = rtol * np.max(np.abs(s), axis=1, keepdims=True)
    new_group = np.ones((n, m), dtype=bool)
    new_group[:, 1:] = (srt[:, 1:] - srt[:, :-1]) > tol
    start = np.maximum.accumulate(np.where(new_group, np.arange(m)[None, :], 0), axis=1)
    ranks = np.empty((n, m), dtype=np.int64)
    ranks[np.arange(n)[:, None], order] = start + 1
    return ranks


def rank_counts(
    scores: np.ndarray,
    higher_is_better: bool,
    multiplicity: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    rtol: float = RANK_RTOL,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """SMAA's hot path: how often each alternative takes each rank, without per-row ranks.

    Returns ``counts`` (m × m; counts[i, r] = weighted number of rows where alternative i has
    rank r + 1), ``n_first`` (m; weighted number of rows where i is first, ties included) and,
    if ``weights`` (rows × n) is given, ``first_sum`` (m × n; the weighted sum of the weight
    rows in which i is first — the numerator of SMAA's central weight vector). Identical to
    counting :func:`rank_rows`; rows without ties (almost all, for continuous weights) are
    counted straight from the sort order.
    """
    s = np.asarray(scores, dtype=float)
    n, m = s.shape
    mult = np.ones(n) if multiplicity is None else np.asarray(multiplicity, dtype=float)
    key = -s if higher_is_better else s
    order = np.argsort(key, axis=1)
    srt = np.sort(key, axis=1)  # same values as key[order]; the SIMD sort is cheaper than a gather
    tol = rtol * np.max(np.abs(s), axis=1, keepdims=True)
    tied = np.any((srt[:, 1:] - srt[:, :-1]) <= tol, axis=1)
    counts = np.zeros((m, m))
    n_first = np.zeros(m)
    first_sum = None if weights is None else np.zeros((m, np.shape(weights)[1]))
    any_tied = bool(tied.any())
    if any_tied:
        clean = np.flatnonzero(~tied)
        order_c, mult_c = order[clean], mult[clean]
        w_c = None if weights is None else np.asarray(weights, float)[clean]
    else:
        order_c, mult_c = order, mult
        w_c = None if weights is None else np.asarray(weights, float)
    if order_c.shape[0]:
        cols = np.ascontiguousarray(order_c.T)
        for r in range(m):
            counts[:, r] = np.bincount(cols[r], weights=mult_c, minlength=m)
        n_first += counts[:, 0]
        if first_sum is not None:
            wm = w_c * mult_c[:, None]
            for j in range(wm.shape[1]):
                first_sum[:, j] += np.bincount(cols[0], weights=wm[:, j], minlength=m)
    if any_tied:
        idx = np.flatnonzero(tied)
        ranks = rank_rows(s[idx], higher_is_better, rtol)
        wt = mult[idx]
        flat = (np.arange(m)[None, :] * m + (ranks - 1)).ravel()
        counts += np.bincount(flat, weights=np.repeat(wt, m), minlength=m * m).reshape(m, m)
        first = (ranks == 1) * wt[:, None]
        n_first += first.sum(axis=0)
        if first_sum is not None:
            first_sum += first.T @ np.asarray(weights, float)[idx]
    return counts, n_first, first_sum
