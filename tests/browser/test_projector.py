"""Projector, reveal and secretariat in Chromium: live polling, reveal, axe-core."""

from __future__ import annotations

import logging

from mcda.store import analysis_cache
from mcda.store import rounds as sr
from mcda.store import users as su

from ..web.results_helpers import add_vote, open_db, scenario
from .conftest import DESKTOP, TABLET, assert_no_axe_violations, next_poll


def _login(app, pg, live_server, role: str) -> int:
    """Log the browser in through a server-side session cookie (independent of the form)."""
    db = open_db(app)
    try:
        uid = su.create_user(db, f"{role}@example.se", "korrekt häst batteri", role)
        sid = su.create_session(db, uid)
    finally:
        db.conn.close()
    with app.test_request_context():
        from flask import session

        session["sid"] = sid
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    pg.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie,
                             "url": live_server.url}])
    return uid


def test_projector_shows_new_participant_within_one_poll(
    app, live_server, page_factory, caplog
):
    """Polls are driven by the page's clock; no reuse window for the live analysis, so the
    vote shows on the very next poll."""
    analysis_cache.clear()
    app.config["PROJECTOR_LIVE_MAX_AGE_S"] = 0.0
    pg = page_factory(DESKTOP)
    pg.clock.install()
    uid = _login(app, pg, live_server, "facilitator")
    sc = scenario(app, uid)
    pg.goto(f"{live_server.url}/resultat/{sc['round_id']}/projektor")
    total = pg.locator("#proj-total")
    assert total.inner_text() == "14"
    assert pg.locator("#proj-hidden").is_visible()
    assert_no_axe_violations(pg, "projector (desktop)")
    # unchanged polls: the browser revalidates with If-None-Match, the server answers 304 and
    # htmx keeps the old content (XHR hands it the cached body)
    # (Playwright reports the XHR's view, 200; the server log shows what was sent.)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        next_poll(pg)
        next_poll(pg)
    polls = [r.getMessage() for r in caplog.records if "/projektor/live" in r.getMessage()]
    assert len(polls) >= 2
    assert any('" 304 ' in m for m in polls), polls
    assert total.inner_text() == "14"
    db = open_db(app)
    try:
        add_vote(db, sc["round_id"], sc["criteria"], "Vara", [1, 2, 3, 4])
    finally:
        db.conn.close()
    next_poll(pg)
    pg.wait_for_function(
        "() => document.querySelector('#proj-total').textContent.trim() === '15'", timeout=3000
    )
    assert_no_axe_violations(pg, "projector after swap")
    assert pg.csp_violations == [] and pg.page_errors == []


def _second_page(app, page_factory, live_server, viewport, email: str):
    """Another browser context logged in as the same user."""
    pg = page_factory(viewport)
    db = open_db(app)
    try:
        sid = su.create_session(db, su.get_user_by_email(db, email)["id"])
    finally:
        db.conn.close()
    with app.test_request_context():
        cookie = app.session_interface.get_signing_serializer(app).dumps({"sid": sid})
    pg.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie,
                             "url": live_server.url}])
    return pg


def test_reveal_button_shows_results(app, live_server, page_factory):
    analysis_cache.clear()
    pg = page_factory(TABLET, touch=True)
    uid = _login(app, pg, live_server, "facilitator")
    sc = scenario(app, uid)
    pg.goto(f"{live_server.url}/resultat/{sc['round_id']}")
    # open: not offered (results are shown only for a closed round; issue 24, A2)
    assert pg.locator("#reveal-btn").count() == 0
    assert pg.locator("#reveal-closed-only").is_visible()
    db = open_db(app)
    try:
        sr.close_round(db, sc["round_id"])
    finally:
        db.conn.close()
    pg.goto(f"{live_server.url}/resultat/{sc['round_id']}")
    assert_no_axe_violations(pg, "results page (tablet)")
    pg.click("#reveal-btn")
    pg.wait_for_selector("#hide-btn")
    assert "Resultaten visas nu." in pg.content()
    # change options through htmx: the page updates without a reload
    pg.select_option("#opt-within", "median")
    pg.wait_for_function(
        "() => document.querySelector('#results-body').textContent.includes('median')"
    )
    assert_no_axe_violations(pg, "results after htmx swap (tablet)")
    pg.goto(f"{live_server.url}/resultat/{sc['round_id']}/projektor")
    assert pg.locator("#proj-results").is_visible()
    assert pg.locator("#proj-sum-h").inner_text() == "Vad kommer först?"
    assert pg.csp_violations == [] and pg.page_errors == []

    desk = _second_page(app, page_factory, live_server, DESKTOP, "facilitator@example.se")
    desk.goto(f"{live_server.url}/resultat/{sc['round_id']}")
    desk.select_option("#opt-smaa", "off")
    desk.wait_for_function(
        "() => document.querySelector('#results-body').textContent.includes('SMAA av')"
    )
    assert_no_axe_violations(desk, "results after htmx swap (desktop)")
    desk.goto(f"{live_server.url}/resultat/{sc['round_id']}/projektor")
    assert_no_axe_violations(desk, "projector revealed (desktop)")
    assert desk.csp_violations == [] and desk.page_errors == []


def test_secretariat_page_axe(app, live_server, page_factory):
    analysis_cache.clear()
    sc = scenario(app, None)
    pg = page_factory(TABLET, touch=True)
    _login(app, pg, live_server, "secretariat")
    url = f"{live_server.url}/kansliet/?beslut={sc['decision_id']}"
    pg.goto(url)
    assert pg.locator("h1").inner_text().startswith("Kansliet")
    assert_no_axe_violations(pg, "secretariat (tablet)")
    desk = _second_page(app, page_factory, live_server, DESKTOP, "secretariat@example.se")
    desk.goto(url + "&sort=kommun&dir=asc")
    assert_no_axe_violations(desk, "secretariat (desktop)")
    desk.goto(f"{live_server.url}/resultat/beslut/{sc['decision_id']}/konvergens")
    assert_no_axe_violations(desk, "convergence (desktop)")
    desk.goto(f"{live_server.url}/resultat/{sc['round_id']}/rapport")
    assert_no_axe_violations(desk, "report (desktop)")
    for p in (pg, desk):
        assert p.csp_violations == [] and p.page_errors == []
