"""The computed criterion Räckvidd cannot be edited by hand: read-only in the score matrix
with a note linking to the places page, a posted change refused by name (the other typed
cells kept), and the CSV import skipping the file's values for it with a message naming it.
Before, the edit was stored and the next recomputation overwrote it silently."""

from __future__ import annotations

import html as htmllib

import pytest

from mcda.store import connect
from mcda.store import decisions as store
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import places as store_places
from mcda.store import reach as store_reach
from mcda.store.errors import StoreError
from tests.helpers import csrf_from, parse_html

SKOVDE = (13.85, 58.39)
HX = {"HX-Request": "true"}


def _db(app):
    return connect(app.config["DATABASE"])


def text(resp) -> str:
    return htmllib.unescape(resp.get_data(as_text=True))


def _post(client, url, data, **kw):
    token = csrf_from(client.get("/processledare/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kw)


@pytest.fixture(name="d")
def reach_decision(app, facilitator):
    """Driftkostnad (typed) and the computed Räckvidd; one alternative placed in Skövde."""
    db = _db(app)
    store_munis.ensure_municipalities(db)
    did = store.create_decision(db, facilitator["id"], "Kultur", "Test")
    cost = store_items.add_criterion(db, did, "Driftkostnad", direction="cost")
    skovde = next(m["id"] for m in store_munis.list_municipalities(db) if m["name"] == "Skövde")
    a1 = store_items.add_alternative(db, did, "Kulturhus Skövde", municipality_id=skovde)
    a2 = store_items.add_alternative(db, did, "Turnéscen")
    store_places.set_place(db, a1, *SKOVDE, kind="scen")
    reach = store_reach.add_reach_criterion(db, did, store_reach.load_layer(None))
    score = store_items.get_scores(db, did)[(a1, reach)]
    db.conn.close()
    return {"id": did, "a": [a1, a2], "cost": cost, "reach": reach, "score": score}


def _scores(app, did):
    db = _db(app)
    try:
        return store_items.get_scores(db, did)
    finally:
        db.conn.close()


def test_matrix_shows_reach_as_values_with_a_note_linking_to_places(client, d):
    doc = parse_html(client.get(f"/processledare/{d['id']}/bedomningar").data)
    a1, a2 = d["a"]
    assert doc.find("input", name=f"s-{a1}-{d['cost']}") is not None
    assert doc.find("input", name=f"s-{a1}-{d['reach']}") is None
    assert doc.find("input", name=f"s-{a2}-{d['reach']}") is None
    cell = doc.find("td", id=f"s-{a1}-{d['reach']}")
    assert cell.text().strip() == str(int(d["score"]))
    note = doc.find("a", class_="computed-note")
    assert note.text() == "beräknas av Vägval: Räckvidd, se Platser"
    assert note.get("href") == f"/platser/beslut/{d['id']}"
    # the decision page carries the same matrix
    page = parse_html(client.get(f"/processledare/{d['id']}").data)
    assert page.find("input", name=f"s-{a1}-{d['reach']}") is None


def test_posted_change_to_reach_refused_by_name_and_other_cells_kept(client, app, d):
    a1, a2 = d["a"]
    resp = _post(client, f"/processledare/{d['id']}/bedomningar", {
        f"s-{a1}-{d['cost']}": "7,5", f"s-{a2}-{d['cost']}": "3",
        f"s-{a1}-{d['reach']}": "1"})
    assert resp.status_code == 422
    body = text(resp)
    assert ("”Räckvidd” beräknas av Vägval från investeringarnas lägen och kan inte ändras "
            "för hand. Ändra läget under Platser.") in body
    doc = parse_html(resp.data)
    assert doc.find("input", name=f"s-{a1}-{d['cost']}").get("value") == "7,5"
    assert doc.find("input", name=f"s-{a2}-{d['cost']}").get("value") == "3"
    assert doc.find("td", id=f"s-{a1}-{d['reach']}") is not None  # the summary's link target
    scores = _scores(app, d["id"])
    assert scores[(a1, d["reach"])] == d["score"]
    assert (a1, d["cost"]) not in scores  # nothing stored, as for any refused cell


def test_reach_posted_unchanged_is_ignored_and_the_rest_saved(client, app, d):
    a1, a2 = d["a"]
    resp = _post(client, f"/processledare/{d['id']}/bedomningar", {
        f"s-{a1}-{d['cost']}": "7,5", f"s-{a1}-{d['reach']}": str(int(d["score"])),
        f"s-{a2}-{d['reach']}": ""})
    assert resp.status_code == 303
    scores = _scores(app, d["id"])
    assert scores[(a1, d["cost"])] == 7.5
    assert scores[(a1, d["reach"])] == d["score"]


def test_single_cell_post_to_reach_refused(client, app, d):
    a1 = d["a"][0]
    key = f"s-{a1}-{d['reach']}"
    url = f"/processledare/{d['id']}/bedomningar/{a1}/{d['reach']}"
    resp = _post(client, url, {key: "5"}, headers=HX)
    assert "beräknas av Vägval" in text(resp) and "Sparat" not in text(resp)
    resp = _post(client, url, {key: "5"})
    assert resp.status_code == 422 and "”Räckvidd” beräknas av Vägval" in text(resp)
    assert _scores(app, d["id"])[(a1, d["reach"])] == d["score"]


def test_store_refuses_a_computed_cell(app, d):
    db = _db(app)
    try:
        with pytest.raises(StoreError) as exc:
            store_items.set_score(db, d["a"][0], d["reach"], 3)
        assert exc.value.params == {"criterion": "Räckvidd"}
    finally:
        db.conn.close()


CSV = ("alternativ;Driftkostnad;Räckvidd\nriktning;kostnad;nytta\n"
       "Kulturhus Skövde;4;1\nTurnéscen;2;99\n")
SKIPPED = ("”Räckvidd” beräknas av Vägval: filens värden i den kolumnen används inte, utan "
           "räknas fram från investeringarnas lägen (se Platser).")


def test_csv_import_skips_reach_values_and_says_so(client, app, d):
    did, (a1, a2) = d["id"], d["a"]
    resp = _post(client, f"/processledare/{did}/importera", {"text": CSV})
    assert resp.status_code == 200
    assert SKIPPED in text(resp)
    payload = parse_html(resp.data).find("input", name="payload").get("value")
    resp = _post(client, f"/processledare/{did}/importera/bekrafta", {"payload": payload},
                 follow_redirects=True)
    assert resp.status_code == 200
    assert SKIPPED in text(resp)
    assert "Importerat: 2 kriterier, 2 alternativ och 2 bedömningar." in text(resp)
    scores = _scores(app, did)
    assert scores[(a1, d["cost"])] == 4 and scores[(a2, d["cost"])] == 2
    assert scores[(a1, d["reach"])] == d["score"]  # computed, not the file's 1
    assert (a2, d["reach"]) not in scores  # unplaced: no reach, not the file's 99
    db = _db(app)
    assert d["reach"] in store_reach.computed(db, did)
    db.conn.close()


def test_csv_import_without_the_reach_column_says_nothing_about_it(client, d):
    resp = _post(client, f"/processledare/{d['id']}/importera", {
        "text": "alternativ;Driftkostnad;Barn\nriktning;kostnad;nytta\n"
                "Kulturhus Skövde;4;1\nTurnéscen;2;3\n"})
    assert resp.status_code == 200 and "Förhandsgranska import" in text(resp)
    assert "beräknas av Vägval" not in text(resp)
