"""The one anonymity rule (``mcda.core.disclosure``): unit tests and a hypothesis property test.

The property test generates rounds with small municipalities and, under every within and
between rule, analyses them the way the app publishes them (pool, analyse, scrub). It checks
every published figure: no pooled municipality's name, population or size, no individual rows
of the pool, no spread of fewer than 10 values; it tries the differencing attack of issue 13
(regional weights under the equal, participants and population rules minus the published
municipalities) and shows the pooled municipalities are indistinguishable: moving a vote from
one pooled municipality to another leaves every published figure unchanged.
"""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcda.core import disclosure
from mcda.core.analysis import analyze

NAMES = ["Aname", "Bname", "Cname", "Dname", "Ename", "Fname"]
POPS = {g: 10007 + 7919 * i for i, g in enumerate(NAMES)}  # distinctive numbers
CRITS = ["c1", "c2", "c3"]
WITHIN = ("mean", "geometric", "median")
BETWEEN = ("equal", "participants", "population")


def published(data: dict, k: int) -> dict | None:
    """What the app publishes for an analysis input (store.analysis_cache.analyze_published
    after analysis_input.build_input)."""
    plan = disclosure.plan_for_votes(data["votes"], k)
    pooled = disclosure.pool_input(data, plan)
    if not pooled["votes"]:
        return None
    return disclosure.scrub_output(analyze(json.loads(json.dumps(pooled))), len(pooled["votes"]))


def make_input(counts: dict[str, int], weights: list[list[float]], within: str, between: str,
               scores: bool = False) -> dict:
    votes, i = [], 0
    for g, n in counts.items():
        for _ in range(n):
            votes.append({"participant": i + 1, "group": g, "method": "direct",
                          "values": dict(zip(CRITS, weights[i], strict=True))})
            i += 1
    data = {
        "criteria": [{"id": c, "name": c.upper(), "direction": "benefit"} for c in CRITS],
        "votes": votes,
        "groups": {g: {"population": POPS[g]} for g in counts if counts[g] > 0},
        "options": {"within_group": within, "between_groups": between, "smaa": None},
    }
    if scores:
        data["alternatives"] = [{"id": a, "name": a} for a in ("x", "y", "z")]
        data["scores"] = {"x": {"c1": 9, "c2": 2, "c3": 4}, "y": {"c1": 3, "c2": 8, "c3": 5},
                          "z": {"c1": 5, "c2": 5, "c3": 9}}
    return data


def _flat_numbers(obj) -> list[float]:
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _flat_numbers(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in _flat_numbers(v)]
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return []
    return [float(obj)]


def _close(a, b, tol=1e-9) -> bool:
    """Published outputs equal up to float rounding (meta versions ignored)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        return all(k == "versions" or _close(a.get(k), b.get(k), tol) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol)
    return a == b



def naive_differencing(outs: dict[str, dict], counts: dict[str, int], hidden: str) -> np.ndarray:
    """Issue 13's attack: the attacker knows every municipality's true size and population
    and reads the published regional weights under the three rules and the published
    municipalities' weights; two or three linear equations in the unknown groups' means,
    solved by least squares. Returns the attacker's estimate of ``hidden``'s mean."""
    shown = {g: np.array([outs["equal"]["groups"][g]["weights"][c] for c in CRITS])
             for g in outs["equal"]["groups"] if g in counts}
    unknown = [g for g in counts if counts[g] > 0 and g not in shown]
    idx = {g: i for i, g in enumerate(unknown)}
    rows, rhs = [], []
    for between, out in outs.items():
        region = np.array([out["weights"][c] for c in CRITS])
        coef = {g: {"equal": 1.0, "participants": float(counts[g]),
                    "population": float(POPS[g])}[between] for g in counts if counts[g] > 0}
        total = sum(coef.values())
        row = np.zeros(len(unknown))
        for g in unknown:
            row[idx[g]] = coef[g]
        rows.append(row)
        rhs.append(region * total - sum(coef[g] * shown[g] for g in shown))
    sol, *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    return sol[idx[hidden]]


# --- unit tests -----------------------------------------------------------------------------


def test_plan_primary_secondary_and_pool():
    p = disclosure.plan({"A": 1, "B": 5, "C": 3, "D": 0}, 3)
    assert p.primary == {"A"} and p.secondary == {"C"}
    assert p.visible == ("B",) and p.pool_n == 4 and p.pool_shown
    assert p.group_of("A") == p.group_of("C") == disclosure.POOL and p.group_of("B") == "B"
    assert p.published_counts() == {"B": 5, disclosure.POOL: 4}
    p = disclosure.plan({"A": 1, "B": 2, "C": 9}, 3)
    assert p.primary == {"A", "B"} and not p.secondary and p.pool_n == 3
    assert disclosure.plan({"A": 4, "B": 3}, 3).pooled == frozenset()


def test_round_under_k_publishes_nothing():
    p = disclosure.plan({"A": 1, "B": 1}, 3)
    assert not p.released and p.visible == () and p.group_of("A") is None
    assert disclosure.pool_votes([{"group": "A"}, {"group": "B"}], p) == []
    assert p.published_counts() == {}


def test_pool_input_sums_population_and_filters_paths():
    data = make_input({"Aname": 1, "Bname": 3, "Cname": 4}, [[1, 1, 1]] * 8, "mean", "population")
    data["options"]["phasing"] = {"paths": ["Aname", "Cname"]}
    out = disclosure.pool_input(data, disclosure.plan_for_votes(data["votes"], 3))
    assert set(out["groups"]) == {"Cname", disclosure.POOL}
    assert out["groups"][disclosure.POOL] == {"population": POPS["Aname"] + POPS["Bname"]}
    assert out["options"]["phasing"]["paths"] == ["Cname"]
    assert [v["group"] for v in out["votes"]] == ["Cname"] * 4 + [disclosure.POOL] * 4


def test_scrub_removes_pool_rows_population_and_small_spreads():
    data = make_input({"Aname": 1, "Bname": 3, "Cname": 4}, np.random.default_rng(1).uniform(
        0.1, 1, (8, 3)).tolist(), "mean", "population")
    out = published(data, 3)
    assert {v["group"] for v in out["votes"]} == {"Cname"}
    assert out["groups"][disclosure.POOL]["population"] is None
    assert all(st["sd"] is None and st["iqr"] is None
               for st in out["consensus"]["criteria"].values())  # 8 < 10 values


def test_role_figures_only_when_every_cell_has_k_or_none():
    """Intersection differencing: Hjo has only officials (2 + 3 here): with Hjo's figure and
    the officials' figure, Vara's officials (one voter) would follow, so no role figure."""
    def votes(cells):
        return [{"group": g, "role": r} for (g, r), n in cells.items() for _ in range(n)]
    risky = {("Hjo", "tjansteperson"): 5, ("Vara", "tjansteperson"): 1,
             ("Vara", "fortroendevald"): 4}
    assert not disclosure.roles_publishable(votes(risky), 3)
    safe = {("Hjo", "tjansteperson"): 5, ("Vara", "tjansteperson"): 3,
            ("Vara", "fortroendevald"): 4}
    assert disclosure.roles_publishable(votes(safe), 3)
    assert not disclosure.roles_publishable([{"group": "Hjo"}] * 5, 3)  # no role at all
    # scrub_output keeps a by_role computed from such votes
    out = disclosure.scrub_output({"votes": [], "groups": {}, "by_role": {"groups": {}}}, 12)
    assert "by_role" in out


def test_spreads_kept_from_ten_values():
    data = make_input({"Aname": 5, "Bname": 5}, np.random.default_rng(2).uniform(
        0.1, 1, (10, 3)).tolist(), "mean", "equal")
    out = published(data, 3)
    assert all(st["sd"] is not None for st in out["consensus"]["criteria"].values())
    assert disclosure.may_show_spread(10) and not disclosure.may_show_spread(9)


def test_participant_region_gate():
    # k = 3: at least 6 others in at least two published municipalities
    assert not disclosure.participant_may_see_region(disclosure.plan({"A": 3}, 3), True)
    assert not disclosure.participant_may_see_region(disclosure.plan({"A": 3, "B": 3}, 3), True)
    assert disclosure.participant_may_see_region(disclosure.plan({"A": 3, "B": 4}, 3), True)
    assert disclosure.participant_may_see_region(disclosure.plan({"A": 3, "B": 3}, 3), False)
    # one big municipality plus a pool: only one published municipality
    assert not disclosure.participant_may_see_region(disclosure.plan({"A": 9, "B": 1}, 3), True)


def test_k_only_raised_once_there_are_votes():
    assert disclosure.k_change_allowed(3, 1, has_votes=False)
    assert disclosure.k_change_allowed(3, 5, has_votes=True)
    assert disclosure.k_change_allowed(3, 3, has_votes=True)
    assert not disclosure.k_change_allowed(3, 2, has_votes=True)


def test_core_module_is_pure():
    from pathlib import Path

    src = Path(disclosure.__file__).read_text("utf-8")
    for banned in ("flask", "sqlite", "import numpy"):
        assert banned not in src


# --- the property test ----------------------------------------------------------------------


@st.composite
def rounds(draw):
    """A round with at least one municipality under k and at least k voters in all."""
    k = draw(st.integers(min_value=2, max_value=4))
    n_groups = draw(st.integers(min_value=2, max_value=5))
    counts = {g: draw(st.integers(min_value=1, max_value=k + 2)) for g in NAMES[:n_groups]}
    small = draw(st.sampled_from(sorted(counts)))
    counts[small] = draw(st.integers(min_value=1, max_value=k - 1))
    if sum(counts.values()) < k:
        counts[NAMES[n_groups]] = k
    n = sum(counts.values())
    weights = draw(st.lists(
        st.lists(st.floats(min_value=0.05, max_value=1.0, allow_nan=False), min_size=3,
                 max_size=3),
        min_size=n, max_size=n))
    # distinct voters (identical weightings would make any guess "right")
    weights = [[x + 0.031 * (i + 1) * (j + 1) for j, x in enumerate(w)]
               for i, w in enumerate(weights)]
    scores = draw(st.booleans())
    return k, counts, weights, scores


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_published_figures_never_isolate_a_small_municipality(case):
    k, counts, weights, scores = case
    plan = disclosure.plan(counts, k)
    hidden = sorted(plan.pooled)
    assert hidden, "the generator makes at least one municipality under k"
    for within in WITHIN:
        outs = {}
        for between in BETWEEN:
            data = make_input(counts, weights, within, between, scores)
            out = published(data, k)
            assert out is not None
            text = json.dumps(out, ensure_ascii=False)
            numbers = _flat_numbers(out)
            # no name, population (own or pooled) or individual row of a pooled municipality
            for g in hidden:
                assert g not in text, (g, within, between)
                assert all(not math.isclose(x, POPS[g]) for x in numbers)
            pool_pop = sum(POPS[g] for g in hidden)
            assert all(not math.isclose(x, pool_pop) for x in numbers)
            assert all(v["group"] in plan.visible for v in out["votes"])
            # every published group rests on at least k voters; the sizes are the plan's
            assert {g: info["n"] for g, info in out["groups"].items()} == \
                plan.published_counts()
            assert all(info["n"] >= k for info in out["groups"].values())
            # no spread over fewer than 10 values
            if len(data["votes"]) < disclosure.MIN_SPREAD_VALUES:
                assert all(s["sd"] is None and s["iqr"] is None
                           for s in out["consensus"]["criteria"].values())
            outs[between] = out
        # the differencing attack of the issue (with the attacker knowing every true size and
        # population) does not give any small municipality's mean
        for g in plan.primary:
            truth = np.array(weights[_offset(counts, g)]) / sum(weights[_offset(counts, g)])
            if counts[g] == 1:
                guess = naive_differencing(outs, counts, g)
                assert not np.allclose(guess, truth, atol=1e-6), (g, within)
        # indistinguishability: swap one vote between two pooled municipalities; every
        # published figure under every rule stays the same, so nothing published can tell
        # the pooled municipalities (or their voters) apart
        if len(hidden) >= 2:
            a, b = _offset(counts, hidden[0]), _offset(counts, hidden[1])
            swapped = [list(w) for w in weights]
            swapped[a], swapped[b] = swapped[b], swapped[a]
            for between in BETWEEN:
                again = published(make_input(counts, swapped, within, between, scores), k)
                assert _close(_canonical(again), _canonical(outs[between])), (within, between)


def _offset(counts: dict[str, int], g: str) -> int:
    """Index of municipality ``g``'s first voter in the generated weights."""
    i = 0
    for name, n in counts.items():
        if name == g:
            return i
        i += n
    raise KeyError(g)


def _canonical(out: dict) -> dict:
    """The published output without the participant numbering (rows are published for the
    visible municipalities only, which the swap does not touch)."""
    out = json.loads(json.dumps(out))
    out.pop("votes", None)
    return out


def test_the_differencing_attack_is_real_without_pooling():
    """Control: on an analysis of the raw groups (the code before the rule: hidden groups only
    left out of the tables), the same attack returns the small voter's weights exactly, so the
    property test's attack can succeed and its failure above means something."""
    counts = {"Aname": 1, "Bname": 3, "Cname": 3}  # issue 13: k = 3, one voter at 10:1:1
    weights = [[10, 1, 1], [2, 5, 3], [1, 6, 3], [3, 4, 3], [4, 4, 2], [5, 3, 2], [3, 3, 4]]
    plan = disclosure.plan(counts, 3)
    outs = {}
    for between in BETWEEN:
        out = analyze(make_input(counts, weights, "mean", between))
        out["groups"] = {g: i for g, i in out["groups"].items() if g not in plan.pooled}
        outs[between] = out
    guess = naive_differencing(outs, counts, "Aname")
    assert np.allclose(guess, np.array([10, 1, 1]) / 12, atol=1e-9)
    # … and on the published (pooled) analysis it does not
    outs = {b: published(make_input(counts, weights, "mean", b), 3) for b in BETWEEN}
    assert not np.allclose(naive_differencing(outs, counts, "Aname"), np.array([10, 1, 1]) / 12,
                           atol=1e-3)


# --- the second grouping: roles (issue 14 item 3) ---------------------------------------------


def _role_votes(spec: dict[str | None, int]) -> list[dict]:
    out = []
    for role, n in spec.items():
        for _ in range(n):
            out.append({"group": "Skövde", "role": role} if role else {"group": "Skövde"})
    return out


def test_role_plan_pools_small_roles_and_tops_the_pool_up_to_k():
    votes = _role_votes({"fortroendevald": 5, "tjansteperson": 4, "forskare": 1, None: 3})
    p = disclosure.role_plan(votes, 3)
    assert p.primary == {"forskare"}
    # forskare (1) alone is under k: the smallest other group (no role, 3) joins the pool
    assert p.secondary == {disclosure.NO_ROLE}
    pooled = disclosure.pool_roles(votes, p)
    roles = [v.get("role") for v in pooled]
    assert roles.count("fortroendevald") == 5 and roles.count("tjansteperson") == 4
    assert roles.count(disclosure.ROLE_POOL) == 4 and "forskare" not in roles


def test_role_plan_leaves_a_large_no_role_group_out_of_every_role():
    votes = _role_votes({"fortroendevald": 3, "tjansteperson": 3, None: 4})
    pooled = disclosure.pool_roles(votes, disclosure.role_plan(votes, 3))
    assert [v.get("role") for v in pooled].count(None) == 4
    assert all("role" not in v for v in pooled if v.get("role") is None)


def test_role_plan_under_k_publishes_no_role():
    votes = _role_votes({"fortroendevald": 1, None: 1})
    pooled = disclosure.pool_roles(votes, disclosure.role_plan(votes, 3))
    assert all("role" not in v for v in pooled)


def test_median_of_a_small_group_is_never_one_voters_answer():
    """Found by the property test: under within_group = median, a group of 3 published the
    middle voter's exact weights. Groups under MIN_QUANTILE_VALUES voters use the mean."""
    from mcda.core.analysis import analyze
    from mcda.core.constants import MIN_QUANTILE_VALUES

    votes = [[0.531, 0.6245, 1.093], [0.312, 0.374, 1.186], [0.593, 0.686, 1.279]]
    data = {
        "criteria": [{"id": c, "name": c, "direction": "benefit"} for c in CRITS],
        "votes": [{"participant": f"p{i}", "group": "A", "method": "direct",
                   "values": dict(zip(CRITS, v, strict=True))} for i, v in enumerate(votes)],
        "options": {"within_group": "median"},
    }
    out = analyze(data)
    got = np.array([out["groups"]["A"]["weights"][c] for c in CRITS])
    for v in votes:
        assert not np.allclose(got, np.array(v) / sum(v), atol=1e-6)
    mean = np.mean([np.array(v) / sum(v) for v in votes], axis=0)
    np.testing.assert_allclose(got, mean / mean.sum(), atol=1e-12)
    assert f"fewer than {MIN_QUANTILE_VALUES} voters" in out["meta"]["descriptions"][
        "groups.weights"]
