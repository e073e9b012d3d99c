"""Scenario pages: demo scenarios, create/duplicate/edit (CSRF POST, Swedish messages, nothing
lost), secretariat views only, comparison with CSV/Excel, and the analysis file's round trip."""

from __future__ import annotations

import io
import json

import pytest

from mcda.store import connect, demo
from mcda.store import items as store_items
from mcda.store import rounds as sr
from mcda.store import scenarios as sc_store
from tests.helpers import csrf_from, login, make_user, parse_html, svg_references


@pytest.fixture
def demo_decision(app, facilitator):
    db = connect(app.config["DATABASE"])
    try:
        return demo.load_demo(db, owner_id=facilitator["id"])[0]
    finally:
        db.conn.close()


def _scenarios(app, did):
    db = connect(app.config["DATABASE"])
    try:
        return sc_store.list_scenarios(db, did)
    finally:
        db.conn.close()


def test_demo_has_three_scenarios_worth_comparing(app, client, demo_decision):
    scs = _scenarios(app, demo_decision)
    assert [s["name"] for s in scs] == [
        "Regionens plan", "Snål budget med medfinansiering", "Skövdes vikter, 15 % dyrare bygg"]
    page = client.get(f"/etapper/{demo_decision}/scenarier")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for s in scs:
        assert s["name"] in html
    ids = "&".join(f"s={s['id']}" for s in scs)
    cmp = client.get(f"/etapper/{demo_decision}/scenarier/jamfor?{ids}")
    assert cmp.status_code == 200
    text = cmp.get_data(as_text=True)
    assert "Vad skiljer?" in text and "Pengar per kommun och etapp" in text
    # the three plans differ: something moves, comes in or drops out
    assert any(w in text for w in ("byter etapp", "kommer med", "faller bort"))
    assert 'class="map-svg"' in text  # the Skaraborg map, one per scenario
    assert text.count('class="regret-sentence"') == len(scs)  # issue 27: who gains, loses
    # every shape and pattern the maps <use> is defined on the page (else the maps draw blank)
    ids, refs = svg_references(text)
    assert refs and not [r for r in refs if r not in ids]


def test_create_edit_duplicate_delete(app, client, demo_decision):
    page = client.get(f"/etapper/{demo_decision}/scenarier").get_data(as_text=True)
    token = csrf_from(page)
    # CSRF is required
    assert client.post(f"/etapper/{demo_decision}/scenarier/ny",
                       data={"name": "Utan token"}).status_code == 400
    r = client.post(f"/etapper/{demo_decision}/scenarier/ny",
                    data={"name": "Mitt scenario", "csrf_token": token})
    assert r.status_code == 302
    new = next(s for s in _scenarios(app, demo_decision) if s["name"] == "Mitt scenario")
    show = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Ändra scenariot" in show and "Budget mot värde" in show
    # a bad budget: Swedish message, 422, nothing typed lost, nothing stored
    form = {"csrf_token": token, "name": "Mitt scenario 2", "source": "region",
            "method": "topsis", "overall_pct": "abc", "max_share": "40"}
    bad = client.post(f"/etapper/{demo_decision}/scenarier/{new['id']}", data=form)
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "Kostnadsändring för alla: ange ett tal" in body
    assert 'value="abc"' in body and 'value="Mitt scenario 2"' in body
    assert next(s for s in _scenarios(app, demo_decision) if s["id"] == new["id"])[
        "name"] == "Mitt scenario"
    # a good edit
    form["overall_pct"] = "10"
    ok = client.post(f"/etapper/{demo_decision}/scenarier/{new['id']}", data=form)
    assert ok.status_code == 302
    stored = next(s for s in _scenarios(app, demo_decision) if s["id"] == new["id"])
    assert stored["name"] == "Mitt scenario 2"
    assert stored["spec"]["method"] == "topsis"
    assert stored["spec"]["cost_change"]["overall_pct"] == 10
    assert stored["spec"]["rules"]["max_share"] == pytest.approx(0.4)
    # duplicate
    d = client.post(f"/etapper/{demo_decision}/scenarier/{new['id']}/kopiera",
                    data={"csrf_token": token})
    assert d.status_code == 302
    names = [s["name"] for s in _scenarios(app, demo_decision)]
    assert "Mitt scenario 2 (kopia)" in names
    # delete
    x = client.post(f"/etapper/{demo_decision}/scenarier/{new['id']}/ta-bort",
                    data={"csrf_token": token})
    assert x.status_code == 302
    assert "Mitt scenario 2" not in [s["name"] for s in _scenarios(app, demo_decision)]


def test_pins_pools_groups_from_the_form(app, client, demo_decision):
    scs = _scenarios(app, demo_decision)
    base = scs[0]
    page = client.get(f"/etapper/{demo_decision}/scenarier/{base['id']}").get_data(
        as_text=True)
    token = csrf_from(page)
    db = connect(app.config["DATABASE"])
    try:
        from mcda.store import phases

        alts = store_items.list_alternatives(db, demo_decision)
        ph = phases.list_phases(db, demo_decision)
    finally:
        db.conn.close()
    a0, a1, a2 = (str(a["id"]) for a in alts[:3])
    form = {"csrf_token": token, "name": base["name"], "source": "region", "method": "wsm",
            f"pin_{a0}": "never", f"pin_{a1}": "in:2", "pool0_name": "EU",
            **{f"pool0_budget_{p['id']}": "50" for p in ph}, f"pool0_share_{a2}": "40",
            f"most_{a1}": "1", f"most_{a2}": "1", "most_name": "en scen", "frontier": "1"}
    r = client.post(f"/etapper/{demo_decision}/scenarier/{base['id']}", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    spec = next(s for s in _scenarios(app, demo_decision) if s["id"] == base["id"])["spec"]
    assert {(p["alternative"], p["kind"], p["phase"]) for p in spec["rules"]["pins"]} == {
        (a0, "never", None), (a1, "in", 2)}
    assert spec["rules"]["pools"] == [
        {"name": "EU", "budgets": [50.0] * len(ph), "shares": {a2: 0.4}}]
    assert spec["rules"]["groups"] == [
        {"name": "en scen", "kind": "at_most_one", "alternatives": [a1, a2]}]
    show = client.get(f"/etapper/{demo_decision}/scenarier/{base['id']}").get_data(
        as_text=True)
    assert "aldrig." in show and "Medfinansiering från EU" in show


def test_secretariat_views_but_cannot_change(app, client, demo_decision):
    make_user(app, "kansli@example.se", role="secretariat")
    client.get("/logga-ut")
    other = app.test_client()
    login(other, "kansli@example.se")
    page = other.get(f"/etapper/{demo_decision}/scenarier")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Nytt scenario" not in html and "Kopiera" not in html
    sid = _scenarios(app, demo_decision)[0]["id"]
    assert other.get(f"/etapper/{demo_decision}/scenarier/{sid}").status_code == 200
    token = csrf_from(other.get("/").get_data(as_text=True)) if "csrf_token" in other.get(
        "/").get_data(as_text=True) else ""
    r = other.post(f"/etapper/{demo_decision}/scenarier/{sid}/kopiera",
                   data={"csrf_token": token})
    assert r.status_code in (400, 403)
    assert len(_scenarios(app, demo_decision)) == 3


def _zip_csvs(body: bytes) -> dict[str, list[list[str]]]:
    """The comparison's ZIP: file name → CSV rows (``;``, BOM stripped)."""
    import csv
    import zipfile

    with zipfile.ZipFile(io.BytesIO(body)) as z:
        return {n: list(csv.reader(io.StringIO(z.read(n).decode("utf-8-sig")), delimiter=";"))
                for n in z.namelist()}


def test_compare_exports_one_table_per_file_and_sheet(app, client, demo_decision):
    """Issue 23 item 9: one table per CSV file (in a ZIP) and per sheet, every header on row
    1, the notes in a file/sheet of their own; the summary lines up only what shares a scale
    (no "Totalt värde" from different methods)."""
    ids = "&".join(f"s={s['id']}" for s in _scenarios(app, demo_decision)[:2])
    c = client.get(f"/etapper/{demo_decision}/scenarier/jamfor?{ids}&format=csv")
    assert c.status_code == 200 and c.mimetype == "application/zip"
    files = _zip_csvs(c.data)
    assert list(files) == ["01-samma-skala.csv", "02-investeringar.csv",
                           "03-pengar-per-kommun.csv", "04-vinnare-och-forlorare.csv",
                           "05-antaganden.csv", "06-anmarkningar.csv"]
    assert files["04-vinnare-och-forlorare.csv"][0][:2] == ["Scenario", "Kommun"]  # issue 27
    assert files["01-samma-skala.csv"][0][:2] == ["Scenario", "Värde enligt beslutsmodellen"]
    assert "Kommuner nådda" in files["01-samma-skala.csv"][0]
    assert files["02-investeringar.csv"][0][1] == "Regionens plan: etapp"
    assert files["03-pengar-per-kommun.csv"][0][:2] == ["Kommun", "Scenario"]
    every_cell = [cell for rows in files.values() for row in rows for cell in row]
    assert "Totalt värde" not in every_cell and not any(c.startswith("#") for c in every_cell)
    x = client.get(f"/etapper/{demo_decision}/scenarier/jamfor?{ids}&format=xlsx")
    assert x.status_code == 200
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(x.data))
    assert wb.sheetnames == ["Samma skala", "Investeringar", "Pengar per kommun",
                             "Vinnare och förlorare", "Antaganden", "Anmärkningar"]
    assert wb["Samma skala"]["A1"].value == "Scenario"
    assert wb["Samma skala"]["B1"].value == "Värde enligt beslutsmodellen"
    one = client.get(f"/etapper/{demo_decision}/scenarier/jamfor?s=1")
    assert one.status_code == 200
    assert "Välj två till fyra scenarier" in one.get_data(as_text=True)


def test_compare_csv_reads_back_a_name_with_a_semicolon_unchanged(app, client, demo_decision):
    """Defect (issue 21): the comparison CSV quoted each cell twice (by hand, then by
    csv.writer), so "Ny väg; etapp 2" read back as '"Ny väg; etapp 2"' with literal quotes."""
    scs = _scenarios(app, demo_decision)[:2]
    db = connect(app.config["DATABASE"])
    try:
        sc_store.update_scenario(db, scs[1]["id"], "Ny väg; etapp 2", scs[1]["spec"])
    finally:
        db.conn.close()
    ids = "&".join(f"s={s['id']}" for s in scs)
    c = client.get(f"/etapper/{demo_decision}/scenarier/jamfor?{ids}&format=csv")
    assert c.status_code == 200
    cells = [cell for row in _zip_csvs(c.data)["01-samma-skala.csv"] for cell in row]
    assert "Ny väg; etapp 2" in cells  # the summary row's scenario name, exactly
    assert not [cell for cell in cells if cell.startswith('"') or cell.endswith('"')]


def test_analysis_file_round_trip_through_cli(app, client, demo_decision, tmp_path, mcda_cli):
    """Scenario → analysis JSON → `python -m mcda analyze` → the same plans."""
    r = client.get(f"/etapper/{demo_decision}/scenarier/analys.json")
    assert r.status_code == 200
    both = json.loads(r.data)
    assert [s["name"] for s in both["input"]["scenarios"]] == [
        s["name"] for s in _scenarios(app, demo_decision)]
    path = tmp_path / "in.json"
    path.write_text(json.dumps(both["input"], ensure_ascii=False), "utf-8")
    result = mcda_cli("analyze", str(path))
    assert result.exit_code == 0, result.stderr
    cli = json.loads(result.stdout)["scenarios"]
    web = both["output"]["scenarios"]
    assert [x["plan"]["assignment"] for x in cli["results"]] == [
        x["plan"]["assignment"] for x in web["results"]]
    assert cli["comparison"] == web["comparison"]


def test_unicode_minus_and_percent_sign_accepted(app, demo_decision):
    """A planner types "−20 %" (Unicode minus, as in the hint): stored as −20."""
    db = connect(app.config["DATABASE"])
    try:
        sid = sc_store.create_scenario(db, demo_decision, "Minus")
        spec = sc_store.default_spec()
        spec["cost_change"]["overall_pct"] = "\u221220 %"
        sc_store.update_scenario(db, sid, "Minus", spec)
        assert sc_store.get_scenario(db, sid)["spec"]["cost_change"]["overall_pct"] == -20
    finally:
        db.conn.close()


def test_role_weights_from_the_form(app, client, demo_decision):
    """A scenario on one role's weights: offered in the form, validated, and either planned
    or left out with the anonymity reason — never computed from a role group under k."""
    page = client.get(f"/etapper/{demo_decision}/scenarier").get_data(as_text=True)
    token = csrf_from(page)
    r = client.post(f"/etapper/{demo_decision}/scenarier/ny",
                    data={"name": "Förtroendevaldas vikter", "csrf_token": token})
    new = next(s for s in _scenarios(app, demo_decision) if s["name"] == "Förtroendevaldas vikter")
    form_html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'name="role"' in form_html and 'value="fortroendevald"' in form_html
    bad = client.post(f"/etapper/{demo_decision}/scenarier/{new['id']}",
                      data={"csrf_token": token, "name": new["name"], "source": "role",
                            "role": "kung", "method": "wsm"})
    assert bad.status_code == 422
    assert "Välj en av rollerna i listan." in bad.get_data(as_text=True)
    ok = client.post(f"/etapper/{demo_decision}/scenarier/{new['id']}",
                     data={"csrf_token": token, "name": new["name"], "source": "role",
                           "role": "fortroendevald", "method": "wsm"})
    assert ok.status_code == 302
    stored = next(s for s in _scenarios(app, demo_decision) if s["id"] == new["id"])
    assert stored["spec"]["weights"]["source"] == "role"
    assert stored["spec"]["weights"]["role"] == "fortroendevald"
    show = client.get(f"/etapper/{demo_decision}/scenarier/{new['id']}").get_data(as_text=True)
    assert "Vikter: rollen fortroendevald." in show or "anonymitetsregeln k" in show


def test_frontier_marks_the_own_budget_and_labels_both_axes(app, client, demo_decision):
    """Issue 23 item 6: the budget–value chart marks the scenario's own budget (100 %) and
    names both axes."""
    sc = _scenarios(app, demo_decision)[0]
    db = connect(app.config["DATABASE"])
    try:
        rid = next(r["id"] for r in sr.list_rounds(db, demo_decision) if r["n_voters"] > 10)
    finally:
        db.conn.close()
    html = client.get(f"/etapper/{demo_decision}/scenarier/{sc['id']}?round={rid}").get_data(
        as_text=True)
    svg = parse_html(html).find("svg", class_="frontier-svg")
    labels = [t.text() for t in svg.find_all("text", class_="axis-label")]
    assert labels == ["Budget, % av scenariots budget", "Värde enligt beslutsmodellen"]
    assert svg.find("line", class_="own-budget-line") is not None
    assert svg.find("polygon", class_="own-budget-dot") is not None
    assert "100 % = scenariots budget" in svg.find("text", class_="own-budget-label").text()
    # 100 % is a level: a tick, a table row, and the line passes through the own plan's diamond
    assert "100 %" in [t.text() for t in svg.find_all("text", class_="tick")]
    table = parse_html(html).find("table", class_="frontier-table")
    assert "100 %" in [th.text() for th in table.find_all("th", scope="row")]
    own = svg.find("polygon", class_="own-budget-dot").get("points").split()
    cx, cy = own[0].split(",")[0], own[1].split(",")[1]
    assert f"{cx},{cy}" in svg.find("path", class_="frontier-line").get("d")
