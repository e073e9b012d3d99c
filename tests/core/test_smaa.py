"""SMAA-2: vectorised kernel vs a plain pymcdm loop, reproducibility, and known answers."""

import numpy as np
import pytest

from mcda.core import ranking, smaa
from mcda.core.errors import MCDAInputError


def _problem(seed=0, n_alt=8, n_crit=5):
    rng = np.random.default_rng(seed)
    m = rng.integers(1, 10, (n_alt, n_crit)).astype(float)
    t = np.array([1, -1, 1, 1, -1][:n_crit])
    return m, t


@pytest.mark.parametrize("method", ranking.METHODS)
def test_vectorised_equals_pymcdm_loop(method):
    m, t = _problem(1)
    base, _ = smaa.draw("uniform", 150, 3, m.shape[1])
    kw = ranking.method_kwargs(method, {})
    a = smaa.smaa(m, t, base, method, kw)
    b = smaa.smaa(m, t, base, method, kw, kernel="loop")
    np.testing.assert_array_equal(a["rank_acceptability"], b["rank_acceptability"])
    np.testing.assert_allclose(a["central_weights"], b["central_weights"], atol=1e-12)
    np.testing.assert_array_equal(a["confidence"], b["confidence"])


@pytest.mark.parametrize("method", ["wsm", "topsis"])
def test_empirical_index_path_equals_full_samples_and_loop(method):
    m, t = _problem(2)
    rng = np.random.default_rng(5)
    P = rng.dirichlet(np.ones(5), size=30)
    groups = np.repeat(np.arange(3), 10)
    base, idx = smaa.draw("empirical", 400, 11, 5, weights=P, groups=groups)
    kw = ranking.method_kwargs(method, {})
    fast = smaa.smaa(m, t, base, method, kw, index=idx)
    full = smaa.smaa(m, t, base[idx], method, kw)
    loop = smaa.smaa(m, t, base, method, kw, kernel="loop", index=idx)
    for other in (full, loop):
        np.testing.assert_array_equal(fast["rank_acceptability"], other["rank_acceptability"])
        np.testing.assert_allclose(fast["central_weights"], other["central_weights"], atol=1e-12)
    assert fast["samples"] == 400


def test_same_seed_same_result_other_seed_differs():
    m, t = _problem(3)
    a = smaa.smaa(m, t, smaa.draw("uniform", 300, 7, 5)[0], "wsm")
    b = smaa.smaa(m, t, smaa.draw("uniform", 300, 7, 5)[0], "wsm")
    c = smaa.smaa(m, t, smaa.draw("uniform", 300, 8, 5)[0], "wsm")
    np.testing.assert_array_equal(a["rank_acceptability"], b["rank_acceptability"])
    assert not np.array_equal(a["rank_acceptability"], c["rank_acceptability"])


def test_acceptabilities_are_shares():
    m, t = _problem(4)
    res = smaa.smaa(m, t, smaa.draw("uniform", 500, 0, 5)[0], "topsis")
    acc = res["rank_acceptability"]
    np.testing.assert_allclose(acc.sum(axis=1), 1.0)
    assert np.all((acc >= 0) & (acc <= 1))
    assert res["first_counts"].sum() >= 500  # ties at the top count for every tied alternative


def test_uniform_weights_on_simplex():
    w, idx = smaa.draw("uniform", 20000, 1, 4)
    assert idx is None
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert np.all(w >= 0)
    np.testing.assert_allclose(w.mean(axis=0), 0.25, atol=0.01)  # Dirichlet(1) mean 1/n


def test_stratified_equal_voice_per_group():
    """A group of 1 and a group of 99 participants each get half of the samples."""
    P = np.vstack([np.eye(3)[0]] + [np.eye(3)[1]] * 99)
    groups = [0] + [1] * 99
    base, idx = smaa.draw("empirical", 1001, 0, 3, weights=P, groups=groups)
    counts = np.bincount(np.asarray(groups)[idx])
    assert counts.tolist() in ([501, 500], [500, 501])
    shares = smaa.stratified_counts(10, [1, 1, 1])
    assert shares.sum() == 10 and shares.max() - shares.min() <= 1
    assert smaa.stratified_counts(100, [3, 1]).tolist() == [75, 25]


def test_known_central_weights_two_by_two():
    """WSM, [[2,1],[1,2]] (sum-normalised 2/3,1/3): A1 wins iff w1 > w2, so with uniform
    weights b1 = 1/2 each and the central weight of A1 is E[w | w1 > w2] = (3/4, 1/4)."""
    m = np.array([[2.0, 1.0], [1.0, 2.0]])
    res = smaa.smaa(m, np.array([1, 1]), smaa.draw("uniform", 40000, 2, 2)[0], "wsm")
    np.testing.assert_allclose(res["rank_acceptability"][:, 0], [0.5, 0.5], atol=0.01)
    np.testing.assert_allclose(res["central_weights"][0], [0.75, 0.25], atol=0.01)
    np.testing.assert_allclose(res["central_weights"][1], [0.25, 0.75], atol=0.01)
    assert res["confidence"].tolist() == [1.0, 1.0]


def test_dominated_alternative_never_first_and_nan_central():
    m = np.array([[5.0, 5.0, 5.0], [4.0, 4.0, 4.0], [1.0, 9.0, 2.0]])
    res = smaa.smaa(m, np.array([1, 1, 1]), smaa.draw("uniform", 500, 0, 3)[0], "wsm")
    assert res["rank_acceptability"][1, 0] == 0.0
    assert np.isnan(res["central_weights"][1]).all()
    assert np.isnan(res["confidence"][1])
    assert res["holistic"][0] > res["holistic"][1]


def test_bad_modes():
    with pytest.raises(MCDAInputError):
        smaa.draw("normal", 10, 0, 3)
    with pytest.raises(MCDAInputError):
        smaa.draw("empirical", 10, 0, 3)
    m, t = _problem(0)
    with pytest.raises(MCDAInputError):
        smaa.smaa(m, t, smaa.draw("uniform", 10, 0, 5)[0], "wsm", kernel="gpu")
