"""Two-level aggregation: participants → group → region."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mcda.core import aggregation as ag
from mcda.core import elicitation as el
from mcda.core.errors import MCDAInputError

FAST = settings(max_examples=50, deadline=None)


@st.composite
def weight_sets(draw, min_k=1, max_k=12, min_n=2, max_n=10, zeros=True):
    k = draw(st.integers(min_k, max_k))
    n = draw(st.integers(min_n, max_n))
    lo = 0.0 if zeros else 0.01
    w = draw(hnp.arrays(float, (k, n), elements=st.floats(lo, 1.0)))
    w[w.sum(axis=1) <= 1e-3, 0] = 1.0
    return w / w.sum(axis=1, keepdims=True)


def test_within_group_rules_by_hand():
    w = np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.2, 0.6, 0.2]])
    np.testing.assert_allclose(ag.within_group(w), [0.3, 0.4, 0.3])
    med = np.array([0.2, 0.3, 0.2]) / 0.7
    np.testing.assert_allclose(ag.within_group(w, "median"), med)
    g = np.cbrt(w.prod(axis=0))
    np.testing.assert_allclose(ag.within_group(w, "geometric"), g / g.sum())


def test_within_group_renormalises_rows():
    w = np.array([[1, 1], [3, 1]])  # rows sum to 2 and 4
    np.testing.assert_allclose(ag.within_group(w), [0.625, 0.375])


def test_geometric_zero_is_floored_not_a_veto_to_nan():
    w = np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(ag.within_group(w, "geometric"), [0.5, 0.5])
    w2 = np.array([[0.5, 0.5, 0.0], [0.4, 0.4, 0.2]])
    g = ag.within_group(w2, "geometric")
    assert g[2] < 0.01 and np.isfinite(g).all()
    expected = np.exp(np.log(np.maximum(w2, ag.GEOMETRIC_FLOOR)).mean(axis=0))
    np.testing.assert_allclose(g, expected / expected.sum())


def test_median_all_zero_medians_gives_equal_weights():
    w = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
    np.testing.assert_allclose(ag.within_group(w, "median"), [1 / 3] * 3)


@FAST
@given(weight_sets(), st.sampled_from(("mean", "geometric", "median")), st.randoms())
def test_within_group_properties(w, rule, rnd):
    out = ag.within_group(w, rule)
    assert out.shape == (w.shape[1],)
    assert out.sum() == pytest.approx(1.0, abs=1e-12) and np.all(out >= 0)
    assert np.isfinite(out).all()
    rows = list(range(w.shape[0]))
    rnd.shuffle(rows)
    np.testing.assert_allclose(ag.within_group(w[rows], rule), out, atol=1e-12)
    cols = list(range(w.shape[1]))
    rnd.shuffle(cols)
    np.testing.assert_allclose(ag.within_group(w[:, cols], rule), out[cols], atol=1e-12)
    # unanimity: a group of identical voters returns that vote
    np.testing.assert_allclose(
        ag.within_group(np.repeat(w[:1], 3, axis=0), rule),
        w[0],
        atol=1e-12 if rule != "geometric" else 1e-5,
    )


def test_aij_matches_forman_peniwati_definition():
    a = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
    b = np.array([[1, 1 / 2, 3], [2, 1, 4], [1 / 3, 1 / 4, 1]])
    wa, wb = el.pairwise(a).weights, el.pairwise(b).weights
    out = ag.within_group(np.array([wa, wb]), "aij", matrices=[a, b])
    expected = el.pairwise(np.sqrt(a * b)).weights
    np.testing.assert_allclose(out, expected, atol=1e-12)
    out_g = ag.within_group(np.array([wa, wb]), "aij", matrices=[a, b], ahp_priority="geometric")
    np.testing.assert_allclose(out_g, el.pairwise(np.sqrt(a * b), "geometric").weights)
    # with geometric priority AIJ equals the geometric mean of individual RGMM vectors (AIP)
    ga, gb = el.pairwise(a, "geometric").weights, el.pairwise(b, "geometric").weights
    np.testing.assert_allclose(out_g, ag.within_group(np.array([ga, gb]), "geometric"))


def test_aij_needs_all_matrices():
    w = np.array([[0.5, 0.5], [0.4, 0.6]])
    a = [[1, 1], [1, 1]]
    for mats in (None, [a], [a, None]):
        with pytest.raises(MCDAInputError) as info:
            ag.within_group(w, "aij", matrices=mats)
        assert info.value.field == "matrices"
        assert "pairwise" in str(info.value) and "parvisa" in info.value.message("sv")
    with pytest.raises(MCDAInputError) as info:
        ag.within_group(w, "aij", matrices=[a, [[1, 2], [3, 1]]])
    assert info.value.field == "matrices[1][1][0]"
    with pytest.raises(MCDAInputError) as info:
        ag.within_group(w, "aij", matrices=[np.ones((3, 3))] * 2)
    assert info.value.field == "matrices"
    with pytest.raises(MCDAInputError) as info:
        ag.within_group(w, "aij", matrices=[a, a], ahp_priority="x")
    assert info.value.field == "ahp_priority"


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        (np.zeros((0, 3)), "weights"),
        ([[0.5, -0.1, 0.6]], "weights[0][1]"),
        ([[0, 0], [1, 1]], "weights[0]"),
        ([[0.5, float("nan")]], "weights[0][1]"),
        ([0.5, 0.5], "weights"),
        ([[0.2, 0.8], [0.5]], "weights"),
    ],
)
def test_within_group_bad_weights(weights, field):
    with pytest.raises(MCDAInputError) as info:
        ag.within_group(weights)
    assert info.value.field == field


def test_within_group_bad_rule():
    with pytest.raises(MCDAInputError) as info:
        ag.within_group([[1, 0]], "mode")
    assert info.value.field == "within_group" and info.value.value == "mode"


def test_between_groups_rules():
    gw = np.array([[0.6, 0.4], [0.2, 0.8]])
    np.testing.assert_allclose(ag.between_groups(gw), [0.4, 0.6])
    np.testing.assert_allclose(ag.between_groups(gw, "participants", sizes=[3, 1]), [0.5, 0.5])
    np.testing.assert_allclose(
        ag.between_groups(gw, "population", populations=[10_000, 30_000]), [0.3, 0.7]
    )


def test_participants_rule_equals_pooling_with_mean():
    rng = np.random.default_rng(3)
    groups = [rng.dirichlet(np.ones(4), size=k) for k in (2, 5, 9)]
    gw = np.array([ag.within_group(g) for g in groups])
    pooled = ag.within_group(np.vstack(groups))
    np.testing.assert_allclose(ag.between_groups(gw, "participants", sizes=[2, 5, 9]), pooled)


@FAST
@given(weight_sets(min_k=1, max_k=15), st.randoms())
def test_between_groups_properties(gw, rnd):
    g = gw.shape[0]
    sizes = [rnd.randint(1, 50) for _ in range(g)]
    pops = [rnd.uniform(1000, 100000) for _ in range(g)]
    for rule in ag.BETWEEN_RULES:
        out = ag.between_groups(gw, rule, sizes=sizes, populations=pops)
        assert out.sum() == pytest.approx(1.0, abs=1e-12)
        assert np.all(out >= gw.min(axis=0) - 1e-12) and np.all(out <= gw.max(axis=0) + 1e-12)
        order = list(range(g))
        rnd.shuffle(order)
        again = ag.between_groups(
            gw[order], rule, sizes=[sizes[i] for i in order], populations=[pops[i] for i in order]
        )
        np.testing.assert_allclose(again, out, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rule": "participants"}, "sizes"),
        ({"rule": "population"}, "populations"),
        ({"rule": "participants", "sizes": [1]}, "sizes"),
        ({"rule": "participants", "sizes": [1, 2.5]}, "sizes[1]"),
        ({"rule": "participants", "sizes": [0, 2]}, "sizes[0]"),
        ({"rule": "population", "populations": [100, None]}, "populations[1]"),
        ({"rule": "population", "populations": [100, -1]}, "populations[1]"),
        ({"rule": "population", "populations": [100, float("inf")]}, "populations[1]"),
        ({"rule": "kommun"}, "between_groups"),
    ],
)
def test_between_groups_bad(kwargs, field):
    with pytest.raises(MCDAInputError) as info:
        ag.between_groups(np.array([[0.5, 0.5], [0.1, 0.9]]), **kwargs)
    assert info.value.field == field
    assert info.value.message("sv") and info.value.message("en")


def test_between_groups_empty():
    with pytest.raises(MCDAInputError) as info:
        ag.between_groups(np.zeros((0, 2)))
    assert info.value.field == "group_weights"
