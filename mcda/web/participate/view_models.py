"""What the participant's pages show, built from plain data (records, the form state, the
region figures): rows, the previous round's chart, the pairwise check in plain words.

No database, request or session here: the context loader (``context.py``) reads the store,
the views pass its records in.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import get_locale
from flask_babel import gettext as _

from mcda.core import disclosure, elicitation, region
from mcda.web.participate import forms as pf
from mcda.web.present.labels import METHOD_HINTS, METHOD_LABELS, SAATY_LABELS
from mcda.web.present.numbers import decimal_text, percent_text

if TYPE_CHECKING:
    from mcda.web.participate.context import PreviousRound, RegionView

Criteria = Sequence[Mapping[str, Any]]
SVG_WIDTH = 320
SVG_PAD = 10


def common() -> dict[str, Any]:
    """What every participant template needs besides the round (method names, hints)."""
    return {"slugs": pf.METHOD_SLUGS, "method_labels": METHOD_LABELS,
            "method_hints": METHOD_HINTS, "fmt_pct": pf.fmt_pct}


def weights_rows(criteria: Criteria, weights: Mapping[Any, float] | None) -> list[dict[str, Any]]:
    """Rows {id, name, weight, pct, pct_text} for a weights table, in criteria order."""
    rows = []
    for c in criteria:
        w = float((weights or {}).get(str(c["id"]), (weights or {}).get(c["id"], 0.0)))
        rows.append({"id": c["id"], "name": c["name"], "weight": w, "pct": round(w * 100, 1),
                     "pct_text": pf.fmt_pct(w)})
    return rows


def diff_text(own: float | None, region_weight: float) -> str:
    if own is None:
        return "–"
    diff = (float(own) - region_weight) * 100
    if abs(diff) < 2:
        return _("ungefär som regionen")
    amount = decimal_text(abs(diff), 1)
    if diff > 0:
        return _("%(n)s procentenheter högre", n=amount)
    return _("%(n)s procentenheter lägre", n=amount)


def own_vs_region_rows(criteria: Criteria, own: Mapping[str, Any], view: RegionView
                       ) -> list[dict[str, Any]]:
    """Table rows: own weight, region weight, spread (below 10 voters it says why it is
    hidden), difference."""
    show_spread = disclosure.may_show_spread(view.n_voters)
    hidden = _("dold: färre än %(n)s röster", n=disclosure.MIN_SPREAD_VALUES)
    reg = view.weights or {}
    return [{
        "name": c["name"],
        "own": pf.fmt_pct(float(own[str(c["id"])])) if str(c["id"]) in own else "–",
        "region": pf.fmt_pct(reg[str(c["id"])]),
        "spread": pf.fmt_pct(view.spread[str(c["id"])])
        if show_spread and str(c["id"]) in view.spread else hidden,
        "diff": diff_text(own.get(str(c["id"])), reg[str(c["id"])]),
    } for c in criteria]


def revealed(criteria: Criteria, view: RegionView, own_vote: Mapping[str, Any] | None,
             label: str | None = None) -> dict[str, Any]:
    """Region weights and spread next to the participant's own latest weights; ``rows`` None
    while the region may not be shown (``unavailable`` when it may but has no figures)."""
    out: dict[str, Any] = {"n_voters": view.n_voters, "k": 2 * view.k, "rows": None,
                           "block": view.block, "anon_k": view.k, "others": view.others,
                           "kind": view.kind}
    if label is not None:
        out = {"label": label, **out}
    if not view.visible:
        return out
    if view.weights is None:
        if label is None:
            out["unavailable"] = True
        return out
    out["rows"] = own_vs_region_rows(criteria, own_vote["weights"] if own_vote else {}, view)
    out["verdict"] = verdict_words(view)
    return out


def verdict_words(view: RegionView) -> str | None:
    """What comes first under the decision's model, and how sure, in plain words (the same
    verdict as the results page; None when the analysis is not at hand)."""
    v = view.verdict
    if v is None or not hasattr(v, "share_first"):
        return None
    en = str(get_locale() or "sv") == "en"
    first = view.names.get(v.first, v.first)
    if v.share_first is None:  # no weighting left to count (a small pool only; issue 24)
        return _("Med beslutsfrågans modell (%(m)s) kommer %(alt)s först.",
                 m=v.model.name_en if en else v.model.name_sv, alt=first)
    if view.named_only:  # a small pool's voters are not counted in the share
        return _("Med beslutsfrågans modell (%(m)s) kommer %(alt)s först. %(alt)s kommer först "
                 "med %(p)s av viktningarna i de namngivna kommunerna.",
                 m=v.model.name_en if en else v.model.name_sv, alt=first,
                 p=percent_text(v.share_first, 0))
    return _("Med beslutsfrågans modell (%(m)s) kommer %(alt)s först. %(alt)s kommer först "
             "med %(p)s av deltagarnas viktningar.",
             m=v.model.name_en if en else v.model.name_sv, alt=first,
             p=percent_text(v.share_first, 0))


def shown_alternatives(criteria: Criteria, alts: Sequence[Mapping[str, Any]],
                       scores: Mapping[Any, float], mode: str) -> dict[str, Any] | None:
    """Names and descriptions, and the scores per criterion when the round shows them."""
    if mode == "none" or not alts:
        return None
    rows = [{"name": a["name"], "description": a.get("description") or "",
             "scores": [pf.fmt_num(v) if (v := scores.get((a["id"], c["id"]))) is not None
                        else None for c in criteria]} for a in alts]
    return {"rows": rows, "with_scores": mode == "scores" and bool(scores),
            "criteria": [c["name"] for c in criteria]}


_previous_lock = threading.Lock()
_previous: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()


def previous_round(criteria: Criteria, prev: PreviousRound | None,
                   phase: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """"Förra omgången": per criterion the region's weight, the spread over participants
    (quartiles Q1–Q3 and the 10th–90th percentile) and this device's own weight there.

    Kept per (room figures, criteria, own weights, reasons, phase, language): the round
    page, the vote form and the saved page each built the same ~55 percentages and chart
    positions (≈ 0.2 ms). The result is shared: callers must not change it."""
    if prev is None:
        return None
    if prev.room_key is None:
        return _previous_round(criteria, prev, phase)
    rnd = prev.rnd
    key = (prev.room_key, tuple((c["id"], c["name"]) for c in criteria),
           tuple(sorted(prev.own.items())), tuple(prev.reasons), prev.visible, prev.block,
           tuple(sorted(prev.region.items())) if prev.region is not None else None,
           rnd["number"], rnd["title"], rnd["anonymity_k"], bool(rnd["phase_weights"]),
           phase["label"] if phase else None, str(get_locale() or "sv"))
    with _previous_lock:
        hit = _previous.get(key)
        if hit is not None:
            _previous.move_to_end(key)
            return hit
    out = _previous_round(criteria, prev, phase)
    with _previous_lock:
        _previous[key] = out  # type: ignore[assignment]
        while len(_previous) > 256:
            _previous.popitem(last=False)
    return out


def _previous_round(criteria: Criteria, prev: PreviousRound,
                    phase: Mapping[str, Any] | None) -> dict[str, Any]:
    rnd = prev.rnd
    out: dict[str, Any] = {
        "number": rnd["number"], "title": rnd["title"], "n_voters": len(prev.votes),
        "k": max(disclosure.MIN_SPREAD_VALUES, 2 * int(rnd["anonymity_k"])), "rows": None,
        "phase_label": phase["label"] if phase and rnd["phase_weights"] else None,
        "reasons": prev.reasons, "block": prev.block, "anon_k": int(rnd["anonymity_k"]),
    }
    if not prev.visible or prev.region is None:
        return out
    quant = prev.quantiles if prev.quantiles is not None else region.weight_quantiles(
        prev.votes, [c["id"] for c in criteria], k=int(rnd["anonymity_k"]))
    if not quant:  # fewer than ten values once a small pool is left out (issue 24)
        return out
    stats = []
    for c in criteria:
        cid = str(c["id"])
        p10, q1, median, q3, p90 = quant[cid]
        stats.append({"id": c["id"], "name": c["name"], "region": float(prev.region.get(cid, 0.0)),
                      "p10": p10, "q1": q1, "median": median, "q3": q3, "p90": p90,
                      "own": prev.own.get(cid)})
    out.update(_chart(stats), rows=stats, own=bool(prev.own))
    return out


def _chart(stats: list[dict[str, Any]]) -> dict[str, Any]:
    """x positions and texts of the box-and-whisker rows, on a scale up to the next 10 %."""
    top = max(max(s["p90"], s["region"], s["own"] or 0.0) for s in stats)
    scale = min(1.0, max(0.1, math.ceil(top * 10 - 1e-9) / 10))
    span = SVG_WIDTH - 2 * SVG_PAD

    def x(w: float) -> float:
        return round(SVG_PAD + span * min(w, scale) / scale, 1)

    keys = ("p10", "q1", "median", "q3", "p90", "region")
    for s in stats:
        s["x"] = {k: x(s[k]) for k in keys}
        s["x"]["own"] = x(s["own"]) if s["own"] is not None else None
        s["text"] = {k: pf.fmt_pct(s[k]) for k in keys}
        s["text"]["own"] = pf.fmt_pct(s["own"]) if s["own"] is not None else None
        s["diff"] = diff_text(s["own"], s["region"]) if s["own"] is not None else None
    return {"scale_text": pf.fmt_pct(scale), "width": SVG_WIDTH, "x0": SVG_PAD,
            "x1": SVG_WIDTH - SVG_PAD,
            "ticks": [{"x": x(scale * f / 4), "text": pf.fmt_pct(scale * f / 4)}
                      for f in range(5)]}


# --- the pairwise check ------------------------------------------------------------------------


def pairwise_check(result: elicitation.PairwiseResult, criteria: Criteria,
                   state: pf.PairwiseState | None) -> dict[str, Any]:
    """How well the answers hang together, in words (no ratio shown on the tablet), which
    answers pull against each other, and the most inconsistent judgements (core's list)."""
    cr = float(result.cr)
    cr_text = decimal_text(cr, 2)
    if cr <= 0.10:
        level, text = "ok", _("Dina svar hänger ihop bra.")
    elif cr <= 0.20:
        level, text = "warn", _("Dina svar hänger inte riktigt ihop – se över markerade par.")
    else:
        level, text = "bad", _("Dina svar hänger inte ihop – se över markerade par.")
    weights = result.weights.tolist()
    flagged = []
    if cr > 0.10:
        for i, j, _dev in result.inconsistent:
            a, b = criteria[i], criteria[j]
            pair = (int(a["id"]), int(b["id"]))
            said = state.judgement(pair) if state else None
            flagged.append({
                "anchor": f"par-{pair[0]}-{pair[1]}", "a": a["name"], "b": b["name"],
                "said": judgement_text(said, a["name"], b["name"]),
                "implied": judgement_text(weights[i] / weights[j], a["name"], b["name"]),
                "pair": pair,
            })
    pulls = None
    if cr > 0.10 and state is not None and result.inconsistent:
        i, j, _dev = result.inconsistent[0]
        pulls = pulling_answers(pf.judgements_by_index(state, criteria), criteria, i, j)
    return {"cr": cr, "cr_text": cr_text, "level": level, "text": text, "flagged": flagged,
            "flagged_pairs": {f["pair"] for f in flagged}, "pulls": pulls,
            "random_index": result.random_index, "priority": result.priority}


def consistency_words(cr: float | None) -> str | None:
    """A saved pairwise vote's consistency in words (the ratio itself is for the report)."""
    if cr is None:
        return None
    if cr <= 0.10:
        return _("Dina svar hänger ihop bra.")
    return _("Dina svar hänger inte riktigt ihop. Viktningen är sparad som du lämnade den.")


def _plain_step(value: float) -> str:
    """"något viktigare" … for a Saaty value ≥ 1 (the in-between steps read as the next)."""
    step = min(9, max(1, round(value)))
    return str(SAATY_LABELS[step + (step % 2 == 0)])


def _said(a: str, b: str, value: float) -> str:
    """One answer as said: "A är något viktigare än B" or "A och B är lika viktiga"."""
    if value < 1:
        a, b, value = b, a, 1 / value
    if round(value) <= 1:
        return _("%(a)s och %(b)s är lika viktiga", a=a, b=b)
    return _("%(a)s är %(label)s än %(b)s", a=a, label=_plain_step(value), b=b)


def pulling_answers(judged: Mapping[tuple[int, int], float], criteria: Criteria,
                    i: int, j: int) -> str | None:
    """Which answers pull against each other, as one sentence: the most inconsistent
    judgement (i, j) and the two answers through a third criterion k that disagree with it
    most ("Du sa att A är viktigare än B och B viktigare än C, men C viktigare än A")."""
    def a(x: int, y: int) -> float | None:
        if (x, y) in judged:
            return judged[(x, y)]
        return 1 / judged[(y, x)] if (y, x) in judged else None

    best, triad = 0.0, None
    for k in range(len(criteria)):
        aik, akj, aij = a(i, k), a(k, j), a(i, j)
        if k in (i, j) or aik is None or akj is None or aij is None:
            continue
        gap = abs(math.log(aik * akj / aij))
        if gap > best + 1e-9:
            best, triad = gap, (i, k, j)
    if triad is None:
        return None
    # Read the triad as a chain X over Y, Y over Z, then what was said of X and Z.
    for x, y, z in ((triad[0], triad[1], triad[2]), (triad[1], triad[2], triad[0]),
                    (triad[2], triad[0], triad[1]), (triad[2], triad[1], triad[0]),
                    (triad[1], triad[0], triad[2]), (triad[0], triad[2], triad[1])):
        axy, ayz, axz = a(x, y), a(y, z), a(x, z)
        if axy >= 1 and ayz >= 1 and not (axy == 1 and ayz == 1):  # type: ignore[operator]
            name = {n: criteria[n]["name"] for n in (x, y, z)}
            return _("Du sa att %(first)s och %(second)s, men %(third)s.",
                     first=_said(name[x], name[y], axy),  # type: ignore[arg-type]
                     second=_said(name[y], name[z], ayz),  # type: ignore[arg-type]
                     third=_said(name[x], name[z], axz))  # type: ignore[arg-type]
    return None


def judgement_text(value: float | None, a: str, b: str) -> str:
    """"A något viktigare än B (3)" for a Saaty value (rounded to the nearest step)."""
    if value is None:
        return "–"
    if value >= 1:
        step, first, second = min(9, max(1, round(value))), a, b
    else:
        step, first, second = min(9, max(1, round(1 / value))), b, a
    if step == 1:
        return _("%(a)s och %(b)s lika viktiga (1)", a=a, b=b)
    return _("%(a)s %(label)s än %(b)s (%(n)s)", a=first, b=second,
             label=SAATY_LABELS[step], n=step)


# --- the vote form -----------------------------------------------------------------------------


def saved_message(revision: int, phase: Mapping[str, Any] | None = None) -> str:
    if phase:
        return _("Din viktning för %(phase)s är sparad (version %(n)s).",
                 phase=phase["label"], n=revision)
    return _("Din viktning är sparad (version %(n)s).", n=revision)


def saved_view(criteria: Criteria, vote_row: Mapping[str, Any]) -> dict[str, Any]:
    cr = vote_row.get("consistency_ratio")
    return {"revision": vote_row["revision"], "method": vote_row["method"],
            "rows": weights_rows(criteria, vote_row["weights"]),
            "cr_text": decimal_text(cr, 2) if cr is not None else None,
            "cr_words": consistency_words(cr)}


def shown_pairs(criteria: Criteria, state: Any) -> tuple[list[tuple[int, int]], int]:
    """The pairs the form asks and how many more "Svara på fler" would add.

    The short sequence from ``core.incomplete.suggested_pairs`` (all pairs for n ≤ 5, 2n for
    n ≥ 6), unless the participant asked for all pairs or has answered one outside it."""
    every = pf.criterion_pairs(criteria)
    suggested = pf.suggested_criterion_pairs(criteria)
    ps = getattr(state, "pairwise", None)
    answered = {p for p in every if ps is not None and ps.judgement(p) is not None}
    if (getattr(state, "all_pairs", False) or not answered <= set(suggested)
            or len(suggested) >= len(every)):
        return every, 0
    return suggested, len(every) - len(suggested)


def focus_id(state: Any, errors: pf.FormErrors, saved: Mapping[str, Any] | None) -> str | None:
    """Which element gets focus after an htmx swap, so focus never falls back to <body>."""
    if errors:
        return "error-summary"
    if saved:
        return "saved-h"
    focus, ranking = state.focus, getattr(state, "ranking", None)
    if focus and ranking and focus[:3] in ("up-", "dow"):
        cid = int(focus.split("-", 1)[1])
        if focus.startswith("up-") and ranking.order[0] == cid:
            return f"down-{cid}"
        if focus.startswith("down-") and ranking.order[-1] == cid:
            return f"up-{cid}"
    return focus


def display_values(values: Mapping[int, Any]) -> dict[int, str]:
    """Form values as input text: 5 rather than 5.0; what the person typed when invalid."""
    return {cid: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
            for cid, v in values.items()}


def remaining(values: Mapping[int, Any]) -> str:
    nums = [pf.parse_number(str(v)) for v in values.values()]
    if any(v is None for v in nums):
        return "?"
    return pf.fmt_num(pf.POINTS_TOTAL - sum(nums))  # type: ignore[arg-type]


def preview_weights(state: Any) -> dict[str, float] | None:
    """The weights to show: the core's when computed, else the sliders' or points' shares
    while every value is a non-negative number (an invalid form still shows its shares)."""
    if state.weights is not None or not hasattr(state, "values"):
        return state.weights
    nums = {cid: pf.parse_number(str(v)) for cid, v in state.values.items()}
    if not all(v is not None and v >= 0 for v in nums.values()):
        return None
    total = sum(nums.values())  # type: ignore[arg-type]
    return {str(cid): (v / total if total else 0.0) for cid, v in nums.items()}  # type: ignore[operator]


def vote_page(method: str, state: Any, criteria: Criteria, *, latest_rev: int, is_open: bool,
              saved: dict[str, Any] | None, reason_text: str) -> dict[str, Any]:
    """The vote form's own template values (the round context and the previous round are
    added by the view)."""
    weights = preview_weights(state) if method in ("direct", "points") else state.weights
    errors = state.errors or pf.FormErrors()
    pairs, more = shown_pairs(criteria, state) if method == "pairwise" else ([], 0)
    scale = method in ("direct", "points")
    return dict(
        **common(), method=method, slug=pf.METHOD_SLUGS[method], state=state, errors=errors,
        focus_id=focus_id(state, errors, saved),
        weight_rows=weights_rows(criteria, weights) if weights else None,
        revision=latest_rev + 1, saved=saved, pairs=pairs, more_pairs=more,
        all_pairs_total=len(pf.criterion_pairs(criteria)),
        names={int(c["id"]): c["name"] for c in criteria}, saaty=SAATY_LABELS,
        direct_max=pf.DIRECT_MAX, points_total=pf.POINTS_TOTAL,
        remaining=remaining(state.values) if method == "points" else None,
        shown=display_values(state.values) if scale else {}, is_open=is_open,
        reason_text=reason_text,
    )
