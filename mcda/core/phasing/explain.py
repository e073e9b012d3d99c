"""Growth phases: why no plan satisfies the rules.

The empty plan satisfies every rule except ``min_one_by_phase`` and the pins and groups that
force an investment in, so an infeasible model always involves those. These methods (mixed
into :class:`mcda.core.phasing.model.PhaseModel`) name which municipalities cannot be reached
by which phase, which pins or groups clash, and whether ``max_share`` is what blocks them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import Bounds

from ..errors import fmt
from .input import MAX_EXACT_ROUNDS, TIME_LIMIT_S, Infeasibility
from .solver import milp

BUDGETS = -1  # the phase budgets, as a rule block an explanation may drop


class Explanations:
    """Pre-checks and explanations of an infeasible model (a mixin of ``PhaseModel``)."""

    def _effective_earliest(self) -> np.ndarray:
        """Earliest phase after prerequisites and pins (P + 1 = never possible)."""
        eff = np.minimum(self.lowest.copy(), self.P + 1)
        for pin in self.rules.pins:
            if pin.kind == "never":
                eff[pin.item] = self.P + 1
        changed = True
        while changed:  # acyclic graph: converges in ≤ n rounds
            changed = False
            for i, j in self.prerequisites:
                if eff[i] < min(eff[j] + 1, self.P + 1):
                    eff[i] = min(eff[j] + 1, self.P + 1)
                    changed = True
        return eff

    def _precheck_pins_groups(self) -> Infeasibility | None:
        """Single pins and "at least one" groups that cannot hold on their own."""
        eff = self._effective_earliest()
        P = self.P
        for pin in self.rules.pins:
            if pin.kind != "in":
                continue
            i, p = pin.item, int(pin.phase)
            nm = self.labels[i]
            host = [self.hosts[i]] if self.hosts[i] else []
            rule = {"kind": "pin", "sv": f"{nm} låst till etapp {p}",
                    "en": f"{nm} pinned to phase {p}"}
            if eff[i] > p:
                if eff[i] > P:
                    why_sv = ("kan inte komma med alls (den eller en förutsättning är låst till "
                              "'aldrig', eller dess tidigaste etapp ligger efter sista etappen)")
                    why_en = ("cannot be in the plan at all (it or a prerequisite is pinned "
                              "'never', or its earliest phase is after the last phase)")
                else:
                    why_sv = (f"kan tidigast genomföras i etapp {eff[i]} (tidigaste etapp, "
                              "'inte före' eller förutsättningar)")
                    why_en = (f"cannot start before phase {eff[i]} (earliest phase, 'not "
                              "before' or prerequisites)")
                return Infeasibility(
                    "pin", p, host,
                    f"{nm} är låst till etapp {p} men {why_sv}. Ändra låsningen eller "
                    "förutsättningarna.",
                    f"{nm} is pinned to phase {p} but {why_en}. Change the pin or the "
                    "prerequisites.",
                    [{"item": nm, "earliest": int(eff[i])}], [rule],
                )
            if self.net_costs[i] > self.budgets[p - 1]:
                return Infeasibility(
                    "pin", p, host,
                    f"{nm} är låst till etapp {p} men kostar {fmt(float(self.net_costs[i]))} "
                    f"ur etappbudgeten, mer än etappens budget {fmt(float(self.budgets[p - 1]))}."
                    " Höj budgeten eller ändra låsningen.",
                    f"{nm} is pinned to phase {p} but costs {fmt(float(self.net_costs[i]))} "
                    f"from the phase budget, more than the phase's budget "
                    f"{fmt(float(self.budgets[p - 1]))}. Raise the budget or change the pin.",
                    [{"item": nm, "cost": float(self.net_costs[i])}], [rule],
                )
            for pool in self.rules.pools:
                part = float(pool.shares[i] * self.costs[i])
                if part > pool.budgets[p - 1]:
                    return Infeasibility(
                        "pin+pool", p, host,
                        f"{nm} är låst till etapp {p} men finansieringskällan {pool.name} ska "
                        f"betala {fmt(part)} och har bara {fmt(float(pool.budgets[p - 1]))} i "
                        f"etapp {p}. Höj källans budget, minska dess andel eller ändra låsningen.",
                        f"{nm} is pinned to phase {p} but the funding pool {pool.name} must pay "
                        f"{fmt(part)} and has only {fmt(float(pool.budgets[p - 1]))} in phase "
                        f"{p}. Raise the pool's budget, lower its share or change the pin.",
                        [{"item": nm, "pool": pool.name, "part": part}],
                        [rule, {"kind": "pool", "sv": f"finansieringskällan {pool.name}",
                                "en": f"the funding pool {pool.name}"}],
                    )
        for g in self.rules.groups:
            if g.kind == "at_least_one" and all(eff[i] > P for i in g.items):
                items = ", ".join(self.labels[i] for i in g.items)
                return Infeasibility(
                    "at_least_one", 0, [],
                    f"Regeln 'minst en av {g.name}' kan inte uppfyllas: ingen av {items} kan "
                    "komma med (låst till 'aldrig', eller en förutsättning eller tidigaste "
                    "etapp hindrar). Ändra låsningarna eller gruppen.",
                    f"The rule 'at least one of {g.name}' cannot be met: none of {items} can "
                    "be in the plan (pinned 'never', or a prerequisite or earliest phase "
                    "prevents it). Change the pins or the group.",
                    [{"group": g.name, "items": [self.labels[i] for i in g.items]}],
                    [{"kind": "at_least_one", "sv": f"minst en av {g.name} ({items})",
                      "en": f"at least one of {g.name} ({items})"}],
                )
        return None

    def _precheck(self) -> Infeasibility | None:
        """Cheap necessary conditions: pins and groups on their own, then each municipality
        has one investment that fits by phase N."""
        early = self._precheck_pins_groups()
        if early is not None:
            return early
        by = self.rules.min_one_by_phase
        if by is None:
            return None
        eff = self._effective_earliest()
        details = [d for m in self.rules.municipalities if m not in self.exempt
                   if (d := self._unreachable(m, by, eff)) is not None]
        if not details:
            return None
        return self._unreachable_message(by, details)

    def _unreachable(self, m: str, by: int, eff: np.ndarray) -> dict[str, Any] | None:
        """Why municipality ``m`` gets nothing by phase ``by`` on its own (None if it can)."""
        items = [i for i in range(self.n) if self.hosts[i] == m]
        possible = [i for i in items if eff[i] <= by]
        if any(self.net_costs[i] <= self.budgets[p]
               for i in possible for p in range(eff[i] - 1, by)):
            return None
        d: dict[str, Any] = {"municipality": m}
        big = float(self.budgets[:by].max())  # a cost above it fits no phase 1..N
        if possible:
            cheapest = min(possible, key=lambda i: (self.net_costs[i], i))
            lo = int(eff[cheapest])
            d.update(cheapest=self.labels[cheapest], cost=float(self.net_costs[cheapest]),
                     earliest=lo, largest_budget=float(self.budgets[lo - 1:by].max()))
            # investments that would fit an earlier phase's budget but may not start there
            d["starts"] = [r for i in possible if eff[i] > 1 and self.net_costs[i] <= big
                           for r in self._start_reasons(i, eff)]
            # kept out by a pin, earliest phase or prerequisite: name those cheaper than
            # the cheapest that may come, and those that would fit a budget of phases 1..N
            late = [i for i in items if eff[i] > by and (
                self.net_costs[i] < self.net_costs[cheapest] or self.net_costs[i] <= big)]
        else:
            d["earliest"] = int(min(eff[i] for i in items))
            late = items
        d["excluded"] = [r for i in late for r in self._start_reasons(i, eff)]
        return d

    def _start_reasons(self, i: int, eff: np.ndarray) -> list[dict[str, str]]:
        """Why investment ``i`` cannot start before phase ``eff[i]`` (never, if past the last
        phase): its pin, its earliest phase, or the prerequisite that holds it back and, in
        turn, why that one starts late. ``kind`` is the rule's kind ("earliest" if none)."""
        nm = self.labels[i]
        late = min(int(eff[i]), self.P + 1)
        pin = next((p for p in self.rules.pins if p.item == i), None)
        if pin is not None and pin.kind == "never":
            return [{"item": nm, "kind": "never", "sv": f"{nm} aldrig med",
                     "en": f"{nm} never in the plan"}]
        if pin is not None and pin.kind == "not_before" and int(pin.phase) > 1 and (
                int(pin.phase) >= late):
            return [{"item": nm, "kind": "not_before", "sv": f"{nm} inte före etapp {pin.phase}",
                     "en": f"{nm} not before phase {pin.phase}"}]
        if self.earliest[i] > 1 and self.earliest[i] >= late:
            e = int(self.earliest[i])
            return [{"item": nm, "kind": "earliest", "sv": f"{nm} tidigast i etapp {e}",
                     "en": f"{nm} earliest in phase {e}"}]
        reqs = [j for k, j in self.prerequisites if k == i]
        if not reqs:
            return []
        j = max(reqs, key=lambda r: (eff[r], -r))
        other = self.labels[j]
        return [{"item": nm, "kind": "prerequisites", "sv": f"{nm} kräver {other}",
                 "en": f"{nm} requires {other}"}, *self._start_reasons(j, eff)]

    def _unreachable_message(self, by: int, details: list[dict[str, Any]]) -> Infeasibility:
        parts_sv, parts_en = [], []
        named: dict[str, dict[str, str]] = {}
        for d in details:
            m = d["municipality"]
            if "cheapest" not in d and d["earliest"] > self.P:
                sv, en = f"{m}: ingen investering kan komma med", \
                    f"{m}: no investment can be in the plan"
            elif "cheapest" not in d:
                sv = f"{m}: ingen investering kan göras före etapp {d['earliest']}"
                en = f"{m}: no investment can start before phase {d['earliest']}"
            else:
                window = (f"etapp {d['earliest']}–{by}" if d["earliest"] < by
                          else f"etapp {by}")
                window_en = (f"phases {d['earliest']}–{by}" if d["earliest"] < by
                             else f"phase {by}")
                sv = (f"{m}: den billigaste investeringen som kan komma med senast etapp {by}, "
                      f"{d['cheapest']}, kostar {fmt(d['cost'])}, mer än största etappbudgeten "
                      f"i {window} ({fmt(d['largest_budget'])})")
                en = (f"{m}: the cheapest investment that can come by phase {by}, "
                      f"{d['cheapest']}, costs {fmt(d['cost'])}, more than the largest phase "
                      f"budget of {window_en} ({fmt(d['largest_budget'])})")
            if d.get("starts"):
                sv += (" (tidigare etapper är stängda: "
                       + "; ".join(x["sv"] for x in d["starts"]) + ")")
                en += (" (earlier phases are ruled out: "
                       + "; ".join(x["en"] for x in d["starts"]) + ")")
            if d["excluded"]:
                sv += " (" + "; ".join(x["sv"] for x in d["excluded"]) + ")"
                en += " (" + "; ".join(x["en"] for x in d["excluded"]) + ")"
            parts_sv.append(sv)
            parts_en.append(en)
            for x in d["excluded"] + d.get("starts", []):
                if x["kind"] != "earliest":
                    named.setdefault(x["sv"], {"kind": x["kind"], "sv": x["sv"], "en": x["en"]})
        rule_min = self._rule_min_one(by)
        kinds = list(dict.fromkeys(["min_one_by_phase", *(r["kind"] for r in named.values())]))
        return Infeasibility(
            rule="+".join(kinds),
            phase=by,
            municipalities=[d["municipality"] for d in details],
            message_sv=(
                f"Regeln 'minst en investering per kommun senast etapp {by}' kan inte uppfyllas. "
                + "; ".join(parts_sv)
                + ". Höj budgeten, ändra tidigaste etapp eller låsningar, eller välj en senare "
                "etapp i regeln."
            ),
            message_en=(
                f"The rule 'at least one investment per municipality by phase {by}' cannot be "
                "met. "
                + "; ".join(parts_en)
                + ". Raise the budget, change the earliest phase or the pins, or choose a later "
                "phase."
            ),
            details=details,
            rules=[rule_min, *named.values()],
        )

    @staticmethod
    def _rule_min_one(by: int) -> dict[str, str]:
        return {"kind": "min_one_by_phase",
                "sv": f"minst en investering per kommun senast etapp {by}",
                "en": f"at least one investment per municipality by phase {by}"}

    # ------------------------------------------------------------------ elastic explanations

    def _all_blocks(self) -> list[int]:
        """The rule blocks an explanation may drop: the phase budgets, then each context
        rule (index into ``_context``)."""
        return [BUDGETS, *range(len(self._context))]

    def _minimal_demands(self) -> list[int]:
        """A minimal set of demands that cannot hold together (deletion filter)."""
        blocks = self._all_blocks()
        conflict = list(range(len(self._forcing)))
        for f in list(conflict):
            trial = [g for g in conflict if g != f]
            if not self._feasible(trial, blocks):
                conflict = trial
        return conflict

    def _minimal_blocks(self, demands: list[int]) -> list[int]:
        """A minimal set of rules (phase budgets included) that, with ``demands``, leave no
        plan: each named rule is needed (dropping it alone lets the demands hold), and the
        demands cannot hold under these rules even with every other rule dropped together."""
        keep = self._all_blocks()
        for b in list(keep):
            trial = [k for k in keep if k != b]
            if not self._feasible(demands, trial):
                keep = trial
        return keep

    def _explain(self) -> Infeasibility:
        """Which demands (municipality by phase N, pins "in", "at least one" groups) cannot
        all be met, and exactly which other rules (phase budgets included) block them."""
        conflict = self._minimal_demands()
        keep = self._minimal_blocks(conflict)
        kinds = {"budgets" if k == BUDGETS else self._context[k][0] for k in keep}
        only_min_one = {self._forcing[f][0] for f in conflict} == {"min_one_by_phase"}
        if only_min_one and kinds and kinds <= {"budgets", "max_share"}:
            return self._explain_min_one(keep, kinds)
        return self._explain_general(conflict, keep)

    def _explain_general(self, conflict: list[int], keep: list[int]) -> Infeasibility:
        blockers = [k for k in keep if k != BUDGETS]
        named = [self._forcing[f] for f in conflict] + [self._context[k] for k in blockers]
        rules = [{"kind": r[0], "sv": r[1], "en": r[2]} for r in named]
        kinds = list(dict.fromkeys(r["kind"] for r in rules))
        demands_sv = "; ".join(self._forcing[f][1] for f in conflict)
        demands_en = "; ".join(self._forcing[f][2] for f in conflict)
        budgets = "/".join(fmt(float(b)) for b in self.budgets)
        if blockers:
            with_budget_sv = f" och etappbudgetarna ({budgets})" if BUDGETS in keep else ""
            with_budget_en = f" and the phase budgets ({budgets})" if BUDGETS in keep else ""
            tail_sv = ("Det som hindrar: " + "; ".join(self._context[k][1] for k in blockers)
                       + with_budget_sv + ". Ändra eller ta bort någon av dessa regler"
                       + (", eller höj budgeten." if BUDGETS in keep else "."))
            tail_en = ("What blocks it: " + "; ".join(self._context[k][2] for k in blockers)
                       + with_budget_en + ". Change or drop one of these rules"
                       + (", or raise the budget." if BUDGETS in keep else "."))
        elif BUDGETS in keep:
            tail_sv = (f"Etappbudgetarna ({budgets}) räcker inte till allt detta samtidigt. Höj "
                       "budgeten eller lätta på kraven.")
            tail_en = (f"The phase budgets ({budgets}) do not cover all of this at once. Raise "
                       "the budget or relax the demands.")
        else:
            tail_sv = ("Kraven utesluter varandra (varje investering kommer med högst en gång, "
                       "i en etapp). Lätta på något av dem.")
            tail_en = ("The demands exclude each other (each investment is planned at most "
                       "once, in one phase). Relax one of them.")
        munis = sorted({m for f in conflict if (m := self._forcing_muni[f]) is not None})
        phases = [pin.phase for pin in self.rules.pins if pin.kind == "in"]
        phase = int(self.rules.min_one_by_phase or (min(phases) if phases else 0))
        return Infeasibility(
            rule="+".join(kinds),
            phase=phase,
            municipalities=munis,
            message_sv=f"Reglerna kan inte uppfyllas samtidigt: {demands_sv}. {tail_sv}",
            message_en=f"The rules cannot all be met: {demands_en}. {tail_en}",
            details=[{"kind": r["kind"], "rule": r["en"]} for r in rules],
            rules=rules,
        )

    def _explain_min_one(self, keep: list[int], kinds: set[str]) -> Infeasibility:
        """Only "every municipality by phase N" is unmet, blocked by the budgets, the share
        cap, or both together (``kinds``)."""
        by = int(self.rules.min_one_by_phase or 1)
        members = [m for m in self.rules.municipalities if m not in self.exempt]
        munis = [members[f] for f in self._elastic(keep)]
        names = ", ".join(munis)
        cum = float(self.budgets[:by].sum())
        rule_min = self._rule_min_one(by)
        share_k = [k for k in keep if k != BUDGETS]
        if "max_share" in kinds:
            pct = f"{self.rules.max_share * 100:.0f} %"
            share_rule = {"kind": "max_share", "sv": self._context[share_k[0]][1],
                          "en": self._context[share_k[0]][2]}
            money_sv = (f" med budgeten i etapp 1–{by} (sammanlagt {fmt(cum)})"
                        if "budgets" in kinds else "")
            money_en = (f" with the budget of phases 1–{by} (together {fmt(cum)})"
                        if "budgets" in kinds else "")
            return Infeasibility(
                rule="min_one_by_phase+max_share",
                phase=by,
                municipalities=munis,
                message_sv=(
                    f"Reglerna 'minst en investering per kommun senast etapp {by}' och 'ingen "
                    f"kommun över {pct} av planens kostnad' går inte att förena{money_sv}: då "
                    f"når planen inte {names}. Höj andelen"
                    + (" eller budgeten" if "budgets" in kinds else "")
                    + ", välj en senare etapp i regeln eller ta bort en av reglerna."
                ),
                message_en=(
                    f"The rules 'at least one investment per municipality by phase {by}' and "
                    f"'no municipality above {pct} of the plan's cost' conflict{money_en}: the "
                    f"plan then cannot reach {names}. Raise the share"
                    + (" or the budget" if "budgets" in kinds else "")
                    + ", choose a later phase or drop one rule."
                ),
                details=[{"municipality": m} for m in munis],
                rules=[rule_min, share_rule],
            )
        return Infeasibility(
            rule="min_one_by_phase",
            phase=by,
            municipalities=munis,
            message_sv=(
                f"Regeln 'minst en investering per kommun senast etapp {by}' kan inte uppfyllas: "
                f"budgeten i etapp 1–{by} (sammanlagt {fmt(cum)}) räcker inte till en investering "
                f"i varje kommun samtidigt; minst {len(munis)} blir utan ({names}). Höj "
                "budgeten eller välj en senare etapp i regeln."
            ),
            message_en=(
                f"The rule 'at least one investment per municipality by phase {by}' cannot be "
                f"met: the budget of phases 1–{by} (together {fmt(cum)}) does not cover one "
                f"investment in every municipality at once; at least {len(munis)} go without "
                f"({names}). Raise the budget or choose a later phase for the rule."
            ),
            details=[{"municipality": m} for m in munis],
            rules=[rule_min],
        )

    def _rows_with(self, keep: list[int]) -> list[tuple[dict[int, float], float, float]]:
        """Structural rows plus the rule blocks ``keep`` (BUDGETS = the phase budgets)."""
        rows = list(self._base_rows if BUDGETS in keep else self._once_rows)
        return rows + [row for k in keep if k != BUDGETS for row in self._context[k][3]]

    def _elastic(self, keep: list[int]) -> list[int]:
        """Minimise the number of unmet demands (forcing rules) under the rule blocks
        ``keep``; returns the indices of the unmet ones."""
        k = len(self._forcing)
        nx = self.nvar
        rows = self._rows_with(keep)
        for s, f in enumerate(self._forcing):
            r = dict(f[3])
            r[nx + s] = 1.0  # slack: Σ x + s ≥ 1
            rows.append((r, 1.0, np.inf))
        cons = self._assemble(rows, extra_cols=k)
        c = np.concatenate([np.zeros(nx), np.ones(k)])
        lb = np.concatenate([self.bounds.lb, np.zeros(k)])
        ub = np.concatenate([self.bounds.ub, np.ones(k)])
        res = milp(
            c,
            constraints=cons,
            integrality=np.ones(nx + k),
            bounds=Bounds(lb, ub),
            options={"time_limit": TIME_LIMIT_S},
        )
        if res.x is None:  # pragma: no cover - all slacks = 1, the empty plan is feasible
            return list(range(k))
        slack = np.rint(res.x[nx:])
        return [f for f, sl in enumerate(slack) if sl > 0.5]

    def _feasible(self, forcing: list[int], keep: list[int]) -> bool:
        """Do the demands ``forcing`` hold under the rule blocks ``keep`` alone? In exact
        arithmetic: a plan the solver accepts within its tolerance is cut off and the
        question asked again."""
        rows = self._rows_with(keep) + [(self._forcing[f][3], 1.0, np.inf) for f in forcing]
        options: dict[str, Any] = {"time_limit": 5.0}
        for _ in range(MAX_EXACT_ROUNDS):
            res = milp(
                np.zeros(self.nvar),
                constraints=self._assemble(rows),
                integrality=self.integrality,
                bounds=self.bounds,
                options=options,
            )
            if res.x is None:
                return False
            x = np.rint(res.x[: self.n * self.P]).reshape(self.n, self.P)
            cuts = self._exact_cuts(x, keep)
            if not cuts:
                return True
            rows += [row for _, row in cuts]
            options["presolve"] = False  # as in PhaseModel.solve_raw
        return False  # pragma: no cover - each round cuts off one plan
