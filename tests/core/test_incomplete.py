"""Incomplete pairwise comparison: optimal completion (Bozóki, Fülöp & Rónyai 2010)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcda.core import elicitation
from mcda.core.errors import MCDAInputError
from mcda.core.incomplete import complete_pairwise, is_incomplete, suggested_pairs

REF = Path(__file__).resolve().parents[1] / "data" / "reference" / "mcda_cases.json"

# Bozóki, S., Fülöp, J. & Rónyai, L. (2010) On optimal completion of incomplete pairwise
# comparison matrices. Mathematical and Computer Modelling 52(1–2):318–333,
# doi:10.1016/j.mcm.2010.02.047 — the 4 × 4 example with a_cd missing. Optimal a_cd, weights
# (4 dp) and CR (Donegan & Dodd RI) as reproduced in AHPy's tests/test_ahp.py.
BOZOKI_2010 = [
    [1.0, 1.0, 5.0, 2.0],
    [1.0, 1.0, 3.0, 4.0],
    [1 / 5, 1 / 3, 1.0, None],
    [1 / 2, 1 / 4, None, 1.0],
]


def test_bozoki_fulop_ronyai_2010_worked_example():
    out = complete_pairwise(BOZOKI_2010)
    assert out.answered == 5
    [(i, j, a_cd)] = out.completed
    assert (i, j) == (2, 3)
    assert a_cd == pytest.approx(0.730297106886979, abs=1e-6)
    np.testing.assert_allclose(out.result.weights, [0.3738, 0.392, 0.0985, 0.1357], atol=5e-5)
    ri_dd = {c["id"]: c for c in json.loads(REF.read_text(encoding="utf-8"))}[
        "ahp_random_index_tables"
    ]["expected"]["donegan_dodd1991"]["4"]
    assert out.result.ci / ri_dd == pytest.approx(0.0372, abs=5e-5)


def test_optimal_completion_beats_every_other_completion():
    """λmax of the optimal completion is a minimum: no grid value of a_cd does better."""
    best = complete_pairwise(BOZOKI_2010).result.lambda_max
    for value in np.geomspace(1 / 9, 9, 81):
        m = [row[:] for row in BOZOKI_2010]
        m[2][3], m[3][2] = float(value), float(1 / value)
        assert elicitation.pairwise(m).lambda_max >= best - 1e-9


@st.composite
def consistent_with_gaps(draw):
    n = draw(st.integers(3, 15))
    w = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n)))
    full = w[:, None] / w[None, :]
    # A random spanning tree keeps the graph connected; then drop some other pairs.
    order = draw(st.permutations(range(n)))
    keep = {tuple(sorted((order[k], order[draw(st.integers(0, k - 1))]))) for k in range(1, n)}
    extra = draw(st.sets(st.sampled_from(list(itertools.combinations(range(n), 2)))))
    keep |= extra
    m = [[1.0 if i == j else None for j in range(n)] for i in range(n)]
    for i, j in keep:
        m[i][j], m[j][i] = float(full[i, j]), float(full[j, i])
    return w / w.sum(), m


@settings(max_examples=60, deadline=None)
@given(consistent_with_gaps())
def test_consistent_matrix_with_entries_removed_keeps_its_weights(case):
    weights, m = case
    out = complete_pairwise(m)
    np.testing.assert_allclose(out.result.weights, weights, rtol=1e-9, atol=1e-12)
    assert out.result.cr == pytest.approx(0.0, abs=1e-9)
    complete = elicitation.pairwise(out.matrix.tolist())
    np.testing.assert_allclose(out.result.weights, complete.weights, atol=1e-12)


def test_disconnected_pairs_are_refused_naming_the_loose_criteria():
    m = [[1.0, 2.0, None, None], [0.5, 1.0, None, None], [None, None, 1.0, 3.0],
         [None, None, 1 / 3, 1.0]]  # fmt: skip
    with pytest.raises(MCDAInputError) as err:
        complete_pairwise(m, labels=["Kostnad", "Nytta", "Tillgänglighet", "Miljö"])
    assert err.value.field == "matrix"
    assert "Tillgänglighet, Miljö" in err.value.message("sv")
    assert "not connected" in err.value.message("en")


def test_unanswered_pair_must_be_null_in_both_cells():
    m = [[1.0, 2.0, None], [0.5, 1.0, 4.0], [3.0, 0.25, 1.0]]
    with pytest.raises(MCDAInputError) as err:
        complete_pairwise(m)
    assert err.value.field == "matrix[0][2]"
    assert "null" in err.value.message("sv")


def test_inconsistent_answers_are_flagged_only_where_answered():
    m = [[1.0, 9.0, None, 1 / 9], [1 / 9, 1.0, 9.0, None], [None, 1 / 9, 1.0, 9.0],
         [9.0, None, 1 / 9, 1.0]]  # fmt: skip
    out = complete_pairwise(m)
    answered = {(0, 1), (1, 2), (2, 3), (0, 3)}
    assert out.result.cr > 0.10
    assert out.result.inconsistent
    assert {(i, j) for i, j, _ in out.result.inconsistent} <= answered


def test_is_incomplete():
    assert is_incomplete(BOZOKI_2010)
    assert not is_incomplete([[1.0, 2.0], [0.5, 1.0]])
    assert not is_incomplete("matrix")


@pytest.mark.parametrize("n", range(2, 16))
def test_suggested_pairs_are_short_and_connected(n):
    pairs = suggested_pairs(n)
    assert len(pairs) == len(set(pairs))
    assert all(0 <= i < j < n for i, j in pairs)
    total = n * (n - 1) // 2
    assert len(pairs) == (total if n <= 5 else 2 * n)
    m = [[1.0 if i == j else None for j in range(n)] for i in range(n)]
    for i, j in pairs:
        m[i][j] = m[j][i] = 1.0
    assert complete_pairwise(m).answered == len(pairs)  # connected, or it would raise


def _independent_completion(m: list[list[float | None]]) -> np.ndarray:
    """The optimum by another route: scipy's root finder on the first-order condition
    v_i w_j a_ij = v_j w_i a_ji (Bozóki et al. 2010), eigenvectors from scipy.linalg."""
    from scipy import linalg, optimize

    a = np.array([[np.nan if x is None else x for x in row] for row in m])
    n = len(a)
    miss = [(i, j) for i in range(n) for j in range(i + 1, n) if np.isnan(a[i, j])]

    def filled(x):
        b = np.where(np.isnan(a), 1.0, a)
        for (i, j), xk in zip(miss, x, strict=True):
            b[i, j], b[j, i] = np.exp(xk), np.exp(-xk)
        return b

    def condition(x):
        b = filled(x)
        vals, left, right = linalg.eig(b, left=True, right=True)
        k = int(np.argmax(vals.real))
        w, v = np.abs(right[:, k].real), np.abs(left[:, k].real)
        w, v = w / w.sum(), v / (v @ w)
        return [v[i] * w[j] * b[i, j] - v[j] * w[i] * b[j, i] for i, j in miss]

    if not miss:
        return filled([])
    sol = optimize.root(condition, np.zeros(len(miss)), method="hybr", tol=1e-14)
    assert np.max(np.abs(condition(sol.x))) < 1e-12, sol.message  # a root (or started at one)
    return filled(sol.x)


@st.composite
def incomplete_judgements(draw):
    n = draw(st.integers(3, 8))
    order = draw(st.permutations(range(n)))
    keep = {tuple(sorted((order[k], order[draw(st.integers(0, k - 1))]))) for k in range(1, n)}
    keep |= draw(st.sets(st.sampled_from(list(itertools.combinations(range(n), 2)))))
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1.0, 3.0, 5.0, 7.0, 9.0]
    m = [[1.0 if i == j else None for j in range(n)] for i in range(n)]
    for i, j in sorted(keep):
        x = draw(st.sampled_from(scale))
        m[i][j], m[j][i] = x, 1 / x
    return m


@settings(max_examples=60, deadline=None)
@given(incomplete_judgements())
def test_completion_matches_an_independent_solution(m):
    """Weights to 1e-9 and λmax to 1e-12 of a root-finder solution of the optimality
    condition (L-BFGS-B stopped at its gradient tolerance, up to 2.4e-7 off in the weights)."""
    out = complete_pairwise(m)
    ref = elicitation.pairwise(_independent_completion(m).tolist())
    np.testing.assert_allclose(out.result.weights, ref.weights, atol=1e-9)
    assert out.result.lambda_max == pytest.approx(ref.lambda_max, abs=1e-12)


def test_many_at_once_equals_one_by_one():
    """The stacked solve (one per pattern, duplicates once) gives each vote's own result."""
    from mcda.core.incomplete import complete_many, parse_incomplete

    rng = np.random.default_rng(3)
    pairs = suggested_pairs(9)
    mats = []
    for k in range(12):
        m = [[1.0 if i == j else None for j in range(9)] for i in range(9)]
        for i, j in pairs[: 12 + k % 3 * 2]:  # three patterns
            x = float(rng.choice([1 / 5, 1 / 3, 1.0, 3.0, 5.0]))
            m[i][j], m[j][i] = x, 1 / x
        mats.append(m)
    mats.append(mats[0])  # an identical vote
    many = complete_many([parse_incomplete(m) for m in mats])
    for m, got in zip(mats, many, strict=True):
        one = complete_pairwise(m)
        np.testing.assert_allclose(got.result.weights, one.result.weights, atol=1e-12)
        assert [c[:2] for c in got.completed] == [c[:2] for c in one.completed]
        np.testing.assert_allclose([c[2] for c in got.completed],
                                   [c[2] for c in one.completed], rtol=1e-9, atol=1e-12)
