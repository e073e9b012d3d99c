"""Done-when checks on the demo data: results of the closed demo round; the secretariat's
workbook compares the 15 municipalities."""

from __future__ import annotations

import io

import openpyxl

from mcda.store import analysis_cache
from mcda.store import rounds as sr
from mcda.store.demo import load_demo

from .results_helpers import login_as, open_db


def test_demo_round_results_and_workbook(app, client):
    analysis_cache.clear()
    uid = login_as(app, client, "facilitator")
    db = open_db(app)
    try:
        ids = load_demo(db, uid)
        closed = [r for r in sr.list_rounds(db, ids[0]) if r["state"] == "closed"][0]
    finally:
        db.conn.close()
    html = client.get(f"/resultat/{closed['id']}").get_data(as_text=True)
    assert "Påhittade exempeldata" in html
    for part in ("Konsensus S* (Goepel)", "Omstridda kriterier", "Koalitioner",
                 "Alternativens plats med varje metod", "Rangacceptans per alternativ"):
        assert part in html, part
    login_as(app, client, "secretariat")
    resp = client.get(f"/resultat/{closed['id']}/export/arbetsbok.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    ws = wb["Kommunernas vikter"]
    names = [ws.cell(r, 1).value for r in range(3, 18)]
    assert len({n for n in names if n}) == 15
    assert "Sammanfattning" in wb.sheetnames
