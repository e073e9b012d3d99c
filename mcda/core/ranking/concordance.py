"""Agreement between rankings: r_w (Pinto da Costa & Soares 2005), WS (Sałabun & Urbaniak
2020), fractional ranks and the Copeland compromise over methods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .ranks import rank_rows, rank_scores


def weighted_spearman(x: Any, y: Any) -> float:
    """Weighted Spearman r_w (Pinto da Costa & Soares 2005): top positions weigh more.

    r_w = 1 − 6 Σ (x_i − y_i)² ((N − x_i + 1) + (N − y_i + 1)) / (N⁴ + N³ − N² − N).
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = x.shape[0]
    num = 6.0 * np.sum((x - y) ** 2 * ((n - x + 1) + (n - y + 1)))
    return float(1.0 - num / (n**4 + n**3 - n**2 - n))


def ws_coefficient(x: Any, y: Any) -> float:
    """WS rank similarity coefficient (Sałabun & Urbaniak 2020), ``x`` is the reference.

    WS = 1 − Σ 2^(−x_i) |x_i − y_i| / max(|x_i − 1|, |x_i − N|). Asymmetric; in [0, 1].
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = x.shape[0]
    den = np.maximum(np.abs(x - 1), np.abs(x - n))
    return float(1.0 - np.sum(2.0 ** (-x) * np.abs(x - y) / den))


def fractional_ranks(ranks: Any) -> np.ndarray:
    """Competition ranks (1, 1, 3) → fractional ranks (1.5, 1.5, 3) for correlation measures."""
    r = np.asarray(ranks).astype(np.int64)
    ties = np.bincount(r)[r]
    return r + (ties - 1) / 2.0


def agreement(ranks: Mapping[str, Any]) -> dict:
    """Pairwise agreement of the methods' rankings: r_w (symmetric) and WS (row = reference).

    Ties are turned into fractional ranks first. Returns ``methods`` and two square matrices.
    """
    names = list(ranks)
    fr = {k: fractional_ranks(v) for k, v in ranks.items()}
    rw = [[weighted_spearman(fr[a], fr[b]) for b in names] for a in names]
    wsm_ = [[ws_coefficient(fr[a], fr[b]) for b in names] for a in names]
    return {"methods": names, "rw": rw, "ws": wsm_}


def copeland(ranks: Mapping[str, Any]) -> dict:
    """Copeland compromise over methods: a beats b if more methods rank a above b.

    Copeland score = wins − losses over all other alternatives; rank by score, ties broken by
    the mean rank over methods (a tie remains only if both are equal).
    """
    r = np.array([np.asarray(v, float) for v in ranks.values()])  # methods × alternatives
    better = (r[:, :, None] < r[:, None, :]).sum(axis=0)  # better[a, b] = #methods a above b
    wins = (better > better.T).sum(axis=1)
    losses = (better < better.T).sum(axis=1)
    score = (wins - losses).astype(float)
    mean_rank = r.mean(axis=0)
    # lexicographic: higher score first, then lower mean rank
    key = score * (r.shape[1] + 1) * 2 - mean_rank
    return {"scores": score, "mean_rank": mean_rank,
            "ranks": rank_scores(key, True)}


def copeland_rows(ranks: np.ndarray) -> np.ndarray:
    """:func:`copeland` ranks for many weight rows at once: ``ranks`` is (methods × N × m),
    the result (N × m). Used where the compromise is needed under many weight vectors (SMAA
    over the methods in use, the compromise's sensitivity); tests check it against
    :func:`copeland` row by row."""
    r = np.asarray(ranks, dtype=float)
    n_rows, m = r.shape[1], r.shape[2]
    score = np.empty((n_rows, m))
    step = max(1, 4_000_000 // (m * m))  # bounded memory: rows in chunks
    for a in range(0, n_rows, step):
        blk = r[:, a:a + step]
        better = np.zeros((blk.shape[1], m, m), dtype=np.int16)  # better[n, a, b]
        for rk in blk:  # one method at a time
            better += rk[:, :, None] < rk[:, None, :]
        bt = np.swapaxes(better, 1, 2)
        score[a:a + step] = (better > bt).sum(axis=2) - (better < bt).sum(axis=2)
    key = score * (m + 1) * 2 - r.mean(axis=0)
    return rank_rows(key, True)
