"""Consensus: how much do participants (or municipalities) agree on the weights?

- :func:`s_star` — Goepel's AHP consensus indicator S* (relative homogeneity from Shannon
  alpha/beta entropy), usable on weight vectors from any elicitation method.
- :func:`kendall_w` — Kendall's coefficient of concordance on the criteria rankings.
- :func:`criterion_stats` — per-criterion spread and the share of variance between groups.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from .aggregation import weight_matrix
from .errors import MCDAInputError, check_finite, fmt

__all__ = [
    "AHP_SCALE_MAX",
    "S_STAR_SCALE",
    "criterion_stats",
    "kendall_w",
    "s_star",
    "s_star_label",
    "between_table",
    "validate_groups",
]

#: M, the largest value of the judgement scale (Saaty's 1–9 scale) in Goepel's correction.
AHP_SCALE_MAX = 9

#: Goepel's word scale for S*: lower bound, Swedish, English (highest first).
#: Goepel, K.D., "AHP Consensus Word Scale" (BPMSG, 2018): 140 hierarchy nodes from 35 group
#: projects; 0.5–1 split into four equal segments, below 0.5 "very low".
S_STAR_SCALE: tuple[tuple[float, str, str], ...] = (
    (0.875, "mycket hög", "very high"),
    (0.75, "hög", "high"),
    (0.625, "måttlig", "moderate"),
    (0.5, "låg", "low"),
    (-math.inf, "mycket låg", "very low"),
)


def _entropy(p: np.ndarray) -> np.ndarray:
    """Shannon entropy (natural log) of each row, with 0·ln 0 = 0."""
    safe = np.where(p > 0, p, 1.0)
    return -np.sum(np.where(p > 0, p * np.log(safe), 0.0), axis=-1)


def s_star(weights: np.ndarray) -> float:
    """Goepel's AHP group consensus S* in [0, 1] for k weight vectors (rows) over n criteria.

    Goepel, K.D. (2018) Implementation of an online software tool for the AHP (AHP-OS),
    IJAHP 10(3):469-487, eqs. 11-21, with M = 9::

        H_alpha = mean_k H(w_k)           (mean individual Shannon entropy)
        H_gamma = H(mean_k w_k)           (entropy of the pooled weights)
        D_beta  = exp(H_gamma - H_alpha)  (Shannon beta diversity, 1 … n)
        H_alpha_min = entropy of (M, 1, …, 1)/(n + M - 1)  (most extreme AHP answer)
        c  = exp(H_alpha_min) / exp(H_gamma_max),  H_gamma_max = ln n
        S* = (1/D_beta - c) / (1 - c)

    S* = 1 when everyone gives the same weights and 0 when k = n participants each put a
    different criterion M times above all others. Weights more extreme than the AHP scale
    allows (e.g. 100 points on one criterion) can push the formula below 0; the result is then
    clipped to [0, 1]. One participant, or a single criterion, is full consensus (1.0).
    """
    w = weight_matrix(weights)
    k, n = w.shape
    if k < 2 or n < 2:
        return 1.0
    h_alpha = float(np.mean(_entropy(w)))
    h_gamma = float(_entropy(w.mean(axis=0)))
    d_beta = math.exp(max(0.0, h_gamma - h_alpha))  # H_beta ≥ 0 by concavity; guard rounding
    m = AHP_SCALE_MAX
    hi = m / (n + m - 1)
    lo = 1.0 / (n + m - 1)
    h_alpha_min = -(hi * math.log(hi) + (n - 1) * lo * math.log(lo))
    c = math.exp(h_alpha_min) / n
    value = (1.0 / d_beta - c) / (1.0 - c)
    return float(min(1.0, max(0.0, value)))


def s_star_label(value: float) -> tuple[str, str]:
    """Goepel's verbal scale for S*: (Swedish, English).

    < 0.5 very low, 0.5–0.625 low, 0.625–0.75 moderate, 0.75–0.875 high, ≥ 0.875 very high
    (Goepel 2018, "AHP Consensus Word Scale": four equal segments from 50 % to 100 %).
    """
    v = float(check_finite("s_star", value, ndim=0))
    if v < 0 or v > 1:
        raise MCDAInputError(
            "s_star",
            v,
            f"s_star måste ligga mellan 0 och 1 (fick {fmt(v)}).",
            f"s_star must lie between 0 and 1 (got {fmt(v)}).",
        )
    for bound, sv, en in S_STAR_SCALE:
        if v >= bound:
            return sv, en
    raise AssertionError("unreachable")  # pragma: no cover


def kendall_w(weights: np.ndarray) -> tuple[float, float]:
    """Kendall's W with tie correction and its chi-square p-value.

    Raters are the rows (participants), objects the criteria. Each row is turned into ranks,
    the highest weight getting rank 1 and equal weights sharing their average rank. Then
    (Kendall & Babington Smith 1939; tie correction as in Siegel & Castellan 1988)::

        W = 12·S / (k²(n³ − n) − k·Σ_raters Σ_ties (t³ − t)),   S = Σ_i (R_i − mean R)²
        p = P(χ²_{n−1} ≥ k(n − 1)W)

    Never NaN: fewer than two raters, a single criterion, or every rater tying all criteria
    (nothing to agree or disagree on) give W = 1.0, p = 1.0 — "no evidence against the
    hypothesis of no agreement", which is why p is 1, not 0.
    """
    w = weight_matrix(weights)
    k, n = w.shape
    if k < 2 or n < 2:
        return 1.0, 1.0
    # Round before ranking so weights equal up to float noise count as ties.
    r = stats.rankdata(-np.round(w, 12), method="average", axis=1)
    col = r.sum(axis=0)
    s = float(np.sum((col - col.mean()) ** 2))
    # tie groups = equal average ranks within a row (ranks are multiples of 1/2)
    keys = np.arange(k)[:, None] * (2 * n + 2) + np.rint(2 * r).astype(np.int64)
    _, counts = np.unique(keys, return_counts=True)
    counts = counts.astype(float)
    ties = float(np.sum(counts**3 - counts))
    denom = k * k * (n**3 - n) - k * ties
    if denom <= 0:
        return 1.0, 1.0
    big_w = min(1.0, max(0.0, 12.0 * s / denom))
    p = float(stats.chi2.sf(k * (n - 1) * big_w, n - 1))
    return float(big_w), min(1.0, max(0.0, p))


def validate_groups(groups: object, k: int, field_name: str = "groups") -> list[str]:
    """Check that ``groups`` gives one non-empty string label per participant row."""
    if isinstance(groups, str) or not isinstance(groups, Sequence | np.ndarray):
        raise MCDAInputError(
            field_name,
            groups,
            f"{field_name} måste vara en lista med en grupp per deltagare.",
            f"{field_name} must be a list with one group per participant.",
        )
    labels = list(groups)
    if len(labels) != k:
        raise MCDAInputError(
            field_name,
            len(labels),
            f"{field_name} måste ha en grupp per viktvektor ({k}), fick {len(labels)}.",
            f"{field_name} must have one group per weight vector ({k}), got {len(labels)}.",
        )
    for i, g in enumerate(labels):
        if not isinstance(g, str) or not g.strip():
            raise MCDAInputError(
                f"{field_name}[{i}]",
                g,
                f"{field_name}[{i}] måste vara ett gruppnamn (text), fick {fmt(g)}.",
                f"{field_name}[{i}] must be a group name (text), got {fmt(g)}.",
            )
    return labels


def between_table(w: np.ndarray, labels: list[str]) -> dict[str, np.ndarray | list[str]]:
    """Vectorised one-way decomposition of every criterion (column of ``w``) by group.

    Returns ``groups`` (sorted names), ``means`` (groups × criteria), ``share`` (η² per
    criterion), ``p`` (ANOVA F-test p-value; 1.0 when untestable) and ``ss_total``.
    """
    names, codes = np.unique(np.array(labels, dtype=object), return_inverse=True)
    n_groups, k = len(names), w.shape[0]
    counts = np.bincount(codes, minlength=n_groups).astype(float)
    sums = np.zeros((n_groups, w.shape[1]))
    np.add.at(sums, codes, w)
    means = sums / counts[:, None]
    grand = w.mean(axis=0)
    ss_total = np.sum((w - grand) ** 2, axis=0)
    ss_between = np.sum(counts[:, None] * (means - grand) ** 2, axis=0)
    flat = ss_total <= 1e-24
    share = np.where(flat, 0.0, ss_between / np.where(flat, 1.0, ss_total))
    share = np.clip(share, 0.0, 1.0)
    df_b, df_w = n_groups - 1, k - n_groups
    ss_within = np.sum((w - means[codes]) ** 2, axis=0)
    if df_b < 1 or df_w < 1:
        p = np.ones_like(share)
    else:
        # groups internally unanimous (up to float noise): F is infinite, p = 0
        perfect = ss_within <= 1e-12 * np.maximum(ss_total, 1e-300)
        f = (ss_between / df_b) / np.where(perfect, 1.0, ss_within / df_w)
        p = np.where(perfect, 0.0, stats.f.sf(f, df_b, df_w))
        p = np.where(flat, 1.0, np.clip(p, 0.0, 1.0))
    return {
        "groups": [str(x) for x in names],
        "means": means,
        "share": share,
        "p": p,
        "ss_total": ss_total,
    }


def criterion_stats(weights: np.ndarray, groups: Sequence[str]) -> list[dict]:
    """Per criterion: spread of the participants' weights and the between-group share.

    Keys: ``index``, ``mean``, ``median``, ``sd`` (sample SD, ddof = 1; 0 when k < 2),
    ``iqr`` (75th − 25th percentile, linear interpolation), ``between_share`` (η² = between-group
    sum of squares / total sum of squares; 0 when everyone gives the same weight) and
    ``between_p`` (one-way ANOVA F-test p-value for "group means differ"; 1.0 when it cannot be
    tested, e.g. one participant per group).
    """
    w = weight_matrix(weights)
    k, n = w.shape
    labels = validate_groups(groups, k)
    table = between_table(w, labels)
    q75, q25 = np.percentile(w, [75, 25], axis=0)
    mean, median = w.mean(axis=0), np.median(w, axis=0)
    sd = w.std(axis=0, ddof=1) if k >= 2 else np.zeros(n)
    return [
        {
            "index": j,
            "mean": float(mean[j]),
            "median": float(median[j]),
            "sd": float(sd[j]),
            "iqr": float(max(0.0, q75[j] - q25[j])),
            "between_share": float(table["share"][j]),
            "between_p": float(table["p"][j]),
        }
        for j in range(n)
    ]
