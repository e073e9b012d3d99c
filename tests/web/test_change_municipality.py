"""Issue 14 item 5: the municipality can be changed from the round page until the first vote
(the join form again, prefilled); afterwards the button is gone and the store refuses."""

from __future__ import annotations

import pytest

from tests.helpers import csrf_from as csrf

from .participate_helpers import join, make_round, vote_page

pytestmark = pytest.mark.usefixtures("app")


def test_change_municipality_until_first_vote(app, client):
    rd = make_round(app)
    join(client, rd, "Hjo")
    home = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert 'id="byt-kommun"' in home and "Du deltar för Hjo." in home
    step = client.post("/delta", data={"csrf_token": csrf(home), "kod": rd.code})
    html = step.get_data(as_text=True)
    assert step.status_code == 200
    assert f'value="{rd.municipalities["Hjo"]}" selected' in html
    done = client.post("/delta", data={"csrf_token": csrf(html), "kod": rd.code,
                                       "kommun": str(rd.municipalities["Skara"]), "roll": ""})
    assert done.status_code in (302, 303)
    home = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert "Du deltar för Skara." in home
    _html, token, rev = vote_page(client, rd, "skjutreglage")
    data = {"csrf_token": token, "revision": str(rev)}
    data.update({f"v-{c}": v for c, v in zip(rd.criteria, ["8", "2", "5", "5"], strict=True)})
    assert client.post(f"/omgang/{rd.round_id}/skjutreglage", data=data).status_code == 303
    home = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert 'id="byt-kommun"' not in home
    refused = client.post("/delta", data={"csrf_token": csrf(home), "kod": rd.code,
                                          "kommun": str(rd.municipalities["Hjo"]), "roll": ""})
    assert refused.status_code == 422
    assert "kommunen kan inte ändras" in refused.get_data(as_text=True)


def test_closed_round_links_to_next_round_which_keeps_the_municipality(app, client):
    from mcda.store import rounds as sr

    rd = make_round(app)
    join(client, rd, "Tibro")
    db = rd.db()
    try:
        sr.close_round(db, rd.round_id)
        rid2 = sr.next_round(db, rd.round_id)
        closed_page = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
        assert 'id="nasta-omgang"' not in closed_page  # round 2 is still a draft
        sr.open_round(db, rid2)
        code2 = sr.get_round(db, rid2)["join_code"]
    finally:
        db.conn.close()
    home = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert 'id="nasta-omgang"' in home and f"/delta?kod={code2}" in home
    assert "Gå till omgång 2" in home
    step = client.get(f"/delta?kod={code2}").get_data(as_text=True)
    assert f'value="{rd.municipalities["Tibro"]}" selected' in step
