"""Issue 23 in a real browser on the demo: the results page's main view fits six screens at
1440×900 (the Fördjupning heading at y ≤ 5400 px), the printed report's brief is at most
three A4 pages (the Bilaga heading starts page 4 at the latest), Fördjupning and the tables
print open, no link or navigation is printed, and axe finds nothing on the changed pages."""

from __future__ import annotations

import re

from .conftest import DEMO_PASSWORD, assert_no_axe_violations

SCREEN = {"width": 1440, "height": 900}


def _login(pg, base: str) -> None:
    pg.goto(base + "/logga-in")
    pg.fill("#email", "pl@example.se")
    pg.fill("#password", DEMO_PASSWORD)
    pg.click("form.narrow-form button[type=submit]")
    pg.wait_for_load_state()


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_the_main_view_fits_six_screens_and_the_appendix_is_collapsed(demo_server,
                                                                      page_factory):
    _app, base, demo = demo_server
    pg = page_factory(SCREEN)
    _login(pg, base)
    pg.goto(f"{base}/resultat/{demo['closed_round_id']}")
    y = pg.evaluate("() => document.getElementById('fordjupning-h').getBoundingClientRect().top"
                    " + scrollY")
    assert 0 < y <= 5400, y
    verdict = pg.evaluate("() => document.getElementById('verdict-h').getBoundingClientRect()"
                          ".top + scrollY")
    assert verdict < 900, verdict  # the verdict is on the first screen
    assert pg.evaluate("() => document.getElementById('fordjupning').open") is False
    # every wide table scrolls inside its own region: nothing sticks out of the page
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= SCREEN["width"]
    assert_no_axe_violations(pg, "results page")
    pg.evaluate("() => { document.getElementById('fordjupning').open = true; "
                "document.querySelectorAll('details').forEach(d => d.open = true); }")
    assert_no_axe_violations(pg, "results page, everything open")
    # printing opens what was closed (static/js/print-open.js), and closes it again after
    pg.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
    pg.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert pg.evaluate("() => [...document.querySelectorAll('details')].every(d => d.open)")
    pg.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert pg.evaluate("() => document.getElementById('fordjupning').open") is False
    assert pg.csp_violations == [] and pg.page_errors == []


def test_the_report_brief_is_at_most_three_pages_and_prints_open(demo_server, page_factory):
    _app, base, demo = demo_server
    pg = page_factory(SCREEN)
    _login(pg, base)
    pg.goto(f"{base}/resultat/{demo['closed_round_id']}/rapport")
    assert_no_axe_violations(pg, "report")
    pg.emulate_media(media="print")
    # nothing navigates in print: no visible nav, no link text with a printed URL
    assert pg.evaluate("() => [...document.querySelectorAll('nav')]"
                       ".every(n => getComputedStyle(n).display === 'none')")
    assert pg.evaluate("() => [...document.querySelectorAll('a[href]')].every(a => "
                       "getComputedStyle(a, '::after').content in {'none': 1, 'normal': 1, "
                       "'\"\"': 1})")
    # no header or cell breaks inside a word ("Samverka n", "TOPSI S"); header rows repeat
    # and stay with the first rows; "Vad betyder det?" stays with its text
    assert pg.evaluate("() => [...document.querySelectorAll('th, td')].every(c => { "
                       "const s = getComputedStyle(c); return s.overflowWrap === 'normal' "
                       "&& s.wordBreak === 'normal'; })")
    assert pg.evaluate("() => [...document.querySelectorAll('thead')].every(t => "
                       "getComputedStyle(t).display === 'table-header-group')")
    assert pg.evaluate("() => [...document.querySelectorAll('details.explain')].every(d => "
                       "getComputedStyle(d).breakInside === 'avoid')")
    # chart tables print open
    tables = pg.locator("details.as-table table").first
    assert tables.is_visible()
    full = _pages(pg.pdf(format="A4", print_background=True))
    # the brief alone: everything from the Bilaga on left out
    pg.evaluate("""() => { let e = document.getElementById('fordjupning');
      while (e) { e.style.display = 'none'; e = e.nextElementSibling; } }""")
    brief = _pages(pg.pdf(format="A4", print_background=True))
    assert 1 <= brief <= 3, brief
    assert full > brief  # the Bilaga starts on a page of its own after the brief


def test_the_projector_steps_are_accessible_and_lead_with_the_verdict(demo_server,
                                                                      page_factory):
    _app, base, demo = demo_server
    pg = page_factory({"width": 1920, "height": 1080})
    _login(pg, base)
    rid = demo["closed_round_id"]
    pg.goto(f"{base}/resultat/{rid}/projektor")
    assert "kommer först" in pg.locator(".proj-verdict").inner_text()
    for step in ("sammanfattning", "rangordning"):
        pg.goto(f"{base}/resultat/{rid}/projektor?vy={step}")
        assert_no_axe_violations(pg, f"projector {step}")


def test_the_secretariat_table_shows_every_municipality_without_cutting(demo_server,
                                                                        page_factory):
    """"Varje kommuns egen rangordning" scrolls in its own region with the alternative's name
    kept in view: every municipality's column is reachable, nothing sticks out of the page."""
    _app, base, demo = demo_server
    pg = page_factory(SCREEN)
    pg.goto(base + "/logga-in")
    pg.fill("#email", "kansli@example.se")
    pg.fill("#password", DEMO_PASSWORD)
    pg.click("form.narrow-form button[type=submit]")
    pg.wait_for_load_state()
    pg.goto(f"{base}/kansliet/?beslut={demo['decision_id']}")
    table = pg.locator("#sec-rank-h ~ .table-wrap table")
    heads = table.locator("thead th").all_inner_texts()
    assert len(heads) == 2 + 15, heads  # Alternativ, Regionen and all 15 municipalities
    wrap = pg.locator("#sec-rank-h ~ .table-wrap")
    assert wrap.get_attribute("tabindex") == "0"
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= SCREEN["width"]
    sticky = table.locator("tbody th").first.evaluate("e => getComputedStyle(e).position")
    assert sticky == "sticky"
    assert_no_axe_violations(pg, "secretariat")
