"""Randomised comparison of the phasing MILP with an exact brute force (issue 22's closing
note): plans, budget-frontier points and infeasibility explanations on small random
instances with every rule kind, the budgets sometimes a hair below a sum of costs.

The brute force enumerates every assignment ((P + 1)^n) in exact arithmetic (fractions),
independent of the MILP. An explanation is checked for what it claims: the demands and rules
it names leave no plan with every other rule dropped (phase budgets kept only if it names
them), each rule it names as blocking is needed (dropping it alone lets the demands hold),
and "the cheapest investment" is the cheapest one not excluded by the reasons it lists.

The test runs a bounded sample; ``python -m tests.core.test_phasing_random 300`` runs more
and prints the counts.
"""

from __future__ import annotations

import itertools
import random
import sys
from fractions import Fraction

import numpy as np

from mcda.core import phasing, scenarios

MUNIS = ["A", "B", "C"]
LEVELS = (0.5, 0.8, 1.0, 1.3)


def gen(rng: random.Random) -> dict:
    n, P = rng.randint(2, 6), rng.randint(1, 3)
    costs = [float(rng.randint(0, 9)) if rng.random() < 0.8 else round(rng.uniform(0, 9), 1)
             for _ in range(n)]
    inst = {
        "values": [rng.randint(0, 20) / 4 for _ in range(n)],
        "costs": costs,
        "hosts": [rng.choice([*MUNIS, None]) for _ in range(n)],
        "earliest": [rng.choice([1, 1, 1, 2]) for _ in range(n)],
        "budgets": [float(rng.randint(0, 12)) for _ in range(P)],
        "names": [f"I{i}" for i in range(n)],
    }
    if rng.random() < 0.2:  # a budget a hair below a sum of costs
        p = rng.randrange(P)
        k = rng.randint(1, n)
        inst["budgets"][p] = max(0.0, sum(rng.sample(costs, k)) - rng.choice([1e-7, 1e-10]))
    prereq = []
    for i in range(1, n):
        if rng.random() < 0.25:
            j = rng.randrange(i)
            if inst["earliest"][j] <= inst["earliest"][i]:
                prereq.append((i, j))
    inst["prereq"] = prereq
    inst["rules"] = _rules(rng, n, P)
    return inst


def _rules(rng: random.Random, n: int, P: int) -> dict:
    rules: dict = {"municipalities": MUNIS}
    if rng.random() < 0.5:
        rules["min_one_by_phase"] = rng.randint(1, P)
    if rng.random() < 0.4:
        rules["max_share"] = rng.choice([0.4, 0.5, 0.7])
    pools = []
    for k in range(rng.choice([0, 0, 1, 2])):
        shares = {i: rng.choice([0.25, 0.5]) if k == 0 else 0.25
                  for i in range(n) if rng.random() < 0.5}
        pools.append({"name": f"P{k}", "budgets": [float(rng.randint(0, 6)) for _ in range(P)],
                      "shares": shares})
    if pools:
        rules["pools"] = pools
    pins = []
    for i in rng.sample(range(n), rng.randint(0, min(3, n))):
        kind = rng.choice(["in", "not_before", "never"])
        pins.append({"item": i, "kind": kind,
                     "phase": None if kind == "never" else rng.randint(1, P)})
    if pins:
        rules["pins"] = pins
    groups = []
    if n >= 2 and rng.random() < 0.5:
        groups.append({"name": "G1", "kind": "at_most_one",
                       "items": sorted(rng.sample(range(n), rng.randint(2, min(3, n))))})
    if rng.random() < 0.5:
        groups.append({"name": "G2", "kind": "at_least_one",
                       "items": sorted(rng.sample(range(n), rng.randint(1, min(3, n))))})
    if groups:
        rules["groups"] = groups
    return rules


# --------------------------------------------------------------------------- brute force


def _fr(x: float) -> Fraction:
    return Fraction(float(x))


def _ok_structure(combo, inst) -> bool:
    return all(not a or a >= inst["earliest"][i] for i, a in enumerate(combo))


def _ok_rule(combo, inst, rule) -> bool:  # noqa: C901, PLR0911 - one branch per rule kind
    kind, obj = rule
    costs, hosts, P = inst["costs"], inst["hosts"], len(inst["budgets"])
    if kind == "prereq":
        i, j = obj
        return not combo[i] or (combo[j] and combo[j] < combo[i])
    if kind == "min_one":
        m, by = obj
        return any(combo[i] and combo[i] <= by for i in range(len(combo)) if hosts[i] == m)
    if kind == "share":
        total = sum((_fr(costs[i]) for i, a in enumerate(combo) if a), Fraction(0))
        return all(sum((_fr(costs[i]) for i, a in enumerate(combo) if a and hosts[i] == m),
                       Fraction(0)) <= _fr(obj) * total for m in MUNIS)
    if kind == "pool":
        return all(sum((_fr(costs[i] * obj["shares"].get(i, 0.0))
                        for i, a in enumerate(combo) if a == p), Fraction(0))
                   <= _fr(obj["budgets"][p - 1]) for p in range(1, P + 1))
    if kind == "pin":
        a = combo[obj["item"]]
        return {"in": a == obj["phase"], "never": not a,
                "not_before": not a or a >= (obj["phase"] or 1)}[obj["kind"]]
    k = sum(1 for i in obj["items"] if combo[i])
    return k <= 1 if obj["kind"] == "at_most_one" else k >= 1


def all_rules(inst) -> list[tuple[str, object]]:
    r = inst["rules"]
    out: list[tuple[str, object]] = [("prereq", pr) for pr in inst["prereq"]]
    hosted = {h for h in inst["hosts"] if h}
    if r.get("min_one_by_phase"):
        out += [("min_one", (m, r["min_one_by_phase"])) for m in MUNIS if m in hosted]
    if r.get("max_share") is not None:
        out.append(("share", r["max_share"]))
    out += [("pool", p) for p in r.get("pools") or []]
    out += [("pin", p) for p in r.get("pins") or []]
    out += [("group", g) for g in r.get("groups") or []]
    return out


def _net(inst) -> list[Fraction]:
    pooled = [sum(p["shares"].get(i, 0.0) for p in inst["rules"].get("pools") or [])
              for i in range(len(inst["costs"]))]
    return [_fr(c * max(0.0, 1.0 - s)) for c, s in zip(inst["costs"], pooled, strict=True)]


def enumerate_plans(inst, rules):
    """Every assignment meeting ``rules`` (phase budgets aside): (combo, value, spend)."""
    n, P = len(inst["costs"]), len(inst["budgets"])
    net = _net(inst)
    out = []
    for combo in itertools.product(range(P + 1), repeat=n):
        if _ok_structure(combo, inst) and all(_ok_rule(combo, inst, r) for r in rules):
            spend = [sum((net[i] for i, a in enumerate(combo) if a == p), Fraction(0))
                     for p in range(1, P + 1)]
            out.append((combo, sum(inst["values"][i] for i, a in enumerate(combo) if a), spend))
    return out


def best(plans, budgets) -> float | None:
    bs = [_fr(b) for b in budgets] if budgets is not None else None
    vals = [v for _, v, s in plans if bs is None or all(x <= b for x, b in zip(s, bs,
                                                                             strict=True))]
    return max(vals) if vals else None


# --------------------------------------------------------------------------- checks


def _plan(inst, budgets=None):
    return phasing.plan(inst["values"], inst["costs"], inst["hosts"], inst["earliest"],
                        inst["prereq"], budgets or inst["budgets"], inst["rules"],
                        names=inst["names"])


def check_plan(res, inst, plans, budgets, errors, where):
    want = best(plans, budgets)
    if want is None:
        if res.status != "infeasible":
            errors.append(f"{where}: brute force infeasible, MILP {res.status}")
        return
    if res.status != "optimal" or abs(res.total_value - want) > 1e-9:
        errors.append(f"{where}: value {res.total_value} ({res.status}) != {want}")
        return
    combo = tuple(a or 0 for a in res.assignment)
    feasible = {c for c, _, s in plans}
    net = _net(inst)
    for p, b in enumerate(budgets, start=1):
        spent = sum((net[i] for i, a in enumerate(combo) if a == p), Fraction(0))
        if spent > _fr(b) or res.spend[p - 1] > b:
            errors.append(f"{where}: phase {p} spends {float(spent)!r} > {b!r}")
    if combo not in feasible:
        errors.append(f"{where}: plan {combo} breaks a rule")


def _named(inst, why) -> list[tuple[str, object]]:  # noqa: C901 - one branch per rule kind
    """The instance's rules that the explanation names (by its wording of each rule)."""
    r, names, out = inst["rules"], inst["names"], []
    for entry in why.rules:
        kind, en = entry["kind"], entry["en"]
        if kind == "min_one_by_phase":
            by = r["min_one_by_phase"]
            munis = ([m for m in MUNIS if f"investment in {m} by" in en] or
                     [m for m in MUNIS if m in {h for h in inst["hosts"] if h}])
            out += [("min_one", (m, by)) for m in munis]
        elif kind in ("pin", "never", "not_before"):
            out += [("pin", p) for p in r.get("pins") or [] if en.startswith(
                names[p["item"]] + " ")]
        elif kind in ("at_least_one", "at_most_one"):
            out += [("group", g) for g in r.get("groups") or [] if f" of {g['name']} " in en]
        elif kind == "pool":
            out += [("pool", p) for p in r.get("pools") or [] if f"pool {p['name']} " in
                    en + " "]
        elif kind == "max_share":
            out.append(("share", r["max_share"]))
        elif kind == "prerequisites":
            out += [("prereq", pr) for pr in inst["prereq"]]
    return out


def check_explanation(res, inst, errors, where, counts):
    why = res.infeasibility
    if why is None or not why.message_sv or not why.message_en:
        errors.append(f"{where}: infeasible without an explanation")
        return
    counts["explanations"] += 1
    named = _named(inst, why)
    generic = "prerequisite" in why.message_en or "'not before'" in why.message_en
    if generic:  # a quick check that names these kinds in general words
        named += [("prereq", pr) for pr in inst["prereq"]] + [
            ("pin", p) for p in inst["rules"].get("pins") or [] if p["kind"] != "in"]
    en = why.message_en
    named_budget = ("phase budget", "budget of phases", "phase's budget")
    budgets = inst["budgets"] if any(s in en for s in named_budget) else None
    if best(enumerate_plans(inst, named), budgets) is not None:
        errors.append(f"{where}: the rules named do not block: {en}")
        return
    if why.details and "kind" in why.details[0] and not generic:
        # the elastic explanation: every blocking rule named is needed
        demands = {"min_one_by_phase", "pin", "at_least_one"}
        for k, entry in enumerate(why.rules):
            if entry["kind"] in demands:
                continue
            drop = _named(inst, type(why)(**{**why.__dict__, "rules": [entry]}))
            rest = [x for x in named if x not in drop]
            if best(enumerate_plans(inst, rest), budgets) is None:
                errors.append(f"{where}: rule {k} ({entry['en']}) is not needed: {en}")
    _check_cheapest(inst, why, errors, where)


def _check_cheapest(inst, why, errors, where):
    for d in why.details:
        if "cheapest" not in d:
            continue
        net = _net(inst)
        excluded = {x["item"] for x in d["excluded"]}
        items = [i for i in range(len(inst["costs"])) if inst["hosts"][i] == d["municipality"]]
        cheaper = [inst["names"][i] for i in items if net[i] < _fr(d["cost"])]
        if not set(cheaper) <= excluded:
            errors.append(f"{where}: cheaper than {d['cheapest']}: {cheaper} not named")


def check_instance(inst, counts, errors, k):
    plans = enumerate_plans(inst, all_rules(inst))
    counts["instances"] += 1
    res = _plan(inst)
    counts["plans"] += 1
    check_plan(res, inst, plans, inst["budgets"], errors, f"#{k} plan")
    if res.status == "infeasible":
        check_explanation(res, inst, errors, f"#{k} plan", counts)
    fr = scenarios.frontier(inst["values"], inst["costs"], inst["hosts"], inst["earliest"],
                            inst["prereq"], inst["budgets"], inst["rules"],
                            names=inst["names"], levels=LEVELS)
    for row in fr:
        counts["frontier_points"] += 1
        b = row["budgets"]
        want = best(plans, b)
        got = row["total_value"]
        if (want is None) != (got is None) or (want is not None and abs(got - want) > 1e-9):
            errors.append(f"#{k} frontier {row['level']}: {got} != {want}")
        elif got is not None:
            net = _net(inst)
            for p, bp in enumerate(b, start=1):
                spent = sum((net[i] for i, a in enumerate(row["assignment"]) if a == p),
                            Fraction(0))
                if spent > _fr(bp):
                    errors.append(f"#{k} frontier {row['level']}: overrun in phase {p}")


def analysis_input(inst, overall_pct: float) -> dict:
    """The instance as a ``python -m mcda analyze`` input with one scenario holding its
    budgets and rules (by alternative id) and a cost change; one criterion, so the
    scenario's values are the scores' WSM values."""
    n, P = len(inst["costs"]), len(inst["budgets"])
    ids = [f"a{i}" for i in range(n)]
    req = {i: [] for i in range(n)}
    for i, j in inst["prereq"]:
        req[i].append(ids[j])
    alts = [{"id": ids[i], "name": inst["names"][i], "cost": inst["costs"][i],
             "host": inst["hosts"][i], "earliest_phase": inst["earliest"][i],
             "requires": req[i]} for i in range(n)]
    r = inst["rules"]
    rules = {"min_one_by_phase": r.get("min_one_by_phase"), "max_share": r.get("max_share"),
             "pools": [{"name": p["name"], "budgets": p["budgets"],
                        "shares": {ids[i]: s for i, s in p["shares"].items()}}
                       for p in r.get("pools") or []],
             "pins": [{"alternative": ids[p["item"]], "kind": p["kind"], "phase": p["phase"]}
                      for p in r.get("pins") or []],
             "groups": [{"name": g["name"], "kind": g["kind"],
                         "alternatives": [ids[i] for i in g["items"]]}
                        for g in r.get("groups") or []]}
    return {
        "criteria": [{"id": "c", "name": "C", "direction": "benefit"},
                     {"id": "d", "name": "D", "direction": "benefit"}],
        "alternatives": alts,
        "scores": {ids[i]: {"c": inst["values"][i] + 0.25, "d": 1.0 + i % 2}
                   for i in range(n)},
        "groups": {m: None for m in MUNIS},
        "municipalities": {m: None for m in MUNIS},
        "votes": [{"participant": f"p{m}", "group": m, "method": "points",
                   "values": {"c": 70, "d": 30}} for m in MUNIS],
        "options": {"methods": ["wsm"], "smaa": None, "sensitivity": None},
        "phases": [{"id": f"e{p + 1}", "budget": 1.0} for p in range(P)],
        "scenarios": [{"id": "s", "name": "S", "budgets": inst["budgets"], "rules": rules,
                       "cost_change": {"overall_pct": overall_pct}, "frontier": True}],
    }


def check_scenario(inst, counts, errors, k, overall_pct):
    """The analysis' scenario path (spec → rules by index → plan and frontier) against the
    brute force on the values, costs and budgets the scenario reports."""
    from mcda.core.analysis import analyze

    res = analyze(analysis_input(inst, overall_pct))["scenarios"]["results"][0]
    ids = [f"a{i}" for i in range(len(inst["costs"]))]
    scen = dict(inst, values=[res["values"][a] for a in ids],
                costs=[res["costs"][a] for a in ids], budgets=res["budgets"])
    plans = enumerate_plans(scen, all_rules(scen))
    counts["scenarios"] += 1
    want = best(plans, scen["budgets"])
    got = res["plan"]["total_value"] if res["status"] != "infeasible" else None
    if (want is None) != (got is None) or (want is not None and abs(got - want) > 1e-9):
        errors.append(f"#{k} scenario: {got} ({res['status']}) != {want}")
    for row in res.get("frontier") or []:
        counts["frontier_points"] += 1
        want = best(plans, row["budgets"])
        got = row["total_value"]
        if (want is None) != (got is None) or (want is not None and abs(got - want) > 1e-9):
            errors.append(f"#{k} scenario frontier {row['level']}: {got} != {want}")


def run(n_instances: int, seed: int = 22, scenario_every: int = 3) -> tuple[dict, list[str]]:
    rng = random.Random(seed)
    counts = {"instances": 0, "plans": 0, "frontier_points": 0, "explanations": 0,
              "scenarios": 0}
    errors: list[str] = []
    for k in range(n_instances):
        inst = gen(rng)
        check_instance(inst, counts, errors, k)
        if scenario_every and k % scenario_every == 0:
            check_scenario(inst, counts, errors, k, rng.choice([0.0, 10.0, -50.0]))
    return counts, errors


def test_random_instances_match_brute_force():
    counts, errors = run(25, scenario_every=5)
    assert errors == []
    assert counts["scenarios"] == 5
    assert counts["frontier_points"] == 25 * len(LEVELS) + 5 * len(scenarios.FRONTIER_LEVELS)


if __name__ == "__main__":
    np.seterr(all="ignore")
    c, e = run(int(sys.argv[1]) if len(sys.argv) > 1 else 300,
               int(sys.argv[2]) if len(sys.argv) > 2 else 22)
    print(c, "disagreements:", len(e))
    for line in e[:40]:
        print(" ", line)
