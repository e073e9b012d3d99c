"""The analysis as plain values for the templates, maps and exports: one view per round (or
phase), built from the typed analysis output (``contract.AnalysisOutput``, parsed once per
cached analysis) and the participation counts.

k is applied to every per-municipality figure through ``core.disclosure`` (groups under k are
pooled into "Övriga kommuner" before anything is computed; no municipality is ever hidden by
name). No database, request or session here: the round-scope step (``kit.scope``) hands the
cached analysis in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import get_locale
from flask_babel import gettext as _

from mcda.core import disclosure, summary
from mcda.core.consensus import s_star_label as core_s_star_label
from mcda.store import analysis_input
from mcda.web.present import analysis_text
from mcda.web.present.analysis_sections import (
    by_role_view,
    conflicts_view,
    contributions_view,
    plan_view,
    rankings_view,
    sensitivity_view,
    smaa_view,
    verdict_plain,
)
from mcda.web.present.labels import (
    BETWEEN_LABELS,
    RANKING_METHOD_LABELS,
    WITHIN_LABELS,
    anonymity_rule_text,
    phase_label,
    pool_label,
)
from mcda.web.present.numbers import finite as num
from mcda.web.present.regret import regret_view

if TYPE_CHECKING:
    from mcda.core.contract import AnalysisOutput
    from mcda.store.analysis_cache import RoundAnalysis



def options_label(
    opts: Mapping[str, Any], *, has_scores: bool = True, phase: Mapping[str, Any] | None = None
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
        parts.append(_("metoder: %(m)s",
                       m=", ".join(RANKING_METHOD_LABELS[m] for m in opts["methods"])))
        if opts["smaa"]:
            parts.append(_(
                "SMAA-2: %(n)s dragningar av deltagarnas vikter (stratifierat per kommun), "
                "rangordnade med beslutets modell", n=analysis_input.SMAA_SAMPLES))
        else:
            parts.append(_("SMAA av"))
    return prefix + "; ".join(str(p) for p in parts) + "."


def participation_view(counts: Mapping[str, int], k: int,
                       kind: str = disclosure.ANONYMOUS) -> dict[str, Any]:
    """Voters per published group (``core.disclosure``): municipalities with at least k
    voters by name, the others only as one "Övriga kommuner" row; the regional total. In a
    delegates round every municipality by name."""
    plan = disclosure.plan(counts, k, kind)
    rows = [{"name": g, "n": n, "note": None} for g, n in plan.published_counts().items()]
    for r in rows:
        if r["name"] == disclosure.POOL:
            r["name"] = pool_label()
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
        "kind": plan.kind,
        "n_visible": len(plan.visible),
        "rule": anonymity_rule_text(k, plan.kind),
    }


def empty_view(counts: Mapping[str, int], k: int, opts: Mapping[str, Any],
               phase: Mapping[str, Any] | None = None,
               kind: str = disclosure.ANONYMOUS) -> dict[str, Any]:
    """The view of a round (or phase) without an analysis: participation only."""
    return {"participation": participation_view(counts, k, kind), "empty": True, "options": opts,
            "options_label": options_label(opts, phase=phase), "phase": phase}


def s_star_text(v: float | None) -> str:
    if v is None:
        return "–"
    return analysis_text.core_label("s_star", core_s_star_label(min(1.0, max(0.0, v)))[1])


def relabel_pool(obj: Any, label: str) -> Any:
    """A copy of an analysis output with the pool's data name replaced by ``label`` (the
    summary is worded from the output by ``core.summary``)."""
    if isinstance(obj, dict):
        return {(label if k == disclosure.POOL else k): relabel_pool(v, label)
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [relabel_pool(v, label) for v in obj]
    return label if obj == disclosure.POOL else obj


def group_name(g: str) -> str:
    """A published group's name in the reader's language (the pool is named, never a
    municipality in it)."""
    return pool_label() if g == disclosure.POOL else g


def build_view(ra: RoundAnalysis, counts: Mapping[str, int], k: int,
               phase: Mapping[str, Any] | None = None,
               kind: str = disclosure.ANONYMOUS) -> dict[str, Any]:
    """Plain values for the templates from one analysis; k applied to every group figure.
    ``phase``: the phase whose votes ``ra`` analysed (named in the method note)."""
    data, m = ra.input, ra.model
    crits = [(c["id"], c["name"], c["direction"]) for c in data["criteria"]]
    alts = [(a["id"], a["name"]) for a in data.get("alternatives", [])]
    part = participation_view(counts, k, kind)
    has_scores = "scores" in data
    view: dict[str, Any] = {
        "participation": part, "options": ra.options,
        "options_label": options_label(ra.options, has_scores=has_scores, phase=phase),
        "phase": phase, "has_scores": has_scores,
        "criteria": [{"id": c, "name": n, "direction": d} for c, n, d in crits],
        "alternatives": [{"id": a, "name": n} for a, n in alts],
        "empty": m is None, "k": k,
        "phasing_available": bool(m and m.phasing) or "phases" in data,
    }
    if m is None:
        return view
    cname, aname = {c: n for c, n, _d in crits}, dict(alts)
    view.update(_weights_part(m, crits))
    view["consensus"] = _consensus_view(m, cname)
    view["conflicts"] = conflicts_view(m.conflicts, cname, aname, group_name)
    _comparable_only(view, [group_name(g) for g in m.groups], k, part["kind"])
    view["by_role"] = by_role_view(m.by_role, crits)
    view["rankings"] = rankings_view(m, alts, group_name)
    lang_key = "message_en" if str(get_locale()) == "en" else "message_sv"
    view["skipped_methods"] = [{"method": s.method, "fallback": s.fallback,
                                "message": getattr(s, lang_key)}
                               for s in m.meta.skipped_methods]
    view["contributions"] = contributions_view(data, m, crits, alts) if has_scores else None
    # one winner everywhere: SMAA and the sensitivity analysis run under the decision's
    # model (core), the same model as the verdict above
    view["smaa"] = smaa_view(m.smaa, alts)
    view["sensitivity"] = sensitivity_view(m.sensitivity, cname, aname)
    out = ra.output if pool_label() == disclosure.POOL else relabel_pool(ra.output, pool_label())
    items = disclosure.scrub_summary(
        summary.summarize(out, hidden=set(), all_groups=list(counts), k=k),
        pooled=bool(part["n_hidden"]), groups=view["published_groups"],
        spread_shown=view["spread_shown"])
    view["summary"] = analysis_text.summary_sentences(items)
    view["plain"] = analysis_text.plain_summary(items)
    view["coverage"] = next((s for s in view["summary"] if s["kind"] == "coverage"), None)
    vp = verdict_plain(m.verdict, alts, cname) if has_scores else None
    if vp is not None:
        vp["named_only"] = bool(m.consensus.left_out)  # a small pool not counted (A1)
        vp["lines"] = analysis_text.verdict_lines(vp)
        vp["explain_lines"] = analysis_text.explain_lines(vp)
        vp["model"] = analysis_text.model_name(vp)
    view["verdict_plain"] = vp
    view["plan"] = plan_view(m.phasing, aname) if has_scores else None
    view["regret"] = _regret_part(m.phasing) if view["plan"] else None
    return view


def _comparable_only(view: dict[str, Any], groups: list[str], k: int, kind: str) -> None:
    """Nothing false (issue 24): figures that compare groups are shown only where there is
    something to compare. One published group (everyone pooled into "Övriga kommuner", or one
    municipality): no disputed criteria, between-group shares, similarity or polarising
    alternatives (each would be 0 or a statement about groups nobody can see); fewer than
    three: no coalitions (clustering needs three). Spreads of fewer than ten voters are
    hidden by ``core.disclosure``; the view says so (``spread_hidden``) instead of "–"."""
    n_groups = len(groups)
    cf = view["conflicts"]
    view["published_groups"] = groups
    view["n_groups"] = n_groups
    view["comparable"] = n_groups >= 2
    view["spread_shown"] = disclosure.may_show_spread(view["participation"]["total"])
    view["spread_hidden"] = (None if view["spread_shown"] else
                             _("färre än %(n)s röster", n=disclosure.MIN_SPREAD_VALUES))
    if n_groups < 2:
        cf["disputed"], cf["polarising"] = [], []
        cf["similarity"] = {"groups": [], "values": []}
        for r in view["consensus"]["criteria"]:
            r["between_share"] = None
        view["no_comparison"] = _(
            "Kommunerna kan inte jämföras: resultaten visar bara en grupp, %(group)s.",
            group=", ".join(groups) or "–")
        if kind == disclosure.ANONYMOUS:
            view["no_comparison"] += " " + _(
                "Med anonymitetsgränsen k = %(k)s visas en kommun med namn först när minst "
                "%(k)s därifrån har viktat.", k=k)
    if n_groups < 3:
        cf["coalitions"]["clusters"] = []
        view["no_coalitions"] = _(
            "Koalitioner visas inte: de kräver minst tre grupper att jämföra (kommuner med "
            "namn eller Övriga kommuner).")


def _regret_part(phasing: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Who gains, who loses under the regional plan (issue 27): the brief's sentence and
    bars, the appendix's table (published groups only: the analysis pooled those under k)."""
    conflict = (phasing or {}).get("conflict")
    if not conflict or not conflict.get("plan"):
        return None
    return regret_view(_("Regionens plan"), conflict["plan"],
                       list((phasing or {}).get("municipalities") or []))


def _weights_part(m: AnalysisOutput, crits: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Regional weights, the groups' weights (heat map rows) and each group's distance to the
    region (half L1: the share of weight that would have to move)."""
    names = {group_name(g): g for g in m.groups}
    visible = sorted(names)
    w = m.weights
    groups = {shown: m.groups[g] for shown, g in names.items()}
    return {
        "visible_groups": visible,
        "n_hidden_groups": 0,  # pooled municipalities are not counted (core.disclosure)
        "weights": [{"label": n, "value": num(w.get(c)), "id": c} for c, n, _d in crits],
        "group_weights": {
            "rows": visible, "cols": [n for _c, n, _d in crits],
            "values": [[num(groups[g].weights.get(c)) for c, _n, _d in crits] for g in visible],
            "n": {g: groups[g].n for g in visible},
        },
        "distance": [{"group": g, "distance": 0.5 * sum(
            abs((groups[g].weights.get(c) or 0) - (w.get(c) or 0)) for c, _n, _d in crits)}
            for g in visible],
    }


def _consensus_view(m: AnalysisOutput, cname: Mapping[str, str]) -> dict[str, Any]:
    cons = m.consensus
    s_star = num(cons.s_star)
    by_group = sorted((group_name(g), v) for g, v in cons.s_star_by_group.items())
    # why a spread is missing (issue 24, A1): in plain words, never "–" alone
    hidden = _("dold: färre än %(n)s röster", n=disclosure.MIN_SPREAD_VALUES)
    return {
        "s_star": s_star, "s_star_label": s_star_text(s_star) if s_star is not None else hidden,
        "kendall_w": num(cons.kendall_w), "kendall_w_p": num(cons.kendall_w_p),
        "by_group": [{"group": g, "s_star": num(v),
                      "label": s_star_text(num(v)) if v is not None else hidden}
                     for g, v in by_group],
        "hidden": hidden,
        "by_group_hidden": bool(by_group) and all(v is None for _g, v in by_group),
        "min_n": disclosure.MIN_SPREAD_VALUES,
        "left_out": _(
            "%(pool)s har färre än %(n)s röster och räknas här bara med sina sammanslagna "
            "vikter: S*, W, spridningen och andelen mellan kommuner bygger på de namngivna "
            "kommunernas deltagare (annars skulle de avslöja enskilda viktningar).",
            pool=pool_label(), n=disclosure.MIN_SPREAD_VALUES)
        if cons.left_out else None,
        "left_out_share": _(
            "%(pool)s har färre än %(n)s röster: andelen räknar bara de namngivna kommunernas "
            "viktningar; ordningen räknar %(pool)s med sina sammanslagna vikter.",
            pool=pool_label(), n=disclosure.MIN_SPREAD_VALUES)
        if cons.left_out else None,
        "criteria": sorted(
            ({"id": c, "name": cname[c], "mean": num(st.mean), "sd": num(st.sd),
              "iqr": num(st.iqr), "between_share": num(st.between_share)}
             for c, st in cons.criteria.items() if c in cname),
            key=lambda r: -(r["sd"] or 0)),
    }


def scope_view(scope: Any) -> dict[str, Any]:
    """The view of a round scope (``kit.scope.Scope``): built from its cached analysis, or
    participation only when there is none."""
    if scope.analysis is not None:
        return build_view(scope.analysis, scope.counts, scope.k, scope.phase, scope.kind)
    return empty_view(scope.counts, scope.k, scope.opts, scope.phase, scope.kind)
