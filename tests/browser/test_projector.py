"""Projector, reveal and secretariat in Chromium: live polling, reveal, axe-core."""

from __future__ import annotations

from mcda.store import analysis_cache
from mcda.store import users as su

from ..web.results_helpers import add_vote, open_db, scenario
from .conftest import DESKTOP, TABLET, assert_no_axe_violations


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


def test_projector_shows_new_participant_within_one_poll(app, live_server, page_factory):
    analysis_cache.clear()
    pg = page_factory(DESKTOP)
    uid = _login(app, pg, live_server, "facilitator")
    sc = scenario(app, uid)
    pg.goto(f"{live_server.url}/resultat/{sc['round_id']}/projektor")
    total = pg.locator("#proj-total")
    assert total.inner_text() == "14"
    assert pg.locator("#proj-hidden").is_visible()
    assert_no_axe_violations(pg, "projector (desktop)")
    # an unchanged poll is answered 304 and htmx keeps the old content
    with pg.expect_response(lambda r: "/projektor/live" in r.url, timeout=5000) as info:
        pass
    assert info.value.status in (200, 304)
    assert total.inner_text() == "14"
    db = open_db(app)
    try:
        add_vote(db, sc["round_id"], sc["criteria"], "Vara", [1, 2, 3, 4])
    finally:
        db.conn.close()
    pg.wait_for_function(
        "() => document.querySelector('#proj-total').textContent.trim() === '15'", timeout=3500
    )
    assert_no_axe_violations(pg, "projector after swap")
    assert pg.csp_violations == [] and pg.page_errors == []


def test_reveal_button_shows_results(app, live_server, page_factory):
    analysis_cache.clear()
    for viewport in (TABLET, DESKTOP):
        pg = page_factory(viewport)
        uid = _login(app, pg, live_server, "facilitator") if viewport is TABLET else None
        if uid is None:
            db = open_db(app)
            try:
                uid = su.get_user_by_email(db, "facilitator@example.se")["id"]
                sid = su.create_session(db, uid)
            finally:
                db.conn.close()
            with app.test_request_context():
                cookie = app.session_interface.get_signing_serializer(app).dumps({"sid": sid})
            pg.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"],
                                     "value": cookie, "url": live_server.url}])
        sc = scenario(app, uid)
        pg.goto(f"{live_server.url}/resultat/{sc['round_id']}")
        assert_no_axe_violations(pg, f"results page {viewport}")
        pg.click("#reveal-btn")
        pg.wait_for_selector("#hide-btn")
        assert "Resultaten visas nu." in pg.content()
        # change options through htmx; page updates without reload
        pg.select_option("#opt-within", "median")
        pg.wait_for_function(
            "() => document.querySelector('#results-body').textContent.includes('median')"
        )
        assert_no_axe_violations(pg, f"results after htmx swap {viewport}")
        pg.goto(f"{live_server.url}/resultat/{sc['round_id']}/projektor")
        assert pg.locator("#proj-results").is_visible()
        assert "Oenighet först" in pg.content()
        assert_no_axe_violations(pg, f"projector revealed {viewport}")
        assert pg.csp_violations == [] and pg.page_errors == []


def test_secretariat_page_axe(app, live_server, page_factory):
    analysis_cache.clear()
    sc = scenario(app, None)
    for viewport in (TABLET, DESKTOP):
        pg = page_factory(viewport)
        if viewport is TABLET:
            _login(app, pg, live_server, "secretariat")
        else:
            db = open_db(app)
            try:
                uid = su.get_user_by_email(db, "secretariat@example.se")["id"]
                sid = su.create_session(db, uid)
            finally:
                db.conn.close()
            with app.test_request_context():
                cookie = app.session_interface.get_signing_serializer(app).dumps({"sid": sid})
            pg.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"],
                                     "value": cookie, "url": live_server.url}])
        pg.goto(f"{live_server.url}/kansliet/?beslut={sc['decision_id']}")
        assert pg.locator("h1").inner_text().startswith("Kansliet")
        assert_no_axe_violations(pg, f"secretariat {viewport}")
        pg.goto(f"{live_server.url}/resultat/beslut/{sc['decision_id']}/konvergens")
        assert_no_axe_violations(pg, f"convergence {viewport}")
        pg.goto(f"{live_server.url}/resultat/{sc['round_id']}/rapport")
        assert_no_axe_violations(pg, f"report {viewport}")
        assert pg.csp_violations == [] and pg.page_errors == []
