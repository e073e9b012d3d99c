"""Domain rules of growth phases, written once: the analysis contract, the phasing model and
the store (saving a prerequisite, a cost, an earliest phase) all call these.

Each check raises :class:`MCDAInputError` with a Swedish and an English message naming the
investments by name; the ``field`` callbacks let each caller name its own input field.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Sequence

from .errors import MCDAInputError, fmt

__all__ = ["check_cost", "check_earliest_phase", "check_prerequisites", "find_cycle"]


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


def check_prerequisites(
    labels: Sequence[str],
    earliest: Sequence[int | None],
    prerequisites: Sequence[tuple[int, int]],
    field: Callable[[int], str],
    cycle_field: Callable[[list[int]], str],
) -> None:
    """Prerequisite pairs ``(i, j)`` = "i requires j": not itself, j not allowed to start
    later than i, and no cycle (such a plan could never start).

    ``field(k)`` names pair k in the caller's input; ``cycle_field(nodes)`` the cycle.
    """
    for k, (i, j) in enumerate(prerequisites):
        if i == j:
            raise MCDAInputError(
                field(k), labels[i],
                f"{labels[i]} kan inte vara en förutsättning för sig själv.",
                f"{labels[i]} cannot be a prerequisite of itself.")
        ei, ej = earliest[i] or 1, earliest[j] or 1
        if ej > ei:
            raise MCDAInputError(
                field(k), labels[j],
                f"{labels[i]} kräver {labels[j]}, men {labels[j]} kan tidigast genomföras i "
                f"etapp {ej}, senare än {labels[i]} (etapp {ei}). Ändra tidigaste etapp eller "
                "ta bort förutsättningen.",
                f"{labels[i]} requires {labels[j]}, but {labels[j]} cannot start before phase "
                f"{ej}, later than {labels[i]} (phase {ei}). Change the earliest phase or "
                "remove the prerequisite.")
    cycle = find_cycle(len(labels), prerequisites)
    if cycle:
        chain = " → ".join(labels[i] for i in [*cycle, cycle[0]])
        raise MCDAInputError(
            cycle_field(cycle), [labels[i] for i in cycle],
            f"Förutsättningarna bildar en cirkel: {chain}. Ta bort någon av dem.",
            f"The prerequisites form a cycle: {chain}. Remove one of them.")
