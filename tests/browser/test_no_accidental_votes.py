"""Issue 14 items 2 and 4 in Chromium on a tablet (820×1180): an untouched form of each
method is not saved; "Alla lika viktiga" saves equal weights; an incomplete pairwise vote
answered one pair at a time is stored with null cells; a CR > 0.10 vote is asked about once
and then saved anyway. axe-core finds no violations in the new states."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mcda.core import incomplete

from ..web.participate_helpers import count_votes, make_round, votes_rows
from .test_voting import check_page, join_by_code

TABLET_820 = {"width": 820, "height": 1180}
SIX = [(f"Kriterium {i}", "") for i in range(1, 7)]


@pytest.fixture
def tablet(page_factory):
    return page_factory(TABLET_820, touch=True)


@pytest.mark.parametrize(
    "slug,message",
    [
        ("skjutreglage", "Alla reglage står på samma värde"),
        ("poang", "Du har inte fördelat några poäng än"),
        ("rangordning", "Du har inte ändrat ordningen"),
        ("parvis", "Du har inte svarat på något par än"),
    ],
)
def test_untouched_form_is_not_saved(app, live_server, tablet, slug, message):
    rd = make_round(app)
    join_by_code(tablet, live_server.url, rd)
    tablet.goto(f"{live_server.url}/omgang/{rd.round_id}/{slug}")
    if slug == "poang":  # the page itself blocks saving at 0 of 100 (the server too: web tests)
        expect(tablet.locator("#save-button")).to_be_disabled()
        expect(tablet.locator("#points-remaining")).to_contain_text("Kvar att fördela: 100 av 100")
        check_page(tablet, "points: untouched")
        assert count_votes(rd) == 0
        return
    tablet.locator("#save-button").tap()
    expect(tablet.locator("#error-summary")).to_contain_text(message)
    check_page(tablet, f"{slug}: untouched refused")
    assert count_votes(rd) == 0


def test_alla_lika_viktiga_saves_equal_sliders(app, live_server, tablet):
    rd = make_round(app)
    join_by_code(tablet, live_server.url, rd)
    tablet.goto(f"{live_server.url}/omgang/{rd.round_id}/skjutreglage")
    c = rd.criteria
    tablet.locator(f"#plus-{c[0]}").tap()  # 6, 5, 5, 5
    tablet.locator("label[for=alla-lika]").tap()  # back to all equal
    expect(tablet.locator(f"#out-{c[0]}")).to_have_text("5")
    check_page(tablet, "sliders with Alla lika viktiga")
    tablet.locator("#save-button").tap()
    expect(tablet.locator("#vote-status")).to_contain_text("Din viktning är sparad")
    (row,) = votes_rows(rd)
    assert row["payload"]["equal"] is True
    assert list(row["weights"].values()) == pytest.approx([0.25] * 4)


def test_incomplete_pairwise_one_pair_at_a_time(app, live_server, tablet):
    rd = make_round(app, criteria=SIX)
    join_by_code(tablet, live_server.url, rd)
    tablet.goto(f"{live_server.url}/omgang/{rd.round_id}/parvis")
    pairs = incomplete.suggested_pairs(6)
    assert len(pairs) == 12
    expect(tablet.locator("#pair-step")).to_have_text("Par 1 av 12")
    expect(tablet.locator("ol.pair-list > li:visible")).to_have_count(1)
    expect(tablet.locator("#more-pairs")).to_contain_text("Svara på fler par (3 till)")
    check_page(tablet, "pairwise: one pair at a time")
    ids = rd.criteria
    for k, (i, j) in enumerate(pairs):
        a, b = ids[i], ids[j]
        expect(tablet.locator(f"#par-{a}-{b}")).to_be_visible()
        tablet.locator(f"label[for=pv-{a}-{b}-a]").tap()  # the earlier criterion matters more
        tablet.locator(f"#ps-{a}-{b}").select_option(str(min(9, 2 ** (j - i))))
        if k < len(pairs) - 1:
            tablet.locator("#pair-next").tap()
            expect(tablet.locator("#pair-step")).to_have_text(f"Par {k + 2} av 12")
    expect(tablet.locator("#pair-progress")).to_contain_text("12 av 12")
    tablet.locator("#save-button").tap()
    status = tablet.locator("#vote-status")
    expect(status).to_contain_text("Din viktning är sparad")
    check_page(tablet, "pairwise incomplete saved")
    assert count_votes(rd) == 1
    (row,) = votes_rows(rd)
    matrix = row["payload"]["matrix"]
    assert sum(cell is None for r in matrix for cell in r) == 2 * (15 - 12)
    assert list(row["weights"].values()) == pytest.approx(
        incomplete.complete_pairwise(matrix).result.weights.tolist()
    )


def test_more_pairs_leads_to_all_pairs(app, live_server, tablet):
    rd = make_round(app, criteria=SIX)
    join_by_code(tablet, live_server.url, rd)
    tablet.goto(f"{live_server.url}/omgang/{rd.round_id}/parvis")
    tablet.locator("#more-pairs").tap()
    expect(tablet.locator("#pair-step")).to_have_text("Par 1 av 15")
    expect(tablet.locator("#more-pairs")).to_have_count(0)
    check_page(tablet, "pairwise: all pairs")


ALL_NINES = {(0, 1): "a", (0, 2): "a", (0, 3): "b", (1, 2): "a", (1, 3): "a", (2, 3): "a"}


def test_high_cr_is_asked_once_then_saved_anyway(app, live_server, tablet):
    rd = make_round(app)
    join_by_code(tablet, live_server.url, rd)
    tablet.goto(f"{live_server.url}/omgang/{rd.round_id}/parvis")
    ids = rd.criteria
    for k, ((i, j), which) in enumerate(ALL_NINES.items()):
        a, b = ids[i], ids[j]
        tablet.locator(f"label[for=pv-{a}-{b}-{which}]").tap()
        tablet.locator(f"#ps-{a}-{b}").select_option("9")
        if k < 5:
            tablet.locator("#pair-next").tap()
    tablet.locator("#save-button").tap()
    summary = tablet.locator("#error-summary")
    expect(summary).to_contain_text("Dina svar hänger inte riktigt ihop")
    expect(tablet.locator(".flagged-list li").first).to_be_visible()
    check_page(tablet, "pairwise: CR prompt")
    assert count_votes(rd) == 0
    # A flagged pair link shows that pair.
    link = tablet.locator(".flagged-list a").first
    target = link.get_attribute("href")[1:]
    link.tap()
    expect(tablet.locator(f"#{target}")).to_be_visible()
    tablet.locator("#save-button").tap()
    expect(tablet.locator("#vote-status")).to_contain_text("Din viktning är sparad")
    (row,) = votes_rows(rd)
    assert row["consistency_ratio"] > 0.10


def test_points_alla_lika_viktiga_unblocks_save(app, live_server, tablet):
    rd = make_round(app)
    join_by_code(tablet, live_server.url, rd)
    tablet.goto(f"{live_server.url}/omgang/{rd.round_id}/poang")
    expect(tablet.locator("#save-button")).to_be_disabled()
    tablet.locator("label[for=alla-lika]").tap()
    expect(tablet.locator("#points-remaining")).to_have_text(
        "Alla lika viktiga: de 100 poängen delas lika."
    )
    expect(tablet.locator("#save-button")).to_be_enabled()
    check_page(tablet, "points with Alla lika viktiga")
    tablet.locator("#save-button").tap()
    expect(tablet.locator("#vote-status")).to_contain_text("Din viktning är sparad")
    (row,) = votes_rows(rd)
    assert list(row["weights"].values()) == pytest.approx([0.25] * 4)
    # Typing a value afterwards unticks the box: the typed points count again.
    tablet.locator(f"#v-{rd.criteria[0]}").fill("40")
    expect(tablet.locator("#alla-lika")).not_to_be_checked()


def test_pairs_by_keyboard_only(app, live_server, page_factory):
    rd = make_round(app, criteria=SIX)
    pg = page_factory(TABLET_820, touch=True)  # joins by tap; the pairs by keyboard only
    join_by_code(pg, live_server.url, rd)
    pg.goto(f"{live_server.url}/omgang/{rd.round_id}/parvis")
    ids = rd.criteria
    (i, j), (k, m) = incomplete.suggested_pairs(6)[:2]
    pg.locator(f"#pv-{ids[i]}-{ids[j]}-a").focus()
    pg.keyboard.press("Space")
    expect(pg.locator(f"#pv-{ids[i]}-{ids[j]}-a")).to_be_checked()
    pg.locator("#pair-next").focus()
    pg.keyboard.press("Enter")
    expect(pg.locator("#pair-step")).to_have_text("Par 2 av 12")
    # Focus moves into the next pair, never to <body>.
    expect(pg.locator(f"#pv-{ids[k]}-{ids[m]}-a")).to_be_focused()
    pg.keyboard.press("Shift+Tab")
    assert pg.evaluate("document.activeElement !== document.body")
