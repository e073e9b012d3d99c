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

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from .elicitation import MAX_PAIRWISE_N, RECIPROCAL_RTOL, PairwiseResult, pairwise
from .errors import MCDAInputError, fmt

__all__ = ["IncompleteResult", "complete_pairwise", "is_incomplete", "suggested_pairs"]


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
        if not (math.isnan(a[i, i]) or abs(a[i, i] - 1.0) <= RECIPROCAL_RTOL):
            name = f"{field_name}[{i}][{i}]"
            raise MCDAInputError(
                name,
                float(a[i, i]),
                f"{name} måste vara 1 (ett kriterium jämfört med sig självt).",
                f"{name} must be 1 (a criterion compared with itself).",
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
                name = f"{field_name}[{j}][{i}]"
                raise MCDAInputError(
                    name,
                    float(a[j, i]),
                    f"{name} måste vara 1/{field_name}[{i}][{j}] = {fmt(1.0 / a[i, j])} "
                    f"(fick {fmt(float(a[j, i]))}).",
                    f"{name} must be 1/{field_name}[{i}][{j}] = {fmt(1.0 / a[i, j])} "
                    f"(got {fmt(float(a[j, i]))}).",
                )
    return a, answered


def _components(answered: np.ndarray) -> list[list[int]]:
    """Connected components of the graph of answered pairs, largest first."""
    n = answered.shape[0]
    seen: set[int] = set()
    parts: list[list[int]] = []
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
        parts.append(sorted(part))
    return sorted(parts, key=lambda p: (-len(p), p[0]))


def _llsm_logs(a: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """ln w of the logarithmic least squares solution on the comparison graph (sum ln w = 0)."""
    n = a.shape[0]
    lap = np.diag(answered.sum(axis=1).astype(float)) - answered.astype(float)
    r = np.where(answered, np.log(np.where(answered, a, 1.0)), 0.0).sum(axis=1)
    # L is singular (constant vectors); pin the gauge with one extra equation Σ y = 0.
    system = np.vstack([lap, np.ones(n)])
    y, *_ = np.linalg.lstsq(system, np.append(r, 0.0), rcond=None)
    return y


def _perron(a: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """λmax with its right and left Perron vectors (positive)."""
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    w = np.abs(vecs[:, k].real)
    lvals, lvecs = np.linalg.eig(a.T)
    v = np.abs(lvecs[:, int(np.argmax(lvals.real))].real)
    return float(vals[k].real), w, v


def complete_pairwise(
    matrix: object,
    priority: str = "eigenvector",
    random_index: str = "saaty1980",
    field_name: str = "matrix",
    labels: Sequence[str] | None = None,
) -> IncompleteResult:
    """Weights of an incomplete reciprocal matrix via its λmax-optimal completion.

    Refuses a disconnected set of answered pairs (the weights would not be determined),
    naming the criteria that are not connected to the others (``labels`` gives their names).
    """
    a, answered = _parse(matrix, field_name)
    n = a.shape[0]
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
    y = _llsm_logs(a, answered)
    iu, ju = np.triu_indices(n, 1)
    missing = [(int(i), int(j)) for i, j in zip(iu, ju, strict=True) if not answered[i, j]]
    full = np.where(np.isnan(a), 1.0, a)
    np.fill_diagonal(full, 1.0)

    def fill(x: np.ndarray) -> np.ndarray:
        m = full.copy()
        for (i, j), xk in zip(missing, x, strict=True):
            m[i, j] = math.exp(xk)
            m[j, i] = math.exp(-xk)
        return m

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        m = fill(x)
        lam, w, v = _perron(m)
        scale = float(v @ w)
        grad = np.array(
            [(v[i] * w[j] * m[i, j] - v[j] * w[i] * m[j, i]) / scale for i, j in missing]
        )
        return lam, grad

    x0 = np.array([y[i] - y[j] for i, j in missing])
    if missing:
        start_lam, start_grad = objective(x0)
        # A consistent set of answers is already optimal at the LLSM start (λmax = n).
        if start_lam - n > 1e-12 and np.max(np.abs(start_grad)) > 1e-12:
            res = minimize(
                objective, x0, jac=True, method="L-BFGS-B",
                options={"gtol": 1e-9, "ftol": 1e-13, "maxiter": 500},
            )  # fmt: skip
            if res.fun <= start_lam:
                x0 = res.x
    completed_matrix = fill(x0)
    result = pairwise(completed_matrix.tolist(), priority=priority, random_index=random_index)
    # Only what the participant said can be "inconsistent"; filled-in values are derived.
    flagged = [(i, j, d) for i, j, d in _deviations(completed_matrix, result.weights, answered)]
    result = PairwiseResult(
        weights=result.weights,
        lambda_max=result.lambda_max,
        ci=result.ci,
        cr=result.cr,
        random_index=result.random_index,
        priority=result.priority,
        inconsistent=flagged,
    )
    return IncompleteResult(
        result=result,
        matrix=completed_matrix,
        completed=[(i, j, float(completed_matrix[i, j])) for i, j in missing],
        answered=int(answered[iu, ju].sum()),
    )


def _deviations(
    a: np.ndarray, w: np.ndarray, answered: np.ndarray
) -> list[tuple[int, int, float]]:
    """Up to three answered judgements with the largest |ln(a_ij · w_j / w_i)| above 1e-9."""
    n = a.shape[0]
    dev = np.abs(np.log(a * w[None, :] / w[:, None]))
    iu, ju = np.triu_indices(n, 1)
    keep = answered[iu, ju]
    iu, ju, d = iu[keep], ju[keep], dev[iu[keep], ju[keep]]
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
