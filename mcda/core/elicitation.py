"""Elicitation: turn one participant's answer into a weight vector on the simplex.

Four ways of asking end in one comparable weight space (non-negative floats summing to 1),
so a round may mix methods: direct rating, 100 points, ranking (surrogate weights) and AHP
pairwise comparison. See ``docs/methods.md`` for the formulas and references.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .constants import AHP_PRIORITIES, MAX_PAIRWISE_N, RANK_WEIGHTS
from .constants import VOTE_METHODS as METHODS
from .errors import MCDAInputError, check_cells, check_choice, check_finite, fmt

__all__ = [
    "AHP_PRIORITIES",
    "MAX_PAIRWISE_N",
    "METHODS",
    "RANDOM_INDEX",
    "RANK_WEIGHTS",
    "PairwiseResult",
    "aggregate_matrices",
    "direct",
    "matrix_from_judgements",
    "pairwise",
    "points",
    "random_index_value",
    "ranking",
    "surrogate_weights",
    "validate_pairwise_matrix",
    "vote_weights",
]

RECIPROCAL_RTOL = 1e-5
"""a_ij · a_ji = 1 within this: 0.333333 for 1/3 (six digits, as people type it) passes."""

#: Random consistency index RI(n) tables, n = 1..15 (index 0 is n = 1).
#: ``saaty1980``: Saaty, T.L. (1980) *The Analytic Hierarchy Process*, McGraw-Hill (the classic
#: table, 500 random matrices; n = 11..15 as quoted by Saaty, incl. the non-monotone 1.48 at 12).
#: ``alonso-lamata2006``: Alonso, J.A. & Lamata, M.T. (2006) Consistency in the analytic
#: hierarchy process: a new approach, IJUFKS 14(4):445-459 (100 000 random matrices, n = 3..15).
#: For n = 1, 2 every reciprocal matrix is consistent, RI = 0 and CR is defined as 0.
RANDOM_INDEX: dict[str, tuple[float, ...]] = {
    "saaty1980": (
        0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
        1.51, 1.48, 1.56, 1.57, 1.59,
    ),
    "alonso-lamata2006": (
        0.0, 0.0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854,
        1.5141, 1.5365, 1.5551, 1.5713, 1.5838,
    ),
}  # fmt: skip


def _vector(field_name: str, values: object, min_len: int = 1) -> np.ndarray:
    arr = check_finite(field_name, values, ndim=1)
    if arr.size < min_len:
        raise MCDAInputError(
            field_name,
            list(arr),
            f"{field_name} måste ha minst {min_len} värde(n) (fick {arr.size}).",
            f"{field_name} must have at least {min_len} value(s) (got {arr.size}).",
        )
    return arr


def _non_negative(field_name: str, arr: np.ndarray) -> None:
    _refuse_first(field_name, arr, arr < 0, "får inte vara negativt", "must not be negative")


def _refuse_first(field_name: str, arr: np.ndarray, bad: np.ndarray, sv: str, en: str,
                  note: tuple[str, str] = ("", "")) -> None:
    """Raise for the first element where ``bad`` holds: "values[2] must … (got -1)"."""
    hit = np.flatnonzero(bad)
    if hit.size:
        i = int(hit[0])
        got = fmt(float(arr[i]))
        raise MCDAInputError(f"{field_name}[{i}]", float(arr[i]),
                             f"{field_name}[{i}] {sv} ({note[0]}fick {got}).",
                             f"{field_name}[{i}] {en} ({note[1]}got {got}).")


def direct(values: Sequence[float]) -> np.ndarray:
    """Direct rating on any scale (e.g. sliders 0–10), normalised to sum 1.

    Ratings are ratio judgements: only proportions matter, so multiplying every rating by the
    same positive number changes nothing. All-zero ratings express no preference and are an
    error (rather than silently becoming equal weights).
    """
    arr = _vector("values", values)
    _non_negative("values", arr)
    top = float(arr.max())
    if top > 0:
        arr = arr / top  # avoid overflow of the sum for astronomically large ratings
    total = float(arr.sum())
    if total <= 0.0:
        raise MCDAInputError(
            "values",
            arr.tolist(),
            "Minst ett kriterium måste få ett värde större än 0.",
            "At least one criterion must be rated above 0.",
        )
    return arr / total


def points(values: Sequence[float], total: float = 100) -> np.ndarray:
    """Fixed-sum points (default 100), divided by the total.

    The sum must equal ``total`` within 1e-9·total; otherwise the message says how many
    points are left to distribute or how many too many were given.
    """
    tot = check_finite("points_total", total, ndim=0)
    tot_f = float(tot)
    if tot_f <= 0:
        raise MCDAInputError(
            "points_total",
            tot_f,
            f"points_total måste vara större än 0 (fick {fmt(tot_f)}).",
            f"points_total must be greater than 0 (got {fmt(tot_f)}).",
        )
    arr = _vector("values", values)
    _non_negative("values", arr)
    with np.errstate(over="ignore"):
        rel = arr / tot_f  # compare relative to the total: no overflow for huge totals
    try:
        s_rel = math.fsum(rel.tolist())
    except OverflowError:
        s_rel = math.inf
    s = s_rel * tot_f
    if not math.isfinite(s_rel) or abs(s_rel - 1.0) > 1e-9:
        diff = tot_f - s
        if diff > 0:
            sv = f"Poängen summerar till {s:g} av {tot_f:g}: {diff:g} poäng återstår att fördela."
            en = f"The points sum to {s:g} of {tot_f:g}: {diff:g} points are left to distribute."
        else:
            sv = f"Poängen summerar till {s:g} av {tot_f:g}: {-diff:g} poäng för mycket."
            en = f"The points sum to {s:g} of {tot_f:g}: {-diff:g} points too many."
        raise MCDAInputError("values", arr.tolist(), sv, en)
    return rel / s_rel


def _int_arg(field_name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise MCDAInputError(
            field_name,
            value,
            f"{field_name} måste vara ett heltal ≥ {minimum} (fick {fmt(value)}).",
            f"{field_name} must be an integer ≥ {minimum} (got {fmt(value)}).",
        )
    return int(value)


def surrogate_weights(n: int, method: str = "roc") -> np.ndarray:
    """Surrogate weights for ranks 1..n (1 = most important).

    ``roc`` rank order centroid w_i = (1/n)·Σ_{k=i..n} 1/k (Barron & Barrett 1996);
    ``rs`` rank sum w_i = 2(n+1−i)/(n(n+1)) and ``rr`` rank reciprocal
    w_i = (1/i)/Σ_k 1/k (Stillwell, Seaver & Edwards 1981).
    """
    n = _int_arg("n", n, 1)
    method = check_choice("rank_weights", method, RANK_WEIGHTS)
    i = np.arange(1, n + 1, dtype=float)
    if method == "roc":
        w = np.cumsum((1.0 / i)[::-1])[::-1] / n
    elif method == "rs":
        w = 2.0 * (n + 1 - i) / (n * (n + 1))
    else:
        w = (1.0 / i) / np.sum(1.0 / i)
    return w / w.sum()


def ranking(ranks: Sequence[float], method: str = "roc") -> np.ndarray:
    """Weights from a rank per criterion (1 = most important), ties allowed.

    Only the order of the rank numbers matters: criteria are sorted by their rank, so dense
    ranks ``[1, 1, 2]``, competition ranks ``[1, 1, 3]`` and fractional ranks ``[1.5, 1.5, 3]``
    all mean the same thing. Tied criteria occupy consecutive positions in that order and share
    the mean of those positions' surrogate weights, so the weights still sum to 1.
    """
    arr = _vector("ranks", ranks)
    _refuse_first("ranks", arr, arr < 1, "måste vara minst 1", "must be at least 1",
                  ("1 = viktigast; ", "1 = most important; "))
    base = surrogate_weights(arr.size, method)
    order = np.argsort(arr, kind="stable")
    sorted_ranks = arr[order]
    w = np.empty_like(base)
    start = 0
    n = arr.size
    while start < n:
        stop = start + 1
        while stop < n and sorted_ranks[stop] == sorted_ranks[start]:
            stop += 1
        w[order[start:stop]] = base[start:stop].mean()
        start = stop
    return w / w.sum()


@dataclass(frozen=True)
class PairwiseResult:
    """AHP outcome for one reciprocal matrix.

    ``inconsistent`` lists up to three judgements (i, j, deviation), i < j, 0-based, with the
    largest deviation |ln(a_ij · w_j / w_i)|: the log-distance between what was said (a_ij)
    and what the derived weights imply (w_i / w_j). ln 2 ≈ 0.69 means "off by a factor 2".
    Judgements with deviation ≤ 1e-9 (i.e. consistent) are not listed.
    """

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    random_index: str
    priority: str
    inconsistent: list[tuple[int, int, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "weights": [float(x) for x in self.weights],
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "cr": self.cr,
            "random_index": self.random_index,
            "priority": self.priority,
            "inconsistent": [[i, j, d] for i, j, d in self.inconsistent],
        }


def _pairwise_n(n: object, minimum: int) -> int:
    """A number of criteria for pairwise comparison: an integer from ``minimum`` to 15."""
    n = _int_arg("n", n, minimum)
    if n > MAX_PAIRWISE_N:
        raise MCDAInputError(
            "n",
            n,
            f"Parvisa jämförelser stöds för högst {MAX_PAIRWISE_N} kriterier (fick {n}).",
            f"Pairwise comparison supports at most {MAX_PAIRWISE_N} criteria (got {n}).",
        )
    return n


def random_index_value(n: int, table: str = "saaty1980") -> float:
    """RI(n) from the named table (see :data:`RANDOM_INDEX`)."""
    table = check_choice("random_index", table, tuple(RANDOM_INDEX))
    n = _pairwise_n(n, 1)
    return RANDOM_INDEX[table][n - 1]


def validate_pairwise_matrix(matrix: object, field_name: str = "matrix") -> np.ndarray:
    """Check a pairwise comparison matrix and return it as a float array.

    Square, 2 ≤ n ≤ 15, finite, positive, diagonal 1 and reciprocal
    (a_ij · a_ji = 1 within 1e-5 relative, so reciprocals typed with six digits pass).
    """
    a = check_finite(field_name, matrix, ndim=2)
    n, m = a.shape
    if n != m:
        raise MCDAInputError(
            field_name,
            a.tolist(),
            f"{field_name} måste vara kvadratisk (fick {n} rader och {m} kolumner).",
            f"{field_name} must be square (got {n} rows and {m} columns).",
        )
    if n < 2 or n > MAX_PAIRWISE_N:
        raise MCDAInputError(
            field_name,
            a.tolist(),
            f"{field_name} måste ha mellan 2 och {MAX_PAIRWISE_N} kriterier (fick {n}).",
            f"{field_name} must have between 2 and {MAX_PAIRWISE_N} criteria (got {n}).",
        )
    check_cells(field_name, a, a <= 0, "{name} måste vara större än 0 (fick {value}).",
                "{name} must be greater than 0 (got {value}).")
    check_cells(field_name, a, np.diag(np.abs(np.diag(a) - 1.0) > RECIPROCAL_RTOL),
                "{name} måste vara 1 (ett kriterium jämfört med sig självt; fick {value}).",
                "{name} must be 1 (a criterion compared with itself; got {value}).")
    rel = np.abs(a * a.T - 1.0)
    bad = np.argwhere(np.triu(rel > RECIPROCAL_RTOL, 1))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise reciprocal_error(field_name, a, i, j)
    return a


def reciprocal_error(field_name: str, a: np.ndarray, i: int, j: int) -> MCDAInputError:
    """a_ji is not 1/a_ij: the error names the cell, the reciprocal it should be and the value."""
    name = f"{field_name}[{j}][{i}]"
    return MCDAInputError(
        name,
        float(a[j, i]),
        f"{name} måste vara 1/{field_name}[{i}][{j}] = 1/{a[i, j]:g} ≈ "
        f"{1.0 / a[i, j]:.7g} (fick {float(a[j, i])!r}).",
        f"{name} must be 1/{field_name}[{i}][{j}] = 1/{a[i, j]:g} ≈ "
        f"{1.0 / a[i, j]:.7g} (got {float(a[j, i])!r}).",
    )


def _principal(a: np.ndarray) -> tuple[float, np.ndarray]:
    """Perron root and its positive eigenvector (normalised to sum 1)."""
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    v = np.abs(vecs[:, k].real)
    return lam, v / v.sum()


def pairwise(
    matrix: object,
    priority: str = "eigenvector",
    random_index: str = "saaty1980",
) -> PairwiseResult:
    """AHP priorities, consistency and the most inconsistent judgements.

    ``eigenvector`` (Saaty 1980) takes the principal right eigenvector; ``geometric`` the
    normalised row geometric means (Crawford & Williams 1985). λmax is always the principal
    eigenvalue (Perron root) of the matrix, whatever the priority method, so CI = (λmax − n)/(n − 1)
    and CR = CI / RI(n) are comparable across methods; CR = 0 for n ≤ 2 (always consistent).
    ``random_index`` names the RI table: ``saaty1980`` or ``alonso-lamata2006``.
    """
    priority = check_choice("ahp_priority", priority, AHP_PRIORITIES)
    random_index = check_choice("random_index", random_index, tuple(RANDOM_INDEX))
    a = validate_pairwise_matrix(matrix)
    n = a.shape[0]
    lam, ev = _principal(a)
    if priority == "eigenvector":
        w = ev
    else:
        g = np.exp(np.log(a).mean(axis=1))
        w = g / g.sum()
    ci = max(0.0, (lam - n) / (n - 1))
    ri = RANDOM_INDEX[random_index][n - 1]
    cr = ci / ri if ri > 0 else 0.0
    if n <= 2:
        lam, ci, cr = float(n), 0.0, 0.0
    dev = np.abs(np.log(a * w[None, :] / w[:, None]))
    iu, ju = np.triu_indices(n, 1)
    d = dev[iu, ju]
    order = np.argsort(-d, kind="stable")[:3]
    inconsistent = [(int(iu[k]), int(ju[k]), float(d[k])) for k in order if d[k] > 1e-9]
    return PairwiseResult(
        weights=w,
        lambda_max=float(lam),
        ci=float(ci),
        cr=float(cr),
        random_index=random_index,
        priority=priority,
        inconsistent=inconsistent,
    )


def matrix_from_judgements(n: int, judgements: Mapping[tuple[int, int], float]) -> np.ndarray:
    """Build the full reciprocal matrix from upper-triangle judgements.

    ``judgements[(i, j)]`` for 0 ≤ i < j < n is a_ij ("how many times more important is i than
    j"); a_ji = 1/a_ij and the diagonal is 1. Every pair must be present (the error names the
    first missing pair); keys outside the upper triangle are rejected.
    """
    n = _pairwise_n(n, 2)
    if not isinstance(judgements, Mapping):
        raise MCDAInputError(
            "judgements",
            judgements,
            "judgements måste vara en tabell {(i, j): värde}.",
            "judgements must be a mapping {(i, j): value}.",
        )
    a = np.ones((n, n))
    for key, value in judgements.items():
        ok = (
            isinstance(key, tuple)
            and len(key) == 2
            and all(isinstance(x, int | np.integer) and not isinstance(x, bool) for x in key)
            and 0 <= key[0] < key[1] < n
        )
        if not ok:
            raise MCDAInputError(
                "judgements",
                key,
                f"Ogiltigt par {fmt(key)}: ange (i, j) med 0 ≤ i < j < {n}.",
                f"Invalid pair {fmt(key)}: give (i, j) with 0 ≤ i < j < {n}.",
            )
        i, j = int(key[0]), int(key[1])
        name = f"judgements[({i}, {j})]"
        v = float(check_finite(name, value, ndim=0))
        if v <= 0:
            raise MCDAInputError(
                name,
                v,
                f"{name} måste vara större än 0 (fick {fmt(v)}).",
                f"{name} must be greater than 0 (got {fmt(v)}).",
            )
        a[i, j] = v
        a[j, i] = 1.0 / v
    for i in range(n):
        for j in range(i + 1, n):
            if (i, j) not in judgements:
                raise MCDAInputError(
                    "judgements",
                    (i, j),
                    f"Jämförelsen mellan kriterium {i + 1} och {j + 1} saknas (par ({i}, {j})).",
                    f"The comparison of criterion {i + 1} with {j + 1} is missing "
                    f"(pair ({i}, {j})).",
                )
    return a


def aggregate_matrices(matrices: Sequence[object]) -> np.ndarray:
    """Element-wise geometric mean of pairwise matrices (AIJ; Forman & Peniwati 1998).

    The result is again a positive reciprocal matrix, so its priorities and CR can be computed
    with :func:`pairwise`.
    """
    if isinstance(matrices, np.ndarray) and matrices.ndim == 3:
        matrices = list(matrices)
    if not isinstance(matrices, Sequence) or isinstance(matrices, str) or len(matrices) == 0:
        raise MCDAInputError(
            "matrices",
            matrices if not isinstance(matrices, np.ndarray) else matrices.tolist(),
            "AIJ kräver minst en parvis jämförelsematris.",
            "AIJ needs at least one pairwise comparison matrix.",
        )
    mats = [validate_pairwise_matrix(m, f"matrices[{k}]") for k, m in enumerate(matrices)]
    n = mats[0].shape[0]
    for k, m in enumerate(mats):
        if m.shape[0] != n:
            raise MCDAInputError(
                f"matrices[{k}]",
                m.tolist(),
                f"matrices[{k}] har {m.shape[0]} kriterier men matrices[0] har {n}.",
                f"matrices[{k}] has {m.shape[0]} criteria but matrices[0] has {n}.",
            )
    return np.exp(np.mean(np.log(np.stack(mats)), axis=0))


def vote_weights(
    method: str,
    values: Sequence[float] | None = None,
    matrix: object = None,
    *,
    points_total: float = 100,
    rank_weights: str = "roc",
    ahp_priority: str = "eigenvector",
    random_index: str = "saaty1980",
) -> tuple[np.ndarray, PairwiseResult | None]:
    """One vote → weights, whatever the method (the dispatcher used by web and analyze).

    ``values`` serves ``direct``, ``points`` and ``ranking``; ``matrix`` serves ``pairwise``
    (and then the :class:`PairwiseResult` is returned as the second item, else ``None``).
    """
    method = check_choice("method", method, METHODS)
    if method == "pairwise":
        if matrix is None:
            raise MCDAInputError(
                "matrix",
                None,
                "En parvis röst måste ha en jämförelsematris (matrix).",
                "A pairwise vote needs a comparison matrix (matrix).",
            )
        res = pairwise(matrix, priority=ahp_priority, random_index=random_index)
        return res.weights, res
    if values is None:
        raise MCDAInputError(
            "values",
            None,
            f"En röst med metoden {method} måste ha värden (values).",
            f"A vote with method {method} needs values.",
        )
    if method == "direct":
        return direct(values), None
    if method == "points":
        return points(values, total=points_total), None
    return ranking(values, method=rank_weights), None
