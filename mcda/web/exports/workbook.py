"""The round's Excel workbook: one sheet per part of the results, each laid out from the
tables in ``tables`` (the same tables the CSV files are written from)."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _

from mcda.web.exports import tables as T
from mcda.web.exports.writers import Workbook
from mcda.web.kit.i18n import in_language
from mcda.web.present.labels import anonymity_rule_text


def _summary(book: Workbook, rnd: dict[str, Any], view: dict[str, Any], note: str | None) -> None:
    ws = book.sheet(_("Sammanfattning"))
    p = view["participation"]
    book.put(ws, 0, 0, _("Vägval – resultat"), book.bold)
    rows: list[tuple[str, Any]] = [(_("Beslutsfråga"), rnd["decision_title"]),
                                   (_("Omgång"), rnd["number"])]
    if view.get("phase"):
        rows.append((_("Etapp"), view["phase"]["label"]))
    rows += [(_("Status"), rnd["state"]), (_("Deltagare som viktat"), p["total"]),
             (_("Anonymitetsgräns k"), p["k"]), (_("Metod och val"), view.get("options_label", ""))]
    if rnd.get("decision_is_demo"):
        rows.append((_("Obs"), _("Påhittade exempeldata")))
    if note:
        rows.append((_("Obs"), note))
    if not view.get("empty"):
        c = view["consensus"]
        rows += [(_("Konsensus S* (Goepel)"), c["s_star"]), (_("Nivå"), c["s_star_label"]),
                 ("Kendalls W", c["kendall_w"]), ("p (W)", c["kendall_w_p"])]
    for i, (k, v) in enumerate(rows, start=2):
        book.put(ws, i, 0, k, book.bold)
        book.put(ws, i, 1, v)
    book.table(ws, len(rows) + 4, T.participation(view))


def _weights(book: Workbook, view: dict[str, Any], note: str | None) -> None:
    ws = book.sheet(_("Kommunernas vikter"))
    r = book.table(ws, 0, T.weights(view, None), first_bold=True)
    if not view.get("empty"):
        book.table(ws, r + 2, T.distance(view))
    elif note:
        book.put(ws, 2, 0, note)


def _note_sheet(book: Workbook, name: str, view: dict[str, Any], note: str | None) -> Any:
    """A sheet of analysis figures: None after writing the note when there are none."""
    ws = book.sheet(name)
    if view.get("empty"):
        book.put(ws, 0, 0, note)
        return None
    return ws


def _consensus(book: Workbook, view: dict[str, Any], note: str | None) -> None:
    ws = _note_sheet(book, _("Konsensus"), view, note)
    if ws is None:
        return
    book.table(ws, 0, T.consensus_criteria(view))
    book.table(ws, len(view["consensus"]["criteria"]) + 3, T.consensus_groups(view))


def _titled(book: Workbook, ws: Any, r: int, table: T.Table, **kw: Any) -> int:
    """A bold title, then the table; returns its last row."""
    book.put(ws, r, 0, table.title, book.bold)
    return book.table(ws, r + 1, table, **kw)


def _conflicts(book: Workbook, view: dict[str, Any], note: str | None) -> None:
    ws = _note_sheet(book, _("Målkonflikter"), view, note)
    if ws is None:
        return
    r = _titled(book, ws, 0, T.disputed(view))
    r = _titled(book, ws, r + 2, T.tradeoffs(view))
    r = _titled(book, ws, r + 2, T.coalitions(view), header=False)
    if view["conflicts"]["similarity"]["groups"]:
        _titled(book, ws, r + 2, T.similarity(view))


def _rankings(book: Workbook, view: dict[str, Any], note: str | None) -> None:
    ws = book.sheet(_("Rangordning"))
    rk = view.get("rankings")
    if not (rk and rk["rows"]):
        book.put(ws, 0, 0, note or _("Ingen rangordning: bedömningsmatrisen är inte komplett."))
        return
    book.table(ws, 0, T.rankings(view, None))
    if rk["by_group"]:
        _titled(book, ws, len(rk["rows"]) + 3, T.group_rankings(view))


def _robustness(book: Workbook, view: dict[str, Any], note: str | None) -> None:
    ws = book.sheet(_("Robusthet"))
    r = 0
    if view.get("smaa"):
        r = _titled(book, ws, 0, T.smaa(view)) + 2
    sens = view.get("sensitivity")
    if sens and sens["rows"]:
        r = _titled(book, ws, r, T.sensitivity(view))
    if r == 0:
        book.put(ws, 0, 0, note or _("Robusthetsanalysen är avstängd eller kunde inte göras."))


def _reasons(book: Workbook, view: dict[str, Any]) -> None:
    if not view.get("reasons"):
        return
    ws = book.sheet(_("Motiveringar"), first_width=100)
    table = T.reasons(view)
    table.formats = {0: "wrap"}
    book.table(ws, 0, table)


def _method(book: Workbook, ra: Any, view: dict[str, Any]) -> None:
    ws = book.sheet(_("Metod"), first_width=120)
    lines = [
        _("Alla siffror kommer från Vägvals analysfunktion (samma som JSON-exporten)."),
        view.get("options_label", ""),
        _("Konsensus S*: Goepel (2018), IJAHP 10(3). Kendalls W med korrektion för lika rang."),
        anonymity_rule_text(view["participation"]["k"]),
        _("Rang 1 är bäst. Kompromiss: Copeland över metoderna."),
        _("Deltagare anges med löpnummer; inga namn eller nycklar lagras."),
    ]
    if ra and ra.output:
        # the analysis' meta as recorded, verbatim (versions, options, skipped methods)
        lines.append(json.dumps(ra.output["meta"], ensure_ascii=False, default=str)[:30000])
    for i, line in enumerate(lines):
        book.put(ws, i, 0, line, book.wrap)


# --- the phasing sheet --------------------------------------------------------------------------


def _budget_table(ph: dict[str, Any]) -> T.Table:
    sp = ph["spread"] or {}
    rows = []
    for k, phase in enumerate(ph["phases"]):
        spend = ph["plan"]["spend"][k]
        row = [phase["name"], phase["period"], phase["budget"], spend, phase["budget"] - spend]
        if sp:
            row += [sp["reached_share"][k], sp["gini_cumulative"][k]]
        rows.append(row)
    return T.Table("",
                   [_("Etapp"), _("Period"), _("Budget (MSEK)"), _("Planerat (MSEK)"),
                    _("Kvar (MSEK)"), _("Andel kommuner nådda"), _("Gini per invånare")],
                   rows, formats={5: T.PCT, 6: T.DEC})


def _spread_table(ph: dict[str, Any]) -> T.Table:
    sp = ph["spread"]
    names = [p["name"] for p in ph["phases"]]
    rows: list[list[Any]] = []
    for m in sp["municipalities"]:
        pc = sp["total_per_capita"][m]
        rows.append([m, *sp["per_phase"][m], sp["total"][m], None if pc is None else pc * 1e6,
                     sp["reached_by"][m]])
    rows.append([_("Regionala investeringar (utan värdkommun)"), *sp["regional"]])
    return T.Table(_("Spridning över kommunerna (kumulativt till och med sista etappen)"),
                    [_("Kommun")] + [f"{n} (MSEK)" for n in names]
                    + [_("Totalt (MSEK)"), _("Kronor per invånare"), _("Första etapp")], rows)


def _paths_table(ra: Any, ph: dict[str, Any], view: dict[str, Any]) -> T.Table | None:
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


def _phases(book: Workbook, ra: Any, view: dict[str, Any]) -> None:
    ph, why = T.phasing(ra)
    if ph is None and why is None:
        return
    ws = book.sheet(_("Etapper"))
    if ph is None:
        book.put(ws, 0, 0, why, book.wrap)
        return
    book.put(ws, 0, 0, _("Etappplan"), book.bold)
    book.put(ws, 1, 0, T.phasing_method_label(ph), book.wrap)
    book.put(ws, 2, 0, _("Status"), book.bold)
    book.put(ws, 2, 1, str(T.PLAN_STATUS_LABELS.get(ph["status"], ph["status"])))
    r = 3
    if ph["infeasibility"]:
        book.put(ws, r, 0, in_language(ph["infeasibility"]), book.wrap)
        r += 1
    r = book.table(ws, r + 1, _budget_table(ph))
    r = _titled(book, ws, r + 2, T.plan(ra, view, None))
    if ph["spread"]:
        r = _titled(book, ws, r + 2, _spread_table(ph)) + 1
        book.put(ws, r, 0, _("Gini, investering per invånare (varje kommun räknas en gång)"))
        book.put(ws, r, 1, ph["spread"]["gini_per_capita"], T.DEC)
    paths = _paths_table(ra, ph, view)
    if paths is not None:
        _titled(book, ws, r + 2, paths)


def workbook(rnd: dict[str, Any], ra: Any, view: dict[str, Any], error: str | None) -> bytes:
    """Every sheet, in order: summary, weights, consensus, conflicts, ranking, robustness,
    phases (when the decision has them), reasons (when shown), method."""
    book = Workbook()
    note = T.empty_note(view, error)
    _summary(book, rnd, view, note)
    _weights(book, view, note)
    _consensus(book, view, note)
    _conflicts(book, view, note)
    _rankings(book, view, note)
    _robustness(book, view, note)
    _phases(book, ra, view)
    _reasons(book, view)
    _method(book, ra, view)
    return book.close()
