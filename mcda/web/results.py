"""Blueprint `results`: the facilitator's results page, projector mode, convergence and exports.

Every figure comes from the one analysis function (``core.analysis.analyze``) through the
cached :func:`mcda.store.analysis_cache.get_analysis`; :func:`build_view` turns its output
into plain values for the templates and applies the anonymity threshold k to every
per-municipality figure (with secondary suppression, see ``analysis_input.suppressed_groups``).
"""

from __future__ import annotations

import hashlib
import math
import statistics
import threading
from collections import OrderedDict
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from mcda.core import disclosure, summary
from mcda.core.errors import MCDAInputError
from mcda.store import analysis_cache, analysis_input, records
from mcda.store import reasons as store_reasons
from mcda.store import rounds as store_rounds
from mcda.store import users as store_users
from mcda.store import votes as store_votes
from mcda.store.db import transaction
from mcda.store.errors import StoreError
from mcda.web import exports
from mcda.web.kit.access import current_user, login_required, require_edit, require_view
from mcda.web.kit.db import get_db
from mcda.web.kit.htmx import is_htmx, render, vary
from mcda.web.kit.i18n import error_text
from mcda.web.kit.scope import phase_label, resolve_phase
from mcda.web.present import analysis_text, charts, maps
from mcda.web.present.labels import BETWEEN_LABELS, WITHIN_LABELS
from mcda.web.present.labels import RANKING_METHOD_LABELS as METHOD_LABELS

bp = Blueprint("results", __name__, url_prefix="/resultat")
for _fn in (charts.nice_ticks, charts.spread_labels, charts.series_style, charts.rank_colours):
    bp.add_app_template_global(_fn)



# --- helpers shared by results, secretariat and exports ----------------------------------------


def load_round(round_id: int, *, edit: bool = False) -> dict[str, Any]:
    """The round, or 404 (unknown or foreign); ``edit`` also 403s the secretariat."""
    rnd = store_rounds.get_round(get_db(), round_id)
    if rnd is None:
        abort(404)
    decision = {"id": rnd["decision_id"], "owner_id": rnd["decision_owner_id"]}
    (require_edit if edit else require_view)(decision)
    return rnd


def request_options() -> tuple[dict[str, Any], str | None]:
    """Options from the query string; invalid ones → defaults plus a Swedish message."""
    args = request.args
    raw: dict[str, Any] = {}
    if args.get("within"):
        raw["within"] = args["within"]
    if args.get("between"):
        raw["between"] = args["between"]
    if args.get("o") or args.getlist("methods"):
        raw["methods"] = args.getlist("methods")
    if args.get("smaa"):
        raw["smaa"] = args["smaa"]
    try:
        return analysis_input.parse_options(raw), None
    except MCDAInputError as exc:
        return analysis_input.parse_options(None), error_text(exc)


def select_phase(rnd: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """(the round's phases, the phase asked for with ``?etapp=``): see
    :func:`mcda.web.phase_scope.resolve_phase` (only a round with per-phase weights has
    phases; unknown → 404)."""
    return resolve_phase(rnd["decision_id"], bool(rnd.get("phase_weights")))


def round_counts(rnd: dict[str, Any], phase: dict[str, Any] | None) -> dict[str, int]:
    """Voters per municipality: of the phase when one is chosen (its figures' k rule)."""
    if phase is not None:
        return store_votes.participation_in_phase(get_db(), rnd["id"], phase["id"])
    return store_votes.participation(get_db(), rnd["id"])


def published_reasons(rnd: dict[str, Any], counts: dict[str, int]) -> list[str]:
    """The round's shown "Varför?" reasons as the report and exports may publish them
    (``core.disclosure.publishable_reasons``: texts only, none under k)."""
    return disclosure.publishable_reasons(
        store_reasons.shown_reason_texts(get_db(), rnd["id"]),
        disclosure.plan(counts, int(rnd["anonymity_k"])),
    )


def phase_links(
    phases: list[dict[str, Any]], phase: dict[str, Any] | None, endpoint: str, **values: Any
) -> list[dict[str, Any]]:
    """One link per phase to ``endpoint``, keeping the other query arguments."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "etapp"}
    return [
        {"label": p["label"], "current": phase is not None and p["id"] == phase["id"],
         "url": url_for(endpoint, **values, **args, etapp=p["id"])}
        for p in phases
    ]


def options_label(
    opts: dict[str, Any], *, has_scores: bool = True, phase: dict[str, Any] | None = None
) -> str:
    """One line naming the method and options behind the numbers on the page
    (and, for a round with per-phase weights, the phase whose votes they come from)."""
    prefix = ""
    if phase is not None:
        prefix = _("%(phase)s, med deltagarnas vikter för den etappen.",
                   phase=phase_label(phase)) + " "
    parts = [
        _("Inom kommun: %(rule)s", rule=WITHIN_LABELS[opts["within_group"]]),
        _("mellan kommuner: %(rule)s", rule=BETWEEN_LABELS[opts["between_groups"]]),
    ]
    if has_scores:
        parts.append(
            _("metoder: %(m)s", m=", ".join(METHOD_LABELS[m] for m in opts["methods"]))
        )
        if opts["smaa"]:
            parts.append(
                _(
                    "SMAA-2: %(n)s dragningar av deltagarnas vikter (stratifierat per kommun), "
                    "rangordnade med alla valda metoder",
                    n=analysis_input.SMAA_SAMPLES,
                )
            )
        else:
            parts.append(_("SMAA av"))
    return prefix + "; ".join(str(p) for p in parts) + "."


def _f(x: Any) -> float | None:
    """A finite float or None (NaN/None from the analysis become 'not available')."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _pairs(obj: Any) -> list[tuple[str, float]]:
    """(name, value) pairs from a list of pairs or dicts or a mapping."""
    if isinstance(obj, dict):
        return [(str(k), _f(v)) for k, v in obj.items()]
    out = []
    for item in obj or []:
        if isinstance(item, dict):
            name = item.get("group", item.get("name"))
            out.append((str(name), _f(item.get("mean", item.get("value")))))
        else:
            out.append((str(item[0]), _f(item[1])))
    return out


def participation_view(counts: dict[str, int], k: int) -> dict[str, Any]:
    """Voters per published group (``core.disclosure``): municipalities with at least k
    voters by name, the others only as one "Övriga kommuner" row; the regional total."""
    plan = disclosure.plan(counts, k)
    rows = [{"name": g, "n": n, "note": None} for g, n in plan.published_counts().items()]
    for r in rows:
        if r["name"] == disclosure.POOL:
            r["name"] = exports.pool_label()
            r["note"] = _("sammanslagna kommuner")
    return {
        "rows": rows,
        "total": plan.total,
        "hidden": set(),  # no municipality is hidden BY NAME: the pooled ones are never named
        "n_hidden": 1 if plan.pooled else 0,
        # every municipality of the region (for the maps): voted, pooled or not, alike
        "names": sorted(counts),
        "released": plan.released,
        "k": k,
        "rule": exports.anonymity_rule_text(k),
    }


def _relabel_pool(obj: Any, label: str) -> Any:
    """A copy of an analysis output with the pool's data name replaced by ``label``."""
    if isinstance(obj, dict):
        return {(label if k == disclosure.POOL else k): _relabel_pool(v, label)
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [_relabel_pool(v, label) for v in obj]
    return label if obj == disclosure.POOL else obj


def empty_view(
    counts: dict[str, int], k: int, opts: dict[str, Any], phase: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The view of a round (or phase) without an analysis: participation only."""
    return {"participation": participation_view(counts, k), "empty": True, "options": opts,
            "options_label": options_label(opts, phase=phase), "phase": phase}


def build_view(
    ra: analysis_cache.RoundAnalysis, counts: dict[str, int], k: int,
    phase: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Plain values for the templates from one analysis; k applied to every group figure.
    ``phase``: the phase whose votes ``ra`` analysed (named in the method note)."""
    data, out = ra.input, ra.output
    if out is not None and exports.pool_label() != disclosure.POOL:
        out = _relabel_pool(out, exports.pool_label())
    crits = [(c["id"], c["name"], c["direction"]) for c in data["criteria"]]
    cname = {cid: name for cid, name, _d in crits}
    alts = [(a["id"], a["name"]) for a in data.get("alternatives", [])]
    aname = dict(alts)
    part = participation_view(counts, k)
    hidden = part["hidden"]
    has_scores = "scores" in data
    view: dict[str, Any] = {
        "participation": part,
        "options": ra.options,
        "options_label": options_label(ra.options, has_scores=has_scores, phase=phase),
        "phase": phase,
        "has_scores": has_scores,
        "criteria": [{"id": c, "name": n, "direction": d} for c, n, d in crits],
        "alternatives": [{"id": a, "name": n} for a, n in alts],
        "empty": out is None,
        "k": k,
        "phasing_available": bool(out and out.get("phasing")) or "phases" in data,
    }
    if out is None:
        return view
    visible_groups = [g for g in sorted(out.get("groups", {})) if g not in hidden]
    view["visible_groups"] = visible_groups
    view["n_hidden_groups"] = 0  # pooled municipalities are not counted (core.disclosure)
    # regional weights
    w = out.get("weights", {})
    view["weights"] = [
        {"label": cname[c], "value": _f(w.get(c)), "id": c} for c, _n, _d in crits
    ]
    # group weights (heatmap rows)
    groups = out.get("groups", {})
    view["group_weights"] = {
        "rows": visible_groups,
        "cols": [n for _c, n, _d in crits],
        "values": [
            [_f(groups[g]["weights"].get(c)) for c, _n, _d in crits] for g in visible_groups
        ],
        "n": {g: groups[g].get("n") for g in visible_groups},
    }
    # distance of each group to the region (half L1 = share of weight that would have to move)
    view["distance"] = [
        {
            "group": g,
            "distance": 0.5 * sum(abs((groups[g]["weights"].get(c) or 0) - (w.get(c) or 0))
                                  for c, _n, _d in crits),
        }
        for g in visible_groups
    ]
    # consensus
    cons = out.get("consensus", {})
    s_star = _f(cons.get("s_star"))
    view["consensus"] = {
        "s_star": s_star,
        "s_star_label": _s_star_label(s_star),
        "kendall_w": _f(cons.get("kendall_w")),
        "kendall_w_p": _f(cons.get("kendall_w_p")),
        "by_group": [
            {"group": g, "s_star": _f(v), "label": _s_star_label(_f(v))}
            for g, v in sorted((cons.get("s_star_by_group") or {}).items())
            if g not in hidden
        ],
        "criteria": sorted(
            (
                {
                    "id": c,
                    "name": cname[c],
                    "mean": _f(st.get("mean")),
                    "sd": _f(st.get("sd")),
                    "iqr": _f(st.get("iqr")),
                    "between_share": _f(st.get("between_share")),
                }
                for c, st in (cons.get("criteria") or {}).items()
                if c in cname
            ),
            key=lambda r: -(r["sd"] or 0),
        ),
    }
    view["conflicts"] = _conflicts_view(out.get("conflicts") or {}, cname, aname, hidden)
    view["by_role"] = _by_role_view(out.get("by_role"), crits)
    view["rankings"] = _rankings_view(out, alts, hidden)
    view["skipped_methods"] = [
        {
            "method": s.get("method", ""),
            "fallback": s.get("fallback"),
            "message": s.get("message_en" if str(get_locale()) == "en" else "message_sv", ""),
        }
        for s in (out.get("meta") or {}).get("skipped_methods") or []
    ]
    view["contributions"] = _contributions_view(data, out, crits, alts) if has_scores else None
    # one winner everywhere: robustness and sensitivity are those of the verdict (the
    # compromise over every method in use), when the analysis has one
    verdict = out.get("verdict") or {}
    view["smaa"] = _smaa_view(verdict.get("smaa") or out.get("smaa"), alts, cname)
    view["sensitivity"] = _sensitivity_view(verdict.get("sensitivity") or out.get("sensitivity"),
                                            cname, aname)
    view["verdict"] = _verdict_view(verdict, aname)
    view["summary"] = analysis_text.summary_sentences(disclosure.scrub_summary(
        summary.summarize(out, hidden=hidden, all_groups=list(counts), k=k),
        pooled=bool(part["n_hidden"])))
    return view


def _contributions_view(data: dict[str, Any], out: dict[str, Any], crits, alts
                        ) -> dict[str, Any] | None:
    """Per alternative, what each criterion adds to its WSM score with the region's weights
    (the ranking chart's "why"), best first. ``None`` when WSM cannot take these scores."""
    from mcda.core import ranking as core_ranking

    w = out.get("weights") or {}
    try:
        matrix = [[data["scores"][a][c] for c, _n, _d in crits] for a, _an in alts]
        contrib = core_ranking.wsm_contributions(
            matrix, [w[c] for c, _n, _d in crits],
            [1 if d == "benefit" else -1 for _c, _n, d in crits],
            **core_ranking.method_kwargs("wsm", data.get("options")))
    except (MCDAInputError, KeyError, TypeError, ValueError):
        return None
    rows = [{"label": name, "parts": [_f(x) or 0.0 for x in row], "total": sum(row)}
            for (_a, name), row in zip(alts, contrib, strict=True)]
    if not rows:
        return None
    # against the average alternative: what lifts each one above it and what pulls it down
    means = [sum(r["parts"][j] for r in rows) / len(rows) for j in range(len(crits))]
    mean_total = sum(r["total"] for r in rows) / len(rows)
    for r in rows:
        r["dev"] = [p - m for p, m in zip(r["parts"], means, strict=True)]
        r["dev_total"] = r["total"] - mean_total
    rows.sort(key=lambda r: -r["total"])
    span = max(max(sum(d for d in r["dev"] if d > 0), -sum(d for d in r["dev"] if d < 0))
               for r in rows)
    return {"criteria": [n for _c, n, _d in crits], "rows": rows,
            "max": max(r["total"] for r in rows), "span": span}


def _verdict_view(verdict: dict[str, Any], aname: dict[str, str]) -> dict[str, Any] | None:
    """The verdict's per-method first places, for the ranking section's reconciliation."""
    if not verdict:
        return None
    first = verdict.get("first_by_method") or {}
    top = verdict.get("top") or []
    return {
        "top": [aname.get(a, a) for a in top],
        "finding": verdict.get("finding"),
        "dissent": [{"method": METHOD_LABELS.get(m, m), "first": [aname.get(a, a) for a in f]}
                    for m, f in first.items() if top and top[0] not in f],
        "methods_agree": verdict.get("methods_agree"),
        "n_methods": len(verdict.get("methods") or []),
    }


def _s_star_label(v: float | None) -> str:
    if v is None:
        return "–"
    from mcda.core.consensus import s_star_label

    return analysis_text.core_label("s_star", s_star_label(min(1.0, max(0.0, v)))[1])


def _crit_of(item: dict[str, Any], cname: dict[str, str], *keys: str) -> str:
    for key in keys:
        if key in item and item[key] is not None:
            val = str(item[key])
            return cname.get(val, val)
    return "?"


def role_label(role: str) -> str:
    """A role group's name in the reader's language (the pool: "Övriga roller")."""
    from mcda.web.present.labels import ROLES

    if role == disclosure.ROLE_POOL:
        return _("Övriga roller")
    return str(ROLES.get(role, role))


def _by_role_view(by_role: dict[str, Any] | None, crits: list[tuple]) -> dict[str, Any] | None:
    """Weights and disputed criteria per stakeholder role (the analysis' ``by_role``, already
    pooled under k by ``core.disclosure.role_plan``): None when no vote has a role."""
    if not by_role or not by_role.get("groups"):
        return None
    order = [r for r in ("fortroendevald", "tjansteperson", "forskare", "annan",
                         disclosure.ROLE_POOL) if r in by_role["groups"]]
    cname = {cid: name for cid, name, _d in crits}
    rows = [{"label": role_label(r), "n": by_role["groups"][r]["n"],
             "weights": [_f(by_role["groups"][r]["weights"].get(c)) for c, _n, _d in crits]}
            for r in order]
    disputed = [{
        "criterion": cname.get(str(d["criterion"]), d.get("name")),
        "between_share": _f(d.get("between_share")),
        "high": [(role_label(x["group"]), _f(x["mean"])) for x in d.get("high") or []],
        "low": [(role_label(x["group"]), _f(x["mean"])) for x in d.get("low") or []],
    } for d in by_role.get("disputed") or []]
    return {"cols": [n for _c, n, _d in crits], "rows": rows, "without": by_role.get("without", 0),
            "disputed": disputed}


def _conflicts_view(conf: dict[str, Any], cname, aname, hidden) -> dict[str, Any]:
    tradeoffs = []
    for t in conf.get("tradeoffs") or []:
        a = _crit_of(t, cname, "a", "criterion_a", "i")
        b = _crit_of(t, cname, "b", "criterion_b", "j")
        if "criteria" in t and isinstance(t["criteria"], list | tuple):
            a, b = (cname.get(str(x), str(x)) for x in t["criteria"][:2])
        tradeoffs.append({"a": a, "b": b, "r": _f(t.get("r")),
                          "p": _f(t.get("p_adjusted", t.get("p")))})
    disputed = []
    for d in conf.get("disputed") or []:
        disputed.append(
            {
                "criterion": _crit_of(d, cname, "criterion", "id"),
                "between_share": _f(d.get("between_share")),
                "p": _f(d.get("p")),
                "mean": _f(d.get("mean")),
                "high": [(g, v) for g, v in _pairs(d.get("high")) if g not in hidden],
                "low": [(g, v) for g, v in _pairs(d.get("low")) if g not in hidden],
                "hidden": sum(1 for g, _v in _pairs(d.get("high")) + _pairs(d.get("low"))
                              if g in hidden),
            }
        )
    coal = conf.get("coalitions") or {}
    clusters = []
    for members in coal.get("clusters") or []:
        shown = [m for m in members if m not in hidden]
        clusters.append({"members": shown, "hidden": len(members) - len(shown)})
    strength = coal.get("strength")
    if isinstance(strength, list | tuple):
        strength = strength[1]
    strength = analysis_text.core_label("strength", strength)
    sim = conf.get("similarity") or {}
    sim_groups, sim_matrix = _similarity(sim)
    keep = [i for i, g in enumerate(sim_groups) if g not in hidden]
    polar = []
    for p in conf.get("polarising") or []:
        name = _crit_of(p, aname, "alternative", "id")
        best = p.get("best_group")
        worst = p.get("worst_group")
        polar.append({
            "alternative": name,
            "range": _f(p.get("range")),
            "sd": _f(p.get("sd")),
            "best": best if isinstance(best, str) and best not in hidden else None,
            "worst": worst if isinstance(worst, str) and worst not in hidden else None,
        })
    return {
        "tradeoffs": tradeoffs,
        "disputed": disputed,
        "coalitions": {
            "clusters": clusters,
            "k": coal.get("k"),
            "rule": coal.get("rule"),
            "silhouette": _f(coal.get("silhouette")),
            "strength": strength,
        },
        "similarity": {
            "groups": [sim_groups[i] for i in keep],
            "values": [[_f(sim_matrix[i][j]) for j in keep] for i in keep],
        },
        "polarising": polar,
    }


def _similarity(sim: Any) -> tuple[list[str], list[list[Any]]]:
    if isinstance(sim, dict) and "matrix" in sim:
        return [str(g) for g in sim.get("groups", sim.get("names", []))], sim["matrix"]
    if isinstance(sim, dict):
        names = list(sim)
        return names, [[(sim[a] or {}).get(b) for b in names] for a in names]
    return [], []


def _ranks_of(entry: Any) -> dict[str, Any]:
    if isinstance(entry, dict) and "ranks" in entry:
        return entry["ranks"]
    return entry if isinstance(entry, dict) else {}


def _rankings_view(out: dict[str, Any], alts, hidden) -> dict[str, Any]:
    rankings = out.get("rankings") or {}
    methods = list(rankings)
    comp = _ranks_of(out.get("compromise") or {})
    rows = []
    for aid, name in alts:
        rows.append(
            {
                "id": aid,
                "name": name,
                "ranks": [rankings[m]["ranks"].get(aid) for m in methods],
                "scores": [_f(rankings[m]["scores"].get(aid)) for m in methods],
                "compromise": comp.get(aid),
            }
        )
    rows.sort(key=lambda r: (r["compromise"] if r["compromise"] is not None else 1e9, r["name"]))
    agr = out.get("agreement") or {}
    agreement = None
    if isinstance(agr, dict) and agr.get("methods"):
        ms = agr["methods"]

        def square(mat: Any) -> list[list[float | None]]:
            if isinstance(mat, dict):
                return [[_f((mat.get(a) or {}).get(b)) for b in ms] for a in ms]
            return [[_f(x) for x in row] for row in mat or []]

        agreement = {
            "methods": [METHOD_LABELS.get(m, m) for m in ms],
            "rw": square(agr.get("rw")),
            "ws": square(agr.get("ws")),
        }
    by_group = []
    bgr = out.get("by_group_rankings") or {}
    for g in sorted(bgr):
        if g in hidden:
            continue
        entry = bgr[g]
        if isinstance(entry, dict) and "compromise" in entry:
            entry = entry["compromise"]
        else:
            entry = _first_method(entry)
        by_group.append({"group": g, "ranks": _ranks_of(entry)})
    return {
        "methods": methods,
        "method_labels": [METHOD_LABELS.get(m, m) for m in methods],
        "higher_is_better": [bool(rankings[m].get("higher_is_better", True)) for m in methods],
        "rows": rows,
        "agreement": agreement,
        "by_group": by_group,
    }


def _first_method(entry: Any) -> Any:
    """by_group_rankings may hold ranks directly or per method; prefer the compromise."""
    if isinstance(entry, dict) and entry and all(isinstance(v, dict) for v in entry.values()):
        for key in ("compromise", "wsm"):
            if key in entry:
                return entry[key]
        return next(iter(entry.values()))
    return entry


def _smaa_view(smaa: Any, alts, cname) -> dict[str, Any] | None:
    if not smaa:
        return None
    ra = smaa.get("rank_acceptability") or {}
    conf = smaa.get("confidence") or {}
    rows = [
        {
            "label": name,
            "shares": [_f(b) or 0.0 for b in ra.get(aid, [])],
            "confidence": _f(conf.get(aid)),
        }
        for aid, name in alts
        if aid in ra
    ]
    rows.sort(key=lambda r: [-x for x in r["shares"]])
    methods = smaa.get("methods") or [smaa.get("method")]
    return {"samples": smaa.get("samples"), "rows": rows,
            "over_methods": "methods" in smaa,
            "methods": ", ".join(METHOD_LABELS.get(m, str(m)) for m in methods if m)}


def _sensitivity_view(sens: Any, cname, aname) -> dict[str, Any] | None:
    if not sens:
        return None
    items = sens.get("criteria") if isinstance(sens, dict) and "criteria" in sens else sens
    rows = []
    if isinstance(items, dict):
        items = [{"criterion": k, **(v if isinstance(v, dict) else {})} for k, v in items.items()]
    order = list(cname)
    for idx, it in enumerate(items or []):
        if not isinstance(it, dict):
            continue
        crit = _crit_of(it, cname, "criterion", "id")
        if crit == "?" and idx < len(order):
            crit = cname[order[idx]]
        rival_lo, rival_hi = it.get("rival_lo"), it.get("rival_hi")
        rows.append(
            {
                "criterion": crit,
                "weight": _f(it.get("weight", it.get("current"))),
                "lower": _f(it.get("lo", it.get("lower", it.get("min")))),
                "upper": _f(it.get("hi", it.get("upper", it.get("max")))),
                "rival_lo": aname.get(str(rival_lo), rival_lo) if rival_lo is not None else None,
                "rival_hi": aname.get(str(rival_hi), rival_hi) if rival_hi is not None else None,
            }
        )
    top = sens.get("top") if isinstance(sens, dict) else None
    return {
        "rows": rows,
        "top": aname.get(str(top), top) if top is not None else None,
        "method": METHOD_LABELS.get(sens.get("method"), sens.get("method"))
        if isinstance(sens, dict) else None,
        "compromise": isinstance(sens, dict) and sens.get("method") == "copeland",
    }


def round_analysis(round_id: int, opts: dict[str, Any], phase_id: int | None = None):
    """(analysis, error message) for the round (or one phase's votes of a round with
    per-phase weights); the error is Swedish and names the field."""
    try:
        return analysis_cache.get_analysis(get_db(), round_id, opts, phase_id=phase_id), None
    except MCDAInputError as exc:
        return None, error_text(exc)


def round_view(
    rnd: dict[str, Any], opts: dict[str, Any], phase: dict[str, Any] | None = None,
    *, analysis: Any = None,
) -> tuple[Any, dict[str, Any], dict[str, int], str | None]:
    """(analysis, view, counts, error) of a round, or of ``phase``'s votes when the round
    has per-phase weights (``phase`` is ignored on a normal round).

    The one "analyse round (+ phase) → view" step of every page, export and comparison:
    the cached analysis (or ``analysis`` when the caller already has it), the participation
    counts the k rule reads, and the view; on bad input an empty view and a Swedish error.
    """
    phase = phase if rnd.get("phase_weights") else None
    counts = round_counts(rnd, phase)
    k = int(rnd["anonymity_k"])
    if analysis is not None:
        ra, error = analysis, None
    else:
        ra, error = round_analysis(rnd["id"], opts, phase["id"] if phase else None)
    view = build_view(ra, counts, k, phase) if ra else empty_view(counts, k, opts, phase)
    return ra, view, counts, error


def page_context(
    rnd: dict[str, Any], opts: dict[str, Any], error: str | None,
    phase: dict[str, Any] | None = None,
) -> dict[str, Any]:
    db = get_db()
    ra, view, _counts, analysis_error = round_view(rnd, opts, phase)
    if ra is None and error is None:
        error = analysis_error
    map_args = {key: v for key, v in request.args.to_dict(flat=False).items()
                if key != "kriterium"}
    return {"rnd": rnd, "view": view, "opts": opts, "error": error, "phase": phase,
            "analysis": ra,
            "maps": maps.results_maps(view, request.args.get("kriterium")),
            "map_url": url_for(request.endpoint, **(request.view_args or {})),
            "map_args": map_args,
            "analysis_error": analysis_error, "methods_all": analysis_input.METHODS,
            "method_labels": METHOD_LABELS, "within_labels": WITHIN_LABELS,
            "between_labels": BETWEEN_LABELS, "record": records.get_record(db, rnd["id"])}


_SECTIONS: OrderedDict[tuple, tuple[Any, Markup]] = OrderedDict()
_SECTIONS_LOCK = threading.Lock()
SECTIONS_CACHE_MAX = 32


def sections_html(ctx: dict[str, Any]) -> Markup | None:
    """``results/_sections.html`` rendered once per analysis, page, language and query.

    Why: the sections (≈ 250 KB on the demo: heat maps, charts, maps, their tables) take most
    of a results page's time once the analysis is cached. The entry is tied to the cached
    analysis object itself, whose fingerprint covers votes, state, reveal, k, methods and
    decision edits; a new analysis (any change, or a cleared cache) renders afresh."""
    ra = ctx.get("analysis")
    if ra is None:
        return None
    key = (request.endpoint, ctx["rnd"]["id"], ra.fingerprint, str(get_locale()),
           request.query_string, bool(ctx.get("summary_on_top")))
    with _SECTIONS_LOCK:
        hit = _SECTIONS.get(key)
        if hit is not None and hit[0] is ra:
            _SECTIONS.move_to_end(key)
            return hit[1]
    html = Markup(render_template("results/_sections.html", **ctx))  # noqa: S704 - rendered
    with _SECTIONS_LOCK:
        _SECTIONS[key] = (ra, html)
        _SECTIONS.move_to_end(key)
        while len(_SECTIONS) > SECTIONS_CACHE_MAX:
            _SECTIONS.popitem(last=False)
    return html


# --- facilitator results page ------------------------------------------------------------


@bp.get("/<int:round_id>")
@login_required()
def round_results(round_id: int):
    rnd = load_round(round_id)
    phases, phase = select_phase(rnd)
    opts, error = request_options()
    ctx = page_context(rnd, opts, error, phase)
    ctx["can_edit"] = _can_edit(rnd)
    ctx["summary_on_top"] = True  # above the controls; swapped out of band on option changes
    ctx["query"] = request.query_string.decode()
    ctx["phase_links"] = phase_links(phases, phase, ".round_results", round_id=round_id)
    if phases:
        ctx["plan_url"] = url_for("planning.plan_page", decision_id=rnd["decision_id"],
                                  round=round_id)
    ctx["sections_html"] = sections_html(ctx)
    return render("results/round.html", "results/_body.html", **ctx)


def _can_edit(rnd: dict[str, Any]) -> bool:
    from mcda.web.kit.access import can_edit_decision

    return can_edit_decision({"id": rnd["decision_id"], "owner_id": rnd["decision_owner_id"]})


@bp.post("/<int:round_id>/visa")
@login_required()
def reveal(round_id: int):
    rnd = load_round(round_id, edit=True)
    revealed = request.form.get("revealed") == "1"
    db = get_db()
    store_rounds.set_revealed(db, round_id, revealed)
    store_users.audit(db, current_user()["id"], "results.reveal" if revealed else "results.hide",
                      f"round:{round_id}", decision_id=rnd["decision_id"])
    flash(_("Resultaten visas nu.") if revealed else _("Resultaten är dolda."), "success")
    return redirect(url_for(".round_results", round_id=round_id), code=303)


@bp.post("/<int:round_id>/k")
@login_required()
def set_k(round_id: int):
    load_round(round_id, edit=True)
    db = get_db()
    try:
        with transaction(db):  # the change and its audit entry: both or neither
            old_k = store_rounds.get_round(db, round_id)["anonymity_k"]
            store_rounds.set_anonymity_k(db, round_id, request.form.get("k", ""))
            new_k = store_rounds.get_round(db, round_id)["anonymity_k"]
            store_users.audit(db, current_user()["id"], "round.anonymity_k",
                              f"round:{round_id}", old=old_k, new=new_k)
    except StoreError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for(".round_results", round_id=round_id), code=303)
    flash(_("Anonymitetsgränsen är nu %(k)s.", k=new_k), "success")
    return redirect(url_for(".round_results", round_id=round_id), code=303)


@bp.post("/<int:round_id>/nasta-omgang")
@login_required()
def next_round(round_id: int):
    rnd = load_round(round_id, edit=True)
    db = get_db()
    new_id = store_rounds.next_round(db, round_id)
    store_users.audit(db, current_user()["id"], "round.next", f"round:{new_id}",
                      previous=round_id, decision_id=rnd["decision_id"])
    flash(_("En ny omgång har skapats. Öppna den när ni är redo."), "success")
    return redirect(url_for(".round_results", round_id=new_id), code=303)


@bp.get("/<int:round_id>/radera")
@login_required()
def delete_votes_confirm(round_id: int):
    """Ask before deleting: the individual weightings cannot be brought back."""
    rnd = load_round(round_id, edit=True)
    n = store_votes.participation(get_db(), round_id)
    return render_template(
        "results/delete_votes.html", rnd=rnd, n_voters=sum(n.values()), error=None
    )


@bp.post("/<int:round_id>/radera")
@login_required()
def delete_votes(round_id: int):
    """Delete a round's votes and participants; keep the aggregated decision record."""
    rnd = load_round(round_id, edit=True)
    db = get_db()
    if rnd["state"] == "open":
        flash(_("Stäng omgången innan viktningarna raderas."), "error")
        return redirect(url_for(".delete_votes_confirm", round_id=round_id), code=303)
    if request.form.get("confirm", "").strip().lower() not in ("radera", "delete"):
        return render_template(
            "results/delete_votes.html",
            rnd=rnd,
            n_voters=sum(store_votes.participation(db, round_id).values()),
            error=_("Skriv ordet radera i rutan för att bekräfta."),
        ), 422
    n = records.delete_votes_keep_record(db, round_id)
    store_users.audit(db, current_user()["id"], "round.delete_votes", f"round:{round_id}",
                      votes_deleted=n, decision_id=rnd["decision_id"])
    flash(
        _("%(n)s viktningar raderades. Det sammanvägda underlaget finns kvar.", n=n), "success"
    )
    return redirect(url_for(".round_results", round_id=round_id), code=303)


@bp.get("/<int:round_id>/underlag.json")
@login_required("facilitator", "secretariat")
def record_json(round_id: int):
    """The aggregated decision record kept after the votes were deleted."""
    load_round(round_id)
    rec = records.get_record(get_db(), round_id)
    if rec is None:
        abort(404)
    resp = jsonify(rec)
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="vagval-omgang-{round_id}-sammanvagt-underlag.json"'
    )
    return resp


# --- projector ---------------------------------------------------------------------------

PROJECTOR_OPTIONS = {"smaa": False}
"""While results are hidden the projector shows consensus only: no SMAA, cheap per poll."""

PROJECTOR_VIEWS: tuple[tuple[str, Any], ...] = (
    ("sammanfattning", _l("Sammanfattning")),
    ("vikter", _l("Vikter")),
    ("konflikter", _l("Målkonflikter")),
    ("karta", _l("Karta")),
    ("rangordning", _l("Rangordning")),
)
"""The revealed results as a sequence the facilitator steps through (``?vy=``)."""


def _projector_view_key() -> str:
    """The requested view (``?vy=``); an unknown one is the first (a stale bookmark)."""
    raw = request.args.get("vy", "")
    return raw if raw in dict(PROJECTOR_VIEWS) else PROJECTOR_VIEWS[0][0]


def _projector_options(rnd: dict[str, Any]) -> dict[str, Any] | None:
    """Revealed: the results page's default options, so the projector says what the page
    and the report say (SMAA over every method included); hidden: consensus only."""
    return None if rnd["results_revealed"] else PROJECTOR_OPTIONS


@bp.get("/<int:round_id>/projektor")
@login_required()
def projector(round_id: int):
    rnd = load_round(round_id)
    phases, phase = select_phase(rnd)
    ctx = _projector_context(rnd, phase=phase)
    ctx["phase_links"] = phase_links(phases, phase, ".projector", round_id=round_id)
    return render_template("results/projector.html", **ctx)


@bp.get("/<int:round_id>/projektor/live")
@login_required()
def projector_live(round_id: int):
    """The polled part. Answers 304 to a matching If-None-Match (one cheap query)."""
    rnd = load_round(round_id)
    _phases, phase = select_phase(rnd)
    phase_id = phase["id"] if phase else None
    db = get_db()
    fp = analysis_input.fingerprint(db, round_id)
    opts = _projector_options(rnd)
    failure: MCDAInputError | None = None
    ra = None
    try:
        ra = analysis_cache.live_analysis(db, round_id, opts, fingerprint=fp,
                                          max_age_s=current_app.config["PROJECTOR_LIVE_MAX_AGE_S"],
                                          phase_id=phase_id)
        fp = ra.fingerprint
    except MCDAInputError as exc:
        failure = exc  # shown as the error state, not analysed a second time
    # the phase and the view are part of the tag: every phase of a round shares the round's
    # fingerprint, and each view renders different content from the same analysis
    phase_part = f"|etapp={phase_id}" if phase_id is not None else ""
    key = analysis_input.options_key(analysis_input.parse_options(opts))
    etag = hashlib.sha256(
        f"{fp}|{key}|{get_locale()}{phase_part}|vy={_projector_view_key()}".encode()
    ).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        resp = make_response("", 304)
    else:
        ctx = _projector_context(rnd, analysis=ra, phase=phase, failure=failure)
        resp = make_response(render_template("results/_projector_live.html", **ctx))
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = "no-cache, private"
    return vary(resp)


def _projector_steps(rnd: dict[str, Any], view: dict[str, Any], current: str,
                     phase: dict[str, Any] | None, has_map: bool) -> list[dict[str, Any]]:
    """The revealed views available for this round (no ranking without scores, no map
    without borders), each with its URL and whether it is the one shown."""
    out = []
    for key, label in PROJECTOR_VIEWS:
        if key == "rangordning" and not (view.get("has_scores") and view.get("rankings")):
            continue
        if key == "karta" and not has_map:
            continue
        out.append({"key": key, "label": str(label), "current": key == current,
                    "url": url_for(".projector", round_id=rnd["id"], vy=key,
                                   etapp=phase["id"] if phase else None)})
    if out and not any(s["current"] for s in out):
        out[0]["current"] = True
    return out


def _projector_context(
    rnd: dict[str, Any], analysis: Any = None,
    phase: dict[str, Any] | None = None, failure: MCDAInputError | None = None,
) -> dict[str, Any]:
    opts = analysis_input.parse_options(_projector_options(rnd))
    if failure is not None:  # the live poll already tried: show the error, do not re-analyse
        counts = round_counts(rnd, phase)
        view, error = empty_view(counts, int(rnd["anonymity_k"]), opts, phase), error_text(failure)
    else:
        _ra, view, counts, error = round_view(rnd, opts, phase, analysis=analysis)
    join_url = url_for("participate.join", _external=True)
    ctx: dict[str, Any] = {"rnd": rnd, "view": view, "error": error, "phase": phase,
                           "join_url": join_url, "steps": [], "step": None, "qr": None}
    if rnd["state"] == "open":
        from mcda.web.facilitate import qr_svg

        ctx["qr"] = qr_svg(url_for("participate.join", kod=rnd["join_code"], _external=True),
                           _("QR-kod till deltagarsidan för kod %(code)s",
                             code=rnd["join_code_display"]))
    if rnd["results_revealed"] and not view["empty"]:
        rmaps = maps.results_maps(view, None)
        has_map = bool(rmaps.get("geo", {}).get("areas") and rmaps.get("coalitions"))
        steps = _projector_steps(rnd, view, _projector_view_key(), phase, has_map)
        i = next(n for n, s in enumerate(steps) if s["current"])
        ctx.update(steps=steps, step=steps[i]["key"], maps=rmaps,
                   prev_step=steps[i - 1] if i > 0 else None,
                   next_step=steps[i + 1] if i + 1 < len(steps) else None,
                   step_no=i + 1)
    return ctx


# --- convergence (Delphi rounds) ------------------------------------------------------------


@bp.get("/beslut/<int:decision_id>/konvergens")
@login_required("facilitator", "secretariat")
def convergence(decision_id: int):
    from mcda.store import decisions as store_decisions

    db = get_db()
    decision = require_view(store_decisions.get_decision(db, decision_id))
    ctx = convergence_context(decision)
    return render_template("results/convergence.html", **ctx)


def convergence_context(decision: dict[str, Any]) -> dict[str, Any]:
    """S*, W and per-criterion SD per round, region and (k-suppressed) per municipality.
    Rounds with per-phase weights contribute the chosen phase's votes (labelled so)."""
    db = get_db()
    rounds = store_rounds.list_rounds(db, decision["id"])
    phases, phase = resolve_phase(decision["id"], any(r.get("phase_weights") for r in rounds))
    opts = analysis_input.parse_options({"smaa": False})
    labels, s_star, w, crit_sd, by_group = [], [], [], {}, {}
    group_sd: dict[str, list[float | None]] = {}
    crit_names: list[str] = []
    for rnd in rounds:
        rnd_phase = phase if rnd.get("phase_weights") else None
        if rnd_phase is not None:
            labels.append(_("Omgång %(n)s (%(phase)s)", n=rnd["number"], phase=rnd_phase["name"]))
        else:
            labels.append(_("Omgång %(n)s", n=rnd["number"]))
        ra, view, counts, _error = round_view(rnd, opts, rnd_phase)
        if ra is None or view["empty"]:
            s_star.append(None)
            w.append(None)
            for series in [*crit_sd.values(), *by_group.values(), *group_sd.values()]:
                series.append(None)
            continue
        cons = view["consensus"]
        s_star.append(cons["s_star"])
        w.append(cons["kendall_w"])
        for c in cons["criteria"]:
            if c["name"] not in crit_sd:
                crit_sd[c["name"]] = [None] * (len(labels) - 1)
                crit_names.append(c["name"])
            crit_sd[c["name"]].append(c["sd"])
        for row in cons["by_group"]:
            by_group.setdefault(row["group"], [None] * (len(labels) - 1)).append(row["s_star"])
        for g, sd in _within_sd(ra.output, view["visible_groups"]).items():
            group_sd.setdefault(g, [None] * (len(labels) - 1)).append(sd)
        for series in [*crit_sd.values(), *by_group.values(), *group_sd.values()]:
            if len(series) < len(labels):
                series.append(None)
    return {
        "decision": decision,
        "rounds": rounds,
        "labels": labels,
        "region": [{"name": "S*", "values": s_star}, {"name": "Kendalls W", "values": w}],
        "crit_sd": [{"name": n, "values": crit_sd[n]} for n in crit_names],
        "by_group": [{"name": g, "values": v} for g, v in sorted(by_group.items())],
        "group_sd": [{"name": g, "values": v} for g, v in sorted(group_sd.items())],
        "options_label": options_label(opts, has_scores=False),
        "phase": phase,
        "phase_links": phase_links(phases, phase, ".convergence", decision_id=decision["id"]),
    }


def _within_sd(output: dict[str, Any], groups: list[str]) -> dict[str, float | None]:
    """Mean over criteria of the sample SD of participants' weights within each group; None
    below 10 voters (``core.disclosure.may_show_spread``: a spread of few values is theirs)."""
    out: dict[str, float | None] = {}
    for g in groups:
        rows = [v["weights"] for v in output.get("votes", []) if v["group"] == g]
        if len(rows) < 2 or not disclosure.may_show_spread(len(rows)):
            out[g] = None
            continue
        sds = [statistics.stdev(float(r[c]) for r in rows) for c in rows[0]]
        out[g] = sum(sds) / len(sds)
    return out


# --- exports -------------------------------------------------------------------------------

EXPORT_KINDS = (
    "roster.csv",
    "vikter.csv",
    "motiveringar.csv",
    "rangordning.csv",
    "etapper.csv",
    "arbetsbok.xlsx",
    "analys.json",
)


@bp.get("/<int:round_id>/export/<kind>")
@login_required("facilitator", "secretariat")
def export(round_id: int, kind: str):
    if kind not in EXPORT_KINDS:
        abort(404)
    rnd = load_round(round_id)
    _phases, phase = select_phase(rnd)
    opts, error = request_options()
    if error:
        abort(400, error)
    ra, view, counts, analysis_error = round_view(rnd, opts, phase)
    view["reasons"] = published_reasons(rnd, counts)
    body, mimetype, filename = exports.build(kind, rnd, ra, view, analysis_error)
    resp = make_response(body)
    resp.mimetype = mimetype
    if mimetype.startswith("text/"):
        resp.charset = "utf-8"
    resp.headers["Content-Disposition"] = exports.content_disposition(filename)
    return resp


@bp.get("/<int:round_id>/rapport")
@login_required("facilitator", "secretariat")
def report(round_id: int):
    rnd = load_round(round_id)
    _phases, phase = select_phase(rnd)
    opts, error = request_options()
    ctx = page_context(rnd, opts, error, phase)
    from mcda.store import decisions as store_decisions

    ctx["decision"] = store_decisions.get_decision(get_db(), rnd["decision_id"])
    ctx["sections_html"] = sections_html(ctx)
    ctx["reasons"] = published_reasons(rnd, round_counts(rnd, phase))
    return render_template("results/report.html", **ctx)


__all__ = ["bp", "build_view", "empty_view", "is_htmx", "load_round", "options_label",
           "participation_view", "phase_label", "round_counts", "round_view",
           "select_phase"]
