"""One-way weight sensitivity: analytic WSM intervals, numeric intervals for other methods."""

import numpy as np
import pytest

from mcda.core import ranking, sensitivity


def test_two_by_two_hand_computed():
    """WSM on [[2,1],[1,2]] (normalised 2/3,1/3): A1 is first iff w1 ≥ 1/2."""
    m = np.array([[2.0, 1.0], [1.0, 2.0]])
    res = sensitivity.one_way(m, np.array([0.6, 0.4]), np.array([1, 1]))
    assert res["top"] == 0 and res["tied_top"] is False
    c1, c2 = res["criteria"]
    assert c1["lo"] == pytest.approx(0.5, abs=1e-8) and c1["hi"] == 1.0
    assert c1["rival_lo"] == 1 and c1["rival_hi"] is None
    assert c2["lo"] == 0.0 and c2["hi"] == pytest.approx(0.5, abs=1e-8)
    assert c2["rival_hi"] == 1


def test_analytic_wsm_equals_numeric():
    rng = np.random.default_rng(3)
    m = rng.uniform(1, 10, (12, 6))
    t = np.array([1, -1, 1, -1, 1, 1])
    w = rng.dirichlet(np.ones(6))
    res = sensitivity.one_way(m, w, t, "wsm")
    for j, d in enumerate(res["criteria"]):
        score = ranking.make_scorer("wsm", m, t)
        lo, hi, r_lo, r_hi = sensitivity._numeric_interval("wsm", score, w, j, res["top"])
        assert d["lo"] == pytest.approx(lo, abs=1e-7)
        assert d["hi"] == pytest.approx(hi, abs=1e-7)
        assert d["lo"] <= d["weight"] <= d["hi"]
        if d["rival_lo"] is not None:
            assert d["rival_lo"] == r_lo
        if d["rival_hi"] is not None:
            assert d["rival_hi"] == r_hi


@pytest.mark.parametrize("method", ["topsis", "vikor", "promethee_ii", "copras"])
def test_numeric_interval_is_a_real_boundary(method):
    rng = np.random.default_rng(8)
    m = rng.uniform(1, 10, (7, 4))
    t = np.array([1, -1, 1, 1])
    w = rng.dirichlet(np.ones(4) * 3)
    kw = ranking.method_kwargs(method, {})
    res = sensitivity.one_way(m, w, t, method, kw)
    hib = ranking.HIGHER_IS_BETTER[method]
    top = res["top"]
    for j, d in enumerate(res["criteria"]):
        u = sensitivity._direction(w, j)
        assert d["lo"] <= d["weight"] + 1e-12 and d["weight"] <= d["hi"] + 1e-12
        for x, inside in ((d["lo"], True), (d["hi"], True),
                          (d["lo"] - 1e-6, d["lo"] == 0.0), (d["hi"] + 1e-6, d["hi"] == 1.0)):
            if not 0 <= x <= 1:
                continue
            s = ranking.score_batch(method, m, sensitivity._weights_at(np.array([x]), j, u), t,
                                    **kw)[0]
            assert (ranking.rank_scores(s, hib)[top] == 1) == inside


def test_weight_one_spreads_rest_equally():
    u = sensitivity._direction(np.array([1.0, 0.0, 0.0]), 0)
    assert u.tolist() == [0.0, 0.5, 0.5]
