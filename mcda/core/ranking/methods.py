"""One call of a method: validated wrappers around pymcdm 1.4.0 (``validation=False`` once
checked), the textbook COPRAS (pymcdm's rewards cost criteria), ``run`` by name and the WSM
contributions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pymcdm import methods as _pm_methods

from ..constants import DEFAULT_NORMALIZATION, METHODS, NORMALIZATIONS, PREFERENCE_FUNCTIONS
from .kernels import _normalize, _vikor_flat, copras_batch, vikor_batch
from .names import HIGHER_IS_BETTER
from .ranks import rank_scores
from .validate import (
    _check_method_domain,
    _err,
    _labels,
    _nonconstant,
    _norm_fn,
    rescale_columns,
    spotis_bounds,
    validate_problem,
)


def _called(body: Any, m: np.ndarray, w: np.ndarray, t: np.ndarray, method: str) -> dict:
    """A pymcdm method object called on checked input (``validation=False``), its scores
    required finite."""
    with np.errstate(all="ignore"):
        s = body(m, w, t, validation=False)
    return _result(_finite(s, method), method)


def _result(scores: np.ndarray, method: str) -> dict:
    hib = HIGHER_IS_BETTER[method]
    return {"scores": scores, "ranks": rank_scores(scores, hib), "higher_is_better": hib}


# --------------------------------------------------------------------------- methods


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
    return _called(body, m, w, t, "promethee_ii")


def wsm(matrix, weights, types, *, normalization: str = "sum",
        alternatives=None, criteria=None) -> dict:
    """Weighted sum (pymcdm; sum normalisation, cost as (1/x)/Σ(1/x), as pymcdm)."""
    m, w, t = _prep("wsm", matrix, weights, types, alternatives, criteria, normalization)
    body = _pm_methods.WSM(_norm_fn(normalization))
    return _called(body, m, w, t, "wsm")


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
    return _called(body, m, w, t, "wpm")


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


def wsm_contributions(matrix, weights, types, *, normalization: str = "sum") -> list[list[float]]:
    """What each criterion adds to each alternative's WSM score: ``w_j · n_ij`` (m × n).

    The rows sum to the WSM scores (:func:`wsm`, same normalisation and column rescaling), so
    a stacked bar of them shows *why* an alternative ranks where it does. Plain lists: the
    caller is a template.
    """
    m, w, t = _prep("wsm", matrix, weights, types, None, None, normalization)
    return (_normalize(m, t, normalization) * w).tolist()
