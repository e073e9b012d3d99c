"""Growth phases (etapper): which investment goes in which phase, and how it spreads.

The plan is an exact mixed-integer program solved with ``scipy.optimize.milp`` (HiGHS).
Binary ``x[i, p]`` = investment ``i`` is carried out in phase ``p`` (0-based inside the
code, 1-based in every message and in :class:`PhasePlan.assignment`).

Objective (maximise): ``Σ_i Σ_p value_i · (1 + discount · (P − p) / (P − 1)) · x[i, p]``.
With ``discount = 0`` (the default) this is the total consensus value of the plan. A
positive discount (e.g. 0.05) is a bonus of at most 5 % for the first phase falling linearly
to 0 for the last: it trades a little total value for getting good investments early, and
makes the MILP several times slower (measured in ``bench/bench_phasing.py``). After the
exact solve, planned investments are moved to the earliest phase with room
(:meth:`PhaseModel.shift_earlier`): this never changes which investments are planned, only
breaks ties in the phase choice, which the solver would otherwise make arbitrarily.

Constraints:

* each investment at most once: ``Σ_p x[i, p] ≤ 1``;
* budget per phase: ``Σ_i cost_i · x[i, p] ≤ budget_p`` (unspent money is NOT carried over);
* earliest phase: ``x[i, p] = 0`` for ``p < earliest_i``;
* prerequisites ``(i, j)`` = "i requires j": j must be in a STRICTLY earlier phase than i,
  ``x[i, p] ≤ Σ_{q < p} x[j, q]`` for every phase p (so i cannot be in phase 1, and if j is
  left out of the plan, i is too);
* ``min_one_by_phase = N``: every municipality that hosts at least one investment gets at
  least one investment in phases 1..N. Municipalities that host no investment at all are
  exempt (nothing could be given to them) and are listed in ``PhasePlan.exempt``;
* ``max_share = S``: no municipality's planned cost exceeds S × the total planned cost
  (share of the plan, not of the budget). Investments without a host municipality (regional
  ones, host ``None``) count in the total but belong to nobody.

The empty plan satisfies every constraint except the demands (``min_one_by_phase``, pins
"in phase p", "at least one of" groups), so an infeasible model always involves one;
:func:`plan` names a minimal set of demands that cannot hold together and exactly the rules
(phase budgets included) that block them (``docs/phasing.md``).

The code is split by responsibility; this module gathers the public names:
:mod:`~mcda.core.phasing.input` (result types, constants, input checks),
:mod:`~mcda.core.phasing.model` (the MILP and :func:`plan`),
:mod:`~mcda.core.phasing.explain` (why no plan exists),
:mod:`~mcda.core.phasing.paths` (paths, stability, spread),
:mod:`~mcda.core.phasing.solver` (every HiGHS call, with stdout silenced),
:mod:`~mcda.core.phasing.spec` (the one checker of a scenario's assumptions),
:mod:`~mcda.core.phasing.conflict` (who gains, who loses, the value–conflict frontier) and
:mod:`~mcda.core.phasing.fastset` (its exact set-first shortcut).

Every plan is checked in exact arithmetic after the solve: it never spends more than a phase
budget or a pool's budget, and no municipality exceeds the share cap (see
:meth:`PhaseModel.solve_raw`).
"""

from __future__ import annotations

from .conflict import ConflictFrontier, ConflictModel, FrontierPoint, GroupRegret
from .input import (
    DEFAULT_DISCOUNT,
    Infeasibility,
    PhasePlan,
    PlanProblem,
    phase_weights,
    values_from_scores,
)
from .model import PhaseModel, plan
from .paths import (
    PathComparison,
    Spread,
    Stability,
    analysis_value_samples,
    gini,
    plan_paths,
    plan_stability,
    spread,
    stack_phase_samples,
    wsm_value_samples,
)

__all__ = [
    "DEFAULT_DISCOUNT",
    "ConflictFrontier",
    "ConflictModel",
    "FrontierPoint",
    "GroupRegret",
    "Infeasibility",
    "PathComparison",
    "PhaseModel",
    "PhasePlan",
    "PlanProblem",
    "Spread",
    "Stability",
    "analysis_value_samples",
    "gini",
    "phase_weights",
    "plan",
    "plan_paths",
    "plan_stability",
    "spread",
    "stack_phase_samples",
    "values_from_scores",
    "wsm_value_samples",
]
