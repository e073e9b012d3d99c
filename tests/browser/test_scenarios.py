"""Scenarios in Chromium: create, duplicate and compare on a tablet and a desktop, axe-core
clean on every page; screenshots in $VAGVAL_SHOTS (if set) for a human look."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mcda.store import connect, demo

from .conftest import assert_no_axe_violations
from .test_planning import _login_facilitator

VIEWPORTS = {"tablet": {"width": 820, "height": 1180}, "desktop": {"width": 1440, "height": 900}}


def _shot(pg, name: str) -> None:
    where = os.environ.get("VAGVAL_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(where) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_create_duplicate_compare(app, live_server, page_factory, size):
    pg = page_factory(VIEWPORTS[size], touch=size == "tablet")
    uid = _login_facilitator(app, pg, live_server)
    db = connect(app.config["DATABASE"])
    try:
        did = demo.load_demo(db, owner_id=uid)[0]
    finally:
        db.conn.close()
    pg.goto(f"{live_server.url}/etapper/{did}/scenarier")
    assert pg.get_by_role("heading", name="Beslutsfrågans scenarier").is_visible()
    assert_no_axe_violations(pg, f"scenario list ({size})")
    _shot(pg, f"{size}-1-list")
    # create
    pg.fill("#new-name", "Snabbare bygg")
    pg.get_by_role("button", name="Skapa scenario").click()
    pg.wait_for_url("**/scenarier/*")
    assert "Scenariot är skapat" in pg.content()
    # edit: 20 % cheaper, Skövde's weights
    pg.fill("#sc-overall", "-20")
    pg.select_option("#sc-source", "group")
    pg.select_option("#sc-group", "Skövde")
    pg.get_by_role("button", name="Spara och planera om").click()
    pg.wait_for_load_state()
    assert "Scenariot är sparat" in pg.content()
    assert "Kostnader: −20 % för alla." in pg.content() or "Kostnader: -20 % för alla." in (
        pg.content())
    assert pg.get_by_role("heading", name="Budget mot värde").is_visible()
    assert_no_axe_violations(pg, f"scenario page ({size})")
    _shot(pg, f"{size}-2-scenario")
    # duplicate
    pg.get_by_role("button", name="Kopiera scenariot").click()
    pg.wait_for_load_state()
    assert "Scenariot är kopierat" in pg.content()
    assert "Snabbare bygg (kopia)" in pg.content()
    # compare: the first three are ticked; untick one, tick the new pair
    pg.goto(f"{live_server.url}/etapper/{did}/scenarier")
    boxes = pg.locator('input[name="s"]')
    assert boxes.count() == 5
    boxes.nth(2).uncheck()
    boxes.nth(3).check()
    pg.get_by_role("button", name="Jämför valda scenarier").click()
    pg.wait_for_url("**/jamfor*")
    assert pg.get_by_role("heading", name="Vad skiljer?").is_visible()
    assert pg.locator("table.cmp-diff tbody tr").count() >= 5
    assert (pg.locator(".cmp-maps figure.map").count(),  # money per municipality
            pg.locator("#cmp-regret-h ~ figure.map").count()) == (3, 3)  # issue 27: losers
    assert_no_axe_violations(pg, f"comparison ({size})")
    _shot(pg, f"{size}-3-compare")
    # nothing overflows the viewport sideways
    assert pg.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"] + 1
    if size == "desktop":
        pg.emulate_media(media="print")
        _shot(pg, "print-compare")
        where = os.environ.get("VAGVAL_SHOTS")
        if where:
            pg.pdf(path=str(Path(where) / "compare.pdf"), format="A4")
    assert pg.csp_violations == [] and pg.page_errors == []
