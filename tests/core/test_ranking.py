"""Rankings: reference cases from published sources, pymcdm cross-checks, bad input, properties."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymcdm import correlations as pm_corr
from pymcdm import methods as pm_methods

from mcda.core import ranking
from mcda.core.errors import MCDAInputError

# Copied from the steering repository's shared/reference (see tests/data/reference/SOURCE.md).
REF = Path(__file__).resolve().parents[1] / "data" / "reference" / "mcda_cases.json"
CASES = {c["id"]: c for c in json.loads(REF.read_text(encoding="utf-8"))}

# Opricovic & Tzeng (2004) EJOR 156(2):445-455 numerical example (also in tests/data/reference).
OT_MATRIX = np.array([[1.0, 3000.0], [2.0, 3750.0], [5.0, 4500.0]])
OT_TYPES = np.array([-1, 1])


def _case(case_id):
    return CASES.get(case_id)


def test_topsis_opricovic_tzeng_2004_minmax():
    """Opricovic & Tzeng (2004), min-max TOPSIS as pinned in mcda_cases.json: 0.5, 0.617, 0.5."""
    case = _case("topsis_opricovic_tzeng2004")
    expected = case["expected"]["closeness"] if case else [0.5, 0.617, 0.5]
    m = np.array(case["input"]["matrix"]) if case else OT_MATRIX
    res = ranking.topsis(m, [0.5, 0.5], OT_TYPES)
    np.testing.assert_allclose(res["scores"], expected, atol=5e-4)
    assert res["higher_is_better"] is True
    # A1 and A3 tie exactly in theory (0.5, 0.5); the tolerance-based rank treats them as tied.
    assert res["ranks"].tolist() == [2, 1, 2]


def test_vikor_opricovic_tzeng_2004():
    """Opricovic & Tzeng (2004): Q = (1, 0, 1), A2 the compromise solution (mcda_cases.json)."""
    case = _case("vikor_opricovic_tzeng2004")
    expected = case["expected"]["Q"] if case else [1, 0, 1]
    res = ranking.vikor(OT_MATRIX, [0.5, 0.5], OT_TYPES, v=0.5)
    np.testing.assert_allclose(res["scores"], expected, atol=1e-12)
    assert res["higher_is_better"] is False
    assert res["ranks"].tolist() == [2, 1, 2]


def test_vikor_yang_wu_2020():
    """Yang & Wu (2020) IEEE Access 8:21261-21271, as pinned in pymcdm's TestVIKOR."""
    m = np.array([[78, 56, 34, 6], [4, 45, 3, 97], [18, 2, 50, 63], [9, 14, 11, 92],
                  [85, 9, 100, 29]], dtype=float)
    res = ranking.vikor(m, [0.25] * 4, [1, 1, 1, 1])
    np.testing.assert_allclose(res["scores"], [0.5679, 0.7667, 1, 0.7493, 0], atol=5e-5)
    assert res["ranks"].tolist() == [2, 4, 5, 3, 1]


def test_promethee_ii_zhao_peng_li_2013():
    """Zhao, Peng & Li (2013) Procedia Computer Science 17:181-188, usual preference function."""
    m = np.array([[4, 3, 2], [3, 2, 4], [5, 1, 3]], dtype=float)
    res = ranking.promethee_ii(m, [0.5, 0.3, 0.2], [1, 1, 1])
    np.testing.assert_allclose(res["scores"], [0.1, -0.3, 0.2], atol=5e-3)
    assert res["ranks"].tolist() == [2, 3, 1]


def test_promethee_ii_with_p_q_is_repeatable():
    """pymcdm 1.4.0's PROMETHEE with p/q works once per instance; we build one per call."""
    m = np.array([[4, 3, 2], [3, 2, 4], [5, 1, 3]], dtype=float)
    kw = {"preference_function": "vshape_2", "p": [2, 2, 2], "q": [0.5, 0.5, 0.5]}
    a = ranking.promethee_ii(m, [0.5, 0.3, 0.2], [1, 1, 1], **kw)
    b = ranking.promethee_ii(m, [0.5, 0.3, 0.2], [1, 1, 1], **kw)
    np.testing.assert_array_equal(a["scores"], b["scores"])
    assert np.any(a["scores"] != 0)


def test_spotis_dezert_et_al_2020():
    """Dezert, Tchamova, Han & Tacnet (2020) FUSION, with the paper's bounds (pymcdm's test)."""
    m = np.array([[10.5, -3.1, 1.7], [-4.7, 0, 3.4], [8.1, 0.3, 1.3], [3.2, 7.3, -5.3]])
    bounds = [[-5, 12], [-6, 10], [-8, 5]]
    res = ranking.spotis(m, [0.2, 0.3, 0.5], [1, -1, 1], bounds=bounds)
    np.testing.assert_allclose(res["scores"], [0.1989, 0.3705, 0.3063, 0.7491], atol=5e-5)
    assert res["higher_is_better"] is False
    assert res["ranks"].tolist() == [1, 3, 2, 4]


def test_spotis_default_bounds_are_score_min_max():
    m = np.array([[10.5, -3.1, 1.7], [-4.7, 0, 3.4], [8.1, 0.3, 1.3], [3.2, 7.3, -5.3]])
    res = ranking.spotis(m, [0.2, 0.3, 0.5], [1, -1, 1])
    ref = pm_methods.SPOTIS(pm_methods.SPOTIS.make_bounds(m))(m, np.array([0.2, 0.3, 0.5]),
                                                                np.array([1, -1, 1]))
    np.testing.assert_allclose(res["scores"], ref, atol=1e-12)


# Kundakcı, N. & Işık, A. (2016) Integration of MACBETH and COPRAS methods to select air
# compressor for a textile company. Decision Science Letters 5(3):381-394 — utility degrees as
# pinned in pymcdm's own TestCOPRAS (kotbaton/pymcdm, tests/test_methods.py, older release).
KI_MATRIX = np.array([
    [1543, 2000, 39000, 15, 13.76, 3.86, 5, 3, 5000],
    [1496, 3600, 43000, 14, 14, 2.5, 4, 4, 4000],
    [1584, 3100, 24500, 10, 13.1, 3.7, 2, 2, 3500],
    [1560, 2700, 36000, 12, 13.2, 3.2, 3, 3, 3500],
    [1572, 2500, 31500, 13, 13.3, 3.4, 3, 2, 3500],
    [1580, 2400, 20000, 12, 12.8, 3.9, 2, 2, 3000],
], dtype=float)
KI_TYPES = np.array([-1, -1, -1, 1, 1, -1, 1, 1, 1])
KI_WEIGHTS = np.array([0.2027, 0.1757, 0.1622, 0.1351, 0.1081, 0.0946, 0.0676, 0.0405, 0.0135])
KI_UTILITY = [1.0, 0.9167, 0.8675, 0.9084, 0.9315, 0.9486]


def test_copras_textbook_kundakci_isik_2016():
    """Textbook COPRAS reproduces the published utility degrees N_i (A1 best, A3 worst)."""
    w = KI_WEIGHTS / KI_WEIGHTS.sum()  # published weights sum to 0.99999 (rounding)
    res = ranking.copras(KI_MATRIX, w, KI_TYPES)
    np.testing.assert_allclose(res["scores"], KI_UTILITY, atol=5e-5)
    assert res["ranks"].tolist() == [1, 4, 6, 5, 3, 2]


def test_pymcdm_140_copras_rewards_cost_criteria():
    """The shipped pymcdm 1.4.0 COPRAS fails the same published example (its Q = S+ + S-)."""
    shipped = pm_methods.COPRAS()(KI_MATRIX, KI_WEIGHTS, KI_TYPES)
    assert abs(shipped[0] - 1.0) > 0.05  # published: A1 = 1.0; shipped gives 0.9459
    assert int(np.argmax(shipped)) == 1  # ... and ranks A2 first
    # Monotonicity: raising a cost value must lower that alternative's utility.
    worse = KI_MATRIX.copy()
    worse[0, 0] *= 1.5  # A1 gets more expensive on a cost criterion
    w = KI_WEIGHTS / KI_WEIGHTS.sum()
    assert ranking.copras(worse, w, KI_TYPES)["scores"][0] < 1.0
    assert pm_methods.COPRAS()(worse, KI_WEIGHTS, KI_TYPES)[0] > shipped[0]


def test_copras_only_benefit_equals_sum_normalised_wsm():
    m = np.array([[3.0, 5.0], [4.0, 1.0], [2.0, 2.0]])
    w = [0.4, 0.6]
    cop = ranking.copras(m, w, [1, 1])["scores"]
    wsm = ranking.wsm(m, w, [1, 1])["scores"]
    np.testing.assert_allclose(cop, wsm / wsm.max(), atol=1e-12)


def test_wsm_wpm_hand_computed():
    """Two benefit criteria, sum normalisation: column sums 10 and 4."""
    m = np.array([[6.0, 1.0], [4.0, 3.0]])
    w = [0.5, 0.5]
    np.testing.assert_allclose(ranking.wsm(m, w, [1, 1])["scores"],
                               [0.5 * 0.6 + 0.5 * 0.25, 0.5 * 0.4 + 0.5 * 0.75])
    np.testing.assert_allclose(ranking.wpm(m, w, [1, 1])["scores"],
                               [np.sqrt(0.6 * 0.25), np.sqrt(0.4 * 0.75)])


# --------------------------------------------------------------------------- ranks and ties


def test_rank_ties_by_tolerance_not_exact_equality():
    s = [0.5, 0.5 + 1e-15, 0.2, 0.7]
    assert ranking.rank_scores(s, True).tolist() == [2, 2, 4, 1]
    assert ranking.rank_scores(s, False).tolist() == [2, 2, 1, 4]
    assert ranking.rank_scores([0.5, 0.5 + 1e-6, 0.2], True).tolist() == [2, 1, 3]


def test_rank_rows_equals_rank_scores():
    rng = np.random.default_rng(0)
    s = np.round(rng.random((50, 9)), 1)  # many exact ties
    rows = ranking.rank_rows(s, True)
    for k in range(50):
        assert rows[k].tolist() == ranking.rank_scores(s[k], True).tolist()


# --------------------------------------------------------------------------- agreement


def test_weighted_spearman_and_ws_match_pymcdm():
    rng = np.random.default_rng(1)
    for _ in range(20):
        x = rng.permutation(7) + 1.0
        y = rng.permutation(7) + 1.0
        assert ranking.weighted_spearman(x, y) == pytest.approx(pm_corr.weighted_spearman(x, y),
                                                                abs=1e-12)
        assert ranking.ws_coefficient(x, y) == pytest.approx(pm_corr.rank_similarity_coef(x, y),
                                                             abs=1e-12)


def test_ws_hand_computed_and_asymmetric():
    """WS (Sałabun & Urbaniak 2020): swapping the top two of five costs more than the bottom two.

    x = (1,2,3,4,5), y = (2,1,3,4,5): 1 − [2^-1·1/4 + 2^-2·1/3] = 1 − 0.125 − 1/12.
    """
    x = [1, 2, 3, 4, 5]
    assert ranking.ws_coefficient(x, [2, 1, 3, 4, 5]) == pytest.approx(1 - 0.125 - 1 / 12)
    assert ranking.ws_coefficient(x, [1, 2, 3, 5, 4]) > ranking.ws_coefficient(x, [2, 1, 3, 4, 5])
    assert ranking.weighted_spearman(x, x) == 1.0
    assert ranking.weighted_spearman(x, x[::-1]) < 0


def test_copeland_majority_and_ties():
    ranks = {"a": [1, 2, 3], "b": [1, 3, 2], "c": [2, 1, 3]}
    cop = ranking.copeland(ranks)
    # alt0 beats alt1 (2 of 3) and alt2 (3 of 3); alt1 vs alt2: 2 of 3 for alt1
    assert cop["scores"].tolist() == [2.0, 0.0, -2.0]
    assert cop["ranks"].tolist() == [1, 2, 3]
    tie = ranking.copeland({"a": [1, 2], "b": [2, 1]})
    assert tie["ranks"].tolist() == [1, 1]


# --------------------------------------------------------------------------- kernels vs pymcdm


@pytest.mark.parametrize("method", ranking.METHODS)
def test_batch_kernels_equal_pymcdm_loop(method):
    rng = np.random.default_rng(7)
    m = rng.uniform(1, 10, (12, 6))
    m[:, 2] = 4.0  # a constant criterion (VIKOR/SPOTIS leave it out)
    t = np.array([1, -1, 1, 1, -1, 1])
    W = rng.dirichlet(np.ones(6), size=40)
    kw = ranking.method_kwargs(method, {})
    batch = ranking.score_batch(method, m, W, t, **kw)
    loop = ranking.score_loop(method, m, W, t, **kw)
    np.testing.assert_allclose(batch, loop, atol=1e-9, rtol=0)
    one = ranking.run(method, m, W[0], t, **kw)["scores"]
    np.testing.assert_allclose(batch[0], one, atol=1e-9, rtol=0)


@pytest.mark.parametrize("norm", ranking.NORMALIZATIONS)
def test_topsis_kernel_with_other_normalisations(norm):
    rng = np.random.default_rng(3)
    m = rng.uniform(1, 10, (8, 4))
    t = np.array([1, -1, 1, -1])
    W = rng.dirichlet(np.ones(4), size=10)
    np.testing.assert_allclose(ranking.score_batch("topsis", m, W, t, normalization=norm),
                               ranking.score_loop("topsis", m, W, t, normalization=norm),
                               atol=1e-9)


# --------------------------------------------------------------------------- bad input


GOOD_M = np.array([[1.0, 2.0], [3.0, 1.0], [2.0, 2.0]])


@pytest.mark.parametrize(
    ("matrix", "weights", "types", "method", "field"),
    [
        ([[1.0, np.nan], [2.0, 3.0]], [0.5, 0.5], [1, 1], "topsis", "scores.A1.C2"),
        ([[1.0, 2.0], [np.inf, 3.0]], [0.5, 0.5], [1, 1], "wsm", "scores.A2.C1"),
        ([[1.0], [2.0]], [1.0], [1], "topsis", "criteria"),
        ([[1.0, 2.0]], [0.5, 0.5], [1, 1], "topsis", "alternatives"),
        ([1.0, 2.0], [0.5, 0.5], [1, 1], "topsis", "scores"),
        ([["a", 2.0], [1.0, 2.0]], [0.5, 0.5], [1, 1], "topsis", "scores"),
        (GOOD_M, [0.7, 0.7], [1, 1], "topsis", "weights"),
        (GOOD_M, [1.2, -0.2], [1, 1], "topsis", "weights.C2"),
        (GOOD_M, [0.5, 0.5, 0.0], [1, 1], "topsis", "weights"),
        (GOOD_M, [0.5, np.nan], [1, 1], "topsis", "weights.C2"),
        (GOOD_M, [0.5, 0.5], [1, 0], "topsis", "criteria.direction"),
        ([[1.0, 0.0], [2.0, 3.0]], [0.5, 0.5], [1, 1], "wpm", "scores.A1.C2"),
        ([[1.0, 0.0], [2.0, 3.0]], [0.5, 0.5], [1, -1], "wsm", "scores.A1.C2"),
        ([[1.0, -2.0], [2.0, 3.0]], [0.5, 0.5], [1, -1], "copras", "scores.A1.C2"),
        ([[1.0, -2.0], [2.0, 3.0]], [0.5, 0.5], [1, 1], "wsm", "scores.A1.C2"),
        ([[1.0, 0.0], [2.0, 3.0]], [0.5, 0.5], [1, 1], "wsm", "scores.A1.C2"),
        ([[1.0, 0.0], [2.0, 0.0]], [0.5, 0.5], [1, 1], "copras", "scores.*.C2"),
    ],
)
def test_bad_input_raises_named_error(matrix, weights, types, method, field):
    with pytest.raises(MCDAInputError) as exc:
        ranking.run(method, matrix, weights, types)
    assert exc.value.field == field
    assert exc.value.message_sv and exc.value.message_en


def test_unknown_method_and_bad_options():
    with pytest.raises(MCDAInputError) as exc:
        ranking.run("electre", GOOD_M, [0.5, 0.5], [1, 1])
    assert exc.value.field == "options.methods"
    with pytest.raises(MCDAInputError):
        ranking.vikor(GOOD_M, [0.5, 0.5], [1, 1], v=1.5)
    with pytest.raises(MCDAInputError):
        ranking.promethee_ii(GOOD_M, [0.5, 0.5], [1, 1], preference_function="gauss")
    with pytest.raises(MCDAInputError):
        ranking.topsis(GOOD_M, [0.5, 0.5], [1, 1], normalization="zscore")


def test_constant_criteria_do_not_break_vikor_and_spotis():
    m = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    for mth in ("vikor", "spotis"):
        r = ranking.run(mth, m, [0.5, 0.5], [1, 1])
        assert r["ranks"].tolist() == [3, 2, 1]
    allc = np.array([[5.0, 5.0], [5.0, 5.0]])
    assert ranking.vikor(allc, [0.5, 0.5], [1, 1])["ranks"].tolist() == [1, 1]


def test_names_in_error_use_given_ids():
    with pytest.raises(MCDAInputError) as exc:
        ranking.wpm([[1.0, 0.0], [2.0, 3.0]], [0.5, 0.5], [1, 1],
                    alternatives=["kulturhus", "scen"], criteria=["nytta", "kostnad"])
    assert exc.value.field == "scores.kulturhus.kostnad"
    assert exc.value.value == 0.0


# --------------------------------------------------------------------------- properties


@st.composite
def dominated_problem(draw):
    n_alt = draw(st.integers(2, 6))
    n_crit = draw(st.integers(2, 5))
    vals = st.integers(1, 50)
    m = np.array([[draw(vals) for _ in range(n_crit)] for _ in range(n_alt)], dtype=float)
    types = np.array([draw(st.sampled_from([1, -1])) for _ in range(n_crit)])
    raw = np.array([draw(st.floats(0.0, 1.0)) for _ in range(n_crit)]) + 1e-3
    w = raw / raw.sum()
    # alternative 0 strictly better than alternative 1 on every criterion
    gap = np.array([draw(st.integers(1, 10)) for _ in range(n_crit)], dtype=float)
    m[1] = np.where(types == 1, m[0] - gap, m[0] + gap)
    m[1] = np.where(m[1] < 1, 1, m[1])
    m[0] = np.where((types == 1) & (m[0] <= m[1]), m[1] + 1, m[0])
    m[0] = np.where((types == -1) & (m[0] >= m[1]), np.maximum(m[1] - 1, 0.5), m[0])
    return m, w, types


@settings(max_examples=60, deadline=None)
@given(dominated_problem(), st.sampled_from(["wsm", "topsis", "wpm", "copras"]))
def test_dominated_alternative_never_ranks_first(problem, method):
    m, w, t = problem
    res = ranking.run(method, m, w, t)
    assert res["ranks"][1] > 1
    assert res["ranks"][1] > res["ranks"][0]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(ranking.METHODS))
def test_permuting_alternatives_permutes_ranks(seed, method):
    rng = np.random.default_rng(seed)
    m = rng.integers(1, 10, (5, 4)).astype(float)
    t = np.array([1, -1, 1, 1])
    w = rng.dirichlet(np.ones(4))
    perm = rng.permutation(5)
    a = ranking.run(method, m, w, t)
    b = ranking.run(method, m[perm], w, t)
    assert b["ranks"].tolist() == a["ranks"][perm].tolist()
    np.testing.assert_allclose(b["scores"], a["scores"][perm], atol=1e-12)


@pytest.mark.parametrize("decimals", [None, 1])
def test_rank_counts_equal_counting_rank_rows(decimals):
    rng = np.random.default_rng(4)
    s = rng.random((300, 12))
    if decimals is not None:
        s = np.round(s, decimals)  # many ties: exercises the fallback path
    mult = rng.integers(1, 5, 300).astype(float)
    w = rng.dirichlet(np.ones(3), size=300)
    counts, n_first, first_sum = ranking.rank_counts(s, False, mult, w)
    r = ranking.rank_rows(s, False)
    expected = np.zeros((12, 12))
    for k in range(300):
        expected[np.arange(12), r[k] - 1] += mult[k]
    np.testing.assert_array_equal(counts, expected)
    first = (r == 1) * mult[:, None]
    np.testing.assert_array_equal(n_first, first.sum(axis=0))
    np.testing.assert_allclose(first_sum, first.T @ w, atol=1e-12)


def test_all_alternatives_identical_tie_everywhere():
    m = np.array([[5.0, 2.0], [5.0, 2.0], [5.0, 2.0]])
    for mth in ranking.METHODS:
        res = ranking.run(mth, m, [0.5, 0.5], [1, -1])
        assert res["ranks"].tolist() == [1, 1, 1], mth
        assert np.all(np.isfinite(res["scores"]))
        batch = ranking.score_batch(mth, m, np.array([[0.5, 0.5], [0.2, 0.8]]), np.array([1, -1]),
                                    **ranking.method_kwargs(mth, {}))
        assert np.all(np.isfinite(batch)), mth


def test_copras_zero_weight_on_all_cost_criteria_is_s_plus():
    m = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    res = ranking.copras(m, [0.5, 0.0, 0.5], [1, -1, 1])
    np.testing.assert_allclose(res["scores"], [0.0, 0.0, 1.0])
    batch = ranking.score_batch("copras", m, np.array([[0.5, 0.0, 0.5]]), np.array([1, -1, 1]))
    np.testing.assert_allclose(batch[0], res["scores"])
