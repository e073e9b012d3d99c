"""A scenario's assumptions in words, and the names of its choices (what the pages print
beside every number)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from mcda.web.present.numbers import fmt


def method_names() -> dict[str, str]:
    """Every ranking model a scenario may value with: the decision's own first (the default),
    then the additive value model and the methods core has."""
    return {
        "model": _("Beslutsfrågans beslutsmodell"),
        "value": _("Viktad summa av värden (additiv värdemodell)"),
        "wsm": _("WSM (viktad summa)"), "wpm": _("WPM (viktad produkt)"),
        "topsis": _("TOPSIS (avstånd till bästa och sämsta)"), "vikor": _("VIKOR (kompromiss)"),
        "promethee_ii": _("PROMETHEE II (parvisa jämförelser)"), "copras": _("COPRAS"),
        "spotis": _("SPOTIS"),
    }


def source_names() -> dict[str, str]:
    return {"region": _("Regionens vikter"), "group": _("En kommuns vikter"),
            "coalition": _("En koalition av kommuner"), "role": _("En rolls vikter"),
            "manual": _("Vikter satta för hand")}


def between_names() -> dict[str, str]:
    return {"equal": _("en kommun – en röst"), "participants": _("efter antal deltagare"),
            "population": _("efter folkmängd")}


def describe(spec: dict[str, Any], phases: list[dict[str, Any]],
             alt_names: dict[str, str]) -> list[str]:
    """The scenario's assumptions in words (what the page prints beside every number)."""
    w = spec["weights"]
    rule = between_names().get(w.get("between_groups") or "equal")
    src = {
        "region": _("Vikter: regionens (%(rule)s).", rule=rule),
        "group": _("Vikter: %(g)s egna.", g=w.get("group") or ""),
        "coalition": _("Vikter: koalitionen %(gs)s (%(rule)s).",
                       gs=", ".join(w.get("groups") or []), rule=rule),
        "role": _("Vikter: rollen %(r)s.", r=w.get("role") or ""),
        "manual": _("Vikter: satta för hand."),
    }[w["source"]]
    lines = [src, _("Värde: %(m)s.", m=method_names().get(spec["method"], spec["method"]))]
    if spec.get("budgets"):
        lines.append(_("Budget per etapp: %(b)s MSEK.",
                       b=" / ".join(fmt(b, 0) for b in spec["budgets"])))
    else:
        lines.append(_("Budget per etapp: etappernas egna (%(b)s MSEK).",
                       b=" / ".join(fmt(p["budget"], 0) for p in phases)))
    cc = spec["cost_change"]
    if cc["overall_pct"]:
        lines.append(_("Kostnader: %(p)s %% för alla.", p=_signed(cc["overall_pct"])))
    for a, pct in cc["per_alternative"].items():
        lines.append(_("Kostnad för %(a)s: %(p)s %%.", a=alt_names.get(a, a), p=_signed(pct)))
    r = spec["rules"]
    if r.get("min_one_by_phase"):
        lines.append(_("Varje kommun med förslag får minst en investering senast i etapp %(n)s.",
                       n=r["min_one_by_phase"]))
    if r.get("max_share"):
        lines.append(_("Ingen kommun över %(p)s %% av planens kostnad.",
                       p=fmt(r["max_share"] * 100, 0)))
    for pool in r.get("pools") or []:
        parts = ", ".join(f"{alt_names.get(a, a)} {fmt(v * 100, 0)} %"
                          for a, v in pool["shares"].items())
        lines.append(_("Medfinansiering från %(name)s (budget %(b)s MSEK per etapp): %(parts)s.",
                       name=pool["name"], b=" / ".join(fmt(b, 0) for b in pool["budgets"]),
                       parts=parts or "–"))
    for pin in r.get("pins") or []:
        nm = alt_names.get(pin["alternative"], pin["alternative"])
        if pin["kind"] == "in":
            lines.append(_("%(a)s: i etapp %(p)s.", a=nm, p=pin["phase"]))
        elif pin["kind"] == "not_before":
            lines.append(_("%(a)s: inte före etapp %(p)s.", a=nm, p=pin["phase"]))
        else:
            lines.append(_("%(a)s: aldrig.", a=nm))
    for g in r.get("groups") or []:
        items = ", ".join(alt_names.get(a, a) for a in g["alternatives"])
        if g["kind"] == "at_most_one":
            lines.append(_("Högst en av %(items)s.", items=items))
        else:
            lines.append(_("Minst en av %(items)s.", items=items))
    return lines


def _signed(x: float) -> str:
    return ("+" if x > 0 else "") + fmt(x, 0 if float(x).is_integer() else 1)



