"""Issue 13 item 8: shared tablets. The participant cookie lasted 14 days with no way to
leave, so the next person on a tablet saw and could revise the previous person's vote.
"Ny deltagare på den här surfplattan" ends the session (POST, CSRF); earlier votes stay; and a
participant session ends when its rounds close (the next round is joined with a new token)."""

from __future__ import annotations

import dataclasses

from mcda.store import rounds as sr
from mcda.web.participate.session import SESSION_KEY
from tests.helpers import csrf_from
from tests.web.participate_helpers import count_votes, join, make_round, vote_page


def _vote(client, rd, values=("8", "2", "5", "1")):
    _html, token, rev = vote_page(client, rd, "skjutreglage")
    data = {"csrf_token": token, "revision": str(rev)}
    data.update({f"v-{c}": v for c, v in zip(rd.criteria, values, strict=True)})
    return client.post(f"/omgang/{rd.round_id}/skjutreglage", data=data)


def test_new_participant_ends_the_session_and_keeps_the_vote(app):
    rd = make_round(app)
    tablet = app.test_client()
    assert join(tablet, rd).status_code == 303
    assert _vote(tablet, rd).status_code == 303
    home = tablet.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert "Din sparade viktning" in home and "Ny deltagare på den här surfplattan" in home
    with tablet.session_transaction() as s:
        first_token = s[SESSION_KEY]
    resp = tablet.post(f"/omgang/{rd.round_id}/ny-deltagare", data={"csrf_token": csrf_from(home)})
    assert resp.status_code == 303
    assert f"kod={rd.code}" in resp.headers["Location"]
    # The next person neither sees nor can revise the previous vote ...
    after = tablet.get(f"/omgang/{rd.round_id}/")
    assert after.status_code == 302 and "/delta" in after.headers["Location"]
    page = tablet.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Den förra deltagarens session är avslutad" in page
    assert "Din sparade viktning" not in page
    # ... starts fresh with another token, and the earlier vote stays.
    assert join(tablet, rd).status_code == 303
    with tablet.session_transaction() as s:
        assert s[SESSION_KEY] != first_token
    assert "Din sparade viktning" not in tablet.get(f"/omgang/{rd.round_id}/").get_data(
        as_text=True)
    assert _vote(tablet, rd, ("1", "1", "1", "9")).status_code == 303
    assert count_votes(rd) == 2


def test_new_participant_needs_csrf(app):
    rd = make_round(app)
    tablet = app.test_client()
    join(tablet, rd)
    assert tablet.post(f"/omgang/{rd.round_id}/ny-deltagare").status_code == 400
    assert tablet.get(f"/omgang/{rd.round_id}/").status_code == 200  # still in


def test_session_ends_when_its_round_closes(app):
    rd = make_round(app)
    tablet = app.test_client()
    join(tablet, rd)
    _vote(tablet, rd)
    with tablet.session_transaction() as s:
        first_token = s[SESSION_KEY]
    db = rd.db()
    try:
        sr.close_round(db, rd.round_id)
        rid2 = sr.next_round(db, rd.round_id)
        sr.open_round(db, rid2)
        code2 = sr.get_round(db, rid2)["join_code"]
    finally:
        db.conn.close()
    rd2 = dataclasses.replace(rd, round_id=rid2, code=code2)
    assert join(tablet, rd2).status_code == 303
    with tablet.session_transaction() as s:
        assert s[SESSION_KEY] != first_token  # not linked to the last person's votes
    # The closed round is no longer reachable with the new token.
    assert tablet.get(f"/omgang/{rd.round_id}/").status_code == 302
