"""Privacy by design (GDPR art. 5, 25): participants give no name, e-mail or free text; the
role is optional and coarse; the privacy notice is linked from the join page; the one cookie
is the strictly necessary session cookie."""

from __future__ import annotations

from mcda.store import connect
from tests.helpers import csrf_from, parse_html

ALLOWED_FIELDS = {"csrf_token", "kod", "kommun", "roll"}


def _field_names(html: str) -> set[str]:
    return {str(el.get("name")) for el in parse_html(html).iter()
            if el.tag in ("input", "select", "textarea") and el.get("name")}


def test_join_asks_only_code_municipality_and_optional_role(world):
    c = world.app.test_client()
    code_step = c.get("/delta").get_data(as_text=True)
    muni_step = c.get(f"/delta?kod={world.join_code}").get_data(as_text=True)
    assert _field_names(code_step) <= ALLOWED_FIELDS
    assert _field_names(muni_step) <= ALLOWED_FIELDS
    for step in (code_step, muni_step):
        doc = parse_html(step)
        assert not doc.find_all("textarea")
        assert not [el for el in doc.iter() if el.get("type") in ("email", "tel")]
    # the role is optional: joining without one works
    resp = c.post("/delta", data={"kod": world.join_code, "kommun": "3",
                                  "csrf_token": csrf_from(muni_step)})
    assert resp.status_code == 303


def test_join_page_links_the_privacy_notice(world):
    html = world.app.test_client().get("/delta").get_data(as_text=True)
    assert 'href="/personuppgifter"' in html
    notice = world.app.test_client().get("/personuppgifter").get_data(as_text=True)
    assert "Så hanterar vi personuppgifter" in notice


def test_participant_rows_hold_no_personal_text(world):
    db = connect(world.app.config["DATABASE"])
    try:
        cols = {r["name"] for r in db.execute("PRAGMA table_info(participants)")}
        roles = {r[0] for r in db.execute("SELECT DISTINCT role FROM participants")}
    finally:
        db.conn.close()
    assert cols <= {"id", "round_id", "token_hash", "municipality_id", "role", "created_at"}
    assert roles <= {None, "fortroendevald", "tjansteperson", "forskare", "annan"}


def test_only_one_cookie_is_set(world):
    c = world.app.test_client()
    page = c.get("/delta")
    c.post("/delta", data={"kod": world.join_code, "kommun": "3",
                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    c.get(f"/omgang/{world.round_id}/")
    names = {ck.key for ck in c._cookies.values()}  # noqa: SLF001 - the jar's contents
    assert names == {"vagval"}


def test_accessibility_statement_has_a_way_to_report_problems(app):
    html = app.test_client().get("/tillganglighet").get_data(as_text=True)
    assert "Tillgänglighetsredogörelse" in html
    assert "Rapportera brister" in html and 'href="mailto:' in html
