"""Incomplete pairwise comparison: weights from the pairs a participant actually answered.

A complete AHP vote on 15 criteria asks 105 questions. Answering a connected subset (at least
n − 1 pairs) is enough to determine the weights; the missing judgements are then chosen as the
*optimal completion* of Bozóki, Fülöp & Rónyai (2010): the values that make the completed
matrix as consistent as possible, i.e. minimise its Perron root λmax (Shiraishi, Obata &
Daigo 1998 proposed the criterion; Bozóki et al. proved that after the substitution
a_ij = exp(x_ij) the problem is convex and has a unique solution exactly when the graph of
answered pairs is connected). Weights, λmax, CI and CR are then those of the completed matrix,
so an incomplete vote is read on the same scale as a complete one; CR of the optimal completion
is the consistency measure those authors define for incomplete matrices.

The starting point is the logarithmic least squares (LLSM) solution on the comparison graph
(Kwiesielewicz 1996; Bozóki et al. 2010, §4): the graph Laplacian L solves L·y = r with
r_i = Σ_j ln a_ij over answered pairs. For a consistent set of answers this already is the
optimum (λmax = n), so removing judgements from a consistent matrix leaves its weights exactly.

In the analysis JSON an unanswered pair is ``null`` in both cells of the matrix.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .elicitation import (
    MAX_PAIRWISE_N,
    RECIPROCAL_RTOL,
    PairwiseResult,
    pairwise,
    reciprocal_error,
)
from .errors import MCDAInputError, fmt

__all__ = [
    "IncompleteResult",
    "ParsedIncomplete",
    "complete_many",
    "complete_pairwise",
    "is_incomplete",
    "parse_incomplete",
    "suggested_pairs",
]


@dataclass(frozen=True)
class IncompleteResult:
    """The AHP result of the completed matrix plus what was filled in.

    ``completed`` lists (i, j, a_ij), i < j, for every pair the participant did not answer;
    ``answered`` is the number of answered pairs (of n(n − 1)/2).
    """

    result: PairwiseResult
    matrix: np.ndarray
    completed: list[tuple[int, int, float]]
    answered: int


def is_incomplete(matrix: object) -> bool:
    """True when a pairwise matrix (nested lists) has at least one unanswered (``None``) cell."""
    if not isinstance(matrix, list | tuple):
        return False
    return any(
        isinstance(row, list | tuple) and any(cell is None for cell in row) for row in matrix
    )


def _parse(matrix: object, field_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Values (NaN where unanswered) and the mask of answered off-diagonal cells."""
    fast = _parse_array(matrix)
    if fast is not None:
        return fast
    return _parse_cells(matrix, field_name)


def _parse_array(matrix: object) -> tuple[np.ndarray, np.ndarray] | None:
    """The whole-array check of a float matrix (what the analysis passes), or None when any
    cell fails it; then :func:`_parse_cells` walks the cells to name the first bad one."""
    if not isinstance(matrix, np.ndarray) or matrix.dtype != float or matrix.ndim != 2:
        return None
    n = matrix.shape[0]
    if not 2 <= n <= MAX_PAIRWISE_N or matrix.shape[1] != n:
        return None
    a = matrix
    answered = ~np.isnan(a)
    diag = np.diag(a)
    with np.errstate(invalid="ignore"):
        ok = (
            np.all(np.isfinite(a[answered]) & (a[answered] > 0))
            and np.all(np.abs(diag - 1.0) <= RECIPROCAL_RTOL)
        )
    np.fill_diagonal(answered, False)
    if not ok or not np.array_equal(answered, answered.T):
        return None
    with np.errstate(invalid="ignore"):
        if np.any(np.abs(a * a.T - 1.0)[answered] > RECIPROCAL_RTOL):
            return None
    return a.copy(), answered


def _parse_cells(matrix: object, field_name: str) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(matrix, np.ndarray):
        matrix = [[None if math.isnan(x) else float(x) for x in row] for row in matrix.tolist()]
    if not isinstance(matrix, list | tuple) or not all(isinstance(r, list | tuple) for r in matrix):
        raise MCDAInputError(
            field_name,
            matrix,
            f"{field_name} måste vara en lista av rader.",
            f"{field_name} must be a list of rows.",
        )
    n = len(matrix)
    if n < 2 or n > MAX_PAIRWISE_N or any(len(r) != n for r in matrix):
        raise MCDAInputError(
            field_name,
            f"{n} rader",
            f"{field_name} måste vara kvadratisk med mellan 2 och {MAX_PAIRWISE_N} kriterier.",
            f"{field_name} must be square with between 2 and {MAX_PAIRWISE_N} criteria.",
        )
    a = np.full((n, n), np.nan)
    for i, row in enumerate(matrix):
        for j, cell in enumerate(row):
            if cell is None:
                continue
            name = f"{field_name}[{i}][{j}]"
            if type(cell) not in (int, float) or not math.isfinite(cell) or cell <= 0:
                raise MCDAInputError(
                    name,
                    cell,
                    f"{name} måste vara ett tal större än 0 eller null (fick {fmt(cell)}).",
                    f"{name} must be a number greater than 0 or null (got {fmt(cell)}).",
                )
            a[i, j] = float(cell)
    for i in range(n):
        if not abs(a[i, i] - 1.0) <= RECIPROCAL_RTOL:  # NaN (null) fails too: 1 is no answer
            name = f"{field_name}[{i}][{i}]"
            got = "null" if math.isnan(a[i, i]) else fmt(float(a[i, i]))
            raise MCDAInputError(
                name,
                None if math.isnan(a[i, i]) else float(a[i, i]),
                f"{name} måste vara 1 (ett kriterium jämfört med sig självt; fick {got}).",
                f"{name} must be 1 (a criterion compared with itself; got {got}).",
            )
    answered = ~np.isnan(a)
    np.fill_diagonal(answered, False)
    for i in range(n):
        for j in range(i + 1, n):
            if answered[i, j] != answered[j, i]:
                name = f"{field_name}[{j}][{i}]" if answered[i, j] else f"{field_name}[{i}][{j}]"
                raise MCDAInputError(
                    name,
                    None,
                    f"{name}: ett obesvarat par ska vara null i båda cellerna "
                    f"({field_name}[{i}][{j}] och {field_name}[{j}][{i}]).",
                    f"{name}: an unanswered pair must be null in both cells "
                    f"({field_name}[{i}][{j}] and {field_name}[{j}][{i}]).",
                )
            if answered[i, j] and abs(a[i, j] * a[j, i] - 1.0) > RECIPROCAL_RTOL:
                raise reciprocal_error(field_name, a, i, j)
    return a, answered


def _components(answered: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """Connected components of the graph of answered pairs, largest first."""
    return _components_of(answered.shape[0], answered.tobytes())


@functools.lru_cache(maxsize=256)
def _components_of(n: int, mask: bytes) -> tuple[tuple[int, ...], ...]:
    # Cached per pattern: a workshop's tablets ask the same pairs.
    answered = np.frombuffer(mask, dtype=bool).reshape(n, n)
    seen: set[int] = set()
    parts: list[tuple[int, ...]] = []
    for start in range(n):
        if start in seen:
            continue
        stack, part = [start], []
        seen.add(start)
        while stack:
            i = stack.pop()
            part.append(i)
            for j in np.flatnonzero(answered[i]):
                if int(j) not in seen:
                    seen.add(int(j))
                    stack.append(int(j))
        parts.append(tuple(sorted(part)))
    return tuple(sorted(parts, key=lambda p: (-len(p), p[0])))


def _llsm_logs(a: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """ln w of the logarithmic least squares solution on the comparison graph (sum ln w = 0),
    per matrix of a stack sharing the pattern ``answered`` (one system, many right sides)."""
    n = a.shape[1]
    lap = np.diag(answered.sum(axis=1).astype(float)) - answered.astype(float)
    r = np.where(answered, np.log(np.where(answered, a, 1.0)), 0.0).sum(axis=2)
    # L is singular (constant vectors); pin the gauge with one extra equation Σ y = 0.
    system = np.vstack([lap, np.ones(n)])
    rhs = np.vstack([r.T, np.zeros((1, a.shape[0]))])
    y, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    return y.T


@dataclass(frozen=True)
class ParsedIncomplete:
    """A checked incomplete matrix: values (NaN where unanswered) and the answered mask."""

    values: np.ndarray
    answered: np.ndarray


def parse_incomplete(
    matrix: object, field_name: str = "matrix", labels: Sequence[str] | None = None
) -> ParsedIncomplete:
    """Check an incomplete reciprocal matrix; refuses a disconnected set of answered pairs
    (the weights would not be determined), naming the criteria that are not connected to the
    others (``labels`` gives their names)."""
    a, answered = _parse(matrix, field_name)
    parts = _components(answered)
    if len(parts) > 1:
        loose = [i for part in parts[1:] for i in part]
        names = ", ".join(labels[i] if labels else str(i + 1) for i in loose)
        raise MCDAInputError(
            field_name,
            loose,
            f"{field_name}: de besvarade paren hänger inte ihop, så vikterna är inte bestämda. "
            f"Kriterierna {names} är inte jämförda, direkt eller via andra, med de övriga.",
            f"{field_name}: the answered pairs are not connected, so the weights are not "
            f"determined. Criteria {names} are not compared, directly or via others, "
            "with the rest.",
        )
    return ParsedIncomplete(a, answered)


def complete_pairwise(
    matrix: object,
    priority: str = "eigenvector",
    random_index: str = "saaty1980",
    field_name: str = "matrix",
    labels: Sequence[str] | None = None,
) -> IncompleteResult:
    """Weights of an incomplete reciprocal matrix via its λmax-optimal completion."""
    parsed = parse_incomplete(matrix, field_name, labels)
    return complete_many([parsed], priority, random_index)[0]


def complete_many(
    parsed: Sequence[ParsedIncomplete],
    priority: str = "eigenvector",
    random_index: str = "saaty1980",
) -> list[IncompleteResult]:
    """:func:`complete_pairwise` for many checked matrices at once.

    Why batched: a workshop's tablets ask the same pairs, so the matrices share one pattern of
    unanswered pairs; each pattern is optimised as one stack of matrices (one LAPACK call per
    step for all of them), and identical answers are solved once.
    """
    unique: dict[bytes, int] = {}
    keys = []
    for item in parsed:
        keys.append(unique.setdefault(item.values.tobytes(), len(unique)))
    firsts = {k: parsed[i] for i, k in reversed(list(enumerate(keys)))}
    by_pattern: dict[bytes, list[int]] = {}
    for k, item in firsts.items():
        by_pattern.setdefault(item.answered.tobytes(), []).append(k)
    done: dict[int, IncompleteResult] = {}
    for ks in by_pattern.values():
        items = [firsts[k] for k in ks]
        completed = _optimal_completion(np.stack([it.values for it in items]),
                                        items[0].answered)
        for k, it, m in zip(ks, items, completed, strict=True):
            done[k] = _result(m, it.answered, priority, random_index)
    return [done[k] for k in keys]


def _result(m: np.ndarray, answered: np.ndarray, priority: str,
            random_index: str) -> IncompleteResult:
    result = pairwise(m, priority=priority, random_index=random_index)
    # Only what the participant said can be "inconsistent"; filled-in values are derived.
    result = dataclasses.replace(result, inconsistent=_deviations(m, result.weights, answered))
    iu, ju = np.nonzero(np.triu(~answered, 1))
    return IncompleteResult(
        result=result,
        matrix=m,
        completed=[(int(i), int(j), float(m[i, j])) for i, j in zip(iu, ju, strict=True)],
        answered=int(np.triu(answered, 1).sum()),
    )


def _perron_batch(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """λmax, right Perron vectors (sum 1) and left ones scaled so v·w = 1, per matrix.

    The left vector solves vᵀ(λI − A + w eᵀ) = eᵀ (one LU instead of a second eigensolve;
    the bordered matrix is regular because the Perron root is simple).
    """
    rows = np.arange(a.shape[0])
    n = a.shape[1]
    vals, vecs = np.linalg.eig(a)
    k = np.argmax(vals.real, axis=1)
    lam = vals[rows, k].real
    w = np.abs(vecs[rows, :, k].real)
    w /= w.sum(axis=1, keepdims=True)
    border = lam[:, None, None] * np.eye(n) - a + w[:, :, None]
    v = np.linalg.solve(np.swapaxes(border, 1, 2), np.ones((a.shape[0], n, 1)))[:, :, 0]
    v /= np.einsum("bi,bi->b", v, w)[:, None]
    return lam, w, v


def _perron_root(a: np.ndarray) -> np.ndarray:
    return np.linalg.eigvals(a).real.max(axis=1)


def _optimal_completion(a: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """The λmax-minimising completions of a stack of matrices sharing one answered pattern.

    Damped Newton on x = ln a_ij of the missing pairs (λmax is convex in x: Bozóki et al.
    2010), started at the LLSM solution. The gradient is ∂λ/∂x = v_i w_j a_ij − v_j w_i a_ji
    and the Hessian adds the second-order eigenvalue perturbation through the reduced
    resolvent S = (λI − A + w vᵀ)⁻¹ − w vᵀ, so a few steps reach machine precision
    (L-BFGS-B stopped at its gradient tolerance, ~1e-7 in the weights, and cost 10× more).
    """
    b, n, _ = a.shape
    iu, ju = np.triu_indices(n, 1)
    miss = ~answered[iu, ju]
    mi, mj = iu[miss], ju[miss]
    full = np.where(np.isnan(a), 1.0, a)
    full[:, np.arange(n), np.arange(n)] = 1.0
    if mi.size == 0:
        return full
    y = _llsm_logs(a, answered)
    x = y[:, mi] - y[:, mj]

    active = np.arange(b)
    k = np.arange(mi.size)
    eye = np.eye(n)
    for _ in range(_MAX_NEWTON):
        xa = x[active]
        m = _filled(full[active], mi, mj, xa)
        lam, w, v = _perron_batch(m)
        aij, aji = np.exp(xa), np.exp(-xa)
        grad = v[:, mi] * w[:, mj] * aij - v[:, mj] * w[:, mi] * aji
        small = np.max(np.abs(grad), axis=1) <= _GRAD_TOL * lam
        if small.all():
            break
        wv = w[:, :, None] * v[:, None, :]
        s = np.linalg.inv(lam[:, None, None] * eye - m + wv) - wv
        r = np.zeros((len(active), mi.size, n))
        r[:, k, mj] = aij * v[:, mi]
        r[:, k, mi] = -aji * v[:, mj]
        c = np.zeros((len(active), n, mi.size))
        c[:, mi, k] = aij * w[:, mj]
        c[:, mj, k] = -aji * w[:, mi]
        q = r @ s @ c
        hess = q + np.swapaxes(q, 1, 2)
        hess[:, k, k] += aij * v[:, mi] * w[:, mj] + aji * v[:, mj] * w[:, mi]
        step = np.linalg.solve(hess, -grad[:, :, None])[:, :, 0]
        step[small] = 0.0
        t = np.ones(len(active))
        for _ in range(30):  # backtrack until λmax does not grow (convex: a short step does it)
            trial = xa + t[:, None] * step
            lam_t = _perron_root(_filled(full[active], mi, mj, trial))
            worse = ~(lam_t <= lam + _LAM_SLACK * lam) & (t > 0)
            if not worse.any():
                break
            t[worse] = np.where(t[worse] > 1e-6, t[worse] / 2, 0.0)
        x[active] = xa + t[:, None] * step
        keep = ~small & (t > 0)
        active = active[keep]
        if active.size == 0:
            break
    return _filled(full, mi, mj, x)


def _filled(full: np.ndarray, mi: np.ndarray, mj: np.ndarray, x: np.ndarray) -> np.ndarray:
    m = full.copy()
    m[:, mi, mj] = np.exp(x)
    m[:, mj, mi] = np.exp(-x)
    return m


_MAX_NEWTON = 50
_GRAD_TOL = 1e-13
_LAM_SLACK = 1e-13  # eigenvalue round-off: a step within it is no worse


def _deviations(
    a: np.ndarray, w: np.ndarray, answered: np.ndarray
) -> list[tuple[int, int, float]]:
    """Up to three answered judgements with the largest |ln(a_ij · w_j / w_i)| above 1e-9."""
    iu, ju = np.nonzero(np.triu(answered, 1))
    d = np.abs(np.log(a[iu, ju] * w[ju] / w[iu]))
    order = np.argsort(-d, kind="stable")[:3]
    return [(int(iu[k]), int(ju[k]), float(d[k])) for k in order if d[k] > 1e-9]


def suggested_pairs(n: int) -> list[tuple[int, int]]:
    """A short, connected sequence of pairs to ask (0-based, i < j).

    For n ≤ 5 every pair (at most 10 questions). For n ≥ 6 about 2n pairs: a cycle through all
    criteria (each criterion in two questions, so one careless answer cannot decide a weight
    alone) plus the chords i ~ i + ⌊n/2⌋, which shorten the paths between distant criteria and
    give every weight at least two independent routes; for even n, where those chords pair
    up, steps of two top the count up to 2n.
    """
    if n < 2:
        return []
    if n <= 5:
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()

    def add(i: int, j: int) -> None:
        key = (min(i, j), max(i, j))
        if i != j and key not in seen:
            seen.add(key)
            pairs.append(key)

    half = n // 2
    for i in range(n):
        add(i, (i + 1) % n)
        add(i, (i + half) % n)
    # For even n the chords pair up (i ~ i + n/2 twice): top up with steps of 2 to reach 2n.
    for i in range(n):
        if len(pairs) >= 2 * n:
            break
        add(i, (i + 2) % n)
    return pairs
