"""Issue 23 items 1 and 7, the guided set-up: the decision's ranking model is chosen on the
decision form (the default explained, another needs a reason, which is shown), and a
criterion carries a unit shown in the score matrix's headers."""

from __future__ import annotations

from mcda.store import decisions as store
from mcda.store import items as store_items
from tests.helpers import parse_html, visible_text

from .test_facilitate import _db, decision_fixture, post  # noqa: F401 - the "decision" fixture


def _model(app, did):
    db = _db(app)
    try:
        return store.decision_model(db, did)
    finally:
        db.conn.close()


def test_new_decision_form_offers_the_models_with_the_default_explained(client, facilitator):
    doc = parse_html(client.get("/processledare/ny").data)
    group = doc.find("fieldset", id="model")
    radios = group.find_all("input", type="radio")
    assert radios[0].get("value") == "value" and "checked" in radios[0].attrs
    labels = [group.find("label", for_=r.get("id")).text() for r in radios]
    assert labels[0] == "Viktad summa av värden (additiv värdemodell)"
    assert len(labels) == 8 and not {"TOPSIS", "VIKOR", "WSM"} & set(" ".join(labels).split())
    hint = group.find(id="model-hint").text()
    assert hint.count(". ") + hint.endswith(".") == 2  # two plain sentences
    assert "0 till 1" in hint and "avvägningar" in hint


def test_default_model_needs_no_reason(client, app, facilitator):
    resp = post(client, "/processledare/ny", {"title": "Ny fråga", "model": "value"})
    assert resp.status_code == 303
    did = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    m = _model(app, did)
    assert m["id"] == "value" and m["reason"] == ""
    doc = parse_html(client.get(f"/processledare/{did}").data)
    assert visible_text(doc.find(id="modell")) == (
        "Viktad summa av värden (additiv värdemodell) (förvald)")
    assert doc.find(id="modell-motivering") is None


def test_another_model_requires_a_reason_which_is_shown(client, app, decision):
    did = decision["id"]
    url = f"/processledare/{did}/redigera"
    resp = post(client, url, {"title": "Kulturell infrastruktur", "model": "topsis"})
    assert resp.status_code == 422
    doc = parse_html(resp.data)
    err = doc.find(id="model_reason-error")
    assert err is not None and "Skriv varför" in err.text()
    assert _model(app, did)["id"] == "value"  # nothing stored
    resp = post(client, url, {"title": "Kulturell infrastruktur", "model": "topsis",
                              "model_reason": "Regionen vill jämföra med förra planen."})
    assert resp.status_code == 303
    m = _model(app, did)
    assert (m["id"], m["reason"]) == ("topsis", "Regionen vill jämföra med förra planen.")
    doc = parse_html(client.get(f"/processledare/{did}").data)
    assert doc.find(id="modell").text() == "Närhet till idealet"
    assert doc.find(id="modell-motivering").text() == "Regionen vill jämföra med förra planen."
    # the edit form shows the stored choice
    form = parse_html(client.get(url).data)
    assert "checked" in form.find("input", id="model-1").attrs
    assert form.find("textarea", id="model_reason").text() == (
        "Regionen vill jämföra med förra planen.")
    # back to the default drops the reason
    post(client, url, {"title": "Kulturell infrastruktur", "model": "value",
                       "model_reason": "kvar?"})
    assert _model(app, did)["reason"] == ""


def test_unknown_model_is_refused(client, app, decision):
    resp = post(client, f"/processledare/{decision['id']}/redigera",
                {"title": "x", "model": "telepati", "model_reason": "för att"})
    assert resp.status_code == 422
    assert _model(app, decision["id"])["id"] == "value"


def test_criterion_unit_is_saved_and_shown_in_the_matrix_header(client, app, decision):
    did, cid = decision["id"], decision["c"][0]
    form = parse_html(client.get(f"/processledare/{did}/kriterier/ny").data)
    assert form.find("input", id="unit") is not None
    resp = post(client, f"/processledare/{did}/kriterier/{cid}/redigera",
                {"name": "Räckvidd", "direction": "benefit", "unit": "antal besökare per år"})
    assert resp.status_code == 303
    db = _db(app)
    assert store_items.get_criterion(db, cid)["unit"] == "antal besökare per år"
    db.conn.close()
    doc = parse_html(client.get(f"/processledare/{did}/bedomningar").data)
    headers = [th.text() for th in doc.find("table", class_="matrix").find("thead").find_all("th")]
    assert headers[1] == "Räckvidd (antal besökare per år)nytta"  # <br> between
    resp = post(client, f"/processledare/{did}/kriterier/ny",
                {"name": "Buller", "direction": "cost", "unit": "x" * 41})
    assert resp.status_code == 422
    assert "Enhet: högst 40 tecken." in parse_html(resp.data).text()
