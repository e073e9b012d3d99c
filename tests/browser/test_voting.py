"""Tablet voting in Chromium (touch, 768×1024 unless stated): join by code, each of the four
methods down to the stored row, revising, a closed round, keyboard-only slider voting; axe-core
(WCAG 2.1 A/AA) on every participant page and after every htmx swap; touch targets ≥ 44×44 px
measured from bounding boxes; no CSP violations, no page errors, focus never lost to <body>."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from mcda.store import connect
from mcda.store import participants as store_parts
from mcda.store import rounds as sr
from mcda.store import votes as sv

from ..web.participate_helpers import make_round, votes_rows
from .conftest import DESKTOP, assert_no_axe_violations

# Interactive elements must offer a 44×44 px target. A radio/checkbox counts together with its
# <label> (tapping the label activates it); the skip link is off-screen until focused.
TARGETS_JS = """
() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const bad = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.classList.contains('skip-link')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    let r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    let box = {l: r.left, r: r.right, t: r.top, b: r.bottom};
    if ((el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels[0]) {
      const q = el.labels[0].getBoundingClientRect();
      box = {l: Math.min(box.l, q.left), r: Math.max(box.r, q.right),
             t: Math.min(box.t, q.top), b: Math.max(box.b, q.bottom)};
    }
    const w = box.r - box.l, h = box.b - box.t;
    if (w < 43.5 || h < 43.5) {
      bad.push((el.id || el.tagName) + ' ' + (el.textContent || '').trim().slice(0, 30) +
               ' ' + Math.round(w) + 'x' + Math.round(h));
    }
  }
  return bad;
}
"""


def check_page(pg, where: str, *, axe: bool = True) -> None:
    """axe clean, touch targets, no horizontal scrolling, no CSP violations or page errors."""
    if axe:
        assert_no_axe_violations(pg, where)
    assert pg.evaluate(TARGETS_JS) == [], where
    width = pg.viewport_size["width"]
    assert pg.evaluate("document.documentElement.scrollWidth") <= width, f"{where}: h-scroll"
    assert pg.csp_violations == [], where
    assert pg.page_errors == [], where


def focus_not_lost(pg) -> None:
    """Once htmx has settled the swap (app.js restores focus then), focus is not on <body>."""
    pg.wait_for_function(
        "() => !!document.activeElement && document.activeElement !== document.body",
        timeout=3000,
    )


def join_by_code(pg, base: str, rd, municipality: str = "Skövde", *, check: bool = False) -> int:
    """Join through the code form; returns the number of taps used."""
    pg.goto(base + "/delta")
    if check:
        check_page(pg, "join: code")
    pg.locator("#kod").fill(rd.code[:4].lower() + " " + rd.code[4:].lower())
    pg.get_by_role("button", name="Fortsätt").tap()
    expect(pg.locator("#kommun")).to_be_visible()
    if check:
        check_page(pg, "join: municipality")
    pg.locator("#kommun").select_option(label=municipality)
    pg.get_by_role("button", name="Gå vidare till viktningen").tap()
    pg.wait_for_url(f"**/omgang/{rd.round_id}/")
    # code field (1), Fortsätt (1), open the municipality list + pick (2), Gå vidare (1)
    return 5


def _weights(rd, row):
    return [row["weights"][str(c)] for c in rd.criteria]


def test_slider_vote_from_join_page_with_touch(app, live_server, page):
    rd = make_round(app)
    taps = join_by_code(page, live_server.url, rd, check=True)
    check_page(page, "round page")
    page.get_by_role("link", name="Skjutreglage").tap()
    taps += 1
    page.wait_for_url(f"**/omgang/{rd.round_id}/skjutreglage")
    check_page(page, "slider form")
    c = rd.criteria
    for _ in range(3):
        page.locator(f"#plus-{c[0]}").tap()  # 5 → 8
        page.locator(f"#minus-{c[3]}").tap()  # 5 → 2
    taps += 6
    expect(page.locator(f"#out-{c[0]}")).to_have_text("8")
    expect(page.locator(f"#pct-{c[0]}")).to_have_text("40,0\u00a0%")  # 8 / 20
    expect(page.locator(f"#pct-{c[3]}")).to_have_text("10,0\u00a0%")
    page.locator("#save-button").tap()
    taps += 1
    expect(page.locator("#vote-status")).to_have_text("Din viktning är sparad (version 1).")
    check_page(page, "slider form after save (htmx swap)")
    focus_not_lost(page)
    (row,) = votes_rows(rd)
    assert row["method"] == "direct"
    assert _weights(rd, row) == pytest.approx([0.4, 0.25, 0.25, 0.1])
    assert taps == 13  # recorded in the closing note (issue 4)


def test_points_vote_blocks_until_exactly_100(app, live_server, page):
    rd = make_round(app)
    join_by_code(page, live_server.url, rd, "Hjo")
    page.goto(f"{live_server.url}/omgang/{rd.round_id}/poang")
    check_page(page, "points form")
    c = rd.criteria
    save = page.locator("#save-button")
    expect(save).to_be_disabled()
    for cid, pts in zip(c, [50, 30, 10, 20], strict=True):
        page.locator(f"#v-{cid}").fill(str(pts))
    expect(page.locator("#points-remaining")).to_have_text("Du har fördelat 10 poäng för mycket.")
    expect(save).to_be_disabled()
    page.locator(f"#v-{c[3]}").fill("5")
    expect(page.locator("#points-remaining")).to_have_text("Kvar att fördela: 5 av 100 poäng.")
    page.locator(f"#v-{c[3]}").fill("10")
    expect(page.locator("#points-remaining")).to_have_text("Alla 100 poäng är fördelade.")
    expect(save).to_be_enabled()
    save.tap()
    page.locator("#save-button").tap()  # double tap: waits for the re-enabled button
    expect(page.locator("#vote-status")).to_contain_text("Din viktning är sparad (version 1)")
    check_page(page, "points after save", axe=False)  # same swap as the slider save
    (row,) = votes_rows(rd)
    assert _weights(rd, row) == pytest.approx([0.5, 0.3, 0.1, 0.1])


def test_ranking_vote_with_moves_and_tie(app, live_server, page):
    rd = make_round(app)
    join_by_code(page, live_server.url, rd, "Vara")
    page.goto(f"{live_server.url}/omgang/{rd.round_id}/rangordning")
    check_page(page, "ranking form", axe=False)  # axe runs after the swaps below
    c = rd.criteria
    page.locator(f"#up-{c[3]}").tap()  # order c0 c1 c3 c2
    expect(page.locator("input[name=order]").nth(2)).to_have_value(str(c[3]))
    check_page(page, "ranking after move (htmx swap)")
    expect(page.locator(f"#up-{c[3]}")).to_be_focused()
    page.locator(f"#up-{c[3]}").tap()  # order c0 c3 c1 c2
    # each move is an htmx swap of the list: tap again only once the first one is on screen
    # (a tap during the swap can land on the element being replaced; seen under load)
    expect(page.locator("input[name=order]").nth(1)).to_have_value(str(c[3]))
    page.locator(f"#up-{c[3]}").tap()  # order c3 c0 c1 c2
    expect(page.locator("input[name=order]").first).to_have_value(str(c[3]))
    expect(page.locator(f"#down-{c[3]}")).to_be_focused()  # "up" is disabled at the top
    page.locator(f"label[for=tie-{c[1]}]").tap()  # c1 as important as c0
    expect(page.locator(f"#tie-{c[1]}")).to_be_checked()
    expect(page.locator("#preview-weights")).to_be_visible()
    check_page(page, "ranking after tie (htmx swap)")
    focus_not_lost(page)
    page.locator("#save-button").tap()
    expect(page.locator("#vote-status")).to_contain_text("Din viktning är sparad")
    (row,) = votes_rows(rd)
    roc = [sum(1 / k for k in range(i, 5)) / 4 for i in range(1, 5)]  # Barron & Barrett 1996
    tied = (roc[1] + roc[2]) / 2
    assert _weights(rd, row) == pytest.approx([tied, tied, roc[3], roc[0]])


def _show_pair(pg, a, b):
    """One pair at a time (issue 14): step with "Föregående/Nästa par" to the pair."""
    box = pg.locator(f"#par-{a}-{b}")
    for _ in range(120):
        if box.is_visible():
            return
        order = pg.locator("ol.pair-list > li").evaluate_all(
            "(els, id) => [els.findIndex(e => !e.hidden),"
            " els.findIndex(e => e.querySelector('#' + id))]",
            f"par-{a}-{b}",
        )
        pg.locator("#pair-next" if order[1] > order[0] else "#pair-prev").tap()
    raise AssertionError(f"pair {a}-{b} never shown")


def _answer(pg, rd, i, j, which, strength=None):
    a, b = rd.criteria[i], rd.criteria[j]
    _show_pair(pg, a, b)
    pg.locator(f"label[for=pv-{a}-{b}-{which}]").tap()
    if strength:
        pg.locator(f"#ps-{a}-{b}").select_option(str(strength))


def test_pairwise_vote_check_fix_and_save(app, live_server, page):
    rd = make_round(app)
    join_by_code(page, live_server.url, rd, "Tibro")
    page.goto(f"{live_server.url}/omgang/{rd.round_id}/parvis")
    check_page(page, "pairwise form")
    expect(page.locator("#pair-progress")).to_contain_text("0 av 6")
    # Consistent with weights 4:2:1:1, except (0, 2), answered the wrong way round.
    _answer(page, rd, 0, 1, "a", 2)
    _answer(page, rd, 0, 2, "b", 4)
    _answer(page, rd, 0, 3, "a", 4)
    _answer(page, rd, 1, 2, "a", 2)
    _answer(page, rd, 1, 3, "a", 2)
    _answer(page, rd, 2, 3, "lika")
    expect(page.locator("#pair-progress")).to_contain_text("6 av 6")
    page.locator("#check-button").tap()
    expect(page.locator("#pairwise-result")).to_contain_text("hänger inte")
    expect(page.locator("#pairwise-result-h")).to_be_focused()
    check_page(page, "pairwise check (htmx swap)")
    a, b = rd.criteria[0], rd.criteria[2]
    expect(page.locator(f"#par-{a}-{b}")).to_have_class("pair pair-flagged")
    page.locator(f"#pairwise-result a[href='#par-{a}-{b}']").tap()
    _answer(page, rd, 0, 2, "a", 4)
    page.locator("#check-button").tap()
    expect(page.locator("#pairwise-result")).to_contain_text("Dina svar hänger ihop bra.")
    check_page(page, "pairwise re-check (htmx swap)", axe=False)
    page.locator("#save-button").tap()
    expect(page.locator("#vote-status")).to_contain_text("Din viktning är sparad")
    check_page(page, "pairwise saved", axe=False)
    (row,) = votes_rows(rd)
    assert _weights(rd, row) == pytest.approx([0.5, 0.25, 0.125, 0.125])
    assert row["consistency_ratio"] == pytest.approx(0, abs=1e-9)


def test_revise_then_closed_round(app, live_server, page):
    rd = make_round(app)
    join_by_code(page, live_server.url, rd)
    page.goto(f"{live_server.url}/omgang/{rd.round_id}/skjutreglage")
    page.locator("label[for=alla-lika]").tap()  # all at 5: equal weights, said explicitly
    page.locator("#save-button").tap()
    expect(page.locator("#vote-status")).to_contain_text("version 1")
    page.locator(f"#plus-{rd.criteria[0]}").tap()
    page.locator("#save-button").tap()
    expect(page.locator("#vote-status")).to_contain_text("version 2")
    rows = votes_rows(rd)
    assert [r["revision"] for r in rows] == [1, 2]
    assert _weights(rd, rows[1]) == pytest.approx([6 / 21, 5 / 21, 5 / 21, 5 / 21])
    db = connect(app.config["DATABASE"])
    try:
        # other tablets: the region is shown on a tablet once it rests on 2k = 6 others in at
        # least two published municipalities (core.disclosure.participant_may_see_region)
        # (this tablet's municipality, with 1 voter, is pooled with Hjo; Tibro, Vara published)
        for muni, values in (("Hjo", [1, 2, 3, 4]), ("Vara", [4, 3, 2, 1]),
                             ("Tibro", [2, 2, 2, 2])) * 3:
            token = secrets.token_urlsafe(32)
            part = store_parts.join_round(db, rd.round_id, token, rd.municipalities[muni])
            total = sum(values)
            sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": dict(zip(map(str, rd.criteria), values, strict=True))},
                weights={str(c): v / total for c, v in zip(rd.criteria, values, strict=True)},
            )
        sr.close_round(db, rd.round_id)
    finally:
        db.conn.close()
    page.locator(f"#plus-{rd.criteria[1]}").tap()
    page.locator("#save-button").tap()
    expect(page.locator("#vote-status")).to_have_text(
        "Omgången är stängd. Din viktning sparades inte."
    )
    expect(page.locator(".notice-closed")).to_contain_text("Omgången är stängd")
    check_page(page, "closed round after submit (htmx swap)")
    focus_not_lost(page)
    assert len(votes_rows(rd)) == 11
    db = connect(app.config["DATABASE"])
    try:
        sr.set_revealed(db, rd.round_id, True)
    finally:
        db.conn.close()
    page.goto(f"{live_server.url}/omgang/{rd.round_id}/")
    expect(page.locator(".notice-closed")).to_contain_text("Omgången är stängd")
    expect(page.locator(".results-table")).to_contain_text("Regionens vikt")
    check_page(page, "closed round page with revealed results")


def test_keyboard_only_slider_vote(app, live_server, page_factory):
    pg = page_factory(DESKTOP)
    rd = make_round(app, methods=("direct",))
    pg.goto(live_server.url + "/delta")
    pg.locator("#kod").focus()
    pg.keyboard.type(rd.code)
    pg.keyboard.press("Enter")
    expect(pg.locator("#kommun")).to_be_visible()
    pg.locator("#kommun").focus()
    pg.keyboard.type("Gr")  # type-ahead in the native select: Grästorp
    expect(pg.locator("#kommun option:checked")).to_have_text("Grästorp")
    pg.keyboard.press("Tab")  # to the role radios
    pg.keyboard.press("Enter")  # Enter in a form field submits the form
    pg.wait_for_url(f"**/omgang/{rd.round_id}/skjutreglage")
    check_page(pg, "slider form (desktop)")
    first = pg.locator(f"#v-{rd.criteria[0]}")
    for _ in range(40):  # Tab until the first slider has focus
        if pg.evaluate("document.activeElement.id") == f"v-{rd.criteria[0]}":
            break
        pg.keyboard.press("Tab")
    expect(first).to_be_focused()
    pg.keyboard.press("ArrowRight")
    pg.keyboard.press("ArrowRight")  # 5 → 7
    pg.keyboard.press("Tab")  # "+" of the first criterion
    pg.keyboard.press("Enter")  # 7 → 8
    expect(pg.locator(f"#out-{rd.criteria[0]}")).to_have_text("8")
    pg.locator("#save-button").focus()
    pg.keyboard.press("Enter")
    expect(pg.locator("#vote-status")).to_contain_text("Din viktning är sparad")
    focus_not_lost(pg)
    (row,) = votes_rows(rd)
    assert _weights(rd, row) == pytest.approx([8 / 23, 5 / 23, 5 / 23, 5 / 23])
    assert pg.evaluate("document.querySelectorAll('[id]').length") == pg.evaluate(
        "new Set([...document.querySelectorAll('[id]')].map(e => e.id)).size"
    ), "duplicate ids after the swap"


def test_narrow_phone_portrait_layout(app, live_server, page_factory):
    pg = page_factory({"width": 320, "height": 640}, touch=True)
    rd = make_round(app)
    join_by_code(pg, live_server.url, rd, "Essunga")
    check_page(pg, "round page at 320 px", axe=False)
    for slug in ("skjutreglage", "poang", "rangordning", "parvis"):
        pg.goto(f"{live_server.url}/omgang/{rd.round_id}/{slug}")
        check_page(pg, f"{slug} at 320 px", axe=slug == "parvis")
    pg.locator("details.crit-info summary").first.tap()
    expect(pg.locator("details.crit-info").first).to_have_attribute("open", "")
