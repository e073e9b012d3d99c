"""Goal conflicts: where do participants and municipalities pull in different directions?

Each function returns the numbers that justify its finding, so the UI can show *why* a pair
is a trade-off, a criterion is disputed or two municipalities form a coalition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from .aggregation import weight_matrix
from .consensus import between_table, validate_groups
from .errors import MCDAInputError, check_cells, check_finite, fmt

__all__ = [
    "DISPUTED_THRESHOLD",
    "coalitions",
    "disputed",
    "js_distance",
    "polarising",
    "similarity",
    "tradeoffs",
]

#: Default η² above which a criterion counts as disputed between groups. Cohen (1988) calls
#: η² ≥ 0.14 a large effect; 0.3 means almost a third of all disagreement on the criterion is
#: explained by which municipality a participant belongs to — clearly a group matter.
DISPUTED_THRESHOLD = 0.3

_SILHOUETTE_STRENGTH = (  # Kaufman & Rousseeuw (1990), Finding Groups in Data, ch. 2
    (0.70, "stark", "strong"),
    (0.50, "rimlig", "reasonable"),
    (0.25, "svag", "weak"),
    (-math.inf, "ingen tydlig", "none"),
)


def _alpha(alpha: object) -> float:
    a = float(check_finite("alpha", alpha, ndim=0))
    if not 0 < a < 1:
        raise MCDAInputError(
            "alpha",
            a,
            f"alpha måste ligga mellan 0 och 1 (fick {fmt(a)}).",
            f"alpha must lie between 0 and 1 (got {fmt(a)}).",
        )
    return a


def tradeoffs(weights: np.ndarray, alpha: float = 0.05) -> list[dict]:
    """Criteria pairs traded off against each other across participants.

    Weights on the simplex are negatively correlated by construction: raising one lowers the
    others (closure; Aitchison 1986). The null is "independent importances, normalised to sum
    1" — a Dirichlet distribution, whose correlations depend only on the mean weights m:
    ρ0_ij = −√(m_i m_j / ((1 − m_i)(1 − m_j))) (Connor & Mosimann 1969; −1/(n − 1) when all
    means are equal). A pair is reported only when its Pearson r is more negative than ρ0_ij:
    one-sided Fisher z test z = (atanh r − atanh ρ0)·√(k − 3), p = Φ(z), with
    Benjamini–Hochberg control of the false discovery rate over all tested pairs at ``alpha``.
    Needs k ≥ 4 participants and n ≥ 3 criteria (with two, every gain for one is a loss for the
    other: r = −1 = ρ0). Criteria on which everyone agrees exactly (SD 0) are not tested.

    Returns dicts ``i``, ``j`` (i < j), ``r``, ``p`` (one-sided), ``p_adjusted`` (BH),
    ``null_r`` (ρ0_ij) and ``k``, most negative r first.
    """
    a = _alpha(alpha)
    w = weight_matrix(weights)
    k, n = w.shape
    if k < 4 or n < 3:
        return []
    sd = w.std(axis=0)
    mean = w.mean(axis=0)
    iu, ju = np.triu_indices(n, 1)
    varying = (sd[iu] > 1e-12) & (sd[ju] > 1e-12)
    iu, ju = iu[varying], ju[varying]
    if iu.size == 0:
        return []
    c = np.corrcoef(w[:, sd > 1e-12], rowvar=False)
    pos = np.cumsum(sd > 1e-12) - 1
    r = np.clip(c[pos[iu], pos[ju]], -1 + 1e-12, 1 - 1e-12)
    mi, mj = mean[iu], mean[ju]
    rho0 = -np.sqrt(mi * mj / np.maximum((1 - mi) * (1 - mj), 1e-300))
    rho0 = np.clip(rho0, -1 + 1e-12, 0.0)
    z = (np.arctanh(r) - np.arctanh(rho0)) * math.sqrt(k - 3)
    p = stats.norm.cdf(z)
    # Benjamini–Hochberg over every tested pair
    m = p.size
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    adj_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    p_adj = np.empty(m)
    p_adj[order] = np.minimum(adj_sorted, 1.0)
    keep = (p_adj <= a) & (r < rho0)
    out = [
        {
            "i": int(iu[t]),
            "j": int(ju[t]),
            "r": float(r[t]),
            "p": float(p[t]),
            "p_adjusted": float(p_adj[t]),
            "null_r": float(rho0[t]),
            "k": int(k),
        }
        for t in np.flatnonzero(keep)
    ]
    out.sort(key=lambda d: (round(d["r"], 12), d["i"], d["j"]))  # stable under float noise
    return out


def disputed(
    weights: np.ndarray,
    groups: Sequence[str],
    threshold: float = DISPUTED_THRESHOLD,
) -> list[dict]:
    """Criteria on which municipalities, rather than individuals, disagree.

    A criterion is disputed when its between-group share of variance η² (between-group sum of
    squares / total sum of squares, as in :func:`mcda.core.consensus.criterion_stats`) is at
    least ``threshold`` (default 0.3, see :data:`DISPUTED_THRESHOLD`). Each result says who pulls
    which way: ``high`` lists (group, group mean) above the overall participant mean, highest
    first; ``low`` those below, lowest first. ``p`` is the one-way ANOVA p-value (1.0 when not
    testable, e.g. one participant per group — then η² is 1 by construction, read with care).
    Sorted by ``between_share``, largest first.
    """
    t = float(check_finite("threshold", threshold, ndim=0))
    if not 0 <= t <= 1:
        raise MCDAInputError(
            "threshold",
            t,
            f"threshold måste ligga mellan 0 och 1 (fick {fmt(t)}).",
            f"threshold must lie between 0 and 1 (got {fmt(t)}).",
        )
    w = weight_matrix(weights)
    k, n = w.shape
    labels = validate_groups(groups, k)
    table = between_table(w, labels)
    names = table["groups"]
    if len(names) < 2:
        return []
    out = []
    grand_all = w.mean(axis=0)
    for j in range(n):
        share = float(table["share"][j])
        if table["ss_total"][j] <= 1e-24 or share < t:
            continue
        grand = float(grand_all[j])
        means = [(g, float(m)) for g, m in zip(names, table["means"][:, j], strict=True)]
        high = sorted(((g, m) for g, m in means if m > grand), key=lambda x: (-x[1], x[0]))
        low = sorted(((g, m) for g, m in means if m < grand), key=lambda x: (x[1], x[0]))
        out.append(
            {
                "criterion": j,
                "between_share": share,
                "p": float(table["p"][j]),
                "mean": grand,
                "high": high,
                "low": low,
            }
        )
    out.sort(key=lambda d: (-round(d["between_share"], 12), d["criterion"]))
    return out


def js_distance(group_weights: np.ndarray) -> np.ndarray:
    """Pairwise Jensen–Shannon distance (base 2, so in [0, 1]) between weight vectors (rows).

    JS distance is the square root of the Jensen–Shannon divergence (Endres & Schindelin 2003):
    a true metric, symmetric, defined with zero weights, 0 for identical vectors and 1 for
    vectors with no criterion in common.
    """
    p = weight_matrix(group_weights, "group_weights")
    a, b = p[:, None, :], p[None, :, :]
    mid = 0.5 * (a + b)
    # p·log2(p/m) with 0·log 0 = 0; m = 0 only where both are 0 (or a subnormal underflows)
    with np.errstate(divide="ignore", invalid="ignore"):
        ta = np.where((a > 0) & (mid > 0), a * np.log2(a / mid), 0.0)
        tb = np.where((b > 0) & (mid > 0), b * np.log2(b / mid), 0.0)
    js = 0.5 * (ta.sum(axis=-1) + tb.sum(axis=-1))
    d = np.sqrt(np.clip(js, 0.0, 1.0))
    d = 0.5 * (d + d.T)  # exact symmetry
    np.fill_diagonal(d, 0.0)
    return d


def similarity(group_weights: np.ndarray) -> np.ndarray:
    """Municipality × municipality similarity: 1 − Jensen–Shannon distance (see js_distance).

    Symmetric, diagonal 1, values in [0, 1]; 1 means identical weight profiles.
    """
    return 1.0 - js_distance(group_weights)


def _silhouette(d: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette width (Rousseeuw 1987) from a distance matrix; singletons count 0."""
    uniq, codes = np.unique(labels, return_inverse=True)
    onehot = np.zeros((labels.size, uniq.size))
    onehot[np.arange(labels.size), codes] = 1.0
    counts = onehot.sum(axis=0)
    sums = d @ onehot  # distance of each item to all members of each cluster
    own = counts[codes]
    a = sums[np.arange(labels.size), codes] / np.maximum(own - 1, 1)
    other = np.where(onehot > 0, np.inf, sums / counts)
    b = other.min(axis=1)
    den = np.maximum(a, b)
    s = np.where((own > 1) & (den > 0), (b - a) / np.where(den > 0, den, 1.0), 0.0)
    return float(s.mean())


def coalitions(group_weights: np.ndarray, names: Sequence[str]) -> dict:
    """Clusters of municipalities with similar weight profiles.

    Average-linkage hierarchical clustering (UPGMA) on the Jensen–Shannon distance. The number
    of clusters k is the one with the largest mean silhouette width over k = 2 … min(6, g − 1)
    (the smaller k on ties); with fewer than 3 groups, or all profiles identical, k = 1.
    ``strength`` reads the silhouette on Kaufman & Rousseeuw's (1990) scale (> 0.70 strong,
    > 0.50 reasonable, > 0.25 weak, else no substantial structure) so a "coalition" found in
    noise is labelled as such. Clusters list names in input order; clusters ordered by their
    first member.
    """
    gw = weight_matrix(group_weights, "group_weights")
    g = gw.shape[0]
    if isinstance(names, str) or not isinstance(names, Sequence | np.ndarray):
        raise MCDAInputError(
            "names",
            names,
            "names måste vara en lista med ett namn per grupp.",
            "names must be a list with one name per group.",
        )
    labels = list(names)
    if len(labels) != g:
        raise MCDAInputError(
            "names",
            len(labels),
            f"names måste ha ett namn per grupp ({g}), fick {len(labels)}.",
            f"names must have one name per group ({g}), got {len(labels)}.",
        )
    seen: set[str] = set()
    for i, nm in enumerate(labels):
        if not isinstance(nm, str) or not nm.strip() or nm in seen:
            raise MCDAInputError(
                f"names[{i}]",
                nm,
                f"names[{i}] måste vara ett unikt gruppnamn (fick {fmt(nm)}).",
                f"names[{i}] must be a unique group name (got {fmt(nm)}).",
            )
        seen.add(nm)
    rule = "max mean silhouette, k = 2..min(6, g-1), average linkage, Jensen-Shannon distance"
    d = js_distance(gw)
    base = {"rule": rule, "linkage": "average", "distance": "jensen-shannon"}
    if g < 3 or float(d.max()) < 1e-12:
        return {
            **base,
            "k": 1,
            "clusters": [labels],
            "labels": [0] * g,
            "silhouette": 0.0,
            "silhouette_by_k": {},
            "strength": ("ingen tydlig", "none"),
        }
    z = linkage(squareform(d, checks=False), method="average")
    best_k, best_s, best_lab = 1, -math.inf, np.zeros(g, dtype=int)
    by_k: dict[int, float] = {}
    for kk in range(2, min(6, g - 1) + 1):
        lab = fcluster(z, t=kk, criterion="maxclust")
        actual = int(np.unique(lab).size)
        if actual < 2 or actual in by_k:
            continue
        s = _silhouette(d, lab)
        by_k[actual] = s
        if s > best_s + 1e-12:
            best_k, best_s, best_lab = actual, s, lab
    if best_k == 1:  # distances too degenerate for 2+ clusters
        best_s, best_lab = 0.0, np.zeros(g, dtype=int)
    # renumber clusters by first appearance in input order
    mapping: dict[int, int] = {}
    for x in best_lab:
        mapping.setdefault(int(x), len(mapping))
    lab_out = [mapping[int(x)] for x in best_lab]
    clusters: list[list[str]] = [[] for _ in mapping]
    for nm, c in zip(labels, lab_out, strict=True):
        clusters[c].append(nm)
    strength = next((sv, en) for lim, sv, en in _SILHOUETTE_STRENGTH if best_s > lim)
    return {
        **base,
        "k": int(best_k),
        "clusters": clusters,
        "labels": lab_out,
        "silhouette": float(max(-1.0, min(1.0, best_s))),
        "silhouette_by_k": {int(kk): float(v) for kk, v in sorted(by_k.items())},
        "strength": strength,
    }


def polarising(rank_matrix: np.ndarray) -> list[dict]:
    """Alternatives whose rank moves most between municipalities' weights.

    ``rank_matrix`` is g×a: the rank (1 = best) of each alternative under each group's weights.
    For every alternative: ``range`` (worst − best rank), ``sd`` (population SD over the groups,
    ddof = 0: the groups are all municipalities, not a sample), ``best_group`` / ``worst_group``
    (first group index with the best / worst rank). All alternatives are returned, most
    polarising first (range, then SD, descending; then index).
    """
    r = check_finite("rank_matrix", rank_matrix, ndim=2)
    g, a = r.shape
    if g < 1 or a < 1:
        raise MCDAInputError(
            "rank_matrix",
            r.tolist(),
            "rank_matrix måste ha minst en grupp och ett alternativ.",
            "rank_matrix must have at least one group and one alternative.",
        )
    check_cells("rank_matrix", r, r < 1, "{name} måste vara en rang ≥ 1 (fick {value}).",
                "{name} must be a rank ≥ 1 (got {value}).")
    lo, hi = r.min(axis=0), r.max(axis=0)
    sd = r.std(axis=0, ddof=0)
    best, worst = np.argmin(r, axis=0), np.argmax(r, axis=0)
    out = [
        {
            "alternative": j,
            "range": float(hi[j] - lo[j]),
            "sd": float(sd[j]),
            "best_group": int(best[j]),
            "worst_group": int(worst[j]),
            "best_rank": float(lo[j]),
            "worst_rank": float(hi[j]),
        }
        for j in range(a)
    ]
    out.sort(key=lambda d: (-d["range"], -round(d["sd"], 12), d["alternative"]))
    return out
