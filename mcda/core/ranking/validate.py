"""Validation before pymcdm is called: shapes, finite numbers, each method's domain
(pymcdm lets NaN and bad types through and warns where we must refuse in the user's words)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pymcdm  # imported once per process: it takes ~1 s (matplotlib, pandas, scipy)

from ..constants import DEFAULT_NORMALIZATION
from ..errors import MCDAInputError


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


def _norm_fn(name: str):
    return getattr(pymcdm.normalizations, f"{name}_normalization")


def _nonconstant(m: np.ndarray) -> np.ndarray:
    return np.ptp(m, axis=0) > 0


def spotis_bounds(m: np.ndarray) -> np.ndarray:
    """SPOTIS bounds derived from the score matrix: [min, max] per criterion."""
    return np.column_stack((m.min(axis=0), m.max(axis=0)))
