"""Issue 11 item 10: VIKOR's rounding noise and scores at the edge of the float range.

An independent check of the decision math found that VIKOR treated a range of rounding noise
as a real difference (weights ¼ computed as 0.25 / 0.24999999999999997 gave Q = (1, 0)), and
that min-max overflowed near 1.7e308 in TOPSIS and VIKOR (an all-tied ranking).
"""

import numpy as np
import pytest

from mcda.core import ranking
from mcda.core.analysis import analyze
from mcda.core.errors import MCDAInputError

NOISY_QUARTER = np.array([0.24999999999999997, 0.24999999999999997, 0.25, 0.25])
SYMMETRIC = np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
BENEFIT4 = np.ones(4, dtype=int)


def test_vikor_treats_rounding_noise_as_a_tie():
    res = ranking.vikor(SYMMETRIC, NOISY_QUARTER, BENEFIT4)
    assert res["scores"].tolist() == [0.0, 0.0]
    assert res["ranks"].tolist() == [1, 1]


def test_vikor_kernel_treats_rounding_noise_as_a_tie():
    """The kernel behind SMAA, sensitivity and per-group rankings agrees."""
    W = np.vstack([NOISY_QUARTER, [0.4, 0.1, 0.25, 0.25]])
    got = ranking.score_batch("vikor", SYMMETRIC, W, BENEFIT4)
    assert got[0].tolist() == [0.0, 0.0]
    assert got[1].tolist() == ranking.vikor(SYMMETRIC, W[1], BENEFIT4)["scores"].tolist()


def test_symmetric_votes_give_tied_vikor_ranks_in_analyze():
    """Votes (1, 1, 3, 3) and (3, 3, 1, 1): the region's weights are ¼ up to rounding."""
    crit = ["a", "b", "c", "d"]
    data = {
        "criteria": [{"id": c, "direction": "benefit"} for c in crit],
        "scores": {"x": {"a": 1, "b": 1, "c": 0, "d": 0}, "y": {"a": 0, "b": 0, "c": 1, "d": 1}},
        "votes": [
            {"participant": "p1", "group": "g", "method": "direct",
             "values": dict(zip(crit, (1, 1, 3, 3), strict=True))},
            {"participant": "p2", "group": "g", "method": "direct",
             "values": dict(zip(crit, (3, 3, 1, 1), strict=True))},
        ],
        "options": {"methods": ["vikor"], "smaa": {"samples": 10, "method": "vikor"},
                    "sensitivity": {"method": "vikor"}},
    }
    out = analyze(data)
    assert list(out["weights"].values()) == NOISY_QUARTER.tolist()
    assert out["rankings"]["vikor"]["scores"] == {"x": 0.0, "y": 0.0}
    assert out["rankings"]["vikor"]["ranks"] == {"x": 1, "y": 1}
    assert out["by_group_rankings"]["g"]["rankings"]["vikor"]["ranks"] == {"x": 1, "y": 1}
    assert out["sensitivity"]["tied_top"] is True


HUGE = np.array([[1.7e308, 1.0], [-1.7e308, 2.0], [0.0, 3.0]])
HUGE_SCALED = np.array([[1.7, 1.0], [-1.7, 2.0], [0.0, 3.0]])


@pytest.mark.parametrize("method", ["topsis", "vikor", "spotis", "promethee_ii"])
@pytest.mark.parametrize("types", [[1, 1], [-1, 1]])
def test_scores_near_float_max_rank_as_on_a_smaller_scale(method, types):
    """Min-max is scale-invariant: 1.7e308 must rank as 1.7 does (no overflow, no warning)."""
    t = np.array(types)
    w = np.array([0.5, 0.5])
    big = ranking.run(method, HUGE, w, t)
    small = ranking.run(method, HUGE_SCALED, w, t)
    assert big["ranks"].tolist() == small["ranks"].tolist()
    assert big["ranks"].tolist() != [1, 1, 1]  # not all tied
    np.testing.assert_allclose(big["scores"], small["scores"], rtol=1e-12)
    if method != "promethee_ii":
        np.testing.assert_allclose(ranking.score_batch(method, HUGE, w[None], t)[0],
                                   small["scores"], rtol=1e-12)


@pytest.mark.parametrize("method", ["wsm", "wpm", "copras", "topsis", "vikor"])
def test_subnormal_scores_rank_as_on_a_normal_scale(method):
    sub = np.array([[5e-324, 1.0], [1e-323, 2.0], [2e-323, 3.0]])
    normal = np.array([[0.25, 1.0], [0.5, 2.0], [1.0, 3.0]])
    t = np.array([-1, 1])
    assert (ranking.run(method, sub, [0.5, 0.5], t)["ranks"].tolist()
            == ranking.run(method, normal, [0.5, 0.5], t)["ranks"].tolist())


@pytest.mark.parametrize("method", ["wsm", "wpm", "copras"])
def test_a_cost_too_small_beside_the_others_names_the_cell(method):
    """1/x of 5e-324 beside 2 is infinite: the error names the cell, not the method."""
    m = np.array([[5e-324, 1.0], [1.0, 2.0], [2.0, 3.0]])
    with pytest.raises(MCDAInputError) as exc:
        ranking.run(method, m, [0.5, 0.5], [-1, 1], alternatives=["x", "y", "z"],
                    criteria=["kost", "nytta"])
    assert exc.value.field == "scores.x.kost"
    assert "x" in exc.value.message_sv and "kost" in exc.value.message_en


def test_ordinary_scores_are_left_bit_identical():
    m = np.array([[3.0, 420.0], [9.0, 35.0], [5.0, 160.0]])
    assert ranking.rescale_columns(m) is m
