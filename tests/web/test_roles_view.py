"""Roles as stakeholder groups (issue 14 item 3): the analysis input carries each vote's role,
roles under k are pooled into "Övriga roller" (core.disclosure.role_plan, with the no-role
votes counted), and the report and the secretariat view show weights and disputed criteria by
role; the JSON export's individual votes carry no role."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from mcda.store import analysis_input
from mcda.store import participants as store_parts
from mcda.store import rounds as sr
from mcda.store import votes as sv
from tests.helpers import login, make_user, parse_html

from .participate_helpers import make_round

pytestmark = pytest.mark.usefixtures("app")

# (municipality, role, values): 4 politicians, 5 officials, 1 researcher, 3 without a role
VOTERS = (
    [("Hjo", "fortroendevald", [6, 1, 1, 1])] * 3 + [("Vara", "fortroendevald", [5, 1, 2, 1])] * 3
    + [("Hjo", "tjansteperson", [1, 1, 1, 6])] * 3 + [("Vara", "tjansteperson", [1, 2, 1, 5])] * 3
    + [("Tibro", "forskare", [1, 6, 1, 1])] + [("Tibro", None, [2, 2, 2, 2])] * 3
)
# every municipality × role cell has 0 or ≥ 3 voters once the researcher is pooled with the
# no-role votes of Tibro (4): role figures may be published (core.disclosure.roles_publishable)


class _Rows(HTMLParser):
    """Row headers of the by-role table inside the section with ``id``."""

    def __init__(self, sid: str) -> None:
        super().__init__()
        self.sid, self.depth, self.rows, self._th = sid, 0, [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("id") == self.sid:
            self.depth = 1
        elif self.depth and tag == "section":
            self.depth += 1
        if self.depth and tag == "th" and a.get("scope") == "row":
            self._th = True
            self.rows.append("")

    def handle_endtag(self, tag):
        if tag == "th":
            self._th = False
        if self.depth and tag == "section":
            self.depth -= 1

    def handle_data(self, data):
        if self._th:
            self.rows[-1] += data


def _rows(html: str, sid: str) -> list[str]:
    p = _Rows(sid)
    p.feed(html)
    return [r.strip() for r in p.rows]


@pytest.fixture
def rd(app):
    rd = make_round(app, methods=("direct",))
    db = rd.db()
    try:
        for k, (muni, role, values) in enumerate(VOTERS):
            part = store_parts.join_round(db, rd.round_id, f"roll-{k}-xxxxxxxxxxxxxxxxx",
                                 rd.municipalities[muni], role)
            total = sum(values)
            sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": {str(c): v for c, v in zip(rd.criteria, values, strict=True)}},
                weights={str(c): v / total for c, v in zip(rd.criteria, values, strict=True)})
        sr.close_round(db, rd.round_id)
    finally:
        db.conn.close()
    return rd


@pytest.fixture
def staff(app):
    c = app.test_client()
    make_user(app, "pl-roll@example.se", role="admin")
    assert login(c, "pl-roll@example.se").status_code in (302, 303)
    return c


def test_input_pools_roles_under_k(rd):
    db = rd.db()
    try:
        data = analysis_input.build_input(db, rd.round_id)
    finally:
        db.conn.close()
    roles = [v.get("role") for v in data["votes"]]
    # the researcher (1 < k) is pooled with the no-role votes (3) so the pool reaches k
    assert roles.count("fortroendevald") == 6 and roles.count("tjansteperson") == 6
    assert roles.count("Övriga roller") == 4 and "forskare" not in roles


def test_report_and_secretariat_show_weights_by_role(rd, staff):
    html = staff.get(f"/resultat/{rd.round_id}/rapport").get_data(as_text=True)
    assert _rows(html, "sec-roles") == ["Förtroendevald", "Tjänsteperson", "Övriga roller"]
    section = parse_html(html).find(id="sec-roles").closest("section").text()
    assert "Forskare" not in section
    assert "Vem vill vad: vikter per roll" in section
    sec = staff.get(f"/kansliet/?beslut={rd.decision_id}&omgang={rd.round_id}")
    assert sec.status_code == 200
    assert _rows(sec.get_data(as_text=True), "sec-roles-kansli") == [
        "Förtroendevald", "Tjänsteperson", "Övriga roller"]
    en = staff.get(f"/resultat/{rd.round_id}/rapport?lang=en")
    assert en.status_code == 200


def test_json_export_votes_have_no_role_but_output_has_by_role(rd, staff):
    doc = json.loads(staff.get(f"/resultat/{rd.round_id}/export/analys.json").data)
    assert all("role" not in v for v in doc["input"]["votes"])
    assert sorted(doc["output"]["by_role"]["groups"]) == [
        "fortroendevald", "tjansteperson", "Övriga roller"]
    assert "note_roles" in doc


def test_no_role_figures_when_a_cell_is_under_k(app, staff):
    """One Vara official beside Hjo's officials: the margins would give the cell away."""
    rd = make_round(app, methods=("direct",))
    db = rd.db()
    try:
        spec = ([("Hjo", "tjansteperson")] * 4 + [("Vara", "tjansteperson")]
                + [("Vara", "fortroendevald")] * 4)
        for k, (muni, role) in enumerate(spec):
            part = store_parts.join_round(db, rd.round_id, f"cell-{k}-xxxxxxxxxxxxxxxxx",
                                 rd.municipalities[muni], role)
            vals = [1 + k % 3, 1, 2, 1]
            sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": {str(c): v for c, v in zip(rd.criteria, vals, strict=True)}},
                weights={str(c): v / sum(vals) for c, v in zip(rd.criteria, vals, strict=True)})
        data = analysis_input.build_input(db, rd.round_id)
    finally:
        db.conn.close()
    assert all("role" not in v for v in data["votes"])
    html = staff.get(f"/resultat/{rd.round_id}/rapport").get_data(as_text=True)
    assert 'id="sec-roles"' not in html
