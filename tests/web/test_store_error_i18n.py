"""Store errors reach the user in the request's language (msgid + params, translated late)."""

from __future__ import annotations

import html as htmllib

from mcda.store import connect
from mcda.store import decisions as store
from mcda.store import items as store_items
from mcda.store import participants as store_parts
from mcda.store import votes as sv
from tests.helpers import csrf_from

from .participate_helpers import join, make_round


def _text(resp) -> str:
    return htmllib.unescape(resp.get_data(as_text=True))


def test_join_store_error_is_shown_in_english(app, client):
    """Changing municipality after voting is refused by the store; ?lang=en shows it in English
    with the parameter (the municipality) filled in."""
    rd = make_round(app)
    assert join(client, rd, "Hjo").status_code == 303
    with client.session_transaction() as sess:
        token = sess["pt"]
    db = connect(app.config["DATABASE"])
    try:
        part = store_parts.get_participant(db, rd.round_id, token)
        weights = {cid: 1 / len(rd.criteria) for cid in rd.criteria}
        sv.record_vote(db, rd.round_id, part["id"], revision=1, method="direct",
                       payload={"values": {}}, weights=weights)
    finally:
        db.conn.close()

    page = client.get("/delta?lang=en")
    resp = client.post(
        "/delta?lang=en",
        data={"csrf_token": csrf_from(page.get_data(as_text=True)), "kod": rd.code,
              "kommun": str(rd.municipalities["Skövde"]), "roll": ""},
    )
    assert resp.status_code == 422
    body = _text(resp)
    assert ("You have already submitted a weighting for Hjo in this round, so the "
            "municipality cannot be changed.") in body
    assert "Du har redan lämnat" not in body

    # Swedish stays the default language.
    resp = client.post(
        "/delta?lang=sv",
        data={"csrf_token": csrf_from(page.get_data(as_text=True)), "kod": rd.code,
              "kommun": str(rd.municipalities["Skövde"]), "roll": ""},
    )
    assert resp.status_code == 422
    assert ("Du har redan lämnat en viktning för Hjo i den här omgången, så kommunen kan inte "
            "ändras.") in _text(resp)


def test_facilitator_store_error_is_shown_in_english(app, client, facilitator):
    """A duplicate criterion name passes the form and is refused by the store (parameterised)."""
    db = connect(app.config["DATABASE"])
    try:
        did = store.create_decision(db, facilitator["id"], "Kultur")
        store_items.add_criterion(db, did, "Räckvidd")
    finally:
        db.conn.close()
    url = f"/processledare/{did}/kriterier/ny?lang=en"
    token = csrf_from(client.get("/processledare/?lang=en").get_data(as_text=True))
    resp = client.post(url, data={"csrf_token": token, "name": "räckvidd",
                                  "direction": "benefit"})
    assert resp.status_code == 422
    body = _text(resp)
    assert "There is already a criterion called “Räckvidd”. Choose another name." in body
    assert "Det finns redan" not in body
