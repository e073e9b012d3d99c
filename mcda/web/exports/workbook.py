"""The round's Excel workbook: one table per sheet, its header on row 1, laid out from the
tables in ``tables`` (the same tables the CSV files are written from). The verdict comes
first; every table's note (why it is empty, how it was computed) is on the last sheet,
"Anmärkningar", never above a header."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mcda.web.exports import filing
from mcda.web.exports import tables as T
from mcda.web.exports.recompute import add_recompute
from mcda.web.exports.writers import Workbook
from mcda.web.kit.i18n import in_language
from mcda.web.present.labels import anonymity_rule_text

# The analysis' tables: sheet name → the table (only when the round has weightings).
ANALYSIS_SHEETS: list[tuple[Any, Callable[[dict[str, Any]], T.Table]]] = [
    (_l("Avstånd"), T.distance),
    (_l("Konsensus"), T.consensus_criteria),
    (_l("Konsensus per kommun"), T.consensus_groups),
    (_l("Omstridda kriterier"), T.disputed),
    (_l("Avvägningar"), T.tradeoffs),
    (_l("Koalitioner"), T.coalitions),
    (_l("Likhet"), T.similarity),
]


def method_table(ra: Any, view: dict[str, Any]) -> T.Table:
    """How the figures were made, one line a row, and the analysis' meta verbatim."""
    lines = [
        _("Alla siffror kommer från Vägvals analysfunktion (samma som JSON-exporten)."),
        view.get("options_label", ""),
        _("Konsensus S*: Goepel (2018), IJAHP 10(3). Kendalls W med korrektion för lika rang."),
        anonymity_rule_text(view["participation"]["k"], view["participation"].get("kind")),
        _("Rang 1 är bäst. Kompromiss: Copeland över metoderna."),
        _("Andelar är tal formaterade som procent; i CSV-filerna står de i procent med en "
          "decimal, som på sidan."),
        _("Deltagare anges med löpnummer; inga namn eller nycklar lagras."),
    ]
    if ra and ra.output:
        # the analysis' meta as recorded, verbatim (versions, options, skipped methods)
        lines.append(json.dumps(ra.output["meta"], ensure_ascii=False, default=str)[:30000])
    return T.Table(_("Metod"), [_("Metod")], [[line] for line in lines], formats={0: "wrap"})


# --- the phasing tables -------------------------------------------------------------------------


def budget_table(ph: dict[str, Any]) -> T.Table:
    sp = ph["spread"] or {}
    rows = []
    for k, phase in enumerate(ph["phases"]):
        spend = ph["plan"]["spend"][k]
        row = [phase["name"], phase["period"], phase["budget"], spend, phase["budget"] - spend]
        if sp:
            row += [sp["reached_share"][k], sp["gini_cumulative"][k]]
        rows.append(row)
    status = str(T.PLAN_STATUS_LABELS.get(ph["status"], ph["status"]))
    note = T.phasing_method_label(ph) + " " + _("Status: %(s)s.", s=status)
    if ph["infeasibility"]:
        note += " " + in_language(ph["infeasibility"])
    return T.Table(_("Etappbudget"),
                   [_("Etapp"), _("Period"), _("Budget (MSEK)"), _("Planerat (MSEK)"),
                    _("Kvar (MSEK)"), _("Andel kommuner nådda"), _("Gini per invånare")],
                   rows, formats={5: T.PCT, 6: T.DEC}, note=note)


def spread_table(ph: dict[str, Any]) -> T.Table:
    sp = ph["spread"]
    names = [p["name"] for p in ph["phases"]]
    rows: list[list[Any]] = []
    for m in sp["municipalities"]:
        pc = sp["total_per_capita"][m]
        rows.append([m, *sp["per_phase"][m], sp["total"][m], None if pc is None else pc * 1e6,
                     sp["reached_by"][m]])
    rows.append([_("Regionala investeringar (utan värdkommun)"), *sp["regional"]])
    gini = T.decimal_text(ph["spread"]["gini_per_capita"], 3)
    return T.Table(_("Spridning över kommunerna (kumulativt till och med sista etappen)"),
                   [_("Kommun")] + [f"{n} (MSEK)" for n in names]
                   + [_("Totalt (MSEK)"), _("Kronor per invånare"), _("Första etapp")], rows,
                   note=_("Gini, investering per invånare (varje kommun räknas en gång): "
                          "%(g)s.", g=gini))


def paths_table(ra: Any, ph: dict[str, Any], view: dict[str, Any]) -> T.Table | None:
    hidden = set(view["participation"]["hidden"])
    paths = {g: e for g, e in (ph.get("paths") or {}).items() if g not in hidden}
    if not paths:
        return None
    alts = {a["id"]: a["name"] for a in ra.input["alternatives"]}
    rows = [[g, alts[t["alternative"]], t["rank"],
             t["own_phase"] if t["own_phase"] is not None else "–",
             t["regional_phase"] if t["regional_phase"] is not None else "–",
             str(T.STATUS_LABELS[t["status"]])]
            for g, entry in paths.items() for t in entry["top"]]
    return T.Table(_("Vägval: kommunernas egna planer jämförda med regionens"),
                   [_("Kommun"), _("Investering"), _("Plats i kommunens rangordning"),
                    _("Etapp i kommunens plan"), _("Etapp i regionens plan"), _("Status")], rows)


def phase_tables(ra: Any, view: dict[str, Any]) -> list[tuple[str, T.Table]]:
    """(sheet name, table) of the plan, or a lone plan table whose note says why none."""
    ph, why = T.phasing(ra)
    if ph is None and why is None:
        return []
    if ph is None:
        return [(_("Etappplan"), T.plan(ra, view, None))]
    out = [(_("Etappbudget"), budget_table(ph)), (_("Etappplan"), T.plan(ra, view, None))]
    if ph["spread"]:
        out.append((_("Spridning"), spread_table(ph)))
    paths = paths_table(ra, ph, view)
    if paths is not None:
        out.append((_("Kommunernas planer"), paths))
    if ph.get("conflict"):
        out.append((_("Vinnare och förlorare"), T.regrets(ra, view, None)))
    return out


# --- the workbook -----------------------------------------------------------------------------


def _sheets(rnd: dict[str, Any], ra: Any, view: dict[str, Any],
            error: str | None) -> list[tuple[str, T.Table, dict[str, Any]]]:
    """Every sheet in order: (name, table, layout options)."""
    note = T.empty_note(view, error)
    wide: dict[str, Any] = {}
    out: list[tuple[str, T.Table, dict[str, Any]]] = [
        (_("Besked"), T.verdict(ra, view, error), {"first_width": 60}),
        (_("Ordning"), T.model_order(ra, view, error), {"first_width": 8}),
        (_("Sammanfattning"), T.round_facts(rnd, view, note), wide),
        (_("Deltagare"), T.participation(view), wide),
        (_("Kommunernas vikter"), T.weights(view, error), {"first_bold": True}),
    ]
    if not view.get("empty"):
        out += [(str(name), build(view), wide) for name, build in ANALYSIS_SHEETS
                if build is not T.similarity or view["conflicts"]["similarity"]["groups"]]
    out.append((_("Rangordning"), T.rankings(view, error), wide))
    rk = view.get("rankings")
    if rk and rk["rows"] and rk["by_group"]:
        out.append((_("Kommunernas rangordning"), T.group_rankings(view), wide))
    if view.get("smaa"):
        out.append((_("Rangacceptans"), T.smaa(view), wide))
    sens = view.get("sensitivity")
    if sens and sens["rows"]:
        out.append((_("Känslighet"), T.sensitivity(view), wide))
    out += [(name, t, wide) for name, t in phase_tables(ra, view)]
    if view.get("reasons"):
        out.append((_("Motiveringar"), T.reasons(view), {"first_width": 100}))
    out.append((_("Metod"), method_table(ra, view), {"first_width": 120}))
    return out


def workbook(rnd: dict[str, Any], ra: Any, view: dict[str, Any], error: str | None) -> bytes:
    """The verdict first, then the round, the weights, the analysis, the ranking, the plan
    (when the decision has phases), the reasons (when shown), the method and the notes."""
    book = Workbook()
    sheets = _sheets(rnd, ra, view, error)
    for name, table, layout in sheets:
        book.table_sheet(name, table, **layout)
    formulas = add_recompute(book, ra, {name: table for name, table, _layout in sheets})
    notes = T.notes([(name, table.note) for name, table, _layout in sheets] + formulas)
    book.table_sheet(_("Anmärkningar"), notes, first_width=28)
    book.wb.worksheets()[-1].set_column(1, 1, 120)
    meta = filing.metadata_table(rnd)
    if meta is not None:  # the decision's diarienummer (issue 26)
        book.table_sheet(_("Metadata"), meta, first_width=28)
    return book.close()
