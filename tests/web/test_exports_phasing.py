"""Phasing in the exports: the Excel sheet "Etapper", etapper.csv and `phasing` in the JSON,
each parsed back and compared with the analysis output."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from mcda.core.analysis import analyze
from mcda.store import analysis_cache
from mcda.store import items as store_items
from mcda.store import phases as sp
from mcda.store import rounds as sr
from mcda.web.exports import build as exports
from tests.golden import timeless

from .results_helpers import login_as, open_db, scenario

# Costs of the helper's alternatives: Skövde 60, Lidköping 45, Hjo 20, Vara 30.
PHASES = (("Etapp 1", "2026–2028", 70.0), ("Etapp 2", "2029–2031", 50.0))


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


def phased_scenario(app, uid, per_muni=None, *, compare=("Skövde", "Vara"), max_share=0.6,
                    close=True):
    sc = scenario(app, uid, per_muni)
    db = open_db(app)
    try:
        for name, period, budget in PHASES:
            sp.add_phase(db, sc["decision_id"], name, budget, period)
        # the library in Hjo requires the music school in Vara first
        sp.add_prerequisite(db, sc["alternatives"][2], sc["alternatives"][3])
        sp.set_settings(db, sc["decision_id"], max_share=max_share, compare_groups=list(compare))
        if close:
            sr.close_round(db, sc["round_id"])
    finally:
        db.conn.close()
    return sc


def _analysis(app, rid):
    db = open_db(app)
    try:
        return analysis_cache.get_analysis(db, rid, None)
    finally:
        db.conn.close()


def test_round_input_carries_phases_and_output_has_plan(app, client):
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    ra = _analysis(app, sc["round_id"])
    data = ra.input
    assert [p["name"] for p in data["phases"]] == ["Etapp 1", "Etapp 2"]
    alts = {a["name"]: a for a in data["alternatives"]}
    assert alts["Bibliotek i Hjo"]["requires"] == [str(sc["alternatives"][3])]
    assert alts["Konsthall i Skövde"]["host"] == "Skövde"
    assert alts["Konsthall i Skövde"]["cost"] == 60.0
    assert len(data["municipalities"]) == 15
    opts = data["options"]["phasing"]
    assert opts["rules"]["max_share"] == 0.6 and opts["paths"] == ["Skövde", "Vara"]
    ph = ra.output["phasing"]
    assert ph["status"] == "optimal"
    a = ph["plan"]["assignment"]
    hjo, vara = str(sc["alternatives"][2]), str(sc["alternatives"][3])
    if a[hjo] is not None:
        assert a[vara] is not None and a[vara] < a[hjo]
    for k, (_, _, budget) in enumerate(PHASES):
        assert ph["plan"]["spend"][k] <= budget
    assert set(ph["paths"]) == {"Skövde", "Vara"}


def test_open_round_plans_without_paths(app, client):
    """Own plans only once the round is closed: an open round re-analyses on every vote."""
    uid = login_as(app, client)
    sc = phased_scenario(app, uid, close=False)
    ra = _analysis(app, sc["round_id"])
    assert ra.input["options"]["phasing"]["paths"] == []
    assert ra.output["phasing"]["paths"] is None and ra.output["phasing"]["status"] == "optimal"


RECOMPUTE = {"Omräkning av vikter", "Poängmatris", "Omräkning av poäng"}  # issue 26 point 7


def _older(wb) -> list[str]:
    """The sheet names before issue 27 (its sheet has a test of its own)."""
    return [n for n in wb.sheetnames
            if n != "Vinnare och förlorare" and n not in RECOMPUTE]


def test_workbook_etapper_sheet_matches_analysis(app, client):
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    resp = client.get(f"/resultat/{sc['round_id']}/export/arbetsbok.xlsx")
    assert resp.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    # one table per sheet, each header on row 1 (issue 23 item 9)
    assert _older(wb)[-7:] == ["Etappbudget", "Etappplan", "Spridning",
                               "Kommunernas planer", "Motiveringar", "Metod",
                               "Anmärkningar"] or _older(wb)[-6:] == [
        "Etappbudget", "Etappplan", "Spridning", "Kommunernas planer", "Metod", "Anmärkningar"]
    ph = _analysis(app, sc["round_id"]).output["phasing"]
    ra = _analysis(app, sc["round_id"])

    def sheet(name: str) -> list[list]:
        return [[c.value for c in row] for row in wb[name].iter_rows()]

    notes = {r[0]: r[1] for r in sheet("Anmärkningar")[1:]}
    assert "värden enligt beslutsmodellen, Viktad summa av värden" in notes["Etappbudget"]
    assert "60 %" in notes["Etappbudget"]
    # phase table: budget, spend, left, reach, Gini
    rows = sheet("Etappbudget")
    i = 0
    assert rows[0][0] == "Etapp" and rows[0][2] == "Budget (MSEK)"
    for k, phase in enumerate(ph["phases"]):
        r = rows[i + 1 + k]
        assert r[0] == phase["name"] and r[1] == phase["period"]
        assert r[2] == phase["budget"] and r[3] == ph["plan"]["spend"][k]
        assert r[4] == round(phase["budget"] - ph["plan"]["spend"][k], 3)
        # the page's precision (shares 0.1 %, values 3 decimals; issue 24, A1)
        assert r[5] == round(ph["spread"]["reached_share"][k], 3)
        assert r[6] == round(ph["spread"]["gini_cumulative"][k], 3)
    rows = sheet("Etappplan")
    # plan table: every investment with its phase, host, cost, value
    j = 0
    assert rows[0][0] == "Etapp nr"
    assert rows[j][:7] == ["Etapp nr", "Etapp", "Period", "Investering", "Värdkommun",
                           "Kostnad (MSEK)", "Värde"]
    by_name = {a["name"]: a for a in ra.input["alternatives"]}
    seen = set()
    for r in rows[j + 1:]:
        if r[3] is None:
            break
        alt = by_name[r[3]]
        seen.add(alt["id"])
        assert r[0] == ph["plan"]["assignment"][alt["id"]]
        assert r[4] == alt["host"] and r[5] == alt["cost"]
        assert r[6] == round(ph["values"][alt["id"]], 3)  # the page's precision
    assert seen == set(ph["plan"]["assignment"])
    # spread table
    rows, m = sheet("Spridning"), 0
    assert rows[0][:2] == ["Kommun", "Etapp 1 (MSEK)"]
    spread_rows = {r[0]: r for r in rows[m + 1: m + 16]}
    for muni in ph["spread"]["municipalities"]:
        r = spread_rows[muni]
        assert r[1:3] == ph["spread"]["per_phase"][muni]
        assert r[3] == ph["spread"]["total"][muni]
        pc = ph["spread"]["total_per_capita"][muni]
        assert (r[4] is None) if pc is None else r[4] == round(pc * 1e6, 3)
        assert r[5] == ph["spread"]["reached_by"][muni]
    # paths of the compared municipalities
    rows, p = sheet("Kommunernas planer"), 0
    assert rows[0][:2] == ["Kommun", "Investering"]
    path_rows = [r for r in rows[p + 1:] if r[0]]
    assert {r[0] for r in path_rows} == {"Skövde", "Vara"}
    assert len(path_rows) == sum(len(e["top"]) for e in ph["paths"].values())
    # every user string is a text cell, nothing is a formula
    for name in ("Etappbudget", "Etappplan", "Spridning", "Kommunernas planer"):
        for row in wb[name].iter_rows():
            for c in row:
                assert c.data_type in ("s", "n"), c.coordinate


def test_etapper_csv_matches_analysis(app, client):
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    ra = _analysis(app, sc["round_id"])
    from mcda.web.present.analysis_view import build_view

    db = open_db(app)
    try:
        from mcda.store import votes as sv

        rnd = sr.get_round(db, sc["round_id"])
        counts = sv.participation(db, sc["round_id"])
    finally:
        db.conn.close()
    with app.test_request_context():
        view = build_view(ra, counts, 3)
        body, mimetype, name = exports.build("etapper.csv", rnd, ra, view, None)
    assert mimetype == "text/csv" and name.endswith("-etapper.csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Etapp nr", "Etapp", "Period", "Investering"]  # header on row 1
    with app.test_request_context():
        notes, _m, _n = exports.build("anmarkningar.csv", rnd, ra, view, None)
    assert "-etapper.csv;\"Etappplan: heltalsoptimering" in notes.decode("utf-8-sig")
    ph = ra.output["phasing"]
    by_name = {a["name"]: a for a in ra.input["alternatives"]}
    for r in rows[1:]:
        alt = by_name[r[3]]
        phase = ph["plan"]["assignment"][alt["id"]]
        assert (int(r[0]) if r[0] else None) == phase
        assert float(r[5].replace(",", ".")) == alt["cost"]
        # the value as the page shows it: three decimals (issue 23 review)
        assert float(r[6].replace(",", ".")) == round(ph["values"][alt["id"]], 3)
    assert len(rows) - 1 == len(ra.input["alternatives"])


def test_json_export_carries_phasing_and_round_trips(app, client):
    uid = login_as(app, client)
    # Hjo (1 voter < k = 3) is pooled with Vara (secondary suppression); the file leaves
    # the pool out
    sc = phased_scenario(app, uid, {"Skövde": 4, "Hjo": 1, "Vara": 3})
    doc = json.loads(client.get(f"/resultat/{sc['round_id']}/export/analys.json").data)
    assert doc["input"]["phases"] and doc["output"]["phasing"]["plan"]["status"] == "optimal"
    # the compared municipality Vara is dropped from options.phasing.paths like everywhere else
    paths_opt = doc["input"]["options"]["phasing"]["paths"]
    assert "Vara" not in paths_opt and "Skövde" in paths_opt
    assert set(doc["output"]["phasing"]["paths"]) == set(paths_opt)
    again = analyze(json.loads(json.dumps(doc["input"])))
    assert timeless(json.loads(json.dumps(again))) == timeless(doc["output"])


def test_exported_input_through_the_cli_gives_the_exported_output(app, client, tmp_path,
                                                                   mcda_cli):
    """`python -m mcda analyze` on the export's input prints the export's output."""
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    doc = json.loads(client.get(f"/resultat/{sc['round_id']}/export/analys.json").data)
    path = tmp_path / "input.json"
    path.write_text(json.dumps(doc["input"], ensure_ascii=False), "utf-8")
    result = mcda_cli("analyze", str(path))
    assert result.exit_code == 0, result.stderr
    assert timeless(json.loads(result.stdout)) == timeless(doc["output"])
    assert doc["output"]["phasing"]["plan"]["assignment"]


def test_json_round_trip_without_suppression_equals_page_analysis(app, client):
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    doc = json.loads(client.get(f"/resultat/{sc['round_id']}/export/analys.json").data)
    ra = _analysis(app, sc["round_id"])
    assert timeless(doc["output"]) == timeless(json.loads(json.dumps(ra.output)))
    assert doc["output"]["phasing"]
    assert timeless(json.loads(json.dumps(analyze(doc["input"])))) == timeless(doc["output"])


def test_infeasible_rules_reported_in_sheet(app, client):
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    db = open_db(app)
    try:
        sp.set_settings(db, sc["decision_id"], min_one_by_phase=1, max_share=None)
    finally:
        db.conn.close()
    ph = _analysis(app, sc["round_id"]).output["phasing"]
    assert ph["status"] == "infeasible"
    wb = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/resultat/{sc['round_id']}/export/arbetsbok.xlsx").data))
    notes = {r[0].value: r[1].value for r in wb["Anmärkningar"].iter_rows(min_row=2)}
    assert ph["infeasibility"]["message_sv"] in notes["Etappbudget"]
    assert "Status: reglerna går inte att uppfylla." in notes["Etappbudget"]


def test_broken_phasing_leaves_rankings_and_says_why(app, client):
    """A prerequisite made inconsistent afterwards must not take the results down."""
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    db = open_db(app)
    try:

        # the Vara music school (a prerequisite) now cannot start before phase 2
        store_items.update_alternative(db, sc["alternatives"][3], name="Musikskola i Vara",
                              municipality_id="Vara", cost=30, earliest_phase=2)
    finally:
        db.conn.close()
    ra = _analysis(app, sc["round_id"])
    assert ra.output["rankings"] and "phasing" not in ra.output
    assert ra.input["meta"]["phasing_error"]["field"].startswith("alternatives[")
    wb = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/resultat/{sc['round_id']}/export/arbetsbok.xlsx").data))
    assert wb["Etappplan"]["A1"].value == "Etapp nr"  # the header; the note says why
    notes = {r[0].value: r[1].value for r in wb["Anmärkningar"].iter_rows(min_row=2)}
    assert notes["Etappplan"].startswith("Etappdata kunde inte användas")


def test_decision_without_phases_has_no_sheet(app, client):
    uid = login_as(app, client)
    sc = scenario(app, uid)
    wb = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/resultat/{sc['round_id']}/export/arbetsbok.xlsx").data))
    assert not {"Etappplan", "Etappbudget"} & set(wb.sheetnames)
    assert "phases" not in _analysis(app, sc["round_id"]).input


def test_etapper_csv_is_served_and_linked(app, client):
    """The results page links etapper.csv and the export route serves it."""
    uid = login_as(app, client)
    rid = phased_scenario(app, uid)["round_id"]
    html = client.get(f"/resultat/{rid}").get_data(as_text=True)
    assert "etapper.csv" in html
    resp = client.get(f"/resultat/{rid}/export/etapper.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "etapper" in resp.headers["Content-Disposition"]


def test_workbook_and_csv_say_who_gains_and_who_loses(app, client):
    """Issue 27: the regret table of the regional plan, once in exports/tables.py."""
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    wb = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/resultat/{sc['round_id']}/export/arbetsbok.xlsx").data))
    i = wb.sheetnames.index("Vinnare och förlorare")
    assert wb.sheetnames[i - 1] == "Kommunernas planer"
    rows = [[c.value for c in row] for row in wb["Vinnare och förlorare"].iter_rows()]
    assert rows[0][0] == "Kommun" and len(rows) > 1
    csv_text = client.get(f"/resultat/{sc['round_id']}/export/vinnare-forlorare.csv").data
    assert "Under egen bästa (%)" in csv_text.decode("utf-8-sig")
