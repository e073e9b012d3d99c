"""Consensus: Goepel's S*, Kendall's W, per-criterion statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from mcda.core import consensus as cs
from mcda.core.errors import MCDAInputError

FAST = settings(max_examples=50, deadline=None)


@st.composite
def weight_sets(draw, min_k=1, max_k=12, min_n=2, max_n=10):
    k = draw(st.integers(min_k, max_k))
    n = draw(st.integers(min_n, max_n))
    w = draw(hnp.arrays(float, (k, n), elements=st.floats(0.0, 1.0)))
    w[w.sum(axis=1) <= 1e-3, 0] = 1.0
    return w / w.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- S*


@FAST
@given(weight_sets(), st.randoms())
def test_s_star_properties(w, rnd):
    s = cs.s_star(w)
    assert 0.0 <= s <= 1.0 and math.isfinite(s)
    rows = list(range(w.shape[0]))
    rnd.shuffle(rows)
    cols = list(range(w.shape[1]))
    rnd.shuffle(cols)
    assert cs.s_star(w[rows][:, cols]) == pytest.approx(s, abs=1e-12)
    # identical participants → 1
    assert cs.s_star(np.repeat(w[:1], 4, axis=0)) == pytest.approx(1.0, abs=1e-12)


def test_s_star_single_participant_or_criterion():
    assert cs.s_star([[0.2, 0.8]]) == 1.0
    assert cs.s_star([[1.0], [1.0]]) == 1.0


def test_s_star_decreases_as_views_diverge():
    base = np.array([0.4, 0.35, 0.25])
    values = []
    for t in (0.0, 0.25, 0.5, 0.75):
        a = (1 - t) * base + t * np.array([0.9, 0.05, 0.05])
        b = (1 - t) * base + t * np.array([0.05, 0.05, 0.9])
        values.append(cs.s_star(np.array([a, b])))
    assert values[0] == pytest.approx(1.0)
    assert all(x > y for x, y in zip(values, values[1:], strict=False))


def test_s_star_clips_below_zero_for_extreme_points():
    """One-hot points allocations are more extreme than the 1–9 AHP scale allows; the raw
    formula is negative and S* is clipped to 0 (documented)."""
    w = np.eye(4)
    assert cs.s_star(w) == 0.0


def test_s_star_bad_input():
    with pytest.raises(MCDAInputError) as info:
        cs.s_star([[0.5, -0.5]])
    assert info.value.field == "weights[0][1]"
    with pytest.raises(MCDAInputError):
        cs.s_star(np.zeros((0, 3)))


@pytest.mark.parametrize(
    ("value", "en", "sv"),
    [
        (0.0, "very low", "mycket låg"),
        (0.4999, "very low", "mycket låg"),
        (0.5, "low", "låg"),
        (0.6249, "low", "låg"),
        (0.625, "moderate", "måttlig"),
        (0.75, "high", "hög"),
        (0.8749, "high", "hög"),
        (0.875, "very high", "mycket hög"),
        (1.0, "very high", "mycket hög"),
    ],
)
def test_s_star_label(value, en, sv):
    assert cs.s_star_label(value) == (sv, en)


@pytest.mark.parametrize("bad", [-0.1, 1.1, float("nan"), "0.5"])
def test_s_star_label_bad(bad):
    with pytest.raises(MCDAInputError) as info:
        cs.s_star_label(bad)
    assert info.value.field == "s_star"


# ---------------------------------------------------------------- Kendall W


def test_kendall_w_perfect_and_opposite():
    w = np.array([[0.5, 0.3, 0.2]] * 4)
    assert cs.kendall_w(w)[0] == pytest.approx(1.0)
    assert cs.kendall_w(w)[1] < 0.05
    opp = np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
    assert cs.kendall_w(opp) == (0.0, pytest.approx(1.0))


def test_kendall_w_tie_corrected_by_hand():
    """Ties: 3 raters, 4 objects, rater 2 ties objects 1 and 2 (t = 2 → 6)."""
    w = np.array([[0.4, 0.3, 0.2, 0.1], [0.35, 0.35, 0.2, 0.1], [0.3, 0.4, 0.2, 0.1]])
    r = np.array([[1, 2, 3, 4], [1.5, 1.5, 3, 4], [2, 1, 3, 4]])
    col = r.sum(axis=0)
    s = np.sum((col - col.mean()) ** 2)
    expected = 12 * s / (9 * (64 - 4) - 3 * 6)
    big_w, p = cs.kendall_w(w)
    assert big_w == pytest.approx(expected, abs=1e-12)
    assert p == pytest.approx(stats.chi2.sf(3 * 3 * expected, 3), rel=1e-12)


def test_kendall_w_float_noise_counts_as_tie():
    w = np.array([[0.1 + 0.2, 0.3, 0.4], [0.3, 0.3, 0.4]])
    w2 = np.array([[0.3, 0.3, 0.4], [0.3, 0.3, 0.4]])
    assert cs.kendall_w(w) == cs.kendall_w(w2)


def test_kendall_w_degenerate_cases_never_nan():
    assert cs.kendall_w([[0.5, 0.5]]) == (1.0, 1.0)  # one rater
    assert cs.kendall_w([[1.0], [1.0]]) == (1.0, 1.0)  # one criterion
    assert cs.kendall_w([[0.5, 0.5], [0.5, 0.5]]) == (1.0, 1.0)  # everyone ties everything
    w, p = cs.kendall_w([[0.5, 0.5], [0.7, 0.3]])  # one rater fully tied, one not
    assert 0 <= w <= 1 and 0 <= p <= 1


@FAST
@given(weight_sets(min_k=2), st.randoms())
def test_kendall_w_properties(w, rnd):
    big_w, p = cs.kendall_w(w)
    assert 0.0 <= big_w <= 1.0 and 0.0 <= p <= 1.0
    assert math.isfinite(big_w) and math.isfinite(p)
    rows = list(range(w.shape[0]))
    rnd.shuffle(rows)
    cols = list(range(w.shape[1]))
    rnd.shuffle(cols)
    w2, p2 = cs.kendall_w(w[rows][:, cols])
    assert w2 == pytest.approx(big_w, abs=1e-12) and p2 == pytest.approx(p, abs=1e-12)


def test_kendall_w_equals_friedman_relation():
    """W = χ²_Friedman / (k(n − 1)) (no ties), cross-checked with scipy's Friedman test."""
    rng = np.random.default_rng(7)
    w = rng.dirichlet(np.ones(5), size=8)
    big_w, p = cs.kendall_w(w)
    chi, p_f = stats.friedmanchisquare(*(-w).T)
    assert big_w == pytest.approx(chi / (8 * 4), rel=1e-10)
    assert p == pytest.approx(p_f, rel=1e-10)


# ---------------------------------------------------------------- criterion stats


def test_criterion_stats_by_hand():
    w = np.array([[0.6, 0.4], [0.4, 0.6], [0.2, 0.8], [0.0, 1.0]])
    out = cs.criterion_stats(w, ["A", "A", "B", "B"])
    c0 = out[0]
    assert c0["index"] == 0 and c0["mean"] == pytest.approx(0.3)
    assert c0["sd"] == pytest.approx(np.std([0.6, 0.4, 0.2, 0.0], ddof=1))
    assert c0["iqr"] == pytest.approx(np.percentile([0.6, 0.4, 0.2, 0], 75) - 0.15)
    # group means 0.5, 0.1; between SS = 2·0.2² + 2·0.2² = 0.16; total SS = 0.2
    assert c0["between_share"] == pytest.approx(0.8)
    f = (0.16 / 1) / (0.04 / 2)
    assert c0["between_p"] == pytest.approx(stats.f.sf(f, 1, 2))
    assert out[1]["between_share"] == pytest.approx(0.8)


def test_criterion_stats_matches_scipy_anova():
    rng = np.random.default_rng(11)
    w = rng.dirichlet(np.ones(4), size=30)
    groups = [f"k{i % 4}" for i in range(30)]
    out = cs.criterion_stats(w, groups)
    for j, row in enumerate(out):
        res = stats.f_oneway(*(w[[g == f"k{t}" for g in groups], j] for t in range(4)))
        assert row["between_p"] == pytest.approx(res.pvalue, rel=1e-9)


def test_criterion_stats_degenerate():
    out = cs.criterion_stats([[0.5, 0.5]], ["A"])
    assert out[0]["sd"] == 0.0 and out[0]["between_share"] == 0.0 and out[0]["iqr"] == 0.0
    same = cs.criterion_stats([[0.5, 0.5]] * 3, ["A", "B", "B"])
    assert same[0]["between_share"] == 0.0 and same[0]["between_p"] == 1.0
    one_each = cs.criterion_stats([[0.6, 0.4], [0.2, 0.8]], ["A", "B"])
    assert one_each[0]["between_share"] == pytest.approx(1.0)
    assert one_each[0]["between_p"] == 1.0  # not testable: no within-group df
    for row in same + one_each + out:
        assert all(math.isfinite(v) for v in row.values())


@FAST
@given(weight_sets(min_k=1), st.randoms())
def test_criterion_stats_properties(w, rnd):
    k = w.shape[0]
    groups = [rnd.choice("ABC") for _ in range(k)]
    out = cs.criterion_stats(w, groups)
    assert len(out) == w.shape[1]
    for row in out:
        assert 0 <= row["between_share"] <= 1 and 0 <= row["between_p"] <= 1
        assert row["sd"] >= 0 and row["iqr"] >= 0
        assert all(math.isfinite(v) for v in row.values())
    # relabelling groups or permuting participants changes nothing
    rows = list(range(k))
    rnd.shuffle(rows)
    again = cs.criterion_stats(w[rows], [groups[i].lower() for i in rows])
    for a, b in zip(out, again, strict=True):
        for key in ("mean", "sd", "iqr", "between_share"):
            assert a[key] == pytest.approx(b[key], abs=1e-9)
        # an F-test p-value near a perfect split is ill-conditioned (F → ∞): 1e-6 is enough
        assert a["between_p"] == pytest.approx(b["between_p"], abs=1e-6)


@pytest.mark.parametrize(
    ("groups", "field"),
    [
        (["A"], "groups"),
        (["A", ""], "groups[1]"),
        (["A", 3], "groups[1]"),
        ("AB", "groups"),
        (None, "groups"),
    ],
)
def test_criterion_stats_bad_groups(groups, field):
    with pytest.raises(MCDAInputError) as info:
        cs.criterion_stats([[0.5, 0.5], [0.4, 0.6]], groups)
    assert info.value.field == field
