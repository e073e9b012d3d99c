"""The scenario comparison as CSV and Excel (``scenarios.compare`` with ``format=csv|xlsx``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response
from flask_babel import gettext as _

from mcda.web.exports.build import content_disposition, csv_cell, slug


def table(ctx: dict[str, Any]) -> tuple[list[str], list[list[Any]], list[list[Any]]]:
    """The comparison as plain rows: per investment (phase, rank) and money per municipality."""
    ok = ctx["ok"]
    head = [_("Investering")]
    for c in ok:
        head += [_("%(s)s: etapp", s=c["sc"]["name"]), _("%(s)s: rang", s=c["sc"]["name"])]
    head.append(_("Skillnad"))
    change = {"same": _("samma"), "moved": _("byter etapp"), "in": _("kommer med"),
              "out": _("faller bort"), "none": _("inte med")}
    rows = []
    for r in ctx["rows"]:
        line: list[Any] = [r["name"]]
        for ph, rk in zip(r["phases"], r["ranks"], strict=True):
            line += [ph if ph is not None else "–", rk]
        line.append("; ".join(f"{c['sc']['name']}: {change[ch]}"
                              for c, ch in zip(ok[1:], r["changes"][1:], strict=True)
                              if ch not in ("same", "none")) or change["same"])
        rows.append(line)
    money = []
    for m in ctx["money"]:
        for k, c in enumerate(ok):
            money.append([m["name"], c["sc"]["name"], *m["cells"][k], m["totals"][k]])
    return head, rows, money


def export(ctx: dict[str, Any], kind: str) -> Response:
    head, rows, money = table(ctx)
    phases = [p["name"] for p in ctx["phases"]]
    mhead = [_("Kommun"), _("Scenario"), *[f"{p} (MSEK)" for p in phases], _("Totalt (MSEK)")]
    totals = [[c["sc"]["name"], c["plan"]["total_value"], *c["plan"]["spend"]]
              for c in ctx["ok"]]
    thead = [_("Scenario"), _("Totalt värde"), *[_("Utgift %(p)s (MSEK)", p=p) for p in phases]]
    notes = [f"{c['sc']['name']}: " + " ".join(c["describe"]) for c in ctx["cols"]]
    base = slug(ctx["decision"]["title"]) + "-scenarier"
    if kind == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=";")
        w.writerow([_("Jämförelse av scenarier: %(t)s", t=ctx["decision"]["title"])])
        for n in notes:
            w.writerow([csv_cell(n)])
        w.writerow([])
        w.writerow(thead)
        for t in totals:
            w.writerow([csv_cell(x) for x in t])
        w.writerow([])
        w.writerow(head)
        for r in rows:
            w.writerow([csv_cell(x) for x in r])
        w.writerow([])
        w.writerow(mhead)
        for r in money:
            w.writerow([csv_cell(x) for x in r])
        data = ("\ufeff" + buf.getvalue()).encode("utf-8")
        return Response(data, mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": content_disposition(base + ".csv")})
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    bold = wb.add_format({"bold": True})
    dec = wb.add_format({"num_format": "0.0"})
    for title, header, body in (
        (_("Summering"), thead, totals),
        (_("Investeringar"), head, rows),
        (_("Pengar per kommun"), mhead, money),
    ):
        ws = wb.add_worksheet(title[:31])
        ws.write_row(0, 0, header, bold)
        for i, r in enumerate(body, start=1):
            for j, v in enumerate(r):
                if isinstance(v, float):
                    ws.write_number(i, j, v, dec)
                elif isinstance(v, int):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(v))
        ws.set_column(0, 0, 40)
        ws.set_column(1, len(header), 16)
        if title == _("Summering"):
            for k, n in enumerate(notes):
                ws.write_string(len(body) + 2 + k, 0, n)
    wb.close()
    return Response(out.getvalue(), mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        headers={"Content-Disposition": content_disposition(base + ".xlsx")})
