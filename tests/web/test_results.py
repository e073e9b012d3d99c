"""Results page, options, controls, projector ETag/304, convergence, access rules."""

from __future__ import annotations

import pytest

from mcda.store import analysis_cache, analysis_input
from mcda.store import items as store_items
from mcda.store import rounds as sr
from tests.helpers import csrf_from, parse_html

from .results_helpers import add_vote, login_as, open_db, scenario


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


@pytest.fixture
def fac(app, client):
    uid = login_as(app, client, "facilitator")
    return uid


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def test_results_page_shows_all_sections(app, client, fac):
    sc = scenario(app, fac)
    resp = client.get(f"/resultat/{sc['round_id']}")
    assert resp.status_code == 200
    html = _text(resp)
    for heading in ("Deltagande", "Regionens vikter", "Konsensus", "Målkonflikter",
                    "Rangordning", "Robusthet: håller utslaget", "SMAA-2 rangacceptans",
                    "Känslighet", "Kommunernas vikter"):
        assert heading in html, heading
    assert "Inom kommun: medelvärde" in html  # numbers say which options produced them
    doc = parse_html(html)
    assert doc.find(role="img") is not None and doc.find(aria_labelledby=True) is not None
    assert resp.headers["Vary"] and "HX-Request" in resp.headers["Vary"]


def test_numbers_match_analysis(app, client, fac):
    sc = scenario(app, fac)
    html = _text(client.get(f"/resultat/{sc['round_id']}"))
    db = open_db(app)
    try:
        ra = analysis_cache.get_analysis(db, sc["round_id"], None)
    finally:
        db.conn.close()
    s = ra.output["consensus"]["s_star"]
    assert f"{round(s * 100):d} %" in html
    w = ra.output["consensus"]["kendall_w"]
    assert f"{w:.2f}".replace(".", ",") in html


def test_participation_suppressed_below_k_with_secondary(app, client, fac):
    # Hjo has 1 voter (< k=3): hidden; the hidden total (1) < k → smallest other hidden too.
    sc = scenario(app, fac, {"Skövde": 5, "Lidköping": 3, "Hjo": 1, "Vara": 4})
    html = _text(client.get(f"/resultat/{sc['round_id']}"))
    caption = next(c for c in parse_html(html).find_all("caption")
                   if c.text().startswith("Antal som viktat per kommun"))
    part = caption.closest("table").text()
    assert "Hjo" not in part and "Lidköping" not in part  # pooled: not named, no size
    rows = {tr.elements()[0].text(): [td.text() for td in tr.find_all("td", class_="num")]
            for tr in caption.closest("table").find_all("tr") if tr.elements()[0].tag == "th"}
    assert rows["Övriga kommuner"][:1] == ["4"]
    assert rows["Skövde"][:1] == ["5"]
    assert "Anonymitetsregel: kommuner med färre än 3 deltagare visas aldrig med namn" in html
    # no per-municipality weights or S* for hidden municipalities
    heat = next(c for c in parse_html(html).find_all("caption")
                if c.text() == "Vikter per kommun och kriterium").closest("table")
    assert "Hjo" not in heat.text()


def test_suppressed_groups_rule():
    primary, secondary = analysis_input.suppressed_groups({"A": 1, "B": 5, "C": 3, "D": 0}, 3)
    assert primary == {"A"} and secondary == {"C"}
    primary, secondary = analysis_input.suppressed_groups({"A": 1, "B": 2, "C": 9}, 3)
    assert primary == {"A", "B"} and secondary == set()
    assert analysis_input.suppressed_groups({"A": 4, "B": 3}, 3) == (set(), set())


def test_options_change_via_htmx_returns_partial(app, client, fac):
    sc = scenario(app, fac)
    url = f"/resultat/{sc['round_id']}?o=1&within=median&between=participants&smaa=off&methods=wsm"
    resp = client.get(url, headers={"HX-Request": "true"})
    html = _text(resp)
    assert resp.status_code == 200
    assert parse_html(html).elements()[0].get("id") == "results-body"  # the part, not a page
    assert "median (normaliserad)" in html and "efter antal deltagare" in html
    assert "SMAA av" in html and "Robusthet: SMAA-2" not in html


def test_invalid_options_refused_with_message(app, client, fac):
    sc = scenario(app, fac)
    html = _text(client.get(f"/resultat/{sc['round_id']}?within=bogus"))
    assert "Ogiltiga val" in html and "Regeln inom kommun" in html
    html = _text(client.get(f"/resultat/{sc['round_id']}?o=1&within=mean"))  # no methods
    assert "Välj minst en rangordningsmetod" in html
    html = _text(client.get(f"/resultat/{sc['round_id']}?within=aij"))
    assert "AIJ kräver" in html


def test_no_votes_round_explains(app, client, fac):
    sc = scenario(app, fac, {})
    html = _text(client.get(f"/resultat/{sc['round_id']}"))
    assert "Inga resultat ännu" in html


def test_unknown_and_foreign_round_404(app, client, fac):
    assert client.get("/resultat/9999").status_code == 404
    sc = scenario(app, None)  # owned by nobody → foreign to this facilitator
    assert client.get(f"/resultat/{sc['round_id']}").status_code == 404
    assert client.get(f"/resultat/{sc['round_id']}/projektor").status_code == 404
    assert client.get(f"/resultat/{sc['round_id']}/export/vikter.csv").status_code == 404


def test_anonymous_redirected_to_login(app, client):
    sc = scenario(app, None)
    assert client.get(f"/resultat/{sc['round_id']}").status_code in (302, 303)


def test_reveal_set_k_and_next_round_with_audit(app, client, fac):
    sc = scenario(app, fac)
    rid = sc["round_id"]
    page = _text(client.get(f"/resultat/{rid}"))
    token = csrf_from(page)
    assert client.post(f"/resultat/{rid}/visa", data={"revealed": "1"}).status_code == 400
    resp = client.post(f"/resultat/{rid}/visa", data={"revealed": "1", "csrf_token": token},
                       follow_redirects=True)  # refused while open (issue 24, A2)
    assert "först när omgången är stängd" in _text(resp)
    db = open_db(app)
    try:
        sr.close_round(db, rid)
    finally:
        db.conn.close()
    resp = client.post(f"/resultat/{rid}/visa", data={"revealed": "1", "csrf_token": token})
    assert resp.status_code == 303
    resp = client.post(f"/resultat/{rid}/k", data={"k": "5", "csrf_token": token})
    assert resp.status_code == 303
    resp = client.post(f"/resultat/{rid}/k", data={"k": "0", "csrf_token": token},
                       follow_redirects=True)
    assert "Anonymitetsgränsen måste vara" in _text(resp)
    resp = client.post(f"/resultat/{rid}/nasta-omgang", data={"csrf_token": token})
    assert resp.status_code == 303
    db = open_db(app)
    try:
        rnd = sr.get_round(db, rid)
        assert rnd["results_revealed"] and rnd["anonymity_k"] == 5
        actions = [r["action"] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
        assert len(sr.list_rounds(db, sc["decision_id"])) == 2
    finally:
        db.conn.close()
    assert actions == ["results.reveal", "round.anonymity_k", "round.next"]


def test_secretariat_cannot_write(app, client):
    sc = scenario(app, None)
    login_as(app, client, "secretariat")
    rid = sc["round_id"]
    assert client.get(f"/resultat/{rid}/rapport").status_code == 200
    token = csrf_from(_text(client.get("/kansliet/")))
    for path, data in (("visa", {"revealed": "1"}), ("k", {"k": "4"}), ("nasta-omgang", {})):
        resp = client.post(f"/resultat/{rid}/{path}", data={**data, "csrf_token": token})
        assert resp.status_code == 403, path
    assert client.get(f"/resultat/{rid}").status_code == 403  # facilitator page itself


def test_projector_etag_304_and_change(app, client, fac):
    sc = scenario(app, fac)
    rid = sc["round_id"]
    full = client.get(f"/resultat/{rid}/projektor")
    assert full.status_code == 200
    html = _text(full)
    doc = parse_html(html)
    assert doc.find(hx_trigger="every 3s") is not None and doc.find(class_="site-header") is None
    assert "Resultaten visas när processledaren" in html  # hidden by default
    live = client.get(f"/resultat/{rid}/projektor/live")
    etag = live.headers["ETag"]
    assert live.headers["Cache-Control"] == "no-cache, private"
    again = client.get(f"/resultat/{rid}/projektor/live", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    app.config["PROJECTOR_LIVE_MAX_AGE_S"] = 0.0  # no reuse window: a new vote shows at once
    db = open_db(app)
    try:
        add_vote(db, rid, sc["criteria"], "Vara", [1, 1, 1, 1])
    finally:
        db.conn.close()
    changed = client.get(f"/resultat/{rid}/projektor/live", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert parse_html(_text(changed)).find(id="proj-total").text() == "15"


def test_projector_reuses_its_analysis_while_only_votes_arrive(app, client, fac, monkeypatch):
    """Within one poll period new votes do not recompute the analysis (304 for the same
    ETag); after it they do; a reveal shows at the next poll whatever the age."""
    now = [1000.0]
    monkeypatch.setattr(analysis_cache.time, "monotonic", lambda: now[0])
    sc = scenario(app, fac)
    rid = sc["round_id"]
    etag = client.get(f"/resultat/{rid}/projektor/live").headers["ETag"]
    misses = analysis_cache.stats["misses"]
    db = open_db(app)
    try:
        add_vote(db, rid, sc["criteria"], "Vara", [1, 1, 1, 1])
        now[0] += 1.0
        same = client.get(f"/resultat/{rid}/projektor/live", headers={"If-None-Match": etag})
        assert same.status_code == 304 and analysis_cache.stats["misses"] == misses
        now[0] += 2.5  # older than the 3 s window: the new vote is counted
        later = client.get(f"/resultat/{rid}/projektor/live", headers={"If-None-Match": etag})
        assert later.status_code == 200 and later.headers["ETag"] != etag
        assert parse_html(_text(later)).find(id="proj-total").text() == "15"
        etag2 = later.headers["ETag"]
        add_vote(db, rid, sc["criteria"], "Vara", [2, 1, 1, 1])
        sr.close_round(db, rid)
        sr.set_revealed(db, rid, True)  # not just votes: no reuse
        now[0] += 0.1
        revealed = client.get(f"/resultat/{rid}/projektor/live",
                              headers={"If-None-Match": etag2})
        assert revealed.status_code == 200
        assert parse_html(_text(revealed)).find(id="proj-sum-h") is not None
    finally:
        db.conn.close()


def test_live_analysis_is_computed_once_for_concurrent_polls(app, fac, monkeypatch):
    import threading
    import time as _time

    sc = scenario(app, fac)
    calls = []
    real = analysis_cache._analyze

    def slow(data):
        calls.append(1)
        _time.sleep(0.2)
        return real(data)

    monkeypatch.setattr(analysis_cache, "_analyze", slow)
    results = []

    def poll():
        db = open_db(app)
        try:
            fp = analysis_input.fingerprint(db, sc["round_id"])
            results.append(analysis_cache.live_analysis(
                db, sc["round_id"], {"smaa": False}, fingerprint=fp, max_age_s=3.0))
        finally:
            db.conn.close()

    threads = [threading.Thread(target=poll) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1


def test_projector_shows_results_after_reveal(app, client, fac):
    sc = scenario(app, fac)
    rid = sc["round_id"]
    db = open_db(app)
    try:
        sr.close_round(db, rid)
        sr.set_revealed(db, rid, True)
    finally:
        db.conn.close()
    html = _text(client.get(f"/resultat/{rid}/projektor/live"))
    doc = parse_html(html)
    assert doc.find(id="proj-sum-h") is not None  # the summary first
    assert doc.find(aria_current="step") is not None
    assert "Oenighet först" in _text(client.get(f"/resultat/{rid}/projektor/live?vy=konflikter"))
    assert "Regionens vikter" in _text(client.get(f"/resultat/{rid}/projektor/live?vy=vikter"))


def test_convergence_over_rounds(app, client, fac):
    sc = scenario(app, fac)
    db = open_db(app)
    try:
        sr.close_round(db, sc["round_id"])
        r2 = sr.next_round(db, sc["round_id"])
        sr.open_round(db, r2)
        for muni in ("Skövde", "Skövde", "Skövde", "Vara", "Vara", "Vara"):
            add_vote(db, r2, sc["criteria"], muni, [0.3, 0.3, 0.2, 0.2])
    finally:
        db.conn.close()
    resp = client.get(f"/resultat/beslut/{sc['decision_id']}/konvergens")
    html = _text(resp)
    assert resp.status_code == 200
    assert "Omgång 1" in html and "Omgång 2" in html and "Kendalls W" in html
    assert "chart-conv-region" in html and "Skövde" in html
    assert "spridning inom kommunen" in html
    assert client.get("/resultat/beslut/9999/konvergens").status_code == 404


def test_cache_hit_on_unchanged_round(app, fac):
    sc = scenario(app, fac)
    db = open_db(app)
    try:
        a = analysis_cache.get_analysis(db, sc["round_id"], None)
        b = analysis_cache.get_analysis(db, sc["round_id"], None)
    finally:
        db.conn.close()
    assert a is b and analysis_cache.stats["hits"] == 1


def test_build_input_uses_sequence_numbers_and_criteria_order(app, fac):
    sc = scenario(app, fac, {"Skövde": 4})
    db = open_db(app)
    try:
        data = analysis_input.build_input(db, sc["round_id"])
        tokens = [r["token_hash"] for r in db.execute("SELECT token_hash FROM participants")]
    finally:
        db.conn.close()
    assert [v["participant"] for v in data["votes"]] == [1, 2, 3, 4]
    assert [c["id"] for c in data["criteria"]] == [str(c) for c in sc["criteria"]]
    pairwise = [v for v in data["votes"] if v["method"] == "pairwise"]
    assert pairwise and len(pairwise[0]["matrix"]) == 4
    blob = repr(data)
    assert not any(t in blob for t in tokens)
    assert data["groups"]["Skövde"]["population"] > 0
    assert analysis_input.METHODS == __import__("mcda.core.ranking").core.ranking.METHODS


def test_a_zero_score_skips_unsuitable_methods_with_a_note(app, client, fac):
    """WSM/WPM need positive cells; the page still works and says which method was left out."""

    sc = scenario(app, fac)
    db = open_db(app)
    try:
        alt = store_items.list_alternatives(db, sc["decision_id"])[0]["id"]
        store_items.set_score(db, alt, sc["criteria"][0], 0.0)
    finally:
        db.conn.close()
    resp = client.get(f"/resultat/{sc['round_id']}")
    html = _text(resp)
    assert resp.status_code == 200
    assert "Metoder som inte kunde användas" in html and "wsm" in html
    assert "Rangordning" in html


def test_projector_live_error_state_analyses_once(app, client, fac, monkeypatch):
    """When the analysis refuses the round's data, the live view shows the error state and
    does not run the analysis a second time to find that out again."""
    from mcda.core.errors import MCDAInputError

    sc = scenario(app, fac)
    calls = []

    def refuse(data):
        calls.append(1)
        raise MCDAInputError("scores", None, "Poängen saknas.", "Scores are missing.")

    monkeypatch.setattr(analysis_cache, "_analyze", refuse)
    resp = client.get(f"/resultat/{sc['round_id']}/projektor/live")
    assert resp.status_code == 200 and "Poängen saknas." in _text(resp)
    assert len(calls) == 1


def test_next_round_after_a_closed_round_opens_under_the_rooms_code(app, client, fac):
    """The results page's "Skapa nästa omgång" after a closed round is the facilitator's one
    step (issue 23 item 7): the new round takes over the join code and is open at once, so the
    QR code on the wall never leads to a round that is not open yet."""
    sc = scenario(app, fac)
    rid = sc["round_id"]
    db = open_db(app)
    try:
        code = sr.get_round(db, rid)["join_code"]
        sr.close_round(db, rid)
    finally:
        db.conn.close()
    token = csrf_from(_text(client.get(f"/resultat/{rid}")))
    resp = client.post(f"/resultat/{rid}/nasta-omgang", data={"csrf_token": token})
    assert resp.status_code == 303
    assert "Nästa omgång är öppen med samma kod" in _text(client.get(resp.headers["Location"]))
    db = open_db(app)
    try:
        new = [r for r in sr.list_rounds(db, sc["decision_id"]) if r["id"] != rid][0]
        assert new["state"] == "open" and new["join_code"] == code
        assert sr.get_round(db, rid)["join_code"] != code
    finally:
        db.conn.close()
