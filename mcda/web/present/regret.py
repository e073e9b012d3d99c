"""Who gains, who loses (issue 27): one plan's regret rows as the sentence, the sorted
bars, the map and the table.

Why in present/: the planning page, its frontier and the scenario comparison all show them
(no feature imports another); they take the analysis' typed rows, never the database.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from mcda.core.contract.outputs import GroupRegret
from mcda.core.disclosure import POOL
from mcda.web.present import maps
from mcda.web.present.numbers import fmt

LOSS_SHOWN_PCT = 0.5
"""A regret below this (in %) is "as good as its own best" in the sentence."""


def pct(v: float) -> str:
    """A regret in whole percent, as the sentence and the map show it."""
    return f"{fmt(v, 0)} %"


def rows_of(raw: list[dict[str, Any]]) -> list[GroupRegret]:
    """The analysis' rows as the contract's typed rows, largest regret first."""
    rows = [GroupRegret.model_validate(r) for r in raw]
    return sorted(rows, key=lambda r: (-r.regret_pct, r.group))


def group_name(g: str) -> str:
    return _("Övriga kommuner") if g == POOL else g


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(a)s och %(b)s", a=", ".join(items[:-1]), b=items[-1])


def sentence(plan_name: str, rows: list[GroupRegret]) -> str:
    """"Plan A är bättre än att avstå för 13 av 15 kommuner; Hjo och Tibro förlorar mest,
    18 % och 15 % under sina egna bästa planer"."""
    total = len(rows)
    better = sum(1 for r in rows if r.beats_nothing)
    first = ngettext("%(plan)s är bättre än att avstå för %(n)s av %(num)s kommun",
                     "%(plan)s är bättre än att avstå för %(n)s av %(num)s kommuner",
                     total, plan=plan_name, n=better)
    losers = [r for r in rows if r.regret_pct >= LOSS_SHOWN_PCT][:2]
    if not losers:
        return first + "; " + _("ingen ligger under sin egen bästa plan.")
    names = _and([group_name(r.group) for r in losers])
    pcts = _and([pct(r.regret_pct) for r in losers])
    if len(losers) == 1:
        return first + "; " + _("%(names)s förlorar mest, %(pcts)s under sin egen bästa plan.",
                                names=names, pcts=pcts)
    return first + "; " + _("%(names)s förlorar mest, %(pcts)s under sina egna bästa planer.",
                            names=names, pcts=pcts)


def regret_view(plan_name: str, raw: list[dict[str, Any]], municipalities: list[str],
                hi: float | None = None) -> dict[str, Any]:
    """Sentence, sorted bars (with their table), map and table of one plan's regrets.
    ``hi``: the top of the map's colour scale (the largest regret over the plans shown)."""
    rows = rows_of(raw)
    top = hi if hi is not None else max((r.regret_pct for r in rows), default=0.0)
    return {
        "sentence": sentence(plan_name, rows),
        "bars": [{"label": group_name(r.group), "value": r.regret_pct / 100} for r in rows],
        "rows": [{"group": group_name(r.group), "value": r.value, "best": r.best,
                  "regret": r.regret_pct, "gain": r.gain, "beats": r.beats_nothing}
                 for r in rows],
        "map": maps.regret_map(municipalities, {r.group: r.regret_pct for r in rows
                                                if r.group != POOL}, top, pct),
        "pooled": any(r.group == POOL for r in rows),
    }
