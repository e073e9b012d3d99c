"""Growth phases: why no plan satisfies the rules.

The empty plan satisfies every rule except ``min_one_by_phase`` and the pins and groups that
force an investment in, so an infeasible model always involves those. These methods (mixed
into :class:`mcda.core.phasing.model.PhaseModel`) name which municipalities cannot be reached
by which phase, which pins or groups clash, and whether ``max_share`` is what blocks them.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds

from ..errors import fmt
from .input import TIME_LIMIT_S, Infeasibility
from .solver import milp


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
            if self.net_costs[i] > self.budgets[p - 1] + 1e-9:
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
                if part > pool.budgets[p - 1] + 1e-9:
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
        blocked, details = [], []
        for m in self.rules.municipalities:
            if m in self.exempt:
                continue
            items = [i for i in range(self.n) if self.hosts[i] == m]
            fits = [
                i
                for i in items
                if eff[i] <= by
                and any(self.net_costs[i] <= self.budgets[p] for p in range(eff[i] - 1, by))
            ]
            if not fits:
                cheapest = min(items, key=lambda i: (eff[i] > by, self.net_costs[i]))
                blocked.append(m)
                details.append(
                    {
                        "municipality": m,
                        "cheapest": self.labels[cheapest],
                        "cost": float(self.net_costs[cheapest]),
                        "earliest": int(eff[cheapest]),
                        "largest_budget": float(self.budgets[:by].max()),
                    }
                )
        if not blocked:
            return None
        parts_sv, parts_en = [], []
        for d in details:
            if d["earliest"] > self.P:
                parts_sv.append(f"{d['municipality']}: ingen investering kan komma med")
                parts_en.append(f"{d['municipality']}: no investment can be in the plan")
            elif d["earliest"] > by:
                parts_sv.append(
                    f"{d['municipality']}: ingen investering kan göras före etapp {d['earliest']}"
                )
                parts_en.append(
                    f"{d['municipality']}: no investment can start before phase {d['earliest']}"
                )
            else:
                parts_sv.append(
                    f"{d['municipality']}: billigaste investeringen {d['cheapest']} kostar "
                    f"{fmt(d['cost'])}, mer än största etappbudgeten {fmt(d['largest_budget'])}"
                )
                parts_en.append(
                    f"{d['municipality']}: the cheapest investment {d['cheapest']} costs "
                    f"{fmt(d['cost'])}, more than the largest phase budget "
                    f"{fmt(d['largest_budget'])}"
                )
        return Infeasibility(
            rule="min_one_by_phase",
            phase=by,
            municipalities=blocked,
            message_sv=(
                f"Regeln 'minst en investering per kommun senast etapp {by}' kan inte uppfyllas. "
                + "; ".join(parts_sv)
                + ". Höj budgeten, ändra tidigaste etapp eller välj en senare etapp i regeln."
            ),
            message_en=(
                f"The rule 'at least one investment per municipality by phase {by}' cannot be "
                "met. "
                + "; ".join(parts_en)
                + ". Raise the budget, change the earliest phase or choose a later phase."
            ),
            details=details,
            rules=[{"kind": "min_one_by_phase",
                    "sv": f"minst en investering per kommun senast etapp {by}",
                    "en": f"at least one investment per municipality by phase {by}"}],
        )

    def _explain(self) -> Infeasibility:
        """Elastic re-solve: which demands (municipality by phase N, pins "in", "at least one"
        groups) cannot all be met, and which other rules block them (each dropped in turn)."""
        unmet = self._elastic(drop=())
        if not unmet:  # pragma: no cover - the model was infeasible, so something is unmet
            unmet = list(range(len(self._forcing)))
        if {self._forcing[f][0] for f in unmet} == {"min_one_by_phase"}:
            share_k = [k for k, c in enumerate(self._context) if c[0] == "max_share"]
            everything = list(range(len(self._forcing)))
            others = [k for k in range(len(self._context)) if k not in share_k]
            if not any(self._feasible(everything, (k,)) for k in others):
                share_blocks = bool(share_k) and self._feasible(everything, tuple(share_k))
                return self._explain_min_one(unmet, share_blocks)
        # A minimal set of demands that cannot hold together (deletion filter) ...
        conflict = list(range(len(self._forcing)))
        for f in list(conflict):
            trial = [g for g in conflict if g != f]
            if not self._feasible(trial, ()):
                conflict = trial
        unmet = conflict
        # ... and the other rules without which they would hold.
        blockers = [k for k in range(len(self._context)) if self._feasible(unmet, (k,))]
        named = [self._forcing[f] for f in unmet] + [self._context[k] for k in blockers]
        rules = [{"kind": r[0], "sv": r[1], "en": r[2]} for r in named]
        kinds = list(dict.fromkeys(r["kind"] for r in rules))
        demands_sv = "; ".join(self._forcing[f][1] for f in unmet)
        demands_en = "; ".join(self._forcing[f][2] for f in unmet)
        budgets = "/".join(fmt(float(b)) for b in self.budgets)
        if blockers:
            tail_sv = ("Det som hindrar, utöver etappbudgetarna: "
                       + "; ".join(self._context[k][1] for k in blockers)
                       + ". Ändra eller ta bort någon av dessa regler, eller höj budgeten.")
            tail_en = ("What blocks it, besides the phase budgets: "
                       + "; ".join(self._context[k][2] for k in blockers)
                       + ". Change or drop one of these rules, or raise the budget.")
        else:
            tail_sv = (f"Etappbudgetarna ({budgets}) räcker inte till allt detta samtidigt. Höj "
                       "budgeten eller lätta på kraven.")
            tail_en = (f"The phase budgets ({budgets}) do not cover all of this at once. Raise "
                       "the budget or relax the demands.")
        munis = sorted({m for f in unmet if (m := self._forcing_muni[f]) is not None})
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

    def _explain_min_one(self, unmet: list[int], share_blocks: bool) -> Infeasibility:
        """Only "every municipality by phase N" is unmet (and maybe max share is why)."""
        by = int(self.rules.min_one_by_phase or 1)
        members = [m for m in self.rules.municipalities if m not in self.exempt]
        share_k = [k for k, c in enumerate(self._context) if c[0] == "max_share"]
        if share_blocks:
            munis = [members[f] for f in unmet]
        else:
            munis = [members[f] for f in self._elastic(drop=tuple(share_k))] or [
                members[f] for f in unmet
            ]
        names = ", ".join(munis)
        cum = float(self.budgets[:by].sum())
        rule_min = {"kind": "min_one_by_phase",
                    "sv": f"minst en investering per kommun senast etapp {by}",
                    "en": f"at least one investment per municipality by phase {by}"}
        if share_blocks:
            pct = f"{self.rules.max_share * 100:.0f} %"
            return Infeasibility(
                rule="min_one_by_phase+max_share",
                phase=by,
                municipalities=munis,
                message_sv=(
                    f"Reglerna 'minst en investering per kommun senast etapp {by}' och 'ingen "
                    f"kommun över {pct} av planens kostnad' går inte att förena: då når planen "
                    f"inte {names}. Höj andelen, välj en senare etapp i regeln eller ta bort "
                    "en av reglerna."
                ),
                message_en=(
                    f"The rules 'at least one investment per municipality by phase {by}' and "
                    f"'no municipality above {pct} of the plan's cost' conflict: the plan then "
                    f"cannot reach {names}. Raise the share, choose a later phase or drop one rule."
                ),
                details=[{"municipality": m} for m in munis],
                rules=[rule_min, {"kind": "max_share", "sv": self._context[share_k[0]][1],
                                  "en": self._context[share_k[0]][2]}],
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

    def _rows_without(self, drop: tuple[int, ...]) -> list[tuple[dict[int, float], float, float]]:
        return list(self._base_rows) + [
            row for k, c in enumerate(self._context) if k not in drop for row in c[3]
        ]

    def _elastic(self, drop: tuple[int, ...]) -> list[int]:
        """Minimise the number of unmet demands (forcing rules), without context rules
        ``drop``; returns the indices of the unmet ones."""
        k = len(self._forcing)
        nx = self.nvar
        rows = self._rows_without(drop)
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
        if res.x is None:  # cannot happen (all slacks = 1, empty plan is feasible)
            return list(range(k))
        slack = np.rint(res.x[nx:])
        return [f for f, sl in enumerate(slack) if sl > 0.5]

    def _feasible(self, forcing: list[int], drop: tuple[int, ...]) -> bool:
        """Do the demands ``forcing`` hold once the context rules ``drop`` are dropped?"""
        rows = self._rows_without(drop) + [(self._forcing[f][3], 1.0, np.inf) for f in forcing]
        res = milp(
            np.zeros(self.nvar),
            constraints=self._assemble(rows),
            integrality=self.integrality,
            bounds=self.bounds,
            options={"time_limit": 5.0},
        )
        return res.x is not None
