"""The records pages in Chromium (issue 26) at 820×1180 and 1440×900: the archive page
builds a package on demand and shows its checksum, the checklist and the set-up form's
diarienummer error read well, axe finds nothing, and the printed report carries the
diarienummer in the header of every page (Chromium's own print to PDF)."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

from mcda.store import connect, filing
from mcda.store import rounds as store_rounds
from tests.helpers import make_user
from tests.web.results_helpers import scenario

from .conftest import assert_no_axe_violations

VIEWPORTS = [{"width": 820, "height": 1180}, {"width": 1440, "height": 900}]


def _setup(app) -> dict:
    uid = make_user(app, "pl@example.se")
    s = scenario(app, uid)
    db = connect(app.config["DATABASE"])
    try:
        filing.set_diarienummer(db, s["decision_id"], "SKKF 2026/123")
        store_rounds.close_round(db, s["round_id"])
    finally:
        db.conn.close()
    return s


def _login(pg, url: str) -> None:
    pg.goto(url + "/logga-in")
    pg.fill("#email", "pl@example.se")
    pg.fill("#password", "korrekt häst batteri")
    pg.click("form.narrow-form button[type=submit]")
    expect(pg.locator("h1")).to_have_text("Beslutsfrågor")


def _fits(pg) -> None:
    assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["820x1180", "1440x900"])
def test_records_page_checklist_and_form(app, live_server, page_factory, viewport):
    s = _setup(app)
    rid = s["round_id"]
    pg = page_factory(viewport)
    _login(pg, live_server.url)
    pg.goto(live_server.url + f"/arkiv/omgang/{rid}")
    expect(pg.locator("#diarienummer")).to_have_text("SKKF 2026/123")
    expect(pg.locator("#inget-paket")).to_be_visible()
    assert_no_axe_violations(pg, "records page, no package")
    pg.get_by_role("button", name="Skapa arkivpaketet nu").click()
    expect(pg.locator(".checksum")).to_have_text(re.compile(r"^[0-9a-f]{64}$"), timeout=60000)
    assert_no_axe_violations(pg, "records page, package built")
    _fits(pg)

    pg.get_by_role("link", name="Läs checklistan för sekretessprövning").click()
    expect(pg.locator("h1")).to_have_text("Checklista för sekretessprövning")
    assert_no_axe_violations(pg, "checklist")
    _fits(pg)

    pg.goto(live_server.url + f"/arkiv/omgang/{rid}?lang=en")
    expect(pg.locator("h1")).to_contain_text("Archive and public records")
    assert_no_axe_violations(pg, "records page (en)")

    pg.goto(live_server.url + f"/processledare/{s['decision_id']}/redigera?lang=sv")
    pg.fill("#diarienummer", "SKKF <2026>")
    pg.get_by_role("button", name="Spara").click()
    expect(pg.locator("#diarienummer-error")).to_contain_text("bara innehålla bokstäver")
    assert_no_axe_violations(pg, "decision form with a diarienummer error")
    _fits(pg)


def test_printed_report_has_the_diarienummer_on_every_page(app, live_server, page_factory):
    s = _setup(app)
    pg = page_factory({"width": 1440, "height": 900})
    _login(pg, live_server.url)
    pg.goto(live_server.url + f"/resultat/{s['round_id']}/rapport")
    pdf = pg.pdf(format="A4")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        text = page.extract_text()
        assert "Diarienummer SKKF 2026/123" in text and "Skaraborgs kommunalförbund" in text
