"""The start page renders in Chromium, passes axe-core and causes no CSP violations."""

from .conftest import DESKTOP, assert_no_axe_violations


def test_start_page_in_chromium(live_server, page_factory):
    pg = page_factory(DESKTOP)
    pg.goto(live_server.url + "/")
    assert pg.locator("html").get_attribute("lang") == "sv"
    assert pg.locator("h1").inner_text() == "Vägval"
    assert_no_axe_violations(pg, "start page")
    assert pg.csp_violations == []
    assert pg.page_errors == []
