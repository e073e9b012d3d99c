"""Issue 23 items 7 and 10: the facilitator's flow — the round page's live count, the
decision page's checklist, the warning before a round opens with missing scores, the next
round in one step under the same code, the score cell's "Inte sparad", and why the default
hides the alternatives from participants."""

from __future__ import annotations

from mcda.store import items as store_items
from mcda.store import rounds as store_rounds
from tests.helpers import parse_html, visible_text
from tests.web.results_helpers import add_vote

from .test_facilitate import _db, decision_fixture, post  # noqa: F401 - the "decision" fixture


def _new_round(app, did, open_it=False):
    db = _db(app)
    try:
        rid = store_rounds.create_round(db, did, methods=["direct"])
        if open_it:
            store_rounds.open_round(db, rid)
        return rid
    finally:
        db.conn.close()


def _vote(app, rid, decision, municipality):
    db = _db(app)
    try:
        add_vote(db, rid, decision["c"], municipality, [2, 1])
    finally:
        db.conn.close()


def _fill(app, decision):
    db = _db(app)
    try:
        for a in decision["a"]:
            for c in decision["c"]:
                store_items.set_score(db, a, c, 3)
    finally:
        db.conn.close()


def _turnout(doc):
    return {li.find(class_="turnout-name").text(): li.find(class_="turnout-n").text()
            for li in doc.find(class_="turnout-list").find_all("li")}


# --- the live count ------------------------------------------------------------------------


def test_round_page_counts_who_has_weighted_per_municipality(client, app, decision):
    rid = _new_round(app, decision["id"], open_it=True)
    _vote(app, rid, decision, "Skövde")
    _vote(app, rid, decision, "Skövde")
    _vote(app, rid, decision, "Hjo")
    doc = parse_html(client.get(f"/processledare/omgang/{rid}").data)
    live = doc.find(id="turnout")
    assert live.get("hx-get") == f"/processledare/omgang/{rid}/deltagande"
    assert "every" in live.get("hx-trigger")
    assert doc.find(id="turnout-total").text() == "3"
    counts = _turnout(doc)
    assert counts["Skövde"] == "2 har viktat" and counts["Hjo"] == "1 har viktat"
    assert counts["Töreboda"] == "0 har viktat" and len(counts) == 15


def test_live_count_answers_304_until_a_vote_arrives(client, app, decision):
    rid = _new_round(app, decision["id"], open_it=True)
    url = f"/processledare/omgang/{rid}/deltagande"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache, private"
    assert "HX-Request" in first.headers["Vary"]
    etag = first.headers["ETag"].strip('"')
    assert client.get(url, headers={"If-None-Match": f'"{etag}"'}).status_code == 304
    _vote(app, rid, decision, "Mariestad")
    again = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 200
    assert parse_html(again.data).find(id="turnout-total").text() == "1"


def test_live_count_polls_only_while_open(client, app, decision):
    rid = _new_round(app, decision["id"])
    doc = parse_html(client.get(f"/processledare/omgang/{rid}/deltagande").data)
    assert doc.find(id="turnout").get("hx-get") is None


def test_live_count_is_the_facilitators_only(app, client, decision):
    from tests.helpers import login, make_user

    rid = _new_round(app, decision["id"], open_it=True)
    other = app.test_client()
    make_user(app, "annan@example.se")
    login(other, "annan@example.se")
    assert other.get(f"/processledare/omgang/{rid}/deltagande").status_code == 404
    assert app.test_client().get(f"/processledare/omgang/{rid}/deltagande").status_code in (
        302, 401)


# --- the checklist ---------------------------------------------------------------------------


def _checklist(client, did):
    doc = parse_html(client.get(f"/processledare/{did}").data)
    return [(li.classes[0], li.text()) for li in doc.find(class_="checklist").find_all("li")]


def test_checklist_names_what_is_missing(client, app, decision):
    steps = _checklist(client, decision["id"])
    assert [s[1].split(":")[0][2:] for s in steps] == ["Kriterier", "Alternativ", "Bedömningar",
                                                   "Omgång"]
    assert steps[0] == ("done", "✓ Kriterier: klart, 2 kriterier")
    assert steps[1][0] == "done"
    assert steps[2] == ("todo", "! Bedömningar: inte klart, 3 bedömningar saknas")
    assert steps[3] == ("todo", "! Omgång: inte klart, Skapa en omgång och öppna den.")


def test_checklist_ticks_every_step_when_set_up_and_opened(client, app, decision):
    _fill(app, decision)
    _new_round(app, decision["id"], open_it=True)
    steps = _checklist(client, decision["id"])
    assert [s[0] for s in steps] == ["done"] * 4
    assert steps[2][1].endswith("Alla bedömningar är ifyllda.")
    assert steps[3][1].endswith("1 omgång har öppnats")


def test_checklist_asks_for_two_criteria(client, app, facilitator):
    from mcda.store import decisions as store

    db = _db(app)
    did = store.create_decision(db, facilitator["id"], "Tom")
    store_items.add_criterion(db, did, "Ensam")
    db.conn.close()
    steps = _checklist(client, did)
    assert steps[0] == ("todo", "! Kriterier: inte klart, Minst två kriterier behövs (1 finns).")
    assert steps[2][1].endswith("Lägg till kriterier och alternativ först.")


# --- opening with missing scores -------------------------------------------------------------


def test_round_page_warns_by_name_before_opening(client, app, decision):
    db = _db(app)
    store_items.set_score(db, decision["a"][0], decision["c"][1], 1)
    store_items.set_score(db, decision["a"][1], decision["c"][0], 1)
    db.conn.close()
    rid = _new_round(app, decision["id"])
    doc = parse_html(client.get(f"/processledare/omgang/{rid}").data)
    warning = doc.find(id="saknade-bedomningar")
    assert visible_text(warning).startswith(
        "1 bedömning saknas: Bibliotek Hjo × Driftkostnad.")
    button = next(b for b in doc.find_all("button") if "Öppna omgången" in b.text())
    assert button.text() == "Öppna omgången ändå"
    assert button.closest("form").find("input", name="anda").get("value") == "1"


def test_open_without_anda_does_not_open_and_names_the_missing(client, app, decision):
    rid = _new_round(app, decision["id"])
    resp = post(client, f"/processledare/omgang/{rid}/oppna", follow_redirects=True)
    flash = parse_html(resp.data).find(class_="flash-error")
    assert visible_text(flash) == (
        "Omgången är inte öppnad. 3 bedömningar saknas: Kulturhus Skövde × Driftkostnad, "
        "Bibliotek Hjo × Räckvidd, Bibliotek Hjo × Driftkostnad.")
    db = _db(app)
    assert store_rounds.get_round(db, rid)["state"] == "draft"
    db.conn.close()
    assert post(client, f"/processledare/omgang/{rid}/oppna", {"anda": "1"}).status_code == 303
    db = _db(app)
    assert store_rounds.get_round(db, rid)["state"] == "open"
    db.conn.close()


def test_complete_scores_open_without_a_warning(client, app, decision):
    _fill(app, decision)
    rid = _new_round(app, decision["id"])
    doc = parse_html(client.get(f"/processledare/omgang/{rid}").data)
    assert doc.find(id="saknade-bedomningar") is None
    assert post(client, f"/processledare/omgang/{rid}/oppna").status_code == 303
    db = _db(app)
    assert store_rounds.get_round(db, rid)["state"] == "open"
    db.conn.close()


def test_warning_names_five_and_counts_the_rest(app, decision):
    from mcda.web.facilitate.common import missing_text

    with app.test_request_context():
        text = missing_text([(f"A{i}", "K") for i in range(8)])
    assert text == "8 bedömningar saknas: A0 × K, A1 × K, A2 × K, A3 × K, A4 × K och 3 till"


# --- the next round in one step --------------------------------------------------------------


def test_next_round_opens_in_one_step_under_the_same_code(client, app, decision):
    _fill(app, decision)
    rid = _new_round(app, decision["id"], open_it=True)
    _vote(app, rid, decision, "Skövde")
    db = _db(app)
    store_rounds.close_round(db, rid)
    code = store_rounds.get_round(db, rid)["join_code"]
    db.conn.close()
    page = parse_html(client.get(f"/processledare/omgang/{rid}").data)
    assert any(b.text() == "Öppna nästa omgång med samma kod" for b in page.find_all("button"))
    resp = post(client, f"/processledare/omgang/{rid}/nasta")
    new_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    db = _db(app)
    new, old = store_rounds.get_round(db, new_id), store_rounds.get_round(db, rid)
    assert store_rounds.get_round_by_code(db, code)["id"] == new_id
    assert sum(n for _m, n in store_rounds.turnout(db, rid)) == 1  # the old round keeps its vote
    db.conn.close()
    assert new["state"] == "open" and old["state"] == "closed" and old["join_code"] != code
    doc = parse_html(client.get(f"/processledare/omgang/{new_id}").data)
    assert doc.find(class_="join-code").text() == new["join_code_display"]
    # the join address (and so the QR code) the room already has leads to the new round
    assert doc.find("a", class_="join-url").text().endswith(f"kod={code}")
    # the closed round now points to the latest round instead of offering another one
    old_page = parse_html(client.get(f"/processledare/omgang/{rid}").data)
    assert not any("nästa omgång" in b.text() for b in old_page.find_all("button"))
    link = next(a for a in old_page.find_all("a") if a.text() == "Till omgång 2, den senaste")
    assert link.get("href") == f"/processledare/omgang/{new_id}"


# --- item 10 -------------------------------------------------------------------------------


def test_a_rejected_score_says_inte_sparad_in_the_error_style(client, decision):
    a, c = decision["a"][0], decision["c"][0]
    resp = post(client, f"/processledare/{decision['id']}/bedomningar/{a}/{c}",
                {f"s-{a}-{c}": "mycket"}, headers={"HX-Request": "true"})
    status = parse_html(resp.data).find(class_="cell-status")
    assert status.text() == "Inte sparad" and "is-error" in status.classes
    ok = post(client, f"/processledare/{decision['id']}/bedomningar/{a}/{c}",
              {f"s-{a}-{c}": "5"}, headers={"HX-Request": "true"})
    status = parse_html(ok.data).find(class_="cell-status")
    assert status.text() == "Sparat" and "is-error" not in status.classes


def test_alternatives_radios_sit_with_labels_and_say_why(client, app, decision):
    rid = _new_round(app, decision["id"])
    doc = parse_html(client.get(f"/processledare/omgang/{rid}").data)
    fs = doc.find(id="alternativ").find("fieldset")
    why = fs.find(id="visa-varfor")
    assert "kriterierna, inte åt sina favoritprojekt" in why.text()
    for li in fs.find_all("li"):
        radio, label = li.find("input"), li.find("label")
        assert radio.get("type") == "radio" and label.get("for") == radio.get("id")
        assert radio.get("aria-describedby") == "visa-varfor"
    assert fs.find("input", checked=True).get("value") == "none"
    assert fs.find("label", for_="visa-none").text() == "Ingenting (förvalt)"
