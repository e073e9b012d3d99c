"""Published worked examples (``tests/data/reference/mcda_cases.json``) for weights and consensus.

Each test names the source recorded in the reference file. Cases about rankings (TOPSIS,
VIKOR) belong to the ranking module's tests.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from mcda.core import consensus, elicitation

# Copied from the steering repository's shared/reference (see tests/data/reference/SOURCE.md).
REF = Path(__file__).resolve().parents[1] / "data" / "reference" / "mcda_cases.json"


@pytest.fixture(scope="module")
def cases() -> dict[str, dict]:
    assert REF.is_file(), f"reference cases missing at {REF}"
    return {c["id"]: c for c in json.loads(REF.read_text(encoding="utf-8"))}


def test_ahp_saaty2008_drinks_weights_and_cr(cases):
    """Saaty (2008) Int. J. Services Sciences 1(1):83-98, drinks consumption matrix;
    4-dp weights and Donegan–Dodd CR as reproduced by AHPy (README and tests/test_ahp.py)."""
    case = cases["ahp_saaty2008_drinks"]
    exp, tol = case["expected"], case["tolerance"]
    res = elicitation.pairwise(case["input"]["matrix"])
    np.testing.assert_allclose(res.weights, exp["weights_3dp"], atol=tol["weights"])
    np.testing.assert_allclose(res.weights, exp["weights_4dp_AHPy"], atol=tol["weights_4dp"])
    # Published CR 0.022 with Saaty's RI (RI(7) = 1.32 in the 1980 table).
    assert res.random_index == "saaty1980"
    assert res.cr == pytest.approx(exp["CR_saaty2005_RI"], abs=tol["CR"])
    # AHPy's CR with the Donegan & Dodd (1991) RI(7) = 1.2519 pins λmax to ~4 digits.
    dd_ri7 = cases["ahp_random_index_tables"]["expected"]["donegan_dodd1991"]["7"]
    assert res.ci / dd_ri7 == pytest.approx(exp["CR_donegan_dodd_RI"], abs=tol["CR_dd"])
    assert res.lambda_max > 7


def test_ahp_os_manual_3x3_exact_eigenvector_and_wsm(cases):
    """Goepel, BPMSG AHP-OS user manual, section 6 'Download' csv example (3 criteria, 2
    alternatives). The published 6-dp weights come from AHP-OS's truncated power method, so
    an exact eigenvector is compared at the file's 5e-5 tolerance."""
    case = cases["ahp_os_manual_3x3"]
    tol = case["tolerance"]["vs_exact_eigenvector"]
    res = elicitation.pairwise(case["input"]["matrix"])
    np.testing.assert_allclose(res.weights, case["expected"]["weights"], atol=tol)
    local = np.array(case["input"]["alternative_local_priorities"])
    np.testing.assert_allclose(
        res.weights @ local, case["expected"]["total_alt_priorities_WSM"], atol=tol
    )


def test_ahp_os_manual_3x3_power_method_emulation_matches_to_1e6(cases):
    """Same AHP-OS manual example: emulating AHP-OS's stopping rule (stop when the squared
    change of the max-scaled vector < 1e-7) reproduces the published digits to 1e-6, which
    shows the matrix and our reading of the published numbers are right."""
    case = cases["ahp_os_manual_3x3"]
    a = elicitation.validate_pairwise_matrix(case["input"]["matrix"])
    v = np.ones(3)
    for _ in range(100):
        nxt = a @ v
        nxt = nxt / nxt.max()
        done = float(np.sum((nxt - v) ** 2)) < 1e-7
        v = nxt
        if done:
            break
    np.testing.assert_allclose(v / v.sum(), case["expected"]["weights"], atol=1e-6)


def test_ahp_rgmm_4x4_nth_root(cases):
    """Worked 'nth root of product' example (numpy-discussion post, A. Khouri 2011, quoting an
    AHP guide, probably Coyle 2004): row geometric mean weights to 3 dp."""
    case = cases["ahp_rgmm_4x4_nth_root"]
    exp, tol = case["expected"], case["tolerance"]
    a = np.array(case["input"]["matrix"])
    roots = np.prod(a, axis=1) ** 0.25
    np.testing.assert_allclose(roots, exp["nth_roots"], atol=tol["roots"])
    assert roots.sum() == pytest.approx(exp["sum_roots"], abs=tol["sum_roots"])
    res = elicitation.pairwise(a, priority="geometric")
    assert res.priority == "geometric"
    np.testing.assert_allclose(res.weights, exp["weights_rgmm"], atol=tol["weights"])
    # The source labels these "eigenvector" but they are not: the true EV differs.
    ev = elicitation.pairwise(a).weights
    assert np.max(np.abs(ev - res.weights)) > tol["weights"]


def test_ahp_rgmm_equals_eigenvector_for_n3(cases):
    """Crawford & Williams (1985) J. Math. Psychol. 29:387-405: for n = 3 the row geometric
    mean and the principal eigenvector coincide (matrix from the AHP-OS manual)."""
    case = cases["ahp_rgmm_equals_ev_n3"]
    m = case["input"]["matrix"]
    ev = elicitation.pairwise(m, priority="eigenvector").weights
    gm = elicitation.pairwise(m, priority="geometric").weights
    np.testing.assert_allclose(ev, gm, atol=case["tolerance"]["weights"])


@pytest.mark.parametrize(
    ("ours", "theirs"), [("saaty1980", "saaty1980"), ("alonso-lamata2006", "alonso_lamata2006")]
)
def test_random_index_tables_transcribed_exactly(cases, ours, theirs):
    """Saaty (1980) The Analytic Hierarchy Process, and Alonso & Lamata (2006) IJUFKS
    14(4):445-459 — RI tables as transcribed in the reference file (exact)."""
    table = cases["ahp_random_index_tables"]["expected"][theirs]
    for n_text, value in table.items():
        assert elicitation.random_index_value(int(n_text), ours) == value


def _extreme_participant(n: int, i: int, m: int = 9) -> np.ndarray:
    a = np.ones((n, n))
    for j in range(n):
        if j != i:
            a[i, j], a[j, i] = m, 1.0 / m
    return a


@pytest.mark.parametrize("n", [3, 4, 5, 7])
def test_goepel_consensus_validation(cases, n):
    """Goepel (2018) IJAHP 10(3) section 9 validation: k = n participants, each judging a
    different criterion M = 9 times more important than all others → S* = 0; identical
    participants → S* = 1 (AHP-OS AhpGroup.php getConsensus)."""
    case = cases["goepel_consensus_validation"]
    assert n in case["input"]["n_values"]
    tol = case["tolerance"]["abs"]
    w = np.array([elicitation.pairwise(_extreme_participant(n, i)).weights for i in range(n)])
    # each participant's priority vector is (M, 1, …, 1)/(n + M − 1), as the case says
    np.testing.assert_allclose(w[0, 0], 9 / (n + 8), atol=1e-12)
    assert consensus.s_star(w) == pytest.approx(case["expected"]["S_star_opposed"], abs=tol)
    same = np.repeat(w[:1], n, axis=0)
    assert consensus.s_star(same) == pytest.approx(
        case["expected"]["S_star_identical_participants"], abs=tol
    )


def test_goepel_formula_on_a_hand_case(cases):
    """Goepel (2018) eqs. 11-21 worked by hand with the formula quoted in the reference file
    (natural logs, M = 9) for two participants over three criteria."""
    w = np.array([[0.6, 0.3, 0.1], [0.2, 0.3, 0.5]])
    h = lambda p: -sum(x * np.log(x) for x in p)  # noqa: E731
    h_alpha = (h(w[0]) + h(w[1])) / 2
    h_gamma = h(w.mean(axis=0))
    hi, lo = 9 / 11, 1 / 11
    h_amin = -(hi * np.log(hi) + 2 * lo * np.log(lo))
    cor = np.exp(h_amin) / 3
    expected = (1 / np.exp(h_gamma - h_alpha) - cor) / (1 - cor)
    assert consensus.s_star(w) == pytest.approx(expected, abs=1e-12)
    assert 0 < expected < 1


def test_kendall_w_ansm5_diving(cases):
    """Sprent & Smeeton / Spencer, Applied Nonparametric Statistical Methods (5th ed.),
    Example 10.10 (6 divers, 3 judges); W = 0.63174603 as pinned in R package ANSM5 tests."""
    case = cases["kendall_w_ansm5_diving"]
    ranks = np.array(case["input"]["objects_x_raters_ranks"], dtype=float).T  # raters × objects
    n = ranks.shape[1]
    weights = (n + 1 - ranks) / (n + 1 - ranks).sum(axis=1, keepdims=True)  # rank 1 = heaviest
    w, p = consensus.kendall_w(weights)
    assert w == pytest.approx(case["expected"]["W"], abs=case["tolerance"]["abs"])
    # chi-square approximation: k(n−1)W on n−1 df
    from scipy.stats import chi2

    assert p == pytest.approx(chi2.sf(3 * 5 * w, 5), rel=1e-12)


@pytest.mark.parametrize("n", [3, 4, 5])
def test_surrogate_weights_published(cases, n):
    """ROC: Barron & Barrett (1996) Management Science 42(11):1515-1523 (4-dp tables from
    secondary sources); RS and RR: Stillwell, Seaver & Edwards (1981) OBHP 28:62-77 (exact)."""
    case = cases["surrogate_weights_roc_rs_rr"]
    exp, tol = case["expected"], case["tolerance"]
    roc = elicitation.surrogate_weights(n, "roc")
    np.testing.assert_allclose(roc, exp["ROC_4dp"][str(n)], atol=tol["ROC"])
    for method, key in (("rs", "RS_exact"), ("rr", "RR_exact")):
        want = [float(Fraction(x)) for x in exp[key][str(n)]]
        np.testing.assert_allclose(
            elicitation.surrogate_weights(n, method), want, atol=tol["RS/RR"], rtol=0
        )
    # exact ROC fractions from the case notes, e.g. n = 3: 11/18, 5/18, 1/9
    exact = [sum(Fraction(1, k) for k in range(i, n + 1)) / n for i in range(1, n + 1)]
    np.testing.assert_allclose(roc, [float(x) for x in exact], atol=1e-15)
    # ranking() with ranks 1..n in scrambled order gives the same weights, permuted
    perm = np.random.default_rng(n).permutation(n)
    np.testing.assert_allclose(elicitation.ranking(perm + 1), roc[perm], atol=1e-15)
