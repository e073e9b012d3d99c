"""Issue 14 item 5: the facilitator lets participants see the alternatives (names and
descriptions, optionally the scores) from the round page (CSRF POST, audited)."""

from __future__ import annotations

import pytest

from mcda.store import items as store_items
from tests.helpers import csrf_from, login, make_user

from .participate_helpers import join, make_round

pytestmark = pytest.mark.usefixtures("app")


def test_facilitator_shows_alternatives_with_scores(app, client):
    rd = make_round(app)
    db = rd.db()
    try:
        aid = store_items.add_alternative(db, rd.decision_id, "Kulturhus i Skövde", "Ett nytt hus")
        store_items.set_score(db, aid, rd.criteria[0], 7)
    finally:
        db.conn.close()
    join(client, rd)
    home = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert "Kulturhus i Skövde" not in home  # nothing shown by default
    staff = app.test_client()
    make_user(app, "pl-alt@example.se", role="admin")
    assert login(staff, "pl-alt@example.se").status_code in (302, 303)
    page = staff.get(f"/processledare/omgang/{rd.round_id}").get_data(as_text=True)
    url = f"/processledare/omgang/{rd.round_id}/alternativ"
    assert staff.post(url, data={"visa": "names"}).status_code == 400  # no CSRF token
    assert staff.post(url, data={"visa": "names", "csrf_token": csrf_from(page)}).status_code == 303
    home = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert "Kulturhus i Skövde" in home and "Ett nytt hus" in home
    assert "Bedömningarna per kriterium" not in home
    scores = staff.post(url, data={"visa": "scores", "csrf_token": csrf_from(page)})
    assert scores.status_code == 303
    home = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert "Bedömningarna per kriterium" in home
    db = rd.db()
    try:
        actions = [r[0] for r in db.execute(
            "SELECT action FROM audit_log WHERE action = 'round.show_alternatives'")]
        assert len(actions) == 2
    finally:
        db.conn.close()
    bad = staff.post(url, data={"visa": "allt", "csrf_token": csrf_from(page)})
    assert bad.status_code == 303  # refused with a message, nothing changed
