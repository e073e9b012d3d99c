"""The per-criterion contributions behind the ranking chart add up to pymcdm's WSM scores."""

from __future__ import annotations

import numpy as np
import pytest

from mcda.core import ranking

M = [[8, 60, 5], [6, 45, 6], [5, 20, 8], [4, 30, 9]]
W = [0.5, 0.2, 0.3]
T = [1, -1, 1]


@pytest.mark.parametrize("norm", ["sum", "minmax", "max", "linear", "vector"])
def test_contributions_sum_to_the_wsm_scores(norm):
    contrib = np.array(ranking.wsm_contributions(M, W, T, normalization=norm))
    assert contrib.shape == (4, 3)
    scores = ranking.wsm(M, W, T, normalization=norm)["scores"]
    assert np.allclose(contrib.sum(axis=1), scores, atol=1e-12)
    # a criterion with weight zero contributes nothing
    zero = np.array(ranking.wsm_contributions(M, [0.7, 0.0, 0.3], T, normalization=norm))
    assert np.all(zero[:, 1] == 0)
