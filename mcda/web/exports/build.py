"""Export builders: CSV (Swedish Excel dialect), an Excel workbook and the analysis JSON.

- CSV: ``;``-separated, UTF-8 with BOM, decimal comma (what Swedish Excel opens directly);
  any cell starting with ``= + - @``, TAB or CR gets a leading ``'`` so it is never a formula.
- Excel: xlsxwriter with ``strings_to_formulas`` (and URL/number guessing) off; every user
  string is written with ``write_string``.
- JSON: ``{"input": …, "output": …}``: ``python -m mcda analyze`` on ``input`` reproduces
  ``output``. Municipalities under the anonymity threshold k are merged into one group
  "Övriga kommuner" before the analysis (``core.disclosure``); its voters have no rows in any
  file, and the JSON leaves it out entirely.
- A round without votes gives valid files that say why they are empty.
- A round with per-phase weights is exported one phase at a time (``?etapp=<phase id>``,
  default the first): the file name carries ``etapp-<n>``, the CSV notes and the workbook's
  summary name the phase, and the JSON has a top-level ``phase``.
"""

from __future__ import annotations

import copy
import io
import json
import unicodedata
from typing import Any
from urllib.parse import quote

import xlsxwriter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mcda.core import disclosure
from mcda.store import analysis_input
from mcda.store.numbers import csv_number
from mcda.web.kit.i18n import in_language
from mcda.web.present.labels import anonymity_rule_text
from mcda.web.present.numbers import decimal_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def slug(text: str) -> str:
    """ASCII file-name part: å→a, ä→a, ö→o, spaces→-, nothing else but [a-z0-9-]."""
    out = "".join(
        ch if ch.isascii() and ch.isalnum() else ("" if unicodedata.combining(ch) else "-")
        for ch in unicodedata.normalize("NFKD", text).lower()
    )
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")[:60] or "vagval"


def file_name(
    rnd: dict[str, Any], part: str, ext: str, phase: dict[str, Any] | None = None
) -> str:
    """``vagval-<decision>-omgang-<n>[-etapp-<n>]-<part>.<ext>``."""
    etapp = f"-etapp-{phase['number']}" if phase else ""
    return f"vagval-{slug(rnd['decision_title'])}-omgang-{rnd['number']}{etapp}-{part}.{ext}"


def _phase_note(view: dict[str, Any], note: str | None) -> str | None:
    """Prefix a CSV note with the phase whose votes the file holds (per-phase rounds only)."""
    phase = view.get("phase")
    if not phase:
        return note
    text = _("Etapp: %(phase)s (deltagarnas vikter för den etappen).", phase=phase["label"])
    return f"{text} {note}" if note else text


def phase_doc(phase: dict[str, Any]) -> dict[str, Any]:
    """The phase as stated in the JSON export."""
    return {"id": phase["id"], "number": phase["number"], "name": phase["name"],
            "period": phase.get("period") or ""}


def content_disposition(filename: str) -> str:
    """ASCII ``filename`` plus RFC 5987 ``filename*`` (UTF-8)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "vagval"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_cell(value: Any) -> str:
    """One CSV cell: numbers with decimal comma, text escaped against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return csv_number(value)
    text = str(value)
    if text.startswith(FORMULA_START):
        text = "'" + text
    if any(ch in text for ch in ';"\n\r'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def csv_bytes(header: list[str], rows: list[list[Any]], note: str | None = None) -> bytes:
    """A ``;``-separated UTF-8-with-BOM CSV; ``note`` (e.g. why it is empty) as a first line."""
    lines = []
    if note:
        lines.append(csv_cell("# " + note))
    lines.append(";".join(csv_cell(h) for h in header))
    lines.extend(";".join(csv_cell(v) for v in row) for row in rows)
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _empty_note(view: dict[str, Any], error: str | None) -> str | None:
    if error:
        return _("Analysen kunde inte göras: %(e)s", e=error)
    if view.get("empty"):
        return _("Inga viktningar i den här omgången ännu, därför är tabellen tom.")
    return None


def votes_csv(rnd, ra, view, error) -> bytes:
    """One row per voter of a PUBLISHED municipality; the pooled voters have no rows
    (``core.disclosure.scrub_output`` removed them from the output)."""
    crits = ra.input["criteria"] if ra else []
    header = [_("Deltagare (löpnummer)"), _("Kommun"), _("Metod")] + [c["name"] for c in crits]
    header.append(_("Konsistenskvot (parvis)"))
    rows = []
    if ra and ra.output:
        for v in ra.output["votes"]:
            if v["group"] == disclosure.POOL:
                continue
            rows.append(
                [v["participant"], v["group"], _vote_method(v["method"])]
                + [v["weights"].get(c["id"]) for c in crits]
                + [v.get("consistency_ratio")]
            )
    note = _empty_note(view, error)
    if not note and view["participation"]["n_hidden"]:
        note = _("Deltagarna i ”Övriga kommuner” har inga egna rader (anonymitetsregeln).")
    return csv_bytes(header, rows, _phase_note(view, note))


def _vote_method(method: str) -> str:
    """The elicitation method in words, as the participant saw it (the analysis' method: a
    points vote that no longer sums to 100 is analysed, and listed, as a direct rating)."""
    from mcda.web.present.labels import METHOD_LABELS as VOTE_METHOD_LABELS

    return str(VOTE_METHOD_LABELS.get(method, method))


def weights_csv(rnd, ra, view, error) -> bytes:
    crits = view.get("criteria", [])
    header = [_("Kommun"), _("Antal deltagare")] + [c["name"] for c in crits]
    rows: list[list[Any]] = []
    if not view.get("empty"):
        rows.append([_("Regionen"), view["participation"]["total"]]
                    + [w["value"] for w in view["weights"]])
        gw = view["group_weights"]
        for g, vals in zip(gw["rows"], gw["values"], strict=True):
            rows.append([g, gw["n"][g]] + vals)
        for r in view["participation"]["rows"]:
            if r["n"] is None:
                rows.append([r["name"], r["note"]] + [""] * len(crits))
    note = _empty_note(view, error) or _(
        "Vikter med metoden: %(m)s", m=view.get("options_label", "")
    ) + " " + anonymity_rule_text(view["participation"]["k"])
    return csv_bytes(header, rows, note)


def reasons_csv(rnd, ra, view, error) -> bytes:
    """The shown "Varför?" reasons, one per row: text only, alphabetical, none under k
    (``core.disclosure.publishable_reasons``)."""
    reasons = view.get("reasons") or []
    note = None if reasons else _(
        "Inga motiveringar att visa: inga är givna, processledaren har dolt dem, eller "
        "omgången har färre än %(k)s deltagare.", k=view["participation"]["k"])
    return csv_bytes([_("Motivering (utan kommun eller roll, i bokstavsordning)")],
                     [[t] for t in reasons], note)


def rankings_csv(rnd, ra, view, error) -> bytes:
    rk = view.get("rankings") or {"method_labels": [], "rows": []}
    header = [_("Alternativ"), _("Kompromiss (plats)")]
    for m in rk["method_labels"]:
        header += [f"{m} " + _("plats"), f"{m} " + _("poäng")]
    rows = []
    for r in rk["rows"]:
        row: list[Any] = [r["name"], r["compromise"]]
        for rank, score in zip(r["ranks"], r["scores"], strict=True):
            row += [rank, score]
        rows.append(row)
    note = _empty_note(view, error)
    if not note and not view.get("has_scores"):
        note = _("Bedömningsmatrisen är inte komplett, så ingen rangordning kunde göras.")
    return csv_bytes(header, rows, _phase_note(view, note))


def analysis_json(rnd, ra, view, error) -> bytes:
    """``{"input", "output"}`` with suppressed municipalities pseudonymised in both."""
    if ra is None:
        doc: dict[str, Any] = {"input": None, "output": None, "note": _empty_note(view, error)}
        if view.get("phase"):
            doc["phase"] = phase_doc(view["phase"])
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    # The pool's individual weightings are never published: the file holds the published
    # municipalities' votes, and its output is analysed from exactly that input (so
    # ``python -m mcda analyze`` reproduces it); the page's figures include the pool.
    # (Spreads are not scrubbed here: the file holds the individual votes they come from.)
    data = copy.deepcopy(ra.input)
    pooled = any(v["group"] == disclosure.POOL for v in data["votes"])
    output = ra.full_output
    # Individual votes never carry their role here: municipality × role cells can be single
    # voters. The by-role aggregates (pooled under k) stay in the output.
    by_role = (output or {}).get("by_role")
    for v in data["votes"]:
        v.pop("role", None)
    if pooled or by_role:
        data["votes"] = [v for v in data["votes"] if v["group"] != disclosure.POOL]
        data["groups"] = {g: i for g, i in data["groups"].items() if g != disclosure.POOL}
        output = _analyze(data) if data["votes"] else None
        if output is not None and by_role:
            output["by_role"] = by_role
    doc = {
        "format": "vagval-analysis",
        "round": {"decision": rnd["decision_title"], "number": rnd["number"],
                  "anonymity_k": rnd["anonymity_k"]},
        "input": data,
        "output": output,
    }
    if pooled:
        doc["note_anonymity"] = _(
            "Kommuner med färre än %(k)s deltagare (”Övriga kommuner”) ingår inte i den här "
            "filen; resultatsidan räknar dem som en sammanslagen kommun.", k=rnd["anonymity_k"])
    if by_role:
        doc["note_roles"] = _(
            "Rösterna i filen saknar roll (en kommun och en roll kan tillsammans peka ut en "
            "person). output.by_role är resultatsidans vikter per roll, med roller under "
            "%(k)s deltagare sammanslagna.", k=rnd["anonymity_k"])
    if view.get("phase"):  # a round with per-phase weights: whose votes these are
        doc["phase"] = phase_doc(view["phase"])
    if view.get("empty"):
        doc["note"] = _empty_note(view, error)
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")


def _analyze(data: dict[str, Any]) -> dict[str, Any]:
    from mcda.core.analysis import analyze

    return analyze(copy.deepcopy(data))


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


def phasing_method_label(ph: dict[str, Any]) -> str:
    """One line naming how the plan was made (value, solver, rules), for every phasing export."""
    o = ph["options"]
    scorer = ph["method"]["scorer"].upper().replace("_", " ")
    if o["value_method"] == "smaa":
        value = _("förväntad %(m)s-poäng över SMAA-dragningarna av vikterna", m=scorer)
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


def _phasing(ra) -> tuple[dict[str, Any] | None, str | None]:
    """(the output's ``phasing``, or None with a note saying why there is no plan)."""
    if ra is None or not ra.output:
        return None, None
    ph = ra.output.get("phasing")
    err = (ra.input.get("meta") or {}).get("phasing_error")
    if err:
        return None, _("Etappdata kunde inte användas: %(e)s", e=in_language(err))
    if ph is None:
        return None, None
    if not ph:
        return None, _("Ingen etappplan: bedömningsmatrisen är inte komplett.")
    return ph, None


def _plan_rows(ra, ph: dict[str, Any]) -> list[list[Any]]:
    """Planned investments by phase, then those left out and those that cannot be planned."""
    alts = {a["id"]: a for a in ra.input["alternatives"]}
    phases = ph["phases"]
    assignment = ph["plan"]["assignment"]
    order = list(alts)
    rows = []
    for num in range(1, len(phases) + 1):
        for a in order:
            if assignment.get(a) == num:
                phase = phases[num - 1]
                rows.append([num, phase["name"], phase["period"], alts[a]["name"],
                             alts[a].get("host") or _("regional"), alts[a].get("cost"),
                             ph["values"][a], ""])
    for a in order:
        if a in assignment and assignment[a] is None:
            rows.append([None, _("Ej i planen"), "", alts[a]["name"],
                         alts[a].get("host") or _("regional"), alts[a].get("cost"),
                         ph["values"][a], ""])
    for n in ph["not_planned"]:
        a = alts[n["alternative"]]
        rows.append([None, _("Kan inte planeras"), "", a["name"], a.get("host") or _("regional"),
                     a.get("cost"), None, str(NOT_PLANNED_LABELS[n["reason"]])])
    return rows


PLAN_HEADER = [_l("Etapp nr"), _l("Etapp"), _l("Period"), _l("Investering"), _l("Värdkommun"),
               _l("Kostnad (MSEK)"), _l("Värde"), _l("Anmärkning")]


def phases_csv(rnd, ra, view, error) -> bytes:
    """The phasing plan as CSV: phase × investment with host, cost and value."""
    ph, why = _phasing(ra)
    header = [str(h) for h in PLAN_HEADER]
    if ph is None and view.get("phase"):
        note = _("Omgången har vikter per etapp; etappplanen med varje etapps vikter finns "
                 "på planeringssidan (Etapper).")
        return csv_bytes(header, [], note)
    if ph is None:
        note = _empty_note(view, error) or why or _("Beslutsfrågan har inga etapper.")
        return csv_bytes(header, [], note)
    note = phasing_method_label(ph)
    if ph["infeasibility"]:
        note += " " + in_language(ph["infeasibility"])
    return csv_bytes(header, _plan_rows(ra, ph), note)


def _phases_sheet(wb, ra, view, put, header, bold, dec, pct, wrap) -> None:
    ph, why = _phasing(ra)
    if ph is None and why is None:
        return
    ws = wb.add_worksheet(_("Etapper"))
    ws.set_column(0, 0, 34)
    ws.set_column(1, 40, 14)
    if ph is None:
        put(ws, 0, 0, why, wrap)
        return
    put(ws, 0, 0, _("Etappplan"), bold)
    put(ws, 1, 0, phasing_method_label(ph), wrap)
    put(ws, 2, 0, _("Status"), bold)
    put(ws, 2, 1, str(PLAN_STATUS_LABELS.get(ph["status"], ph["status"])))
    r = 3
    if ph["infeasibility"]:
        put(ws, r, 0, in_language(ph["infeasibility"]), wrap)
        r += 1
    sp = ph["spread"] or {}
    r += 1
    header(ws, r, [_("Etapp"), _("Period"), _("Budget (MSEK)"), _("Planerat (MSEK)"),
                   _("Kvar (MSEK)"), _("Andel kommuner nådda"), _("Gini per invånare")])
    for k, phase in enumerate(ph["phases"]):
        r += 1
        spend = ph["plan"]["spend"][k]
        put(ws, r, 0, phase["name"])
        put(ws, r, 1, phase["period"])
        put(ws, r, 2, phase["budget"])
        put(ws, r, 3, spend)
        put(ws, r, 4, phase["budget"] - spend)
        if sp:
            put(ws, r, 5, sp["reached_share"][k], pct)
            put(ws, r, 6, sp["gini_cumulative"][k], dec)
    r += 2
    put(ws, r, 0, _("Investeringar per etapp"), bold)
    r += 1
    header(ws, r, [str(h) for h in PLAN_HEADER])
    for row in _plan_rows(ra, ph):
        r += 1
        for c, v in enumerate(row):
            put(ws, r, c, v, dec if c == 6 else None)
    if sp:
        r += 2
        put(ws, r, 0, _("Spridning över kommunerna (kumulativt till och med sista etappen)"),
            bold)
        r += 1
        names = [p["name"] for p in ph["phases"]]
        header(ws, r, [_("Kommun")] + [f"{n} (MSEK)" for n in names]
               + [_("Totalt (MSEK)"), _("Kronor per invånare"), _("Första etapp")])
        for m in sp["municipalities"]:
            r += 1
            put(ws, r, 0, m)
            for k, v in enumerate(sp["per_phase"][m]):
                put(ws, r, 1 + k, v)
            put(ws, r, 1 + len(names), sp["total"][m])
            pc = sp["total_per_capita"][m]
            put(ws, r, 2 + len(names), None if pc is None else pc * 1e6)
            put(ws, r, 3 + len(names), sp["reached_by"][m])
        r += 1
        put(ws, r, 0, _("Regionala investeringar (utan värdkommun)"))
        for k, v in enumerate(sp["regional"]):
            put(ws, r, 1 + k, v)
        r += 1
        put(ws, r, 0, _("Gini, investering per invånare (varje kommun räknas en gång)"))
        put(ws, r, 1, sp["gini_per_capita"], dec)
    hidden = set(view["participation"]["hidden"])
    paths = {g: e for g, e in (ph.get("paths") or {}).items() if g not in hidden}
    if paths:
        alts = {a["id"]: a["name"] for a in ra.input["alternatives"]}
        r += 2
        put(ws, r, 0, _("Vägval: kommunernas egna planer jämförda med regionens"), bold)
        r += 1
        header(ws, r, [_("Kommun"), _("Investering"), _("Plats i kommunens rangordning"),
                       _("Etapp i kommunens plan"), _("Etapp i regionens plan"), _("Status")])
        for g, entry in paths.items():
            for t in entry["top"]:
                r += 1
                put(ws, r, 0, g)
                put(ws, r, 1, alts[t["alternative"]])
                put(ws, r, 2, t["rank"])
                put(ws, r, 3, t["own_phase"] if t["own_phase"] is not None else "–")
                put(ws, r, 4, t["regional_phase"] if t["regional_phase"] is not None else "–")
                put(ws, r, 5, str(STATUS_LABELS[t["status"]]))


# --- Excel ---------------------------------------------------------------------------------


def workbook(rnd, ra, view, error) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
         "strings_to_numbers": False},
    )
    bold = wb.add_format({"bold": True})
    pct = wb.add_format({"num_format": "0.0%"})
    dec = wb.add_format({"num_format": "0.000"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def sheet(name: str):
        ws = wb.add_worksheet(name)
        ws.set_column(0, 0, 34)
        ws.set_column(1, 40, 14)
        return ws

    def put(ws, r: int, c: int, v: Any, fmt=None) -> None:
        if v is None:
            return
        if isinstance(v, bool):
            ws.write_string(r, c, "ja" if v else "nej", fmt)
        elif isinstance(v, int | float):
            ws.write_number(r, c, v, fmt)
        else:
            ws.write_string(r, c, str(v), fmt)

    def header(ws, r: int, cells: list[str]) -> None:
        for c, h in enumerate(cells):
            ws.write_string(r, c, str(h), bold)

    note = _empty_note(view, error)
    p = view["participation"]

    ws = sheet(_("Sammanfattning"))
    put(ws, 0, 0, _("Vägval – resultat"), bold)
    rows = [
        (_("Beslutsfråga"), rnd["decision_title"]),
        (_("Omgång"), rnd["number"]),
    ]
    if view.get("phase"):
        rows.append((_("Etapp"), view["phase"]["label"]))
    rows += [
        (_("Status"), rnd["state"]),
        (_("Deltagare som viktat"), p["total"]),
        (_("Anonymitetsgräns k"), p["k"]),
        (_("Metod och val"), view.get("options_label", "")),
    ]
    if rnd.get("decision_is_demo"):
        rows.append((_("Obs"), _("Påhittade exempeldata")))
    if note:
        rows.append((_("Obs"), note))
    if not view.get("empty"):
        c = view["consensus"]
        rows += [(_("Konsensus S* (Goepel)"), c["s_star"]), (_("Nivå"), c["s_star_label"]),
                 ("Kendalls W", c["kendall_w"]), ("p (W)", c["kendall_w_p"])]
    for i, (k, v) in enumerate(rows, start=2):
        put(ws, i, 0, k, bold)
        put(ws, i, 1, v)
    r0 = len(rows) + 4
    header(ws, r0, [_("Kommun"), _("Antal deltagare")])
    for i, row in enumerate(p["rows"], start=r0 + 1):
        put(ws, i, 0, row["name"])
        put(ws, i, 1, row["n"] if row["n"] is not None else row["note"])

    ws = sheet(_("Kommunernas vikter"))
    crits = view.get("criteria", [])
    header(ws, 0, [_("Kommun"), _("Antal deltagare")] + [c["name"] for c in crits])
    if not view.get("empty"):
        put(ws, 1, 0, _("Regionen"), bold)
        put(ws, 1, 1, p["total"])
        for j, w in enumerate(view["weights"]):
            put(ws, 1, 2 + j, w["value"], pct)
        gw = view["group_weights"]
        r = 2
        for g, vals in zip(gw["rows"], gw["values"], strict=True):
            put(ws, r, 0, g)
            put(ws, r, 1, gw["n"][g])
            for j, v in enumerate(vals):
                put(ws, r, 2 + j, v, pct)
            r += 1
        for row in p["rows"]:
            if row["n"] is None:
                put(ws, r, 0, row["name"])
                put(ws, r, 1, row["note"])
                r += 1
        r += 1
        header(ws, r, [_("Kommun"), _("Avstånd till regionen (andel vikt som skiljer)")])
        for d in view["distance"]:
            r += 1
            put(ws, r, 0, d["group"])
            put(ws, r, 1, d["distance"], dec)
    elif note:
        put(ws, 2, 0, note)

    ws = sheet(_("Konsensus"))
    if not view.get("empty"):
        c = view["consensus"]
        header(ws, 0, [_("Kriterium"), _("Medel"), "SD", "IQR", _("Andel mellan kommuner")])
        for i, row in enumerate(c["criteria"], start=1):
            put(ws, i, 0, row["name"])
            put(ws, i, 1, row["mean"], pct)
            put(ws, i, 2, row["sd"], dec)
            put(ws, i, 3, row["iqr"], dec)
            put(ws, i, 4, row["between_share"], pct)
        r = len(c["criteria"]) + 3
        header(ws, r, [_("Kommun"), "S*", _("Nivå")])
        for row in c["by_group"]:
            r += 1
            put(ws, r, 0, row["group"])
            put(ws, r, 1, row["s_star"], pct)
            put(ws, r, 2, row["label"])
    elif note:
        put(ws, 0, 0, note)

    ws = sheet(_("Målkonflikter"))
    if not view.get("empty"):
        cf = view["conflicts"]
        r = 0
        put(ws, r, 0, _("Omstridda kriterier"), bold)
        r += 1
        header(ws, r, [_("Kriterium"), _("Andel mellan kommuner"), _("Högre vikt"),
                       _("Lägre vikt")])
        for d in cf["disputed"]:
            r += 1
            put(ws, r, 0, d["criterion"])
            put(ws, r, 1, d["between_share"], pct)
            put(ws, r, 2, ", ".join(g for g, _v in d["high"]), wrap)
            put(ws, r, 3, ", ".join(g for g, _v in d["low"]), wrap)
        r += 2
        put(ws, r, 0, _("Avvägningar"), bold)
        r += 1
        header(ws, r, [_("Kriterium"), _("mot kriterium"), "r", _("p (justerat)")])
        for t in cf["tradeoffs"]:
            r += 1
            put(ws, r, 0, t["a"])
            put(ws, r, 1, t["b"])
            put(ws, r, 2, t["r"], dec)
            put(ws, r, 3, t["p"], dec)
        r += 2
        put(ws, r, 0, _("Koalitioner"), bold)
        for i, cl in enumerate(cf["coalitions"]["clusters"], start=1):
            r += 1
            put(ws, r, 0, _("Grupp %(n)s", n=i))
            extra = _(" + %(n)s dolda", n=cl["hidden"]) if cl["hidden"] else ""
            put(ws, r, 1, ", ".join(cl["members"]) + extra)
        sim = cf["similarity"]
        if sim["groups"]:
            r += 2
            put(ws, r, 0, _("Likhet mellan kommuner"), bold)
            r += 1
            header(ws, r, [""] + sim["groups"])
            for g, vals in zip(sim["groups"], sim["values"], strict=True):
                r += 1
                put(ws, r, 0, g)
                for j, v in enumerate(vals):
                    put(ws, r, 1 + j, v, dec)
    elif note:
        put(ws, 0, 0, note)

    ws = sheet(_("Rangordning"))
    rk = view.get("rankings")
    if rk and rk["rows"]:
        cols = [_("Alternativ"), _("Kompromiss")]
        for m in rk["method_labels"]:
            cols += [f"{m} " + _("plats"), f"{m} " + _("poäng")]
        header(ws, 0, cols)
        for i, row in enumerate(rk["rows"], start=1):
            put(ws, i, 0, row["name"])
            put(ws, i, 1, row["compromise"])
            for j, (rank, score) in enumerate(zip(row["ranks"], row["scores"], strict=True)):
                put(ws, i, 2 + 2 * j, rank)
                put(ws, i, 3 + 2 * j, score, dec)
        r = len(rk["rows"]) + 3
        if rk["by_group"]:
            put(ws, r, 0, _("Varje kommuns egen rangordning (kommunens vikter)"), bold)
            r += 1
            header(ws, r, [_("Alternativ")] + [b["group"] for b in rk["by_group"]])
            for alt in rk["rows"]:
                r += 1
                put(ws, r, 0, alt["name"])
                for j, b in enumerate(rk["by_group"]):
                    put(ws, r, 1 + j, b["ranks"].get(alt["id"]))
    else:
        put(ws, 0, 0, note or _("Ingen rangordning: bedömningsmatrisen är inte komplett."))

    ws = sheet(_("Robusthet"))
    sm = view.get("smaa")
    r = 0
    if sm:
        put(ws, r, 0, _("SMAA-2 rangacceptans (%(n)s dragningar)", n=sm["samples"]), bold)
        r += 1
        m = len(sm["rows"][0]["shares"]) if sm["rows"] else 0
        header(ws, r, [_("Alternativ")] + [_("Plats %(n)s", n=i + 1) for i in range(m)]
               + [_("Konfidens")])
        for row in sm["rows"]:
            r += 1
            put(ws, r, 0, row["label"])
            for j, b in enumerate(row["shares"]):
                put(ws, r, 1 + j, b, pct)
            put(ws, r, 1 + m, row["confidence"], pct)
        r += 2
    sens = view.get("sensitivity")
    if sens and sens["rows"]:
        put(ws, r, 0, _("Envägs känslighet för vinnaren (%(top)s)", top=sens["top"] or "–"), bold)
        r += 1
        header(ws, r, [_("Kriterium"), _("Vikt nu"), _("Lägst"), _("Högst")])
        for s in sens["rows"]:
            r += 1
            put(ws, r, 0, s["criterion"])
            put(ws, r, 1, s["weight"], pct)
            put(ws, r, 2, s["lower"], pct)
            put(ws, r, 3, s["upper"], pct)
    if r == 0:
        put(ws, 0, 0, note or _("Robusthetsanalysen är avstängd eller kunde inte göras."))

    _phases_sheet(wb, ra, view, put, header, bold, dec, pct, wrap)

    if view.get("reasons"):
        ws = sheet(_("Motiveringar"))
        ws.set_column(0, 0, 100)
        header(ws, 0, [_("Motivering (utan kommun eller roll, i bokstavsordning)")])
        for i, text in enumerate(view["reasons"], start=1):
            put(ws, i, 0, text, wrap)

    ws = sheet(_("Metod"))
    lines = [
        _("Alla siffror kommer från Vägvals analysfunktion (samma som JSON-exporten)."),
        view.get("options_label", ""),
        _("Konsensus S*: Goepel (2018), IJAHP 10(3). Kendalls W med korrektion för lika rang."),
        anonymity_rule_text(p["k"]),
        _("Rang 1 är bäst. Kompromiss: Copeland över metoderna."),
        _("Deltagare anges med löpnummer; inga namn eller nycklar lagras."),
    ]
    if ra and ra.output:
        meta = ra.output.get("meta") or {}
        lines.append(json.dumps(meta, ensure_ascii=False, default=str)[:30000])
    ws.set_column(0, 0, 120)
    for i, line in enumerate(lines):
        put(ws, i, 0, line, wrap)
    wb.close()
    return buf.getvalue()


CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build(kind: str, rnd, ra, view, error) -> tuple[bytes, str, str]:
    """(body, mimetype, filename) for one export kind."""
    phase = view.get("phase")
    if kind == "roster.csv":
        return votes_csv(rnd, ra, view, error), CSV, file_name(rnd, "roster", "csv", phase)
    if kind == "vikter.csv":
        return weights_csv(rnd, ra, view, error), CSV, file_name(rnd, "vikter", "csv", phase)
    if kind == "motiveringar.csv":
        return reasons_csv(rnd, ra, view, error), CSV, file_name(
            rnd, "motiveringar", "csv", phase)
    if kind == "rangordning.csv":
        return rankings_csv(rnd, ra, view, error), CSV, file_name(
            rnd, "rangordning", "csv", phase)
    if kind == "arbetsbok.xlsx":
        return workbook(rnd, ra, view, error), XLSX, file_name(rnd, "resultat", "xlsx", phase)
    if kind == "etapper.csv":
        return phases_csv(rnd, ra, view, error), CSV, file_name(rnd, "etapper", "csv", phase)
    if kind == "analys.json":
        return analysis_json(rnd, ra, view, error), "application/json", file_name(
            rnd, "analys", "json", phase)
    raise KeyError(kind)


__all__ = ["analysis_input", "build", "content_disposition", "csv_bytes", "csv_cell", "slug"]
