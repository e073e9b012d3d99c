"""Issue 12 §6 in Chromium at 1920×1080 on the demo: the revealed results are a sequence of
views that each fit the screen without scrolling, with body text of at least 28 px; the live
view shows the QR code and the join code while the round is open; a poll never moves focus."""

from __future__ import annotations

from mcda.store import analysis_cache
from mcda.store import items as store_items
from mcda.store import rounds as sr
from mcda.store.demo import load_demo

from ..web.results_helpers import add_vote, open_db
from .conftest import assert_no_axe_violations, next_poll
from .test_projector import _login

PROJECTOR = {"width": 1920, "height": 1080}
VIEWS = ("sammanfattning", "vikter", "konflikter", "karta", "rangordning")

# every visible text element in main below 28 px (visually hidden data tables excepted)
SMALL_TEXT = """() => {
  const out = [];
  const sel = 'p, li, dt, dd, td, th, a, span, summary, button'.split(', ')
    .map(t => 'main ' + t).join(', ');
  for (const e of document.querySelectorAll(sel)) {
    if (!e.offsetParent || e.closest('.visually-hidden')) continue;
    const r = e.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || !e.textContent.trim()) continue;
    const fs = parseFloat(getComputedStyle(e).fontSize);
    const what = e.textContent.trim().slice(0, 40);
    if (fs < 28) out.push(`${e.tagName}.${e.className}: ${fs}px "${what}"`);
  }
  return out;
}"""


def _demo(app, uid):
    db = open_db(app)
    try:
        ids = load_demo(db, uid)
        rounds = sr.list_rounds(db, ids[0])
    finally:
        db.conn.close()
    closed = next(r for r in rounds if r["state"] == "closed")
    opened = next(r for r in rounds if r["state"] == "open")
    return closed, opened


def test_each_revealed_view_fits_1080p_with_28px_text(app, live_server, page_factory):
    analysis_cache.clear()
    pg = page_factory(PROJECTOR)
    uid = _login(app, pg, live_server, "facilitator")
    closed, _opened = _demo(app, uid)
    assert closed["results_revealed"]
    base = f"{live_server.url}/resultat/{closed['id']}/projektor"
    pg.goto(base)
    steps = pg.locator(".proj-steps ol a").all_inner_texts()
    assert [s.split(". ", 1)[1] for s in steps] == [
        "Vad kommer först?", "Vikter", "Målkonflikter", "Karta", "Rangordning"]
    assert pg.locator('.proj-steps a[aria-current="step"]').inner_text() == "1. Vad kommer först?"
    items = pg.locator(".proj-summary li").count()
    assert 4 <= items <= 8
    for i, key in enumerate(VIEWS):
        pg.goto(f"{base}?vy={key}")
        height = pg.evaluate("document.documentElement.scrollHeight")
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert height <= PROJECTOR["height"], (key, height)
        assert width <= PROJECTOR["width"], (key, width)
        assert pg.evaluate(SMALL_TEXT) == [], key
        current = pg.locator('.proj-steps a[aria-current="step"]').inner_text()
        assert current.startswith(f"{i + 1}. "), (key, current)
        if key == "karta":
            assert pg.locator("#proj-map-coalitions svg.map-svg").count() == 1
    assert_no_axe_violations(pg, "projector ranking view (1080p)")
    # a presenter remote steps through the views (PageUp/PageDown, arrows)
    pg.goto(f"{base}?vy=vikter")
    pg.keyboard.press("PageDown")
    pg.wait_for_url("**vy=konflikter**")
    pg.keyboard.press("ArrowLeft")
    pg.wait_for_url("**vy=vikter**")
    assert pg.csp_violations == [] and pg.page_errors == []


def test_open_round_shows_qr_and_code_and_polls_never_move_focus(app, live_server,
                                                                  page_factory):
    analysis_cache.clear()
    app.config["PROJECTOR_LIVE_MAX_AGE_S"] = 0.0
    pg = page_factory(PROJECTOR)
    pg.clock.install()  # polls stepped with next_poll, not waited for
    uid = _login(app, pg, live_server, "facilitator")
    _closed, opened = _demo(app, uid)
    pg.goto(f"{live_server.url}/resultat/{opened['id']}/projektor")
    assert pg.locator("#projector-live .qr svg").count() == 1
    assert opened["join_code_display"] in pg.locator(".join-code").inner_text()
    assert pg.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    assert pg.evaluate(SMALL_TEXT) == []
    # count every focus change while polls replace the live part
    pg.evaluate("""() => { window.__focus = [];
        document.addEventListener('focusin',
          e => window.__focus.push(e.target.tagName + '#' + e.target.id), true); }""")
    before = pg.evaluate("document.activeElement.tagName")
    db = open_db(app)
    try:
        crits = [c["id"] for c in store_items.list_criteria(db, opened["decision_id"])]
        add_vote(db, opened["id"], crits, "Skövde", list(range(1, len(crits) + 1)))
    finally:
        db.conn.close()
    next_poll(pg)
    pg.wait_for_function(
        "() => document.querySelector('#proj-total').textContent.trim() === '1'", timeout=3000)
    next_poll(pg)  # and one more poll
    pg.wait_for_timeout(100)  # its swap
    assert pg.evaluate("window.__focus") == []
    assert pg.evaluate("document.activeElement.tagName") == before
    assert pg.evaluate("document.querySelector('#projector-live').contains(document.activeElement)"
                       ) is False
    assert pg.csp_violations == [] and pg.page_errors == []
