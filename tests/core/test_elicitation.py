"""Elicitation: every method ends on the simplex, rejects malformed input by name."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcda.core import elicitation as el
from mcda.core.errors import MCDAInputError, check_finite

FAST = settings(max_examples=60, deadline=None)

ratings = st.lists(
    st.floats(0, 1000, allow_nan=False, allow_infinity=False), min_size=1, max_size=15
).filter(lambda v: sum(v) > 1e-6)


def _consistent(w: np.ndarray) -> np.ndarray:
    return w[:, None] / w[None, :]


@st.composite
def reciprocal_matrices(draw, min_n=2, max_n=8):
    n = draw(st.integers(min_n, max_n))
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9]
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            v = draw(st.sampled_from(scale))
            a[i, j], a[j, i] = v, 1 / v
    return a


# ---------------------------------------------------------------- errors


def test_error_carries_field_value_and_both_languages():
    with pytest.raises(MCDAInputError) as info:
        el.direct([1, -2, 3])
    e = info.value
    assert e.field == "values[1]" and e.value == -2
    assert str(e) == e.message_en and "negative" in e.message_en
    assert e.message("sv") == e.message_sv and "negativt" in e.message_sv
    assert e.message("sv_SE") == e.message_sv and e.message("en") == e.message_en
    assert isinstance(e, ValueError)
    assert e.to_dict()["field"] == "values[1]"


@pytest.mark.parametrize(
    ("arr", "field"),
    [
        ([1.0, float("nan")], "x[1]"),
        ([[1.0, 2.0], [float("inf"), 1.0]], "x[1][0]"),
        ([1, True], "x[1]"),
        ([1, "2"], "x[1]"),
        ([1, None], "x[1]"),
        ("12", "x"),
        ([[1, 2], [3]], "x"),
        (np.array([True, False]), "x"),
    ],
)
def test_check_finite_names_the_bad_element(arr, field):
    with pytest.raises(MCDAInputError) as info:
        check_finite("x", arr)
    assert info.value.field.startswith(field)


def test_check_finite_ndim():
    assert check_finite("x", [1, 2]).dtype == float
    with pytest.raises(MCDAInputError, match="table"):
        check_finite("x", [1, 2], ndim=2)


# ---------------------------------------------------------------- direct / points


def test_direct_normalises():
    np.testing.assert_allclose(el.direct([2, 6, 0, 2]), [0.2, 0.6, 0.0, 0.2])


@FAST
@given(ratings, st.floats(1e-3, 1e3))
def test_direct_scale_invariant_and_on_simplex(values, c):
    w = el.direct(values)
    assert w.sum() == pytest.approx(1.0, abs=1e-12) and np.all(w >= 0)
    np.testing.assert_allclose(el.direct(np.array(values) * c), w, atol=1e-12)


@FAST
@given(ratings, st.randoms())
def test_direct_permutation_equivariant(values, rnd):
    perm = list(range(len(values)))
    rnd.shuffle(perm)
    np.testing.assert_allclose(el.direct([values[i] for i in perm]), el.direct(values)[perm])


@pytest.mark.parametrize("bad", [[0, 0, 0], [1, float("nan")], [1, -1], [], [[1, 2]]])
def test_direct_bad_input(bad):
    with pytest.raises(MCDAInputError):
        el.direct(bad)


def test_points():
    np.testing.assert_allclose(el.points([50, 30, 20]), [0.5, 0.3, 0.2])
    np.testing.assert_allclose(el.points([5, 5], total=10), [0.5, 0.5])
    np.testing.assert_allclose(el.points([100, 0, 0]), [1, 0, 0])


def test_points_messages_say_how_many_left_or_over():
    with pytest.raises(MCDAInputError) as left:
        el.points([40, 30, 20])
    assert "10 points are left" in str(left.value)
    assert "10 poäng återstår" in left.value.message("sv")
    with pytest.raises(MCDAInputError) as over:
        el.points([60, 30, 20])
    assert "10 points too many" in str(over.value)
    assert "10 poäng för mycket" in over.value.message("sv")
    assert over.value.field == "values"


@pytest.mark.parametrize("total", [0, -5, float("nan"), "100", True])
def test_points_bad_total(total):
    with pytest.raises(MCDAInputError) as info:
        el.points([1, 1], total=total)
    assert info.value.field.startswith("points_total")


def test_points_tolerance_is_relative():
    el.points([33.33333333333, 33.33333333333, 33.33333333334])
    with pytest.raises(MCDAInputError):
        el.points([33.3, 33.3, 33.3])
    with pytest.raises(MCDAInputError):
        el.points([-10, 110])


@FAST
@given(st.lists(st.integers(0, 100), min_size=2, max_size=15).filter(lambda v: sum(v) > 0))
def test_points_matches_direct(values):
    total = sum(values)
    np.testing.assert_allclose(el.points(values, total=total), el.direct(values), atol=1e-15)


# ---------------------------------------------------------------- ranking


@pytest.mark.parametrize("method", el.RANK_WEIGHTS)
def test_surrogate_weights_decreasing_and_sum_one(method):
    for n in range(1, 16):
        w = el.surrogate_weights(n, method)
        assert w.sum() == pytest.approx(1.0, abs=1e-12)
        assert np.all(np.diff(w) < 0) or n == 1


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_surrogate_weights_bad_n(bad):
    with pytest.raises(MCDAInputError) as info:
        el.surrogate_weights(bad)
    assert info.value.field == "n"


def test_surrogate_weights_bad_method():
    with pytest.raises(MCDAInputError) as info:
        el.surrogate_weights(3, "borda")
    assert info.value.field == "rank_weights" and info.value.value == "borda"


def test_ranking_ties_share_mean_of_positions():
    roc = el.surrogate_weights(3)
    expected = [(roc[0] + roc[1]) / 2, (roc[0] + roc[1]) / 2, roc[2]]
    for ranks in ([1, 1, 2], [1, 1, 3], [1.5, 1.5, 3], [2, 2, 7]):
        np.testing.assert_allclose(el.ranking(ranks), expected)
    # tie in the middle, reversed input order
    roc4 = el.surrogate_weights(4, "rs")
    np.testing.assert_allclose(
        el.ranking([4, 2, 2, 1], "rs"),
        [roc4[3], (roc4[1] + roc4[2]) / 2, (roc4[1] + roc4[2]) / 2, roc4[0]],
    )
    np.testing.assert_allclose(el.ranking([1, 1, 1, 1]), [0.25] * 4)


@FAST
@given(
    st.lists(st.integers(1, 6), min_size=1, max_size=15),
    st.sampled_from(el.RANK_WEIGHTS),
    st.randoms(),
)
def test_ranking_properties(ranks, method, rnd):
    w = el.ranking(ranks, method)
    assert w.sum() == pytest.approx(1.0, abs=1e-12) and np.all(w > 0)
    # better rank never gets less weight; equal ranks equal weight
    for i in range(len(ranks)):
        for j in range(len(ranks)):
            if ranks[i] < ranks[j]:
                assert w[i] > w[j]
            if ranks[i] == ranks[j]:
                assert w[i] == pytest.approx(w[j], abs=1e-15)
    perm = list(range(len(ranks)))
    rnd.shuffle(perm)
    np.testing.assert_allclose(el.ranking([ranks[i] for i in perm], method), w[perm], atol=1e-15)
    # dense and competition-style versions of the same order agree
    uniq = sorted(set(ranks))
    dense = [uniq.index(r) + 1 for r in ranks]
    comp = [1 + sum(x < r for x in ranks) for r in ranks]
    np.testing.assert_allclose(el.ranking(dense, method), w, atol=1e-15)
    np.testing.assert_allclose(el.ranking(comp, method), w, atol=1e-15)


@pytest.mark.parametrize("bad", [[0, 1], [1, float("nan")], [], [1, -3]])
def test_ranking_bad_input(bad):
    with pytest.raises(MCDAInputError) as info:
        el.ranking(bad)
    assert info.value.field.startswith("ranks")


# ---------------------------------------------------------------- pairwise


@FAST
@given(st.lists(st.floats(0.05, 20), min_size=2, max_size=15), st.sampled_from(el.AHP_PRIORITIES))
def test_consistent_matrix_recovers_weights_exactly(raw, priority):
    w = np.array(raw) / sum(raw)
    res = el.pairwise(_consistent(w), priority=priority)
    np.testing.assert_allclose(res.weights, w, atol=1e-9)
    assert res.lambda_max == pytest.approx(len(raw), abs=1e-8)
    assert res.cr == pytest.approx(0.0, abs=1e-8) and res.ci >= 0
    assert res.inconsistent == [] or all(d < 1e-6 for *_, d in res.inconsistent)


@FAST
@given(
    reciprocal_matrices(),
    st.sampled_from(el.AHP_PRIORITIES),
    st.sampled_from(tuple(el.RANDOM_INDEX)),
    st.randoms(),
)
def test_pairwise_properties(a, priority, ri, rnd):
    res = el.pairwise(a, priority=priority, random_index=ri)
    n = a.shape[0]
    assert res.weights.sum() == pytest.approx(1.0, abs=1e-12) and np.all(res.weights > 0)
    assert res.lambda_max >= n - 1e-9 and res.ci >= 0 and res.cr >= 0
    assert math.isfinite(res.cr) and res.random_index == ri and res.priority == priority
    if n <= 2:
        assert res.cr == 0.0 and res.inconsistent == []
    assert len(res.inconsistent) <= 3
    devs = [d for *_, d in res.inconsistent]
    assert devs == sorted(devs, reverse=True)
    for i, j, d in res.inconsistent:
        assert i < j
        assert d == pytest.approx(abs(math.log(a[i, j] * res.weights[j] / res.weights[i])))
    # every listed deviation is at least as large as every unlisted one
    all_devs = sorted(
        (
            abs(math.log(a[i, j] * res.weights[j] / res.weights[i]))
            for i in range(n)
            for j in range(i + 1, n)
        ),
        reverse=True,
    )
    for d, top in zip(devs, all_devs, strict=False):
        assert d == pytest.approx(top, abs=1e-12)
    # permuting criteria permutes the weights
    perm = list(range(n))
    rnd.shuffle(perm)
    res_p = el.pairwise(a[np.ix_(perm, perm)], priority=priority, random_index=ri)
    np.testing.assert_allclose(res_p.weights, res.weights[perm], atol=1e-9)
    assert res_p.cr == pytest.approx(res.cr, abs=1e-9)


def test_pairwise_finds_the_planted_inconsistency():
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = _consistent(w)
    a[0, 3], a[3, 0] = 1 / 4, 4  # should be 4: reversed judgement
    res = el.pairwise(a)
    assert res.inconsistent[0][:2] == (0, 3)
    assert res.cr > 0.1


def test_pairwise_cr_uses_named_table():
    a = np.array([[1, 3, 1 / 5], [1 / 3, 1, 2], [5, 1 / 2, 1]])
    s = el.pairwise(a, random_index="saaty1980")
    al = el.pairwise(a, random_index="alonso-lamata2006")
    assert s.ci == pytest.approx(al.ci)
    assert s.cr == pytest.approx(s.ci / 0.58) and al.cr == pytest.approx(al.ci / 0.5245)
    g = el.pairwise(a, priority="geometric")
    assert g.lambda_max == pytest.approx(s.lambda_max)  # λmax independent of priority method


def test_pairwise_2x2():
    res = el.pairwise([[1, 3], [1 / 3, 1]])
    np.testing.assert_allclose(res.weights, [0.75, 0.25])
    assert (res.lambda_max, res.ci, res.cr, res.inconsistent) == (2.0, 0.0, 0.0, [])


def test_pairwise_15x15_allowed_16_not():
    w = np.arange(1, 16, dtype=float)
    res = el.pairwise(_consistent(w))
    np.testing.assert_allclose(res.weights, w / w.sum(), atol=1e-10)
    with pytest.raises(MCDAInputError, match="between 2 and 15"):
        el.pairwise(_consistent(np.arange(1, 17, dtype=float)))


def test_pairwise_accepts_ten_digit_reciprocals():
    el.pairwise([[1, 9, 3], [0.1111111111, 1, 0.3333333333], [0.3333333333, 3, 1]])


@pytest.mark.parametrize(
    ("matrix", "field", "words"),
    [
        ([[1, 2], [0.5, 1], [1, 1]], "matrix", "square"),
        ([[1]], "matrix", "between 2 and 15"),
        ([[1, 2], [2, 1]], "matrix[1][0]", "must be 1/matrix[0][1]"),
        ([[1, 0], [0, 1]], "matrix[0][1]", "greater than 0"),
        ([[1, -2], [-0.5, 1]], "matrix[0][1]", "greater than 0"),
        ([[2, 2], [0.5, 1]], "matrix[0][0]", "must be 1"),
        ([[1, float("nan")], [1, 1]], "matrix[0][1]", "finite"),
        ([[1, float("inf")], [0, 1]], "matrix[0][1]", "finite"),
        ([1, 2, 3], "matrix", "table"),
        ([[1, "a"], [1, 1]], "matrix[0][1]", "number"),
    ],
)
def test_pairwise_bad_matrices(matrix, field, words):
    with pytest.raises(MCDAInputError) as info:
        el.pairwise(matrix)
    assert info.value.field == field
    assert words in str(info.value)
    assert info.value.message("sv") != str(info.value)


def test_pairwise_bad_options():
    a = [[1, 2], [0.5, 1]]
    with pytest.raises(MCDAInputError) as info:
        el.pairwise(a, priority="power")
    assert info.value.field == "ahp_priority"
    with pytest.raises(MCDAInputError) as info:
        el.pairwise(a, random_index="saaty2005")
    assert info.value.field == "random_index"


def test_random_index_value_bounds():
    assert el.random_index_value(3) == 0.58
    for bad in (0, 16):
        with pytest.raises(MCDAInputError):
            el.random_index_value(bad)


def test_pairwise_result_to_dict_is_json_ready():
    import json

    res = el.pairwise([[1, 3, 5], [1 / 3, 1, 1 / 2], [1 / 5, 2, 1]])
    d = json.loads(json.dumps(res.to_dict()))
    assert d["random_index"] == "saaty1980" and len(d["weights"]) == 3


# ---------------------------------------------------------------- matrix_from_judgements


def test_matrix_from_judgements_builds_reciprocal():
    a = el.matrix_from_judgements(3, {(0, 1): 3, (0, 2): 5, (1, 2): 0.5})
    np.testing.assert_allclose(a, [[1, 3, 5], [1 / 3, 1, 0.5], [1 / 5, 2, 1]])
    el.validate_pairwise_matrix(a)


def test_matrix_from_judgements_missing_pair_named():
    with pytest.raises(MCDAInputError) as info:
        el.matrix_from_judgements(3, {(0, 1): 3, (1, 2): 2})
    assert info.value.value == (0, 2)
    assert "criterion 1 with 3" in str(info.value)
    assert "kriterium 1 och 3" in info.value.message("sv")


@pytest.mark.parametrize(
    ("judgements", "field"),
    [
        ({(1, 0): 3, (0, 2): 1, (1, 2): 1}, "judgements"),
        ({(0, 1): 3, (0, 2): 1, (1, 2): 1, (0, 3): 2}, "judgements"),
        ({(0, 1): 0, (0, 2): 1, (1, 2): 1}, "judgements[(0, 1)]"),
        ({(0, 1): float("nan"), (0, 2): 1, (1, 2): 1}, "judgements[(0, 1)]"),
        ({"0,1": 3}, "judgements"),
    ],
)
def test_matrix_from_judgements_bad(judgements, field):
    with pytest.raises(MCDAInputError) as info:
        el.matrix_from_judgements(3, judgements)
    assert info.value.field == field


def test_matrix_from_judgements_bad_n_and_type():
    for n in (1, 16, "3"):
        with pytest.raises(MCDAInputError):
            el.matrix_from_judgements(n, {})
    with pytest.raises(MCDAInputError):
        el.matrix_from_judgements(2, [((0, 1), 2)])


# ---------------------------------------------------------------- vote_weights


def test_vote_weights_dispatch():
    w, r = el.vote_weights("direct", [1, 3])
    np.testing.assert_allclose(w, [0.25, 0.75]) and r is None
    w, r = el.vote_weights("points", [3, 7], points_total=10)
    np.testing.assert_allclose(w, [0.3, 0.7])
    w, _ = el.vote_weights("ranking", [2, 1, 3], rank_weights="rs")
    np.testing.assert_allclose(w, [1 / 3, 1 / 2, 1 / 6])
    w, r = el.vote_weights(
        "pairwise",
        matrix=[[1, 1 / 3], [3, 1]],
        ahp_priority="geometric",
        random_index="alonso-lamata2006",
    )
    np.testing.assert_allclose(w, [0.25, 0.75])
    assert r.priority == "geometric" and r.random_index == "alonso-lamata2006"


def test_vote_weights_bad():
    with pytest.raises(MCDAInputError) as info:
        el.vote_weights("slider", [1, 2])
    assert info.value.field == "method"
    with pytest.raises(MCDAInputError) as info:
        el.vote_weights("pairwise", [1, 2])
    assert info.value.field == "matrix"
    with pytest.raises(MCDAInputError) as info:
        el.vote_weights("points", None)
    assert info.value.field == "values"
    with pytest.raises(MCDAInputError) as info:
        el.vote_weights("ranking", [1, 2], rank_weights="x")
    assert info.value.field == "rank_weights"


def test_aggregate_matrices_geometric_mean():
    a = [[1, 4], [1 / 4, 1]]
    b = [[1, 1], [1, 1]]
    np.testing.assert_allclose(el.aggregate_matrices([a, b]), [[1, 2], [0.5, 1]])
    with pytest.raises(MCDAInputError) as info:
        el.aggregate_matrices([a, np.ones((3, 3))])
    assert info.value.field == "matrices[1]"
    with pytest.raises(MCDAInputError):
        el.aggregate_matrices([])


def test_check_finite_flat_fast_path_refuses_what_the_full_check_refuses():
    """Flat lists of plain numbers skip numpy's checks; anything else still gets them."""
    from mcda.core.errors import MCDAInputError, check_finite

    out = check_finite("values", [1, 2.5, 0])
    assert out.dtype == float and out.tolist() == [1.0, 2.5, 0.0]
    for bad in ([1, True], [1, float("nan")], [1, float("inf")], [1, "2"], [[1, 2]]):
        with pytest.raises(MCDAInputError):
            check_finite("values", bad, ndim=1)
