"""Planning page in Chromium: change a budget, see the plan change in place (htmx), axe-core."""

from __future__ import annotations

from mcda.store import connect
from mcda.store import decisions as dec
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import phases as ph
from mcda.store import users as su

from .conftest import TABLET, assert_no_axe_violations


def _login_facilitator(app, pg, live_server) -> int:
    db = connect(app.config["DATABASE"])
    try:
        uid = su.create_user(db, "etapp@example.se", "korrekt häst batteri", "facilitator")
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


def test_change_budget_replans_in_place(app, live_server, page_factory):
    pg = page_factory(TABLET, touch=True)
    uid = _login_facilitator(app, pg, live_server)
    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        did = dec.create_decision(db, uid, "Etapper i webbläsaren")
        store_items.add_alternative(db, did, "Scen vid Vättern", municipality_id="Hjo", cost=10)
        store_items.add_alternative(db, did, "Museum i Vara", municipality_id="Vara", cost=10)
        pid = ph.add_phase(db, did, "Etapp 1", 10, "2026–2028")
    finally:
        db.conn.close()
    pg.goto(f"{live_server.url}/etapper/{did}")
    status = pg.locator(".plan-status")
    assert "1 av 2 investeringar ryms" in status.inner_text()
    assert_no_axe_violations(pg, "planning page (tablet)")
    url_before = pg.url
    pg.fill(f"#budget-{pid}", "20")
    pg.get_by_role("button", name="Spara och planera om").click()
    pg.wait_for_function(
        "() => document.querySelector('.plan-status').textContent.includes('2 av 2')",
        timeout=10_000,
    )
    assert pg.url == url_before  # re-planned in place, no reload
    assert "20,0" in pg.locator('[data-phase-spend="1"]').inner_text()
    assert pg.csp_violations == [] and pg.page_errors == []


def test_demo_planning_page_and_projector_accessible(app, live_server, page_factory):
    from mcda.store import demo

    pg = page_factory(TABLET, touch=True)
    uid = _login_facilitator(app, pg, live_server)
    db = connect(app.config["DATABASE"])
    try:
        did = demo.load_demo(db, owner_id=uid)[0]
    finally:
        db.conn.close()
    pg.goto(f"{live_server.url}/etapper/{did}")
    assert "Regionens plan" in pg.content()
    assert_no_axe_violations(pg, "planning page with demo data (tablet)")
    pg.goto(f"{live_server.url}/etapper/{did}/projektor")
    assert_no_axe_violations(pg, "planning projector")
    assert pg.csp_violations == [] and pg.page_errors == []


def test_value_conflict_frontier_loads_with_progress_and_is_accessible(app, live_server,
                                                                        page_factory):
    """Issue 27: who gains and who loses on the page, the frontier computed on request (a
    progress element while it runs), each level's plan one click away; axe-clean."""
    from mcda.store import demo

    pg = page_factory(TABLET, touch=True)
    uid = _login_facilitator(app, pg, live_server)
    db = connect(app.config["DATABASE"])
    try:
        did = demo.load_demo(db, owner_id=uid)[0]
    finally:
        db.conn.close()
    pg.goto(f"{live_server.url}/etapper/{did}")
    assert "bättre än att avstå" in pg.locator(".regret-sentence").first.inner_text()
    assert pg.locator("#frontier-progress progress").count() == 1
    url_before = pg.url
    pg.get_by_role("button", name="Räkna fram fronten").click()
    pg.wait_for_selector(".frontier-table", timeout=60_000)
    assert pg.url == url_before  # loaded in place
    pg.locator(".frontier-table a").first.click()
    assert pg.locator(".frontier-level").count() >= 1
    assert_no_axe_violations(pg, "planning page with the value–conflict frontier (tablet)")
    assert pg.csp_violations == [] and pg.page_errors == []
