"""The scenario comparison as CSV and Excel (``scenarios.compare`` with ``format=csv|xlsx``):
three tables defined once (the summary, the investments, the money per municipality), written
by ``csv.writer`` and xlsxwriter."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import gettext as _

from mcda.web.exports.cells import content_disposition, csv_rows, slug
from mcda.web.exports.tables import Table
from mcda.web.exports.writers import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _change_words() -> dict[str, str]:
    return {"same": _("samma"), "moved": _("byter etapp"), "in": _("kommer med"),
            "out": _("faller bort"), "none": _("inte med")}


def notes(ctx: dict[str, Any]) -> list[str]:
    """What each chosen scenario assumes, one line each (beside every number)."""
    return [f"{c['sc']['name']}: " + " ".join(c["describe"]) for c in ctx["cols"]]


def summary(ctx: dict[str, Any]) -> Table:
    """Per scenario: total value and spending per phase."""
    phases = [p["name"] for p in ctx["phases"]]
    return Table(_("Summering"),
                 [_("Scenario"), _("Totalt värde"),
                  *[_("Utgift %(p)s (MSEK)", p=p) for p in phases]],
                 [[c["sc"]["name"], c["plan"]["total_value"], *c["plan"]["spend"]]
                  for c in ctx["ok"]])


def investments(ctx: dict[str, Any]) -> Table:
    """Per investment: phase and rank in each scenario, and what changes against the first."""
    ok, change = ctx["ok"], _change_words()
    columns = [_("Investering")]
    for c in ok:
        columns += [_("%(s)s: etapp", s=c["sc"]["name"]), _("%(s)s: rang", s=c["sc"]["name"])]
    columns.append(_("Skillnad"))
    rows = []
    for r in ctx["rows"]:
        line: list[Any] = [r["name"]]
        for ph, rk in zip(r["phases"], r["ranks"], strict=True):
            line += [ph if ph is not None else "–", rk]
        line.append("; ".join(f"{c['sc']['name']}: {change[ch]}"
                              for c, ch in zip(ok[1:], r["changes"][1:], strict=True)
                              if ch not in ("same", "none")) or change["same"])
        rows.append(line)
    return Table(_("Investeringar"), columns, rows)


def money(ctx: dict[str, Any]) -> Table:
    """MSEK per municipality and phase in each scenario."""
    phases = [p["name"] for p in ctx["phases"]]
    rows = [[m["name"], c["sc"]["name"], *m["cells"][k], m["totals"][k]]
            for m in ctx["money"] for k, c in enumerate(ctx["ok"])]
    return Table(_("Pengar per kommun"),
                 [_("Kommun"), _("Scenario"), *[f"{p} (MSEK)" for p in phases],
                  _("Totalt (MSEK)")], rows)


def csv_file(ctx: dict[str, Any]) -> bytes:
    """Title, the notes, then the three tables, a blank line between."""
    tables = (summary(ctx), investments(ctx), money(ctx))
    rows: list[list[Any]] = [[_("Jämförelse av scenarier: %(t)s", t=ctx["decision"]["title"])]]
    rows += [[n] for n in notes(ctx)]
    for t in tables:
        rows += [[], t.columns, *t.rows]
    return ("\ufeff" + csv_rows(rows)).encode("utf-8")


def xlsx_file(ctx: dict[str, Any]) -> bytes:
    """One sheet per table; the notes under the summary."""
    book = Workbook()
    one_decimal = book.wb.add_format({"num_format": "0.0"})
    for k, t in enumerate((summary(ctx), investments(ctx), money(ctx))):
        ws = book.wb.add_worksheet(t.title[:31])
        book.header(ws, 0, t.columns)
        for i, r in enumerate(t.rows, start=1):
            for j, v in enumerate(r):
                if isinstance(v, float):
                    ws.write_number(i, j, v, one_decimal)
                elif isinstance(v, int):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(v))
        ws.set_column(0, 0, 40)
        ws.set_column(1, len(t.columns), 16)
        if k == 0:  # the summary: what each scenario assumes, under its table
            for i, n in enumerate(notes(ctx)):
                ws.write_string(len(t.rows) + 2 + i, 0, n)
    return book.close()


def export(ctx: dict[str, Any], kind: str) -> Response:
    base = slug(ctx["decision"]["title"]) + "-scenarier"
    if kind == "csv":
        return Response(csv_file(ctx), mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": content_disposition(base + ".csv")})
    return Response(xlsx_file(ctx), mimetype=XLSX, headers={
        "Content-Disposition": content_disposition(base + ".xlsx")})
