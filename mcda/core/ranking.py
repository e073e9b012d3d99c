"""Rankings of alternatives: validated wrappers around pymcdm 1.4.0, plus the pieces pymcdm lacks.

Why wrappers: pymcdm lets NaN and bad types through, ranks ties by exact float equality,
raises or warns on edge cases we must report in the user's words, and ships a COPRAS whose Q
rewards cost criteria. Every public function here validates first (raising
:class:`MCDAInputError` that names the field and value) and only then calls pymcdm with
``validation=False``.

Also here: tolerance-based ranking, textbook COPRAS (Zavadskas et al. 1994), the rank
agreement coefficients r_w (Pinto da Costa & Soares 2005) and WS (Sałabun & Urbaniak 2020),
the Copeland compromise over methods, and vectorised score kernels (one row of weights per
sample) that SMAA and the per-group rankings use; tests check them against pymcdm to 1e-9.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pymcdm  # imported once per process: it takes ~1 s (matplotlib, pandas, scipy)
from pymcdm import helpers as _pm_helpers
from pymcdm import methods as _pm_methods

from .constants import DEFAULT_NORMALIZATION, METHODS, NORMALIZATIONS, PREFERENCE_FUNCTIONS
from .errors import MCDAInputError

HIGHER_IS_BETTER: dict[str, bool] = {
    "topsis": True,
    "vikor": False,
    "promethee_ii": True,
    "wsm": True,
    "wpm": True,
    "spotis": False,
    "copras": True,
}


RANK_RTOL = 1e-9
"""Scores closer than RANK_RTOL × max|score| to their neighbour share a rank."""

METHOD_DESCRIPTIONS: dict[str, str] = {
    "topsis": "TOPSIS (Hwang & Yoon 1981), pymcdm; closeness coefficient, higher is better",
    "vikor": "VIKOR (Opricovic & Tzeng 2004), pymcdm; Q index, lower is better",
    "promethee_ii": "PROMETHEE II (Brans & Vincke 1985), pymcdm; net flow, higher is better",
    "wsm": "Weighted sum model, pymcdm; higher is better",
    "wpm": "Weighted product model, pymcdm; higher is better",
    "spotis": "SPOTIS (Dezert et al. 2020), pymcdm, bounds = min/max per criterion of the "
    "score matrix; distance to the ideal point, lower is better",
    "copras": "COPRAS, textbook formula (Zavadskas, Kaklauskas & Šarka 1994), Vägval's own "
    "implementation (pymcdm 1.4.0's rewards cost criteria); utility degree, higher is better",
}


# --------------------------------------------------------------------------- validation


def _err(field: str, value: Any, sv: str, en: str) -> MCDAInputError:
    return MCDAInputError(field, value, sv, en)


def _labels(labels: Sequence[str] | None, n: int, prefix: str) -> list[str]:
    if labels is None:
        return [f"{prefix}{i + 1}" for i in range(n)]
    return [str(x) for x in labels]


def validate_problem(
    matrix: Any,
    weights: Any,
    types: Any,
    *,
    alternatives: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check a decision problem before pymcdm sees it; return float arrays.

    ``matrix`` is alternatives × criteria, ``weights`` non-negative summing to 1 (tolerance
    1e-6), ``types`` +1 (benefit) / -1 (cost). Errors name the cell as ``scores.<alt>.<crit>``.
    """
    try:
        m = np.array(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise _err("scores", str(matrix)[:80], "Bedömningarna måste vara tal i en tabell "
                   "(alternativ × kriterier).", "Scores must be numbers in a table "
                   "(alternatives × criteria).") from exc
    if m.ndim != 2:
        raise _err("scores", list(m.shape), "Bedömningarna måste vara en tabell "
                   "(alternativ × kriterier).", "Scores must be a 2-D table "
                   "(alternatives × criteria).")
    n_alt, n_crit = m.shape
    alts = _labels(alternatives, n_alt, "A")
    crits = _labels(criteria, n_crit, "C")
    if n_crit < 2:
        raise _err("criteria", n_crit, "Minst två kriterier behövs för en rangordning.",
                   "At least two criteria are needed for a ranking.")
    if n_alt < 2:
        raise _err("alternatives", n_alt, "Minst två alternativ behövs för en rangordning.",
                   "At least two alternatives are needed for a ranking.")
    bad = np.argwhere(~np.isfinite(m))
    if bad.size:
        i, j = bad[0]
        raise _err(f"scores.{alts[i]}.{crits[j]}", _plain(m[i, j]),
                   f"Bedömningen av {alts[i]} på {crits[j]} saknas eller är inte ett ändligt "
                   "tal; ange ett tal.",
                   f"The score of {alts[i]} on {crits[j]} is missing or not a finite number; "
                   "enter a number.")
    try:
        w = np.array(weights, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise _err("weights", str(weights)[:80], "Vikterna måste vara tal.",
                   "Weights must be numbers.") from exc
    if w.shape[0] != n_crit:
        raise _err("weights", int(w.shape[0]), f"Det behövs en vikt per kriterium ({n_crit}).",
                   f"One weight per criterion is needed ({n_crit}).")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        j = int(np.flatnonzero(~np.isfinite(w) | (w < 0))[0])
        raise _err(f"weights.{crits[j]}", _plain(w[j]), "Vikter måste vara ändliga och icke-"
                   "negativa.", "Weights must be finite and non-negative.")
    if abs(w.sum() - 1.0) > 1e-6:
        raise _err("weights", float(w.sum()), "Vikterna måste summera till 1.",
                   "Weights must sum to 1.")
    t = np.array(types).reshape(-1)
    if t.shape[0] != n_crit or not np.all(np.isin(t, (1, -1))):
        raise _err("criteria.direction", t.tolist(), "Varje kriterium måste vara nytta (1) "
                   "eller kostnad (-1).", "Each criterion must be benefit (1) or cost (-1).")
    return m, w, t.astype(int)


def _plain(x: float) -> Any:
    """A JSON-safe rendering of a bad value (NaN/inf become strings)."""
    x = float(x)
    return x if np.isfinite(x) else str(x)


def _check_method_domain(
    method: str,
    m: np.ndarray,
    t: np.ndarray,
    alts: list[str],
    crits: list[str],
    normalization: str | None,
) -> None:
    """Refuse cells a method cannot take, before pymcdm raises or silently returns inf/NaN.

    Sum and linear normalisation (WSM/WPM default) need strictly positive values (a cost
    criterion is normalised via 1/x); max normalisation needs non-negative values; COPRAS needs
    non-negative benefit values and positive cost values (S- is a divisor).
    """
    norm = normalization or DEFAULT_NORMALIZATION.get(method)
    orig = m
    m = rescale_columns(m)
    for j in range(m.shape[1]):
        col = m[:, j]
        cost = t[j] == -1
        kind_sv = "kostnadskriteriet" if cost else "kriteriet"
        kind_en = "cost criterion" if cost else "criterion"
        if method == "copras":
            bad = col <= 0 if cost else col < 0
            need_sv = "positiva värden" if cost else "icke-negativa värden"
            need_en = "positive values" if cost else "non-negative values"
        elif norm in ("sum", "linear"):
            bad, need_sv, need_en = col <= 0, "positiva värden", "positive values"
        elif norm == "max":
            bad, need_sv, need_en = col < 0, "icke-negativa värden", "non-negative values"
        else:
            bad = np.zeros(col.shape, dtype=bool)
            need_sv = need_en = ""
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _err(
                f"scores.{alts[i]}.{crits[j]}", float(orig[i, j]),
                f"Metoden {method} ({norm or 'egen'} normalisering) kräver {need_sv} på "
                f"{kind_sv} {crits[j]} (värdet {orig[i, j]:g} för {alts[i]}); använd en skala "
                "utan noll och negativa tal eller välj en annan metod (t.ex. topsis).",
                f"Method {method} ({norm or 'own'} normalisation) needs {need_en} on {kind_en} "
                f"{crits[j]} (value {orig[i, j]:g} for {alts[i]}); use a scale without zero and "
                "negatives or choose another method (e.g. topsis).")
        inverted = cost and (method == "copras" or norm in ("sum", "linear"))
        with np.errstate(all="ignore"):
            inv = (col.sum() if method == "copras" else 1.0) / col
            overflow = inverted and col.min() > 0 and not np.isfinite(inv.sum())
        if overflow:
            i = int(np.argmin(col))
            raise _err(
                f"scores.{alts[i]}.{crits[j]}", float(orig[i, j]),
                f"Bedömningen av {alts[i]} på {crits[j]} ({orig[i, j]:g}) är för liten jämfört "
                f"med de andra ({orig[:, j].max():g}) för metoden {method}, som räknar med 1/x "
                "på ett kostnadskriterium; använd en rimlig skala eller en annan metod.",
                f"The score of {alts[i]} on {crits[j]} ({orig[i, j]:g}) is too small compared "
                f"with the others ({orig[:, j].max():g}) for method {method}, which uses 1/x on "
                "a cost criterion; use a sensible scale or another method.")
        zero_col = (method == "copras" and not cost and col.sum() <= 0) or (
            norm in ("max", "vector") and not np.any(col != 0))
        if zero_col:
            raise _err(
                f"scores.*.{crits[j]}", 0.0,
                f"Metoden {method} kan inte använda {crits[j]} när alla värden är noll.",
                f"Method {method} cannot use {crits[j]} when all values are zero.")


# --------------------------------------------------------------------------- ranks


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


def _result(scores: np.ndarray, method: str) -> dict:
    hib = HIGHER_IS_BETTER[method]
    return {"scores": scores, "ranks": rank_scores(scores, hib), "higher_is_better": hib}


# --------------------------------------------------------------------------- methods


_SCALE_HI = 2.0**1000
_SCALE_LO = 2.0**-1000  # 1/x of a column scaled to max 1 stays finite


def rescale_columns(m: np.ndarray) -> np.ndarray:
    """``m`` with each column whose largest |score| lies outside [2^-1000, 2^1000] scaled by a
    power of two so that it is below 1.

    Min-max, sum, vector, max and linear normalisation (so TOPSIS, VIKOR, SPOTIS, WSM, WPM and
    COPRAS) are invariant to scaling a column, but near 1.7e308 ``max - min`` overflows (an
    all-tied ranking) and 1/x of a subnormal cost is infinite. Scaling by 2^k is exact, so a
    column inside the range, i.e. every real input, is left bit-identical.
    """
    amax = np.max(np.abs(m), axis=0)
    out = (amax > _SCALE_HI) | ((amax > 0) & (amax < _SCALE_LO))
    if not out.any():
        return m
    _, exp = np.frexp(amax)
    return np.ldexp(m, np.where(out, -exp, 0)[None, :])


def _prep(method, matrix, weights, types, alternatives, criteria, normalization=None,
          rescale=True):
    m, w, t = validate_problem(matrix, weights, types, alternatives=alternatives,
                               criteria=criteria)
    alts = _labels(alternatives, m.shape[0], "A")
    crits = _labels(criteria, m.shape[1], "C")
    if normalization is not None and normalization not in NORMALIZATIONS:
        raise _err(f"options.normalization.{method}", normalization,
                   f"Okänd normalisering; välj en av {', '.join(NORMALIZATIONS)}.",
                   f"Unknown normalisation; choose one of {', '.join(NORMALIZATIONS)}.")
    _check_method_domain(method, m, t, alts, crits, normalization)
    return (rescale_columns(m) if rescale else m), w, t


def _norm_fn(name: str):
    return getattr(pymcdm.normalizations, f"{name}_normalization")


def topsis(matrix, weights, types, *, normalization: str = "minmax",
           alternatives=None, criteria=None) -> dict:
    """TOPSIS closeness coefficient (pymcdm; min-max normalisation by default, as pymcdm)."""
    m, w, t = _prep("topsis", matrix, weights, types, alternatives, criteria, normalization)
    body = _pm_methods.TOPSIS(_norm_fn(normalization))
    with np.errstate(all="ignore"):
        s = body(m, w, t, validation=False)
    # D+ = D- = 0 (the weighted criteria do not separate any alternative): pymcdm gives 0/0;
    # such an alternative is as close to the ideal as to the anti-ideal, closeness 1/2.
    s = np.where(np.isnan(s), 0.5, s)
    return _result(_finite(s, "topsis"), "topsis")


def _nonconstant(m: np.ndarray) -> np.ndarray:
    return np.ptp(m, axis=0) > 0


def vikor(matrix, weights, types, *, v: float = 0.5, alternatives=None, criteria=None) -> dict:
    """VIKOR Q (pymcdm; lower is better).

    Criteria on which all alternatives score the same carry no information and make pymcdm
    divide by zero, so they are left out; if all are constant every alternative ties (Q = 0).
    """
    m, w, t = _prep("vikor", matrix, weights, types, alternatives, criteria)
    v = _check_v(v)
    keep = _nonconstant(m)
    if not keep.any():
        return _result(np.zeros(m.shape[0]), "vikor")
    body = _pm_methods.VIKOR(v=v)
    with np.errstate(all="ignore"):
        s = body(m[:, keep], w[keep], t[keep], validation=False)
    if not np.all(np.isfinite(s)) or _vikor_flat(m, w, t):
        # pymcdm divides 0/0 when all alternatives share S (or R), and treats a range of
        # rounding noise (S = 0.5 vs 0.49999999999999994) as a full difference; both terms
        # are then 0, as in the kernel.
        s = vikor_batch(m, w[None, :], t, v=v)[0]
    return _result(_finite(s, "vikor"), "vikor")


def _check_v(v: Any) -> float:
    try:
        fv = float(v)
    except (TypeError, ValueError) as exc:
        raise _err("options.vikor_v", v, "vikor_v måste vara ett tal mellan 0 och 1.",
                   "vikor_v must be a number between 0 and 1.") from exc
    if not (0.0 <= fv <= 1.0) or isinstance(v, bool):
        raise _err("options.vikor_v", v, "vikor_v måste vara ett tal mellan 0 och 1.",
                   "vikor_v must be a number between 0 and 1.")
    return fv


def promethee_ii(matrix, weights, types, *, preference_function: str = "usual",
                 p: Sequence[float] | None = None, q: Sequence[float] | None = None,
                 alternatives=None, criteria=None) -> dict:
    """PROMETHEE II net flow (pymcdm; usual preference function unless configured).

    A new pymcdm instance per call: in 1.4.0 an instance built with p/q works only once.
    """
    m, w, t = _prep("promethee_ii", matrix, weights, types, alternatives, criteria,
                    rescale=False)  # p and q are in the scores' units
    if preference_function not in PREFERENCE_FUNCTIONS:
        raise _err("options.promethee.preference_function", preference_function,
                   f"Okänd preferensfunktion; välj en av {', '.join(PREFERENCE_FUNCTIONS)}.",
                   f"Unknown preference function; choose one of "
                   f"{', '.join(PREFERENCE_FUNCTIONS)}.")
    pq = {}
    for name, val in (("p", p), ("q", q)):
        if val is not None:
            arr = np.array(val, dtype=float).reshape(-1)
            if arr.shape[0] != m.shape[1] or not np.all(np.isfinite(arr)) or np.any(arr < 0):
                raise _err(f"options.promethee.{name}", list(val),
                           f"{name} måste vara ett icke-negativt tal per kriterium.",
                           f"{name} must be one non-negative number per criterion.")
            pq[name] = arr
    body = _pm_methods.PROMETHEE_II(preference_function, **pq)
    with np.errstate(all="ignore"):
        s = body(m, w, t, validation=False)
    return _result(_finite(s, "promethee_ii"), "promethee_ii")


def wsm(matrix, weights, types, *, normalization: str = "sum",
        alternatives=None, criteria=None) -> dict:
    """Weighted sum (pymcdm; sum normalisation, cost as (1/x)/Σ(1/x), as pymcdm)."""
    m, w, t = _prep("wsm", matrix, weights, types, alternatives, criteria, normalization)
    body = _pm_methods.WSM(_norm_fn(normalization))
    with np.errstate(all="ignore"):
        s = body(m, w, t, validation=False)
    return _result(_finite(s, "wsm"), "wsm")


def wpm(matrix, weights, types, *, normalization: str = "sum",
        alternatives=None, criteria=None) -> dict:
    """Weighted product (pymcdm; needs strictly positive normalised values)."""
    m, w, t = _prep("wpm", matrix, weights, types, alternatives, criteria, normalization)
    nm = _normalize(m, t, normalization)
    if np.any(nm <= 0):
        i, j = np.argwhere(nm <= 0)[0]
        raise _err(f"scores.{_labels(alternatives, m.shape[0], 'A')[i]}."
                   f"{_labels(criteria, m.shape[1], 'C')[j]}", float(m[i, j]),
                   f"Metoden wpm ger noll efter normaliseringen {normalization} (värdet "
                   f"{m[i, j]:g} är noll eller för litet jämfört med de andra); använd en annan "
                   "skala eller en annan metod.",
                   f"Method wpm yields zero after {normalization} normalisation (the value "
                   f"{m[i, j]:g} is zero or too small beside the others); use another scale or "
                   "another method.")
    body = _pm_methods.WPM(_norm_fn(normalization))
    with np.errstate(all="ignore"):
        s = body(m, w, t, validation=False)
    return _result(_finite(s, "wpm"), "wpm")


def spotis_bounds(m: np.ndarray) -> np.ndarray:
    """SPOTIS bounds derived from the score matrix: [min, max] per criterion."""
    return np.column_stack((m.min(axis=0), m.max(axis=0)))


def spotis(matrix, weights, types, *, bounds=None, alternatives=None, criteria=None) -> dict:
    """SPOTIS distance to the ideal point (pymcdm; lower is better).

    ``bounds`` (criteria × [min, max]) default to the min/max of each criterion over the
    alternatives. With derived bounds, constant criteria (min = max) contribute the same to
    every alternative and would divide by zero, so they are left out.
    """
    m, w, t = _prep("spotis", matrix, weights, types, alternatives, criteria,
                    rescale=bounds is None)
    if bounds is not None:
        b = np.array(bounds, dtype=float)
        if b.shape != (m.shape[1], 2) or not np.all(np.isfinite(b)) or np.any(b[:, 0] >= b[:, 1]) \
                or np.any(m < b[:, 0]) or np.any(m > b[:, 1]):
            raise _err("bounds", b.tolist(), "Gränserna måste vara [min, max] per kriterium, "
                       "min < max, och omfatta alla bedömningar.", "Bounds must be [min, max] "
                       "per criterion, min < max, and contain every score.")
        s = _pm_methods.SPOTIS(b)(m, w, t, validation=False)
        return _result(_finite(s, "spotis"), "spotis")
    keep = _nonconstant(m)
    if not keep.any():
        return _result(np.zeros(m.shape[0]), "spotis")
    body = _pm_methods.SPOTIS(spotis_bounds(m[:, keep]))
    s = body(m[:, keep], w[keep], t[keep], validation=False)
    return _result(_finite(s, "spotis"), "spotis")


def copras(matrix, weights, types, *, alternatives=None, criteria=None) -> dict:
    """COPRAS utility degree N_i = Q_i / max Q (textbook; Zavadskas, Kaklauskas & Šarka 1994).

    Q_i = S+_i + ΣS- / (S-_i · Σ_k 1/S-_k), with sum-normalised, weighted values. pymcdm 1.4.0
    computes Q_i = S+_i + S-_i, which rewards larger cost values. Without cost criteria (or
    with zero weight on all of them) Q = S+.
    """
    m, w, t = _prep("copras", matrix, weights, types, alternatives, criteria)
    return _result(_finite(copras_batch(m, w[None, :], t)[0], "copras"), "copras")


def _finite(s: np.ndarray, method: str) -> np.ndarray:
    s = np.asarray(s, dtype=float)
    if not np.all(np.isfinite(s)):
        raise _err("scores", method, f"Metoden {method} gav inget ändligt resultat för dessa "
                   "bedömningar (t.ex. alla vikter på konstanta kriterier); välj en annan metod.",
                   f"Method {method} gave no finite result for these scores (e.g. all weight "
                   "on constant criteria); choose another method.")
    return s


_RUNNERS = {"topsis": topsis, "vikor": vikor, "promethee_ii": promethee_ii, "wsm": wsm,
            "wpm": wpm, "spotis": spotis, "copras": copras}


def method_kwargs(method: str, options: Mapping[str, Any] | None) -> dict:
    """Keyword arguments for ``method`` from the analysis options (vikor_v, normalization, ...)."""
    options = options or {}
    kw: dict[str, Any] = {}
    if method == "vikor":
        kw["v"] = options.get("vikor_v", 0.5)
    if method in DEFAULT_NORMALIZATION:
        norm = (options.get("normalization") or {}).get(method, DEFAULT_NORMALIZATION[method])
        kw["normalization"] = norm
    if method == "promethee_ii":
        pr = options.get("promethee") or {}
        kw["preference_function"] = pr.get("preference_function", "usual")
        kw["p"] = pr.get("p")
        kw["q"] = pr.get("q")
    return kw


def run(method: str, matrix, weights, types, *, alternatives=None, criteria=None,
        **kwargs) -> dict:
    """Run one method by name: dict(scores, ranks (int, 1 = best), higher_is_better)."""
    if method not in _RUNNERS:
        raise _err("options.methods", method, f"Okänd metod; välj bland {', '.join(METHODS)}.",
                   f"Unknown method; choose from {', '.join(METHODS)}.")
    return _RUNNERS[method](matrix, weights, types, alternatives=alternatives,
                            criteria=criteria, **kwargs)


# --------------------------------------------------------------------------- batch kernels
# Each kernel takes the validated matrix (m × n), a weight array W (N × n, rows on the simplex)
# and types, and returns scores (N × m) identical (to 1e-9) to calling pymcdm once per row.
# They exploit that most methods are linear in the weights once the matrix is normalised.


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


# --------------------------------------------------------------------------- agreement


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


def wsm_contributions(matrix, weights, types, *, normalization: str = "sum") -> list[list[float]]:
    """What each criterion adds to each alternative's WSM score: ``w_j · n_ij`` (m × n).

    The rows sum to the WSM scores (:func:`wsm`, same normalisation and column rescaling), so
    a stacked bar of them shows *why* an alternative ranks where it does. Plain lists: the
    caller is a template.
    """
    m, w, t = _prep("wsm", matrix, weights, types, None, None, normalization)
    return (_normalize(m, t, normalization) * w).tolist()
