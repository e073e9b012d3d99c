"""Goal conflicts: trade-offs, disputed criteria, similarity, coalitions, polarising."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats
from scipy.spatial.distance import jensenshannon

from mcda.core import conflicts as cf
from mcda.core.errors import MCDAInputError

FAST = settings(max_examples=40, deadline=None)


@st.composite
def profiles(draw, min_g=1, max_g=10, min_n=2, max_n=8):
    g = draw(st.integers(min_g, max_g))
    n = draw(st.integers(min_n, max_n))
    w = draw(hnp.arrays(float, (g, n), elements=st.floats(0.0, 1.0)))
    w[w.sum(axis=1) <= 1e-3, 0] = 1.0
    return w / w.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- trade-offs


def _planted(k=40, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 1, k)
    w = np.column_stack(
        [0.1 + 0.4 * t, 0.5 - 0.4 * t, rng.uniform(0.1, 0.3, k), rng.uniform(0.1, 0.3, k)]
    )
    return w / w.sum(axis=1, keepdims=True)


def test_tradeoffs_finds_planted_pair_with_its_numbers():
    w = _planted()
    out = cf.tradeoffs(w)
    assert out and (out[0]["i"], out[0]["j"]) == (0, 1)
    top = out[0]
    r = np.corrcoef(w[:, 0], w[:, 1])[0, 1]
    assert top["r"] == pytest.approx(r, abs=1e-12)
    m0, m1 = w[:, 0].mean(), w[:, 1].mean()
    rho0 = -math.sqrt(m0 * m1 / ((1 - m0) * (1 - m1)))  # Dirichlet closure correlation
    z = (math.atanh(r) - math.atanh(rho0)) * math.sqrt(40 - 3)
    assert top["p"] == pytest.approx(stats.norm.cdf(z), rel=1e-9)
    assert top["null_r"] == pytest.approx(rho0, abs=1e-12) and top["k"] == 40
    assert top["p"] <= top["p_adjusted"] <= 0.05
    assert [d["r"] for d in out] == sorted(d["r"] for d in out)


@pytest.mark.parametrize("alpha", [[1, 1, 1, 1, 1], [10, 1, 1, 1], [5, 3, 1, 1, 0.5]])
def test_tradeoffs_closure_alone_is_not_a_tradeoff(alpha):
    """Dirichlet weights (independent importances, normalised) are negatively correlated only
    through the sum-to-one constraint; the BH-controlled test should rarely flag anything, also
    when mean weights are very unequal (where −1/(n−1) would be the wrong null)."""
    flagged = 0
    for seed in range(60):
        w = np.random.default_rng(100 + seed).dirichlet(alpha, size=60)
        flagged += bool(cf.tradeoffs(w))
    assert flagged <= 8  # nominal family-wise rate 5 % (3 of 60) under the complete null


def test_tradeoffs_naive_test_would_flag_closure():
    """Why the correction matters: a plain 'r < 0' test flags most pairs of pure noise."""
    w = np.random.default_rng(5).dirichlet(np.ones(3), size=200)
    naive = [
        stats.pearsonr(w[:, i], w[:, j], alternative="less").pvalue < 0.05
        for i in range(3)
        for j in range(i + 1, 3)
    ]
    assert sum(naive) >= 2
    assert len(cf.tradeoffs(w)) <= 1


def test_tradeoffs_degenerate_inputs_return_empty():
    assert cf.tradeoffs(_planted(k=3)) == []  # k < 4
    assert cf.tradeoffs(np.array([[0.3, 0.7], [0.6, 0.4]] * 5)) == []  # n = 2
    assert cf.tradeoffs(np.array([[0.2, 0.3, 0.5]] * 10)) == []  # no variation
    w = _planted()
    w[:, 2] = w[:, 3] = 0.0
    w[:, :2] /= w[:, :2].sum(axis=1, keepdims=True)
    assert all(math.isfinite(d["r"]) for d in cf.tradeoffs(w))


@FAST
@given(profiles(min_g=4, max_g=20, min_n=2, max_n=7), st.randoms())
def test_tradeoffs_properties(w, rnd):
    out = cf.tradeoffs(w)
    for d in out:
        assert d["i"] < d["j"] and -1 <= d["r"] < d["null_r"] <= 0
        assert 0 <= d["p"] <= d["p_adjusted"] <= 0.05
        assert all(math.isfinite(float(v)) for v in d.values())
    rows = list(range(w.shape[0]))
    rnd.shuffle(rows)
    again = cf.tradeoffs(w[rows])
    assert [(d["i"], d["j"]) for d in again] == [(d["i"], d["j"]) for d in out]


@pytest.mark.parametrize("alpha", [0, 1, -0.1, float("nan"), "0.05"])
def test_tradeoffs_bad_alpha(alpha):
    with pytest.raises(MCDAInputError) as info:
        cf.tradeoffs(_planted(), alpha=alpha)
    assert info.value.field == "alpha"


# ---------------------------------------------------------------- disputed


def test_disputed_says_who_pulls_which_way():
    w = np.array(
        [
            [0.6, 0.3, 0.1],
            [0.5, 0.3, 0.2],
            [0.2, 0.3, 0.5],
            [0.1, 0.3, 0.6],
            [0.35, 0.3, 0.35],
            [0.4, 0.3, 0.3],
        ]
    )
    groups = ["Mariestad", "Mariestad", "Skövde", "Skövde", "Tibro", "Tibro"]
    out = cf.disputed(w, groups)
    crits = [d["criterion"] for d in out]
    assert crits[0] in (0, 2) and 1 not in crits
    d0 = next(d for d in out if d["criterion"] == 0)
    assert d0["mean"] == pytest.approx(w[:, 0].mean())
    assert d0["high"][0] == ("Mariestad", pytest.approx(0.55))
    assert [g for g, _ in d0["low"]] == ["Skövde"]
    assert [g for g, _ in d0["high"]] == ["Mariestad", "Tibro"]
    assert d0["between_share"] >= 0.3 and 0 <= d0["p"] <= 1
    assert [round(d["between_share"], 9) for d in out] == sorted(
        (round(d["between_share"], 9) for d in out), reverse=True
    )


def test_disputed_threshold_and_single_group():
    w = np.array([[0.6, 0.4], [0.5, 0.5], [0.45, 0.55], [0.4, 0.6]])
    assert cf.disputed(w, ["A", "A", "A", "A"]) == []
    assert cf.disputed(w, ["A", "A", "B", "B"], threshold=1.0) == []
    assert len(cf.disputed(w, ["A", "A", "B", "B"], threshold=0.0)) == 2
    assert cf.disputed(np.array([[0.5, 0.5]] * 4), ["A", "A", "B", "B"], threshold=0.0) == []


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan")])
def test_disputed_bad_threshold(threshold):
    with pytest.raises(MCDAInputError) as info:
        cf.disputed([[0.5, 0.5], [0.4, 0.6]], ["A", "B"], threshold=threshold)
    assert info.value.field == "threshold"


def test_disputed_bad_groups():
    with pytest.raises(MCDAInputError) as info:
        cf.disputed([[0.5, 0.5], [0.4, 0.6]], ["A"])
    assert info.value.field == "groups"


# ---------------------------------------------------------------- similarity


def test_similarity_matches_scipy_jensen_shannon():
    gw = np.array([[0.5, 0.3, 0.2, 0.0], [0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]])
    sim = cf.similarity(gw)
    for a in range(3):
        for b in range(3):
            want = 1 - jensenshannon(gw[a], gw[b], base=2)
            assert sim[a, b] == pytest.approx(want, abs=1e-12)
    assert cf.similarity([[1.0, 0.0], [0.0, 1.0]])[0, 1] == pytest.approx(0.0, abs=1e-12)


@FAST
@given(profiles(), st.randoms())
def test_similarity_properties(gw, rnd):
    sim = cf.similarity(gw)
    g = gw.shape[0]
    assert sim.shape == (g, g)
    np.testing.assert_array_equal(np.diag(sim), np.ones(g))
    np.testing.assert_array_equal(sim, sim.T)
    assert np.all((sim >= 0) & (sim <= 1))
    order = list(range(g))
    rnd.shuffle(order)
    np.testing.assert_allclose(cf.similarity(gw[order]), sim[np.ix_(order, order)], atol=1e-12)


def test_similarity_bad_input():
    with pytest.raises(MCDAInputError) as info:
        cf.similarity([[0.5, float("nan")]])
    assert info.value.field == "group_weights[0][1]"


# ---------------------------------------------------------------- coalitions


def test_coalitions_two_clear_blocs():
    rng = np.random.default_rng(2)
    a = np.array([0.6, 0.2, 0.1, 0.1])
    b = np.array([0.1, 0.1, 0.2, 0.6])
    gw = np.vstack(
        [a + rng.uniform(0, 0.02, 4) for _ in range(4)]
        + [b + rng.uniform(0, 0.02, 4) for _ in range(3)]
    )
    names = ["Skövde", "Lidköping", "Falköping", "Mariestad", "Tibro", "Hjo", "Töreboda"]
    order = [0, 4, 1, 5, 2, 6, 3]
    out = cf.coalitions(gw[order], [names[i] for i in order])
    assert out["k"] == 2
    assert out["clusters"] == [
        ["Skövde", "Lidköping", "Falköping", "Mariestad"],
        ["Tibro", "Hjo", "Töreboda"],
    ]
    assert out["labels"] == [0, 1, 0, 1, 0, 1, 0]
    assert out["silhouette"] > 0.7 and out["strength"] == ("stark", "strong")
    assert out["silhouette"] == max(out["silhouette_by_k"].values())
    assert "silhouette" in out["rule"] and out["linkage"] == "average"


def test_coalitions_silhouette_by_hand():
    gw = np.array([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.1, 0.2, 0.7]])
    out = cf.coalitions(gw, ["a", "b", "c"])
    assert out["k"] == 2 and out["clusters"] == [["a", "b"], ["c"]]
    d = cf.js_distance(gw)
    s_a = (d[0, 2] - d[0, 1]) / max(d[0, 2], d[0, 1])
    s_b = (d[1, 2] - d[1, 0]) / max(d[1, 2], d[1, 0])
    assert out["silhouette"] == pytest.approx((s_a + s_b + 0.0) / 3, abs=1e-12)


def test_coalitions_fallbacks():
    one = cf.coalitions([[0.5, 0.5]], ["a"])
    assert one["k"] == 1 and one["clusters"] == [["a"]] and one["silhouette"] == 0.0
    two = cf.coalitions([[0.9, 0.1], [0.1, 0.9]], ["a", "b"])
    assert two["k"] == 1 and two["clusters"] == [["a", "b"]]
    same = cf.coalitions([[0.3, 0.7]] * 5, list("abcde"))
    assert same["k"] == 1 and same["clusters"] == [list("abcde")]


@FAST
@given(profiles(min_g=1, max_g=15))
def test_coalitions_properties(gw):
    g = gw.shape[0]
    names = [f"k{i}" for i in range(g)]
    out = cf.coalitions(gw, names)
    assert 1 <= out["k"] <= max(1, min(6, g - 1))
    assert len(out["clusters"]) == out["k"]
    assert sorted(n for c in out["clusters"] for n in c) == sorted(names)
    assert -1 <= out["silhouette"] <= 1 and math.isfinite(out["silhouette"])
    assert len(out["labels"]) == g


@pytest.mark.parametrize(
    ("names", "field"),
    [
        (["a"], "names"),
        (["a", "a"], "names[1]"),
        (["a", ""], "names[1]"),
        ("ab", "names"),
        (["a", 2], "names[1]"),
    ],
)
def test_coalitions_bad_names(names, field):
    with pytest.raises(MCDAInputError) as info:
        cf.coalitions([[0.5, 0.5], [0.4, 0.6]], names)
    assert info.value.field == field


# ---------------------------------------------------------------- polarising


def test_polarising_by_hand():
    ranks = np.array([[1, 2, 3], [3, 2, 1], [2, 2, 3]])
    out = cf.polarising(ranks)
    # alternatives 2 and 0 both move 2 places; 2 has the larger SD (ranks 3, 1, 3)
    assert [d["alternative"] for d in out] == [2, 0, 1]
    a0 = out[1]
    assert a0["range"] == 2 and a0["sd"] == pytest.approx(np.std([1, 3, 2]))
    assert (a0["best_group"], a0["worst_group"]) == (0, 1)
    assert out[0]["best_group"] == 1 and out[0]["worst_group"] == 0
    assert (out[0]["best_rank"], out[0]["worst_rank"]) == (1, 3)
    assert out[2]["range"] == 0 and out[2]["sd"] == 0


def test_polarising_ties_and_single_group():
    out = cf.polarising([[1.5, 1.5, 3]])
    assert all(d["range"] == 0 and d["sd"] == 0 for d in out)


@pytest.mark.parametrize(
    ("ranks", "field"),
    [
        ([[1, 0]], "rank_matrix[0][1]"),
        ([[1, float("nan")]], "rank_matrix[0][1]"),
        ([1, 2], "rank_matrix"),
        (np.zeros((0, 3)), "rank_matrix"),
    ],
)
def test_polarising_bad(ranks, field):
    with pytest.raises(MCDAInputError) as info:
        cf.polarising(ranks)
    assert info.value.field == field
