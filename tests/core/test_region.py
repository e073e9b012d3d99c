"""mcda.core.region: the tablet's region weights equal the two-level rule by hand."""

import numpy as np
import pytest

from mcda.core import region


def _votes(rows):
    return [{"municipality": m, "weights": {"1": a, "2": b}} for m, a, b in rows]


def test_region_weights_are_the_mean_of_municipality_means_and_the_sample_sd():
    votes = _votes([("A", 0.8, 0.2)] * 5 + [("B", 0.2, 0.8)] * 4 + [("B", 0.5, 0.5)])
    weights, sd = region.region_weights(votes, [1, 2], k=3)
    b = (0.2 * 4 + 0.5) / 5
    assert weights == pytest.approx({"1": (0.8 + b) / 2, "2": (0.2 + 1 - b) / 2})
    col = [0.8] * 5 + [0.2] * 4 + [0.5]
    assert sd["1"] == pytest.approx(float(np.std(col, ddof=1)))
    # fewer than ten values: no spread at all (a spread of few values is theirs)
    assert region.region_weights(votes[1:], [1, 2], k=3)[1] == {}


def test_a_small_pool_is_left_out_of_the_tablet_spread_and_quantiles():
    """Issue 24, A1: the pool's voters (C and D, pooled under k = 2, 2 < 10) never enter a
    spread or a quantile; its combined weights still count in the region."""
    pub = [("A", 0.8, 0.2)] * 6 + [("B", 0.3, 0.7)] * 4
    one = _votes(pub + [("C", 0.9, 0.1), ("D", 0.1, 0.9)])
    two = _votes(pub + [("C", 0.5, 0.5), ("D", 0.5, 0.5)])  # same pool mean, other voters
    assert region.region_weights(one, [1, 2], k=2) == region.region_weights(two, [1, 2], k=2)
    assert region.weight_quantiles(one, [1, 2], k=2) == region.weight_quantiles(two, [1, 2], k=2)
    assert region.weight_quantiles(one, [1, 2], k=2) == region.weight_quantiles(_votes(pub), [1, 2])
    assert region.weight_quantiles(one[1:], [1, 2], k=2) == {}  # nine values left


def test_groups_under_k_are_pooled_not_counted_alone():
    # C (1 voter) and D (1 voter) are pooled into one group; A stands alone.
    votes = _votes([("A", 1.0, 0.0)] * 3 + [("C", 0.0, 1.0), ("D", 0.0, 1.0), ("E", 0.0, 1.0)])
    weights, _sd = region.region_weights(votes, [1, 2], k=3)
    assert weights == pytest.approx({"1": 0.5, "2": 0.5})


def test_no_votes_gives_nothing():
    assert region.region_weights([], [1, 2], k=3) == (None, {})


def test_weight_quantiles_match_numpy_linear_rule():
    votes = _votes([("A", x, 1 - x) for x in (0.1, 0.4, 0.2, 0.9)])
    q = region.weight_quantiles(votes, [1], qs=(0.1, 0.5, 0.75))
    assert q["1"] == pytest.approx([0.13, 0.3, 0.525])
    assert region.weight_quantiles([], [1]) == {"1": [0.0] * 5}


def test_within_group_sd_is_the_mean_sample_sd_and_hidden_below_ten():
    rows = [{"1": x, "2": 1 - x} for x in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.5)]
    votes = [("A", r) for r in rows] + [("B", {"1": 0.5, "2": 0.5})] * 3
    out = region.within_group_sd(votes, ["A", "B"])
    col = [r["1"] for r in rows]
    assert out["A"] == pytest.approx(float(np.std(col, ddof=1)))
    assert out["B"] is None
