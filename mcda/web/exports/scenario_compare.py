"""The scenario comparison as files (``scenarios.compare`` with ``format=csv|xlsx``): four
tables defined once (the scenarios on one scale, the investments per phase, the money per
municipality, what each scenario assumes). Excel: one table per sheet; CSV: one file per
table in a ZIP. Every header is on row 1. Only what shares a scale is lined up: a value
from a scenario's own model is never set beside another's (issue 23)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import Response
from flask_babel import gettext as _

from mcda.web.exports import filing
from mcda.web.exports.cells import content_disposition, slug
from mcda.web.exports.tables import DEC, PCT, Table
from mcda.web.exports.writers import Workbook, csv_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed: the same comparison gives the same bytes


def _change_words() -> dict[str, str]:
    return {"same": _("samma"), "moved": _("byter etapp"), "in": _("kommer med"),
            "out": _("faller bort"), "none": _("inte med")}


def _model_name(ctx: dict[str, Any]) -> str:
    model = ctx.get("model")
    if not model:
        return "–"
    return str(model["name_en"] if ctx.get("lang") == "en" else model["name_sv"])


def summary(ctx: dict[str, Any]) -> Table:
    """Per scenario, on one scale: the value under the decision's model, investments and
    spending per phase, the total spend and the municipalities reached."""
    phases = [p["name"] for p in ctx["phases"]]
    rows = []
    for c in ctx["ok"]:
        ln = c["line"]
        rows.append([c["sc"]["name"], ln["value_model"], *ln["n_per_phase"], *ln["spend"],
                     ln["spend_total"], ln["reached"], ln["of"]])
    return Table(_("Samma skala"),
                 [_("Scenario"), _("Värde enligt beslutsmodellen"),
                  *[_("Investeringar %(p)s (antal)", p=p) for p in phases],
                  *[_("Utgift %(p)s (MSEK)", p=p) for p in phases],
                  _("Utgift totalt (MSEK)"), _("Kommuner nådda"), _("Kommuner i regionen")],
                 rows, formats={1: DEC},
                 note=_("Värde enligt beslutsmodellen (%(m)s) med regionens vikter: summan av "
                        "de planerade investeringarnas värden, samma skala för alla scenarier.",
                        m=_model_name(ctx)))


def investments(ctx: dict[str, Any]) -> Table:
    """Per investment: its phase in each scenario and what changes against the first."""
    ok, change = ctx["ok"], _change_words()
    columns = [_("Investering")] + [_("%(s)s: etapp", s=c["sc"]["name"]) for c in ok]
    columns.append(_("Skillnad"))
    rows = []
    for r in ctx["rows"]:
        line: list[Any] = [r["name"], *[ph if ph is not None else "–" for ph in r["phases"]]]
        line.append("; ".join(f"{c['sc']['name']}: {change[ch]}"
                              for c, ch in zip(ok[1:], r["changes"][1:], strict=True)
                              if ch not in ("same", "none")) or change["same"])
        rows.append(line)
    return Table(_("Investeringar"), columns, rows,
                 note=_("Etapp per investering (– = inte med); skillnad mot det första "
                        "scenariot."))


def money(ctx: dict[str, Any]) -> Table:
    """MSEK per municipality and phase in each scenario."""
    phases = [p["name"] for p in ctx["phases"]]
    rows = [[m["name"], c["sc"]["name"], *m["cells"][k], m["totals"][k]]
            for m in ctx["money"] for k, c in enumerate(ctx["ok"])]
    return Table(_("Pengar per kommun"),
                 [_("Kommun"), _("Scenario"), *[f"{p} (MSEK)" for p in phases],
                  _("Totalt (MSEK)")], rows,
                 note=_("Hela kostnaden, även medfinansierad del."))


def assumptions(ctx: dict[str, Any]) -> Table:
    """What each chosen scenario assumes, one row each (beside every number)."""
    return Table(_("Antaganden"), [_("Scenario"), _("Antaganden")],
                 [[c["sc"]["name"], " ".join(c["describe"])] for c in ctx["cols"]],
                 formats={1: "wrap"},
                 note=_("Jämförelse av scenarier: %(t)s", t=ctx["decision"]["title"]))


def regrets(ctx: dict[str, Any]) -> Table:
    """Who gains, who loses in each scenario (issue 27): one row per scenario and group."""
    rows = [[r["name"], row["group"], row["value"], row["best"], row["regret"] / 100,
             row["gain"], None if row["beats"] is None else (_("ja") if row["beats"]
                                                             else _("nej"))]
            for r in ctx.get("regrets") or [] for row in r["view"]["rows"]]
    return Table(_("Vinnare och förlorare"),
                 [_("Scenario"), _("Kommun"), _("Planens värde"), _("Egen bästa plan"),
                  _("Under egen bästa"), _("Vinst mot att avstå"), _("Bättre än att avstå?")],
                 rows, formats={2: DEC, 3: DEC, 4: PCT, 5: DEC},
                 note=_("Varje scenarios plan med varje kommuns egna vikter (beslutsmodellen) "
                        "jämförd med kommunens egen bästa plan under scenariots kostnader, "
                        "budgetar och regler, och med nuläget. Metod: Fasth m.fl. (2020)."))


def all_tables(ctx: dict[str, Any]) -> list[Table]:
    return [summary(ctx), investments(ctx), money(ctx), regrets(ctx), assumptions(ctx)]


def notes_table(tables: list[Table]) -> Table:
    return Table(_("Anmärkningar"), [_("Tabell"), _("Anmärkning")],
                 [[t.title, t.note] for t in tables if t.note], formats={1: "wrap"})


def _notes(ctx: dict[str, Any], tables: list[Table]) -> Table:
    """The notes, the decision's diarienummer first when it has one (issue 26)."""
    notes = notes_table(tables)
    dnr = filing.decision_dnr(ctx["decision"])
    if dnr:
        notes.rows.insert(0, [_("Diarienummer"), f"{dnr} ({filing.authority()})"])
    return notes


def zip_file(ctx: dict[str, Any]) -> bytes:
    """One CSV per table (header on row 1) and the notes file, in a ZIP."""
    tables = all_tables(ctx)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, t in enumerate([*tables, _notes(ctx, tables)], start=1):
            info = zipfile.ZipInfo(f"{k:02d}-{slug(t.title)}.csv", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, csv_bytes(t))
    return buf.getvalue()


def xlsx_file(ctx: dict[str, Any]) -> bytes:
    """One table per sheet, its header on row 1; the notes on the last sheet."""
    book = Workbook()
    tables = all_tables(ctx)
    for t in [*tables, _notes(ctx, tables)]:
        book.table_sheet(t.title, t, first_width=40)
    meta = filing.decision_metadata_table(ctx["decision"])
    if meta is not None:
        book.table_sheet(meta.title, meta, first_width=28)
    return book.close()


def export(ctx: dict[str, Any], kind: str) -> Response:
    dnr = filing.decision_dnr(ctx["decision"])
    base = (f"{slug(dnr)}-" if dnr else "") + slug(ctx["decision"]["title"]) + "-scenarier"
    if kind == "csv":
        return Response(zip_file(ctx), mimetype="application/zip", headers={
            "Content-Disposition": content_disposition(base + "-csv.zip")})
    return Response(xlsx_file(ctx), mimetype=XLSX, headers={
        "Content-Disposition": content_disposition(base + ".xlsx")})
