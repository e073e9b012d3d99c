""""Vad hände sedan?" (issue 26 point 5) and the moderation log (point 6) on the server.

A small closed round with scores, so the workshop has a verdict; the facilitator writes the
decision (a differing one needs a reason), a participant reaches it with the join code and
from the round hub, the secretariat sees it per decision; the moderation log lists every hide
and show with who and when, as a page and as CSV. HTML is read through the parser.
"""

from __future__ import annotations

import csv
import io

import pytest

from mcda.store import analysis_cache
from mcda.store import items as store_items
from mcda.store import outcomes as store_outcomes
from mcda.store import participants as store_parts
from mcda.store import rounds as sr
from mcda.store import votes as sv
from mcda.store.errors import StoreError
from tests.helpers import csrf_from, login, make_user, parse_html

from .participate_helpers import join, make_round

pytestmark = pytest.mark.usefixtures("app")

VOTERS = [("Hjo", [4, 3, 2, 1]), ("Vara", [1, 1, 1, 4]), ("Tibro", [2, 2, 4, 2])] * 3
SCORES = {"Konsthall": [5, 4, 2, 3], "Teater": [3, 5, 4, 5], "Bibliotek": [4, 2, 5, 1]}


def _closed_round(app):
    """A closed round with three scored alternatives, nine voters and two reasons."""
    rd = make_round(app, methods=("direct",))
    db = rd.db()
    try:
        alts = {}
        for name, row in SCORES.items():
            alts[name] = store_items.add_alternative(db, rd.decision_id, name)
            for cid, value in zip(rd.criteria, row, strict=True):
                store_items.set_score(db, alts[name], cid, value)
        votes = []
        for k, (muni, values) in enumerate(VOTERS):
            part = store_parts.join_round(db, rd.round_id, f"sedan-{k}-xxxxxxxxxxxxxxxxxxxx",
                                          rd.municipalities[muni])
            total = sum(values)
            votes.append(sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": {str(c): v for c, v in zip(rd.criteria, values, strict=True)}},
                weights={str(c): v / total for c, v in zip(rd.criteria, values, strict=True)},
                reason={0: "Räckvidden väger tyngst", 1: "Anna tycker så"}.get(k)))
        sr.close_round(db, rd.round_id)
        sr.set_revealed(db, rd.round_id, True)  # the results were shown in the room
        first = analysis_cache.get_analysis(db, rd.round_id).output["verdict"]["first"]
    finally:
        db.conn.close()
    analysis_cache.clear()
    return rd, alts, first, votes


@pytest.fixture
def facilitator_client(app):
    c = app.test_client()
    make_user(app, "pl-sedan@example.se", role="admin")
    assert login(c, "pl-sedan@example.se").status_code in (302, 303)
    return c


def _form(client, url, **values):
    page = client.get(url)
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "text": "Teatern byggs först.",
            "decided_on": "2027-02-14", "body": "Förbundsstyrelsen",
            "minutes_url": "https://example.se/protokoll/2027-02-14",
            "diarienummer": "SKF 2027/12", "differs_reason": ""}
    data.update(values)
    return client.post(url, data=data)


def test_store_refuses_a_differing_outcome_without_reason_and_bad_fields(app):
    rd, alts, first, _votes = _closed_round(app)
    other = next(a for n, a in alts.items() if str(a) != first)
    base = {"text": "x", "decided_on": "2027-02-14", "body": "Styrelsen", "round_id": rd.round_id}
    db = rd.db()
    try:
        with pytest.raises(StoreError) as exc:
            store_outcomes.save_outcome(db, rd.decision_id, {**base, "chosen_id": other},
                                        verdict_first=[first], user_id=None)
        assert exc.value.field == "differs_reason"
        for field, bad in (("decided_on", "14/2 2027"), ("minutes_url", "javascript:alert(1)"),
                           ("diarienummer", "SKF<2027>"), ("diarienummer", "x" * 41)):
            with pytest.raises(StoreError) as exc:
                store_outcomes.save_outcome(db, rd.decision_id, {**base, field: bad,
                                            "chosen_id": int(first)},
                                            verdict_first=[first], user_id=None)
            assert exc.value.field == field
        saved = store_outcomes.save_outcome(
            db, rd.decision_id, {**base, "chosen_id": int(first), "differs_reason": "ignored"},
            verdict_first=[first], user_id=None)
        assert saved["differs_reason"] == ""  # no reason kept where nothing differs
    finally:
        db.conn.close()


def test_facilitator_writes_outcome_participant_sees_it_with_code(app, facilitator_client):
    rd, alts, first, _votes = _closed_round(app)
    url = f"/processledare/{rd.decision_id}/sedan"
    other = next(a for a in alts.values() if str(a) != first)
    # differs from the verdict, no reason: refused, nothing stored, the field says why
    resp = _form(facilitator_client, url, round_id=str(rd.round_id), chosen=str(other))
    assert resp.status_code == 422
    doc = parse_html(resp.get_data(as_text=True))
    assert "Skriv varför" in doc.find("p", id="differs_reason-error").text()
    assert facilitator_client.post(url, data={"text": "x"}).status_code == 400  # no CSRF
    resp = _form(facilitator_client, url, round_id=str(rd.round_id), chosen=str(other),
                 differs_reason="Regionens budget räckte inte <b>då</b>.")
    assert resp.status_code == 303
    db = rd.db()
    try:
        assert db.execute("SELECT action FROM audit_log WHERE action = 'decision.outcome'"
                          ).fetchall()
    finally:
        db.conn.close()

    # a participant who never joined uses the code: the closed round leads to the outcome
    client = app.test_client()
    assert client.get(f"/sedan/omgang/{rd.round_id}").status_code == 302  # no code: to join
    qr = client.get(f"/delta?kod={rd.code}")  # the QR code's address
    assert qr.status_code == 303
    assert qr.headers["Location"].endswith(f"/sedan/omgang/{rd.round_id}")
    client = app.test_client()  # a fresh browser typing the code
    page = client.get("/delta")
    resp = client.post("/delta", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                       "kod": rd.code.lower()})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/sedan/omgang/{rd.round_id}")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    doc = parse_html(html)
    assert doc.find("h1").text() == "Vad hände sedan?"
    compare = doc.find("div", class_="differs").text()
    assert "skiljer sig" in compare and "Regionens budget räckte inte <b>då</b>." in compare
    assert "Förbundsstyrelsen" in html and "SKF 2027/12" in html
    assert "14 februari 2027" in html
    assert doc.find("a", href="https://example.se/protokoll/2027-02-14") is not None
    assert "kommer först" in doc.find("section", aria_labelledby="outcome-verdict-p").text()
    en = client.get(f"/sedan/omgang/{rd.round_id}?lang=en").get_data(as_text=True)
    assert "What happened next?" in en and "differs from the workshop" in en


def test_participant_reaches_outcome_from_the_round_hub(app, client, facilitator_client):
    rd = make_round(app, methods=("direct",))
    join(client, rd)
    db = rd.db()
    try:
        sr.close_round(db, rd.round_id)
    finally:
        db.conn.close()
    hub = parse_html(client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True))
    link = hub.find("a", id="vad-hande-sedan")
    assert link.get("href") == f"/sedan/omgang/{rd.round_id}"
    page = client.get(link.get("href"))
    assert page.status_code == 200
    assert "Inget beslut är registrerat än" in page.get_data(as_text=True)


def test_agreeing_outcome_and_secretariat_overview(app, facilitator_client):
    rd, _alts, first, _votes = _closed_round(app)
    resp = _form(facilitator_client, f"/processledare/{rd.decision_id}/sedan",
                 round_id=str(rd.round_id), chosen=first)
    assert resp.status_code == 303
    sec = app.test_client()
    make_user(app, "kansli-sedan@example.se", role="secretariat")
    login(sec, "kansli-sedan@example.se")
    assert sec.get(f"/processledare/{rd.decision_id}/sedan").status_code == 403
    html = sec.get("/kansliet/sedan").get_data(as_text=True)
    doc = parse_html(html)
    section = doc.find("section", aria_labelledby=f"d-{rd.decision_id}")
    assert "följer workshopens besked" in section.text()
    assert "Teatern byggs först." in section.text()
    assert app.test_client().get("/kansliet/sedan").status_code in (302, 303)


def test_moderation_log_lists_hide_and_show_with_who_and_when(app, facilitator_client):
    rd, _alts, _first, votes = _closed_round(app)
    page = facilitator_client.get(f"/processledare/omgang/{rd.round_id}").get_data(as_text=True)
    named = votes[1]["vote_id"]
    url = f"/processledare/omgang/{rd.round_id}/motivering/{named}"
    for hidden in ("1", "0", "1"):
        resp = facilitator_client.post(url, data={"dold": hidden, "csrf_token": csrf_from(page)})
        assert resp.status_code == 303
    assert f'href="/moderering/omgang/{rd.round_id}"' in facilitator_client.get(
        f"/processledare/omgang/{rd.round_id}").get_data(as_text=True)
    doc = parse_html(facilitator_client.get(f"/moderering/omgang/{rd.round_id}")
                     .get_data(as_text=True))
    rows = [[td.text().strip() for td in tr.find_all("td")]
            for tr in doc.find("tbody").find_all("tr")]
    assert [r[1] for r in rows] == ["Dold", "Visas igen", "Dold"]
    assert {r[2] for r in rows} == {"pl-sedan@example.se"}
    assert {r[3] for r in rows} == {str(named)} and {r[4] for r in rows} == {"Anna tycker så"}

    resp = facilitator_client.get(f"/moderering/omgang/{rd.round_id}/modereringslogg.csv")
    assert resp.mimetype == "text/csv"
    body = resp.data
    assert body.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["Tid (UTC)", "Åtgärd", "Vem", "Motivering nr", "Motivering"]
    assert [r[1] for r in table[1:]] == ["Dold", "Visas igen", "Dold"]
    assert all(r[0].endswith("Z") for r in table[1:])

    # the secretariat sees who and when, not the texts; a participant sees nothing
    sec = app.test_client()
    make_user(app, "kansli-mod@example.se", role="secretariat")
    login(sec, "kansli-mod@example.se")
    text = sec.get(f"/moderering/omgang/{rd.round_id}").get_data(as_text=True)
    assert "pl-sedan@example.se" in text and "Anna tycker så" not in text
    sec_csv = sec.get(f"/moderering/omgang/{rd.round_id}/modereringslogg.csv").data
    assert b"Anna" not in sec_csv
    assert app.test_client().get(f"/moderering/omgang/{rd.round_id}").status_code in (302, 303)

    # the log outlives the votes: the entries stay, the text is gone
    db = rd.db()
    try:
        sv.delete_round_votes(db, rd.round_id)
    finally:
        db.conn.close()
    doc = parse_html(facilitator_client.get(f"/moderering/omgang/{rd.round_id}")
                     .get_data(as_text=True))
    rows = [[td.text().strip() for td in tr.find_all("td")]
            for tr in doc.find("tbody").find_all("tr")]
    assert len(rows) == 3 and {r[4] for r in rows} == {"(raderad med rösterna)"}


def test_outcome_keeps_the_verdict_after_the_votes_are_deleted(app, facilitator_client):
    """The retention purge deletes the votes but keeps the aggregated record: the outcome,
    often written months later, still stands beside the workshop's verdict."""
    from mcda.store import records

    rd, alts, first, _votes = _closed_round(app)
    db = rd.db()
    try:
        records.delete_votes_keep_record(db, rd.round_id)
    finally:
        db.conn.close()
    analysis_cache.clear()
    other = next(a for a in alts.values() if str(a) != first)
    url = f"/processledare/{rd.decision_id}/sedan"
    assert _form(facilitator_client, url, round_id=str(rd.round_id),
                 chosen=str(other)).status_code == 422  # the kept verdict still counts
    resp = _form(facilitator_client, url, round_id=str(rd.round_id), chosen=first)
    assert resp.status_code == 303
    client = app.test_client()
    client.get(f"/delta?kod={rd.code}")
    doc = parse_html(client.get(f"/sedan/omgang/{rd.round_id}").get_data(as_text=True))
    assert "följer workshopens besked" in doc.find("div", class_="outcome-compare").text()
    assert "kommer först" in doc.find("section", aria_labelledby="outcome-verdict-p").text()


def test_participants_see_the_verdict_only_on_the_tablets_broad_base(app, facilitator_client):
    """Six voters in two municipalities (k = 3): the facilitator has a verdict, but the code's
    page withholds it, as the tablet withholds regional figures under 2k others
    (core.disclosure.participant_may_see_region); the decision itself is shown."""
    rd = make_round(app, methods=("direct",))
    db = rd.db()
    try:
        for name, row in SCORES.items():
            aid = store_items.add_alternative(db, rd.decision_id, name)
            for cid, value in zip(rd.criteria, row, strict=True):
                store_items.set_score(db, aid, cid, value)
        for k, (muni, values) in enumerate(VOTERS[:2] * 3):
            part = store_parts.join_round(db, rd.round_id, f"smal-{k}-xxxxxxxxxxxxxxxxxxxxx",
                                          rd.municipalities[muni])
            total = sum(values)
            sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": {str(c): v for c, v in zip(rd.criteria, values, strict=True)}},
                weights={str(c): v / total for c, v in zip(rd.criteria, values, strict=True)})
        sr.close_round(db, rd.round_id)
        first = analysis_cache.get_analysis(db, rd.round_id).output["verdict"]["first"]
    finally:
        db.conn.close()
    url = f"/processledare/{rd.decision_id}/sedan"
    page = facilitator_client.get(url).get_data(as_text=True)
    assert "kommer först" in page  # the facilitator sees the verdict
    assert _form(facilitator_client, url, round_id=str(rd.round_id),
                 chosen=first).status_code == 303
    client = app.test_client()
    client.get(f"/delta?kod={rd.code}")
    doc = parse_html(client.get(f"/sedan/omgang/{rd.round_id}").get_data(as_text=True))
    verdict = doc.find("section", aria_labelledby="outcome-verdict-p").text()
    assert "kommer först" not in verdict and "tillräckligt många" in verdict
    assert doc.find("div", class_="outcome-compare") is None
    assert "Teatern byggs först." in doc.text()


def test_participants_see_no_verdict_the_facilitator_never_showed(app, facilitator_client):
    """Found at integration: the outcome page showed participants the verdict of a round whose
    results the facilitator had never shown them. Writing an outcome publishes nothing new."""
    rd, _alts, first, _votes = _closed_round(app)
    db = rd.db()
    try:
        sr.set_revealed(db, rd.round_id, False)
    finally:
        db.conn.close()
    url = f"/processledare/{rd.decision_id}/sedan"
    assert _form(facilitator_client, url, round_id=str(rd.round_id),
                 chosen=first).status_code == 303
    client = app.test_client()
    client.get(f"/delta?kod={rd.code}")
    doc = parse_html(client.get(f"/sedan/omgang/{rd.round_id}").get_data(as_text=True))
    verdict = doc.find("section", aria_labelledby="outcome-verdict-p").text()
    assert "kommer först" not in verdict and "visade resultaten" in verdict
