"""Domain rules of growth phases, written once: the analysis contract, the phasing model and
the store (saving a prerequisite) all call these.

The ``check_*`` functions raise :class:`MCDAInputError` with a Swedish and an English message
naming the investments; the ``field`` callbacks let each caller name its own input field. The
store words :func:`prerequisite_problem` through its translation catalog instead.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from .errors import MCDAInputError, fmt

__all__ = ["PrerequisiteProblem", "check_cost", "check_earliest_phase", "check_prerequisites",
           "find_cycle", "prerequisite_problem"]


def check_cost(field: str, name: str, cost: float) -> float:
    """An investment's cost: ≥ 0 (the currency's unit; MSEK in Vägval)."""
    if cost < 0:
        raise MCDAInputError(
            field, cost,
            f"Kostnaden för {name} är negativ ({fmt(float(cost))}); ange 0 eller mer.",
            f"The cost of {name} is negative ({fmt(float(cost))}); enter 0 or more.")
    return cost


def check_earliest_phase(field: str, name: str, phase: object) -> int | None:
    """An earliest phase: None (phase 1) or an integer ≥ 1 (the phase's number)."""
    if phase is None:
        return None
    if isinstance(phase, bool) or not isinstance(phase, int) or phase < 1:
        raise MCDAInputError(
            field, phase,
            f"Tidigaste etapp för {name} måste vara ett heltal ≥ 1 (etappens nummer, 1 = "
            f"första; fick {fmt(phase)}).",
            f"The earliest phase of {name} must be an integer ≥ 1 (the phase's number, 1 = "
            f"first; got {fmt(phase)}).")
    return int(phase)


def find_cycle(n: int, prerequisites: Sequence[tuple[int, int]]) -> list[int]:
    """A cycle in the "i requires j" graph as nodes ``[i, j, …]`` (each requires the next, the
    last the first), or ``[]`` if there is none (stdlib :mod:`graphlib`)."""
    graph: dict[int, set[int]] = {i: set() for i in range(n)}
    for i, j in prerequisites:
        graph[int(i)].add(int(j))
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        # graphlib lists each node before the one that needs it; reverse to "i requires j".
        return list(reversed(exc.args[1][1:]))
    return []


@dataclass(frozen=True)
class PrerequisiteProblem:
    """What is wrong with a set of prerequisite pairs (for callers that word it themselves,
    like the store with its translation catalog)."""

    kind: Literal["self", "later", "cycle"]
    pair: int | None
    """Index of the offending pair ("self", "later"); None for a cycle."""
    nodes: tuple[int, ...]
    """``(i, j)`` of the pair, or the cycle's nodes (each requires the next)."""
    phases: tuple[int, int] | None = None
    """("later") the earliest phases of i and of j."""


def prerequisite_problem(
    n: int, earliest: Sequence[int | None], prerequisites: Sequence[tuple[int, int]]
) -> PrerequisiteProblem | None:
    """The first broken rule among pairs ``(i, j)`` = "i requires j": j is not i, j may not
    start later than i (earliest phase, None = 1), and no cycle (such a plan could never
    start). None if all hold."""
    for k, (i, j) in enumerate(prerequisites):
        if i == j:
            return PrerequisiteProblem("self", k, (i, j))
        ei, ej = earliest[i] or 1, earliest[j] or 1
        if ej > ei:
            return PrerequisiteProblem("later", k, (i, j), (ei, ej))
    cycle = find_cycle(n, prerequisites)
    return PrerequisiteProblem("cycle", None, tuple(cycle)) if cycle else None


def check_prerequisites(
    labels: Sequence[str],
    earliest: Sequence[int | None],
    prerequisites: Sequence[tuple[int, int]],
    field: Callable[[int], str],
    cycle_field: Callable[[list[int]], str],
) -> None:
    """:func:`prerequisite_problem` as an :class:`MCDAInputError` naming the investments.

    ``field(k)`` names pair k in the caller's input; ``cycle_field(nodes)`` the cycle.
    """
    bad = prerequisite_problem(len(labels), earliest, prerequisites)
    if bad is None:
        return
    if bad.kind == "cycle":
        cycle = list(bad.nodes)
        chain = " → ".join(labels[i] for i in [*cycle, cycle[0]])
        raise MCDAInputError(
            cycle_field(cycle), [labels[i] for i in cycle],
            f"Förutsättningarna bildar en cirkel: {chain}. Ta bort någon av dem.",
            f"The prerequisites form a cycle: {chain}. Remove one of them.")
    assert bad.pair is not None
    i, j = bad.nodes
    if bad.kind == "self":
        raise MCDAInputError(
            field(bad.pair), labels[i],
            f"{labels[i]} kan inte vara en förutsättning för sig själv.",
            f"{labels[i]} cannot be a prerequisite of itself.")
    assert bad.phases is not None
    ei, ej = bad.phases
    raise MCDAInputError(
        field(bad.pair), labels[j],
        f"{labels[i]} kräver {labels[j]}, men {labels[j]} kan tidigast genomföras i etapp "
        f"{ej}, senare än {labels[i]} (etapp {ei}). Ändra tidigaste etapp eller ta bort "
        "förutsättningen.",
        f"{labels[i]} requires {labels[j]}, but {labels[j]} cannot start before phase {ej}, "
        f"later than {labels[i]} (phase {ei}). Change the earliest phase or remove the "
        "prerequisite.")
