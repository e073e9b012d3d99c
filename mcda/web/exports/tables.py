"""Every table a round export holds, each defined once: title, columns, rows, number formats
and note. The CSV files and the workbook's sheets are written from these (``writers``), so a
column or a note changes in one place.

Tables take the round, its cached analysis (typed output, ``RoundAnalysis.model``) and the
analysis view (``present.analysis_view``); no database, request or session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mcda.core import disclosure
from mcda.core.constants import MODEL_NAMES
from mcda.core.contract.outputs import GroupRegret
from mcda.store.numbers import format_decimal_text
from mcda.web.kit.i18n import in_language
from mcda.web.present.labels import METHOD_LABELS as VOTE_METHOD_LABELS
from mcda.web.present.labels import RANKING_METHOD_LABELS, STATE_LABELS, anonymity_rule_text
from mcda.web.present.numbers import decimal_text

PCT, DEC, DEC2 = "pct", "dec", "dec2"
DIGITS = {DEC: 3, DEC2: 2}
"""Decimals a value column keeps in a CSV file, as the page shows it (values 3, consistency
ratios 2); the workbook keeps the number rounded the same way, with a format of that
precision."""

STORED_DIGITS = {PCT: 3, DEC: 3, DEC2: 2}
"""Decimals a number keeps in an export (shares: 0.1 %, as the page shows them); a number
without a format keeps three. Why: a file must not carry more precision than the page
(issue 24, A1: full-precision means were equations on a pool's voters)."""


def stored(v: Any, fmt: str | None) -> Any:
    """A float as an export stores it: rounded to the page's precision (:data:`STORED_DIGITS`);
    anything else unchanged."""
    if not isinstance(v, float):
        return v
    return round(v, STORED_DIGITS.get(fmt or "", 3)) + 0.0  # + 0.0: no "-0"


@dataclass
class Table:
    """One table: ``title`` (its heading where the workbook shows one, else ""),
    ``columns`` (``sheet_columns`` where the workbook words them differently), ``rows`` of
    plain values, ``formats`` (column → ``"pct"``/``"dec"``/``"wrap"`` in the workbook) and
    the ``note`` a CSV file states first (why it is empty, how it was computed)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    formats: dict[int, str] = field(default_factory=dict)
    note: str | None = None
    sheet_columns: list[str] | None = None
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)

    def fmt(self, i: int, j: int) -> str | None:
        """The format of row ``i``'s column ``j``: the cell's own, else the column's."""
        return self.cell_formats.get((i, j)) or self.formats.get(j)

    def csv_header(self) -> list[str]:
        """The CSV header: a share column says "(%)", its cells are percent (``csv_rows``)."""
        return [f"{c} (%)" if self.formats.get(j) == PCT and c else str(c)
                for j, c in enumerate(self.columns)]  # a lone percent cell says so itself

    def csv_rows(self) -> list[list[Any]]:
        """The rows as the page shows them: shares in percent with one decimal, values with
        three decimals, consistency ratios with two (the workbook keeps the exact number
        with a format of that precision; the JSON export keeps every digit)."""
        def cell(i: int, j: int, v: Any) -> Any:
            fmt = self.fmt(i, j)
            if not isinstance(v, int | float) or isinstance(v, bool):
                return v
            if fmt in DIGITS:
                return round(float(v), DIGITS[fmt]) + 0.0  # + 0.0: no "-0"
            if fmt != PCT:
                return stored(v, fmt)
            text = format_decimal_text(v * 100, 1, ascii_minus=True)
            return text if self.formats.get(j) == PCT else text + " %"

        return [[cell(i, j, v) for j, v in enumerate(row)] for i, row in enumerate(self.rows)]


def empty_note(view: dict[str, Any], error: str | None) -> str | None:
    if error:
        return _("Analysen kunde inte göras: %(e)s", e=error)
    if view.get("empty"):
        return _("Inga viktningar i den här omgången ännu, därför är tabellen tom.")
    return None


def phase_note(view: dict[str, Any], note: str | None) -> str | None:
    """Prefix a note with the phase whose votes the file holds (per-phase rounds only)."""
    phase = view.get("phase")
    if not phase:
        return note
    text = _("Etapp: %(phase)s (deltagarnas vikter för den etappen).", phase=phase["label"])
    return f"{text} {note}" if note else text


def vote_method(method: str) -> str:
    """The elicitation method in words, as the participant saw it (the analysis' method: a
    points vote that no longer sums to 100 is analysed, and listed, as a direct rating)."""
    return str(VOTE_METHOD_LABELS.get(method, method))


# --- the verdict (the workbook's first sheet) -------------------------------------------------


def _model_name(model: Any) -> str:
    """The decision model in plain words, in the request's language."""
    en = str(get_locale() or "sv") == "en"
    return str(model.name_en if en else model.name_sv)


def _verdict(ra: Any) -> Any:
    """The typed verdict block under the decision's model, or None (no votes, no scores)."""
    v = getattr(ra.model, "verdict", None) if ra is not None and ra.model is not None else None
    return v if v is not None and hasattr(v, "share_first") else None


def flip_text(v: Any, names: dict[str, str], crit_names: dict[str, str]) -> str:
    """What would change the verdict, in words (the smallest change of the region's weights
    that puts the runner-up first)."""
    if v.flip is None or v.runner_up is None:
        return _("Ingen ändring av en enda vikt sätter något annat alternativ först.")
    points = decimal_text(v.flip.points, 0 if v.flip.points >= 1 else 1)
    if v.flip.direction == "up":
        return _("Om %(c)s vägde %(n)s procentenheter mer skulle %(alt)s komma först.",
                 c=crit_names.get(v.flip.criterion, v.flip.criterion), n=points,
                 alt=names.get(v.runner_up, v.runner_up))
    return _("Om %(c)s vägde %(n)s procentenheter mindre skulle %(alt)s komma först.",
             c=crit_names.get(v.flip.criterion, v.flip.criterion), n=points,
             alt=names.get(v.runner_up, v.runner_up))


def verdict(ra: Any, view: dict[str, Any], error: str | None) -> Table:
    """The verdict as question → answer: what comes first and what follows, how sure, what
    would change it, what the other methods say, and the model that says it."""
    columns = [_("Fråga"), _("Svar")]
    v = _verdict(ra)
    if v is None:
        return Table(_("Besked"), columns, [], note=empty_note(view, error) or _(
            "Inget besked: bedömningsmatrisen är inte komplett."))
    names = {a["id"]: a["name"] for a in ra.input["alternatives"]}
    crit_names = {c["id"]: c["name"] for c in ra.input["criteria"]}
    first = names.get(v.first, v.first)
    rest = [names.get(o.id, o.id) for o in v.order if o.id != v.first]
    others = ", ".join(str(RANKING_METHOD_LABELS.get(m, m)) for m in v.methods.ids) or "–"
    rows: list[list[Any]] = [
        [_("Kommer först"), first],
        [_("Därefter, i ordning"), ", ".join(rest) or "–"],
        [_("Andel av deltagarnas viktningar där %(alt)s kommer först", alt=first), v.share_first],
        [_("Vad som skulle ändra det"), flip_text(v, names, crit_names)],
        [_("Andra metoder"), _("%(n)s av %(of)s andra metoder sätter också %(alt)s först.",
                              n=v.methods.agree, of=v.methods.of, alt=first)],
        [_("Metoder som håller med"), others],
        [_("Beslutsmodell"), _model_name(v.model)],
        [_("Viktningar som ingår"), v.n_weightings],
    ]
    share_row = 2
    if v.explain == "other_first_more_often":
        rows.insert(3, [_("Obs"), _(
            "%(alt)s kommer först med regionens vikter, men %(other)s kommer först under fler "
            "av deltagarnas egna viktningar.", alt=first,
            other=names.get(v.share_leader, v.share_leader))])
    elif v.explain == "tie":
        rows.insert(3, [_("Obs"), _("Förstaplatsen är delad.")])
    return Table(_("Besked"), columns, rows, cell_formats={(share_row, 1): PCT},
                 note=phase_note(view, _("Besked enligt beslutsfrågans beslutsmodell: %(m)s.",
                                         m=_model_name(v.model))))


def model_order(ra: Any, view: dict[str, Any], error: str | None) -> Table:
    """Every alternative in the decision model's order, with its score and the share of the
    room's weightings under which it comes first."""
    v = _verdict(ra)
    columns = [_("Plats"), _("Alternativ"), _("Poäng enligt beslutsmodellen"),
               _("Andel viktningar där alternativet kommer först")]
    if v is None:
        return Table(_("Ordning"), columns, [], note=empty_note(view, error))
    names = {a["id"]: a["name"] for a in ra.input["alternatives"]}
    return Table(_("Ordning"), columns,
                 [[o.rank, names.get(o.id, o.id), o.score, v.shares.get(o.id)] for o in v.order],
                 formats={2: DEC, 3: PCT},
                 note=_("Ordning enligt beslutsmodellen: %(m)s.", m=_model_name(v.model)))


def round_facts(rnd: dict[str, Any], view: dict[str, Any], note: str | None) -> Table:
    """The round in key → value rows: decision, round, phase, state in words, voters, k."""
    p = view["participation"]
    rows: list[list[Any]] = [[_("Beslutsfråga"), rnd["decision_title"]],
                             [_("Omgång"), rnd["number"]]]
    if view.get("phase"):
        rows.append([_("Etapp"), view["phase"]["label"]])
    state = STATE_LABELS.get(rnd["state"])
    rows += [[_("Status"), str(state).lower() if state else rnd["state"]],
             [_("Deltagare som viktat"), p["total"]], [_("Anonymitetsgräns k"), p["k"]],
             [_("Metod och val"), view.get("options_label", "")]]
    if rnd.get("decision_is_demo"):
        rows.append([_("Obs"), _("Påhittade exempeldata")])
    if not view.get("empty"):
        c = view["consensus"]
        rows += [[_("Konsensus S* (Goepel)"), c["s_star"]], [_("Nivå"), c["s_star_label"]],
                 ["Kendalls W", c["kendall_w"]], ["p (W)", c["kendall_w_p"]]]
    return Table(_("Sammanfattning"), [_("Uppgift"), _("Värde")], rows, note=note)


def notes(pairs: list[tuple[str, str | None]]) -> Table:
    """Every table's note on its own sheet (or file), so each table's header is row 1."""
    return Table(_("Anmärkningar"), [_("Tabell"), _("Anmärkning")],
                 [[name, note] for name, note in pairs if note],
                 formats={1: "wrap"})


# --- the round's tables ------------------------------------------------------------------------


def roster(ra: Any, view: dict[str, Any], error: str | None) -> Table:
    """One row per voter of a PUBLISHED municipality; the pooled voters have no rows
    (``core.disclosure.scrub_output`` removed them from the output)."""
    crits = ra.input["criteria"] if ra else []
    columns = [_("Deltagare (löpnummer)"), _("Kommun"), _("Metod")] + [c["name"] for c in crits]
    columns.append(_("Konsistenskvot (parvis)"))
    rows = []
    if ra and ra.model:
        rows = [[v.participant, v.group, vote_method(v.method)]
                + [v.weights.get(c["id"]) for c in crits] + [v.consistency_ratio]
                for v in ra.model.votes if v.group != disclosure.POOL]
    note = empty_note(view, error)
    if not note and view["participation"]["n_hidden"]:
        note = _("Deltagarna i ”Övriga kommuner” har inga egna rader (anonymitetsregeln).")
    return Table(_("Röster"), columns, rows, note=phase_note(view, note),
                 formats={3 + j: PCT for j in range(len(crits))} | {3 + len(crits): DEC2})


def weights(view: dict[str, Any], error: str | None) -> Table:
    """The region's and every published municipality's weights (pooled rows say so)."""
    crits = view.get("criteria", [])
    p = view["participation"]
    rows: list[list[Any]] = []
    if not view.get("empty"):
        rows.append([_("Regionen"), p["total"]] + [w["value"] for w in view["weights"]])
        gw = view["group_weights"]
        rows += [[g, gw["n"][g], *vals]
                 for g, vals in zip(gw["rows"], gw["values"], strict=True)]
        rows += [[r["name"], r["note"]] + [""] * len(crits) for r in p["rows"]
                 if r["n"] is None]
    note = empty_note(view, error) or _(
        "Vikter med metoden: %(m)s", m=view.get("options_label", "")
    ) + " " + anonymity_rule_text(p["k"], p.get("kind"))
    return Table(_("Kommunernas vikter"), [_("Kommun"), _("Antal deltagare")]
                 + [c["name"] for c in crits], rows,
                 formats={2 + j: PCT for j in range(len(crits))}, note=note)


def reasons(view: dict[str, Any]) -> Table:
    """The shown "Varför?" reasons, one per row: text only, alphabetical, none under k
    (``core.disclosure.publishable_reasons``)."""
    texts = view.get("reasons") or []
    note = None if texts else _(
        "Inga motiveringar att visa: inga är givna, processledaren har dolt dem, eller "
        "omgången har färre än %(k)s deltagare.", k=view["participation"]["k"])
    return Table(_("Motiveringar"), [_("Motivering (utan kommun eller roll, i bokstavsordning)")],
                 [[t] for t in texts], formats={0: "wrap"}, note=note)


def rankings(view: dict[str, Any], error: str | None) -> Table:
    """Every alternative's place and score under the decision's model (first, in its order:
    the order the verdict and the workbook's "Besked" give), then the compromise place and
    each method's place and score."""
    rk = view.get("rankings") or {"method_labels": [], "rows": []}
    has_model = bool(rk.get("has_model"))
    per_method = []
    for m in rk["method_labels"]:
        per_method += [f"{m} " + _("plats"), f"{m} " + _("poäng")]
    rows = []
    for r in (rk["model_rows"] if has_model else rk["rows"]):
        row: list[Any] = [r["name"]]
        if has_model:
            row += [r["model"], r["model_score"]]
        row.append(r["compromise"])
        for rank, score in zip(r["ranks"], r["scores"], strict=True):
            row += [rank, score]
        rows.append(row)
    note = empty_note(view, error)
    if not note and not view.get("has_scores"):
        note = _("Bedömningsmatrisen är inte komplett, så ingen rangordning kunde göras.")
    lead = [_("Beslutets modell (plats)"), _("Beslutets modell (poäng)")] if has_model else []
    first = 1 + len(lead) + 1
    formats = {first + 1 + 2 * j: DEC for j in range(len(rk["method_labels"]))}
    if has_model:
        formats[2] = DEC
    return Table(_("Rangordning"), [_("Alternativ"), *lead, _("Kompromiss (plats)"), *per_method],
                 rows, formats=formats, note=phase_note(view, note),
                 sheet_columns=[_("Alternativ"), *lead, _("Kompromiss"), *per_method])


# --- growth phases (etapper) ------------------------------------------------------------------

STATUS_LABELS = {
    "same": _l("samma etapp"),
    "earlier": _l("tidigare i regionens plan"),
    "deferred": _l("senare i regionens plan"),
    "dropped": _l("utanför regionens plan"),
    "in_neither": _l("i ingen av planerna"),
}
NOT_PLANNED_LABELS = {
    "no_cost": _l("saknar kostnad och kan inte budgeteras"),
    "requires_unplanned": _l("kräver en investering som inte kan planeras"),
}
PLAN_STATUS_LABELS = {
    "optimal": _l("optimal (bevisat)"),
    "time_limit": _l("bästa plan inom tidsgränsen"),
    "infeasible": _l("reglerna går inte att uppfylla"),
}
PLAN_HEADER = [_l("Etapp nr"), _l("Etapp"), _l("Period"), _l("Investering"), _l("Värdkommun"),
               _l("Kostnad (MSEK)"), _l("Värde"), _l("Anmärkning")]


def phasing_method_label(ph: dict[str, Any]) -> str:
    """One line naming how the plan was made (value, solver, rules), for every phasing export."""
    o = ph["options"]
    scorer = ph["method"]["scorer"].upper().replace("_", " ")
    model = ph["method"].get("model")
    if o["value_method"] == "smaa":
        value = _("förväntad %(m)s-poäng över SMAA-dragningarna av vikterna", m=scorer)
    elif o["value_method"] == "model" and model in MODEL_NAMES:
        sv, en = MODEL_NAMES[model]
        value = _("värden enligt beslutsmodellen, %(m)s, med regionens vikter",
                  m=en if str(get_locale() or "sv") == "en" else sv)
    else:
        value = _("%(m)s-poäng med regionens vikter", m=scorer)
    rules = []
    if o["rules"]["min_one_by_phase"]:
        rules.append(_("minst en investering per kommun senast etapp %(n)s",
                       n=o["rules"]["min_one_by_phase"]))
    if o["rules"]["max_share"] is not None:
        share = decimal_text(o["rules"]["max_share"] * 100, 0) + " %"  # plain space in files
        rules.append(_("ingen kommun över %(p)s av planens kostnad", p=share))
    if o["discount"]:
        bonus = decimal_text(o["discount"] * 100, None) + " %"
        rules.append(_("bonus för tidig etapp %(p)s", p=bonus))
    return _(
        "Etappplan: heltalsoptimering (scipy milp/HiGHS) som maximerar summan av värdena "
        "(%(value)s) inom varje etapps budget, tidigaste etapp och förutsättningar; regler: "
        "%(rules)s.",
        value=value, rules=", ".join(str(r) for r in rules) or _("inga"),
    )


def phasing(ra: Any) -> tuple[dict[str, Any] | None, str | None]:
    """(the output's ``phasing``, or None with a note saying why there is no plan)."""
    if ra is None or ra.model is None:
        return None, None
    ph = ra.model.phasing
    err = (ra.input.get("meta") or {}).get("phasing_error")
    if err:
        return None, _("Etappdata kunde inte användas: %(e)s", e=in_language(err))
    if ph is None:
        return None, None
    if not ph:
        return None, _("Ingen etappplan: bedömningsmatrisen är inte komplett.")
    return ph, None


def _plan_rows(ra: Any, ph: dict[str, Any]) -> list[list[Any]]:
    """Planned investments by phase, then those left out and those that cannot be planned."""
    alts = {a["id"]: a for a in ra.input["alternatives"]}
    phases, assignment = ph["phases"], ph["plan"]["assignment"]

    def row(num: int | None, phase_name: str, period: str, a: dict[str, Any], value: Any,
            remark: str = "") -> list[Any]:
        return [num, phase_name, period, a["name"], a.get("host") or _("regional"),
                a.get("cost"), value, remark]

    rows = [row(num, phases[num - 1]["name"], phases[num - 1]["period"], alts[a],
                ph["values"][a])
            for num in range(1, len(phases) + 1) for a in alts if assignment.get(a) == num]
    rows += [row(None, _("Ej i planen"), "", alts[a], ph["values"][a])
             for a in alts if a in assignment and assignment[a] is None]
    rows += [row(None, _("Kan inte planeras"), "", alts[n["alternative"]], None,
                 str(NOT_PLANNED_LABELS[n["reason"]])) for n in ph["not_planned"]]
    return rows


def plan(ra: Any, view: dict[str, Any], error: str | None) -> Table:
    """The phasing plan: phase × investment with host, cost and value."""
    ph, why = phasing(ra)
    columns = [str(h) for h in PLAN_HEADER]
    if ph is None and view.get("phase"):
        return Table(_("Investeringar per etapp"), columns, [], note=_(
            "Omgången har vikter per etapp; etappplanen med varje etapps vikter finns "
            "på planeringssidan (Etapper)."))
    if ph is None:
        return Table(_("Investeringar per etapp"), columns, [],
                     note=empty_note(view, error) or why or _("Beslutsfrågan har inga etapper."))
    note = phasing_method_label(ph)
    if ph["infeasibility"]:
        note += " " + in_language(ph["infeasibility"])
    return Table(_("Investeringar per etapp"), columns, _plan_rows(ra, ph), formats={6: DEC},
                 note=note)


def regrets(ra: Any, view: dict[str, Any], error: str | None) -> Table:
    """Who gains, who loses (issue 27): each published group's view of the regional plan
    (a group under k is inside "Övriga kommuner"; the analysis pooled it first)."""
    columns = [_("Kommun"), _("Planens värde"), _("Egen bästa plan"), _("Under egen bästa"),
               _("Vinst mot att avstå"), _("Bättre än att avstå?")]
    ph, why = phasing(ra)
    conflict = (ph or {}).get("conflict")
    if conflict is None:
        return Table(_("Vinnare och förlorare"), columns, [],
                     note=empty_note(view, error) or why or _(
                         "Ingen etappplan att jämföra med kommunernas egna bästa planer."))
    rows = sorted((GroupRegret.model_validate(r) for r in conflict["plan"]),
                  key=lambda r: (-r.regret_pct, r.group))
    return Table(
        _("Vinnare och förlorare"), columns,
        [[r.group, r.value, r.best, r.regret_pct / 100, r.gain,
          None if r.beats_nothing is None else (_("ja") if r.beats_nothing else _("nej"))]
         for r in rows],
        formats={1: DEC, 2: DEC, 3: PCT, 4: DEC},
        note=_("Regionens plan jämförd med varje kommuns egen bästa plan under samma budgetar "
               "och regler (exakt blandad heltalsoptimering, HiGHS), med kommunens egna vikter, "
               "och med nuläget (gör ingenting). Metod: Fasth m.fl. (2020)."))


# --- the workbook's other tables ----------------------------------------------------------------


def participation(view: dict[str, Any]) -> Table:
    """Voters per published municipality (the pool as one row, never its members)."""
    return Table(_("Deltagare"), [_("Kommun"), _("Antal deltagare")],
                 [[r["name"], r["n"] if r["n"] is not None else r["note"]]
                  for r in view["participation"]["rows"]])


def distance(view: dict[str, Any]) -> Table:
    return Table(_("Avstånd"), [_("Kommun"), _("Avstånd till regionen (andel vikt som skiljer)")],
                 [[d["group"], d["distance"]] for d in view["distance"]], formats={1: DEC})


def consensus_criteria(view: dict[str, Any]) -> Table:
    return Table(_("Konsensus"), [_("Kriterium"), _("Medel"), "SD", "IQR",
                                  _("Andel mellan kommuner")],
                 [[r["name"], r["mean"], r["sd"], r["iqr"], r["between_share"]]
                  for r in view["consensus"]["criteria"]],
                 formats={1: PCT, 2: DEC, 3: DEC, 4: PCT}, note=_hidden_note(view))


def _hidden_note(view: dict[str, Any]) -> str | None:
    """Why an empty cell of the consensus table is empty (issue 24: a hidden value says why)."""
    parts = []
    if view.get("spread_hidden"):
        parts.append(_("SD och IQR är dolda: %(why)s.", why=view["spread_hidden"]))
    left_out = (view.get("consensus") or {}).get("left_out")
    if left_out:  # a small pool left out of the spreads (A1)
        parts.append(left_out)
    if view.get("comparable") is False:
        parts.append(_("Andel mellan kommuner: ej mätbar, resultaten visar bara en grupp."))
    return " ".join(parts) or None


def consensus_groups(view: dict[str, Any]) -> Table:
    return Table("", [_("Kommun"), "S*", _("Nivå")],
                 [[r["group"], r["s_star"], r["label"]] for r in view["consensus"]["by_group"]],
                 formats={1: PCT})


def disputed(view: dict[str, Any]) -> Table:
    return Table(_("Omstridda kriterier"),
                 [_("Kriterium"), _("Andel mellan kommuner"), _("Högre vikt"), _("Lägre vikt")],
                 [[d["criterion"], d["between_share"], ", ".join(g for g, _v in d["high"]),
                   ", ".join(g for g, _v in d["low"])] for d in view["conflicts"]["disputed"]],
                 formats={1: PCT, 2: "wrap", 3: "wrap"})


def tradeoffs(view: dict[str, Any]) -> Table:
    return Table(_("Avvägningar"), [_("Kriterium"), _("mot kriterium"), "r", _("p (justerat)")],
                 [[t["a"], t["b"], t["r"], t["p"]] for t in view["conflicts"]["tradeoffs"]],
                 formats={2: DEC, 3: DEC})


def coalitions(view: dict[str, Any]) -> Table:
    rows = []
    for i, cl in enumerate(view["conflicts"]["coalitions"]["clusters"], start=1):
        extra = _(" + %(n)s dolda", n=cl["hidden"]) if cl["hidden"] else ""
        rows.append([_("Grupp %(n)s", n=i), ", ".join(cl["members"]) + extra])
    return Table(_("Koalitioner"), [_("Grupp"), _("Kommuner")], rows, formats={1: "wrap"},
                 note=None if rows else view.get("no_coalitions"))


def similarity(view: dict[str, Any]) -> Table:
    sim = view["conflicts"]["similarity"]
    return Table(_("Likhet mellan kommuner"), [_("Kommun"), *sim["groups"]],
                 [[g, *vals] for g, vals in zip(sim["groups"], sim["values"], strict=True)],
                 formats={1 + j: DEC for j in range(len(sim["groups"]))})


def group_rankings(view: dict[str, Any]) -> Table:
    rk = view["rankings"]
    return Table(_("Varje kommuns egen rangordning (kommunens vikter)"),
                 [_("Alternativ")] + [b["group"] for b in rk["by_group"]],
                 [[alt["name"]] + [b["ranks"].get(alt["id"]) for b in rk["by_group"]]
                  for alt in rk["rows"]])


def smaa(view: dict[str, Any]) -> Table:
    sm = view["smaa"]
    m = len(sm["rows"][0]["shares"]) if sm["rows"] else 0
    return Table(_("SMAA-2 rangacceptans (%(n)s dragningar)", n=sm["samples"]),
                 [_("Alternativ")] + [_("Plats %(n)s", n=i + 1) for i in range(m)]
                 + [_("Konfidens")],
                 [[r["label"], *r["shares"], r["confidence"]] for r in sm["rows"]],
                 formats={1 + j: PCT for j in range(m + 1)})


def sensitivity(view: dict[str, Any]) -> Table:
    sens = view["sensitivity"]
    return Table(_("Envägs känslighet för vinnaren (%(top)s)", top=sens["top"] or "–"),
                 [_("Kriterium"), _("Vikt nu"), _("Lägst"), _("Högst")],
                 [[s["criterion"], s["weight"], s["lower"], s["upper"]] for s in sens["rows"]],
                 formats={1: PCT, 2: PCT, 3: PCT})
