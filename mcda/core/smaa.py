"""SMAA-2 (Lahdelma & Salminen 2001): how robust is the ranking to who holds the weights?

Instead of one weight vector we draw many, rank the alternatives under each, and count.
``uniform`` draws weights uniformly on the simplex (no preference information at all);
``empirical`` resamples the participants' own weight vectors, stratified by municipality so
that each municipality keeps its voice (by default an equal share of the samples, whatever
its number of participants). The scores are deterministic here (no uncertainty in the
performance matrix), so the confidence factor of an alternative is 1 or 0: whether it is
ranked first under its own central weight vector.

Results are reproducible: one ``numpy.random.Generator`` seeded from ``seed`` and a fixed
draw order. The vectorised kernels (:func:`mcda.core.ranking.score_batch`) are checked
against a plain loop over pymcdm (``kernel="loop"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import ranking
from .constants import WEIGHT_MODES
from .errors import MCDAInputError


def sample_uniform(rng: np.random.Generator, n_samples: int, n_criteria: int) -> np.ndarray:
    """Weights uniform on the simplex: Dirichlet(1, …, 1) via normalised exponentials."""
    e = rng.standard_exponential((n_samples, n_criteria))
    return e / e.sum(axis=1, keepdims=True)


def stratified_counts(n_samples: int, shares: Sequence[float]) -> np.ndarray:
    """Samples per stratum: ``n_samples × share`` rounded by largest remainder (sums exactly)."""
    p = np.asarray(shares, dtype=float)
    p = p / p.sum()
    raw = n_samples * p
    counts = np.floor(raw).astype(int)
    rest = n_samples - counts.sum()
    if rest:
        order = np.argsort(-(raw - counts), kind="stable")
        counts[order[:rest]] += 1
    return counts


def sample_empirical_index(
    rng: np.random.Generator,
    n_samples: int,
    groups: Sequence[int],
    group_shares: Sequence[float] | None = None,
) -> np.ndarray:
    """Indices of participants resampled stratified by group (see :func:`sample_empirical`)."""
    g = np.asarray(groups, dtype=int)
    n_groups = int(g.max()) + 1
    shares = np.ones(n_groups) if group_shares is None else np.asarray(group_shares, float)
    counts = stratified_counts(n_samples, shares)
    parts = []
    for k in range(n_groups):
        members = np.flatnonzero(g == k)
        if counts[k] == 0:
            continue
        if members.size == 0:
            raise MCDAInputError(f"groups[{k}]", k, "En grupp utan röster kan inte samplas.",
                                 "A group without votes cannot be sampled.")
        parts.append(members[rng.integers(0, members.size, counts[k])])
    return np.concatenate(parts)


def sample_empirical(
    rng: np.random.Generator,
    n_samples: int,
    weights: np.ndarray,
    groups: Sequence[int],
    group_shares: Sequence[float] | None = None,
) -> np.ndarray:
    """Resample participants' weight vectors, stratified by group.

    ``groups[i]`` is the group index of participant row ``i``; ``group_shares`` the share of
    samples each group gets (default equal: one municipality, one voice; the counts per group
    are fixed by largest remainder, hence "stratified"). Within a group, participants are drawn
    uniformly with replacement.
    """
    idx = sample_empirical_index(rng, n_samples, groups, group_shares)
    return np.asarray(weights, dtype=float)[idx]


def _distinct(base: np.ndarray, index: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """The base rows a sample index uses, each once with its multiplicity, and the number of
    samples: scoring a distinct row once and counting it k times is exact."""
    idx = np.asarray(index, dtype=int)
    mult = np.bincount(idx, minlength=base.shape[0]).astype(float)
    used = np.flatnonzero(mult)
    return base[used], mult[used], int(idx.shape[0])


def smaa(
    matrix: np.ndarray,
    types: np.ndarray,
    samples: np.ndarray,
    method: str = "wsm",
    method_options: Mapping[str, Any] | None = None,
    *,
    kernel: str = "vectorised",
    index: np.ndarray | None = None,
) -> dict:
    """SMAA-2 indices for a validated problem under the given weight samples (N × n).

    Returns ``rank_acceptability`` (m × m; row = alternative, column r = share of samples in
    which it has rank r + 1; ties share the better rank), ``central_weights`` (m × n; NaN row
    when an alternative is never first), ``confidence`` (m; NaN when never first),
    ``holistic`` (holistic acceptability, linear meta-weights (m − r)/(m − 1)) and
    ``first_counts``.

    ``index``: if given, the samples are ``samples[index]`` (empirical resampling). The
    vectorised kernel then scores each distinct base row once and counts it with its
    multiplicity, which is exact (integer counts) and much cheaper. ``kernel="loop"`` scores
    every sample with its own pymcdm call instead (slow; for checking and benchmarking).
    """
    kw = dict(method_options or {})
    base = np.asarray(samples, dtype=float)
    m = np.asarray(matrix, float)
    n_alt = m.shape[0]
    hib = ranking.HIGHER_IS_BETTER[method]
    if kernel not in ("vectorised", "loop"):
        raise MCDAInputError("kernel", kernel, "Okänd kärna.", "Unknown kernel.")
    if index is not None and kernel == "vectorised":
        W, mult, n_samples = _distinct(base, index)
    else:
        W = base if index is None else base[np.asarray(index, dtype=int)]
        mult = None
        n_samples = int(W.shape[0])
    scorer = ranking.make_scorer(method, m, types, **kw)
    if kernel == "vectorised":
        scores = scorer(W)
        counts, n_first, first_sum = ranking.rank_counts(scores, hib, mult, W)
    else:
        scores = ranking.score_loop(method, m, W, types, **kw)
        ranks = np.array([ranking.rank_scores(s, hib) for s in scores])
        # counts[i, r] = number of samples where alternative i has rank r + 1
        flat = (np.arange(n_alt)[None, :] * n_alt + (ranks - 1)).ravel()
        counts = np.bincount(flat, minlength=n_alt * n_alt).reshape(n_alt, n_alt)
        first = (ranks == 1).astype(float)  # (samples × m)
        n_first = first.sum(axis=0)
        first_sum = first.T @ W
    acc = counts / n_samples
    with np.errstate(invalid="ignore", divide="ignore"):
        central = first_sum / n_first[:, None]
    central[n_first == 0] = np.nan
    confidence = np.full(n_alt, np.nan)
    has = np.flatnonzero(n_first > 0)
    if has.size:
        r = ranking.rank_rows(scorer(central[has]), hib)
        confidence[has] = (r[np.arange(has.size), has] == 1).astype(float)
    meta = (n_alt - 1 - np.arange(n_alt)) / (n_alt - 1) if n_alt > 1 else np.ones(1)
    return {
        "samples": n_samples,
        "rank_acceptability": acc,
        "central_weights": central,
        "confidence": confidence,
        "holistic": acc @ meta,
        "first_counts": n_first.astype(int),
    }


def draw(
    mode: str,
    n_samples: int,
    seed: int,
    n_criteria: int,
    *,
    weights: np.ndarray | None = None,
    groups: Sequence[int] | None = None,
    group_shares: Sequence[float] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Weight samples for SMAA as ``(base, index)``: the samples are ``base[index]``
    (``index`` is None for uniform draws, where ``base`` holds the samples themselves).
    Reproducible for the same ``seed`` and inputs."""
    if mode not in WEIGHT_MODES:
        raise MCDAInputError("options.smaa.weights", mode,
                             f"Okänt viktsätt; välj {' eller '.join(WEIGHT_MODES)}.",
                             f"Unknown weight mode; choose {' or '.join(WEIGHT_MODES)}.")
    rng = np.random.default_rng(seed)
    if mode == "uniform":
        return sample_uniform(rng, n_samples, n_criteria), None
    if weights is None or groups is None or len(weights) == 0:
        raise MCDAInputError("options.smaa.weights", mode,
                             "Empirisk SMAA kräver röster; använd uniform utan röster.",
                             "Empirical SMAA needs votes; use uniform without votes.")
    return np.asarray(weights, dtype=float), sample_empirical_index(rng, n_samples, groups,
                                                                    group_shares)


def smaa_methods(
    matrix: np.ndarray,
    types: np.ndarray,
    samples: np.ndarray,
    methods: Mapping[str, Mapping[str, Any]],
    *,
    index: np.ndarray | None = None,
) -> dict:
    """SMAA over the participants' weights *and* the methods in use.

    For every weight sample, each method in ``methods`` (name → options) ranks the
    alternatives and the Copeland compromise over those rankings is formed, exactly as the
    results page forms it for the region's weights. Returns ``first`` (m; share of samples in
    which each alternative is first in the compromise, ties included),
    ``rank_acceptability`` (m × m) of the compromise, and ``first_by_method`` (method → m;
    share of samples in which each method alone puts the alternative first). With ``index``
    each distinct base row is scored once and counted with its multiplicity (exact).
    """
    base = np.asarray(samples, dtype=float)
    m = np.asarray(matrix, float)
    n_alt = m.shape[0]
    if index is not None:
        W, mult, n_samples = _distinct(base, index)
    else:
        W, mult = base, np.ones(base.shape[0])
        n_samples = int(base.shape[0])
    ranks = {}
    for mth, kw in methods.items():
        scores = ranking.make_scorer(mth, m, types, **dict(kw))(W)
        ranks[mth] = ranking.rank_rows(scores, ranking.HIGHER_IS_BETTER[mth])
    comp = ranking.copeland_rows(np.array(list(ranks.values())))
    flat = (np.arange(n_alt)[None, :] * n_alt + (comp - 1)).ravel()
    counts = np.bincount(flat, weights=np.repeat(mult, n_alt),
                         minlength=n_alt * n_alt).reshape(n_alt, n_alt)
    return {
        "samples": n_samples,
        "methods": list(methods),
        "first": counts[:, 0] / n_samples,
        "rank_acceptability": counts / n_samples,
        "first_by_method": {mth: ((r == 1).astype(float) * mult[:, None]).sum(axis=0) / n_samples
                            for mth, r in ranks.items()},
    }
