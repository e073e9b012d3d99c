"""Per-phase voting and the Delphi view in Chromium (tablet, touch): one weighting per phase
through htmx, the phase picker's saved state, axe-clean (WCAG 2.1 A/AA), 44 px targets,
no CSP violations."""

from __future__ import annotations

import dataclasses

from playwright.sync_api import expect

from mcda.store import connect
from mcda.store import participants as store_parts
from mcda.store import phases as sp
from mcda.store import rounds as sr
from mcda.store import votes as sv

from ..web.participate_helpers import make_round
from .conftest import assert_no_axe_violations
from .test_voting import check_page, join_by_code


def _phased(app):
    rd = make_round(app, methods=("direct", "points"), state="draft")
    db = connect(app.config["DATABASE"])
    try:
        p1 = sp.add_phase(db, rd.decision_id, "Etapp 1", 100, "2026–2028")
        p2 = sp.add_phase(db, rd.decision_id, "Etapp 2", 100, "2029–2031")
        sr.set_phase_weights(db, rd.round_id, True)
        sr.open_round(db, rd.round_id)
    finally:
        db.conn.close()
    return rd, [p1, p2]


def test_vote_two_phases(app, live_server, page):
    rd, (p1, p2) = _phased(app)
    base = live_server.url
    join_by_code(page, base, rd)
    check_page(page, "round home (per phase)")
    page.get_by_role("link", name="Skjutreglage").first.tap()
    expect(page.locator(".phase-tab.current")).to_contain_text("Etapp 1 (2026–2028)")
    check_page(page, "vote page phase 1")
    page.locator(f"#plus-{rd.criteria[0]}").tap()
    page.locator("#save-button").tap()
    expect(page.locator("#vote-status")).to_contain_text("Din viktning för Etapp 1")
    assert_no_axe_violations(page, "after saving phase 1")
    page.get_by_role("link", name="Etapp 2 (2029–2031)").tap()
    expect(page.locator(".phase-tab.current")).to_contain_text("Etapp 2")
    page.locator(f"#minus-{rd.criteria[0]}").tap()
    page.locator("#save-button").tap()
    expect(page.locator("#vote-status")).to_contain_text("Din viktning för Etapp 2")
    expect(page.locator(".phase-nav")).to_contain_text("Sparade: 2 av 2 etapper.")
    check_page(page, "after saving phase 2")
    db = connect(app.config["DATABASE"])
    try:
        latest = sv.latest_votes_by_phase(db, rd.round_id)
    finally:
        db.conn.close()
    assert set(latest) == {p1, p2}
    w1 = latest[p1][0]["weights"][str(rd.criteria[0])]
    w2 = latest[p2][0]["weights"][str(rd.criteria[0])]
    assert w1 > w2  # 6 of 21 vs 4 of 19


def test_delphi_view_is_axe_clean(app, live_server, page):
    rd = make_round(app, methods=("direct", "points"))
    db = connect(app.config["DATABASE"])
    try:
        # 12 voters: quartiles need 10 (core.disclosure.MIN_SPREAD_VALUES)
        for k, (muni, vals) in enumerate([("Hjo", [4, 3, 2, 1]), ("Vara", [1, 1, 1, 1]),
                                          ("Tibro", [2, 2, 4, 2])] * 4):
            part = store_parts.join_round(db, rd.round_id, f"browser-delphi-{k}-xxxxxxxxxx",
                                 rd.municipalities[muni])
            total = sum(vals)
            sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": {str(c): v for c, v in zip(rd.criteria, vals, strict=True)}},
                weights={str(c): v / total for c, v in zip(rd.criteria, vals, strict=True)},
            )
        sr.close_round(db, rd.round_id)
        sr.set_revealed(db, rd.round_id, True)
        rid2 = sr.next_round(db, rd.round_id)
        sr.open_round(db, rid2)
        code2 = sr.get_round(db, rid2)["join_code"]
    finally:
        db.conn.close()
    rd2 = dataclasses.replace(rd, round_id=rid2, code=code2)
    join_by_code(page, live_server.url, rd2)
    expect(page.locator("#previous-h")).to_have_text("Förra omgången")
    check_page(page, "round home with the previous round")
    page.get_by_role("link", name="Skjutreglage").first.tap()
    expect(page.locator(".dist-svg")).to_have_count(len(rd.criteria))
    check_page(page, "vote page with the previous round")
