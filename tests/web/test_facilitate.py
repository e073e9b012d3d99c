"""Facilitator set-up: decisions, criteria, alternatives, reordering, access rules, bad input."""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

import pytest

from mcda.store import connect
from mcda.store import decisions as store
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from tests.helpers import csrf_from, login, make_user, parse_html


def _db(app):
    return connect(app.config["DATABASE"])


def _token(client, url="/processledare/"):
    return csrf_from(client.get(url).get_data(as_text=True))


def post(client, url, data=None, **kw):
    data = dict(data or {})
    data.setdefault("csrf_token", _token(client))
    return client.post(url, data=data, **kw)


@pytest.fixture(name="decision")
def decision_fixture(app, facilitator):
    """A decision of the logged-in facilitator: 2 criteria, 2 alternatives, 1 score."""
    db = _db(app)
    store_munis.ensure_municipalities(db)
    did = store.create_decision(db, facilitator["id"], "Kulturell infrastruktur", "Test")
    c1 = store_items.add_criterion(db, did, "Räckvidd", direction="benefit")
    c2 = store_items.add_criterion(db, did, "Driftkostnad", direction="cost")
    a1 = store_items.add_alternative(db, did, "Kulturhus Skövde", cost=120)
    a2 = store_items.add_alternative(db, did, "Bibliotek Hjo")
    store_items.set_score(db, a1, c1, 4)
    db.conn.close()
    return {"id": did, "c": [c1, c2], "a": [a1, a2]}


def text(resp) -> str:
    """The response body with HTML entities decoded (messages quote values with ')."""
    return htmllib.unescape(resp.get_data(as_text=True))


def audit_actions(app):
    db = _db(app)
    rows = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
    db.conn.close()
    return rows


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id":
                self.ids.append(v)


def test_list_and_create_decision(client, facilitator, app):
    html = client.get("/processledare/").get_data(as_text=True)
    assert "Ny beslutsfråga" in html
    resp = post(client, "/processledare/ny", {"title": "Ny fråga", "description": "Om kultur"})
    assert resp.status_code == 303
    m = re.search(r"/processledare/(\d+)$", resp.headers["Location"])
    assert m
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert parse_html(page).find("h1").text().startswith("Ny fråga")
    assert "Ny fråga" in client.get("/processledare/").get_data(as_text=True)
    assert audit_actions(app)[-1] == "decision.create"


def test_create_decision_bad_input_names_field(client, facilitator, app):
    resp = post(client, "/processledare/ny", {"title": "  ", "description": ""})
    assert resp.status_code == 422
    assert "Titel: skriv en titel för beslutsfrågan." in resp.get_data(as_text=True)
    resp = post(client, "/processledare/ny", {"title": "x" * 201})
    assert resp.status_code == 422
    assert "Titel: högst 200 tecken." in resp.get_data(as_text=True)
    db = _db(app)
    assert store.list_decisions(db) == []
    db.conn.close()


def test_edit_archive_unarchive(client, decision, app):
    did = decision["id"]
    url = f"/processledare/{did}/redigera"
    assert 'value="Kulturell infrastruktur"' in client.get(url).get_data(as_text=True)
    resp = post(client, url, {"title": "Kultur 2026–2035", "description": "Ny text"})
    assert resp.status_code == 303
    assert "Kultur 2026–2035" in client.get(f"/processledare/{did}").get_data(as_text=True)
    assert post(client, f"/processledare/{did}/arkivera").status_code == 303
    assert "Kultur 2026–2035" not in client.get("/processledare/").get_data(as_text=True)
    assert "Kultur 2026–2035" in client.get("/processledare/?arkiverade=1").get_data(as_text=True)
    assert post(client, f"/processledare/{did}/aterstall").status_code == 303
    assert "Kultur 2026–2035" in client.get("/processledare/").get_data(as_text=True)
    assert audit_actions(app)[-3:] == ["decision.update", "decision.archive", "decision.unarchive"]


def test_criteria_crud_and_reorder(client, decision, app):
    did, (c1, c2) = decision["id"], decision["c"]
    base = f"/processledare/{did}/kriterier"
    resp = post(
        client, base + "/ny", {"name": "Barn och unga", "description": "", "direction": "benefit"}
    )
    assert resp.status_code == 303
    # duplicate name (case-insensitive) is refused on the name field, nothing stored
    resp = post(client, base + "/ny", {"name": "räckvidd", "direction": "benefit"})
    assert resp.status_code == 422
    assert "Det finns redan ett kriterium" in resp.get_data(as_text=True)
    resp = post(client, base + "/ny", {"name": "X", "direction": "sideways"})
    assert resp.status_code == 422
    assert "Riktning: välj nytta eller kostnad." in resp.get_data(as_text=True)
    db = _db(app)
    names = [c["name"] for c in store_items.list_criteria(db, did)]
    assert names == ["Räckvidd", "Driftkostnad", "Barn och unga"]
    # edit
    resp = post(
        client, f"{base}/{c2}/redigera", {"name": "Driftkostnad per år", "direction": "cost"}
    )
    assert resp.status_code == 303
    # move up / down
    assert post(client, f"{base}/{c2}/flytta", {"riktning": "upp"}).status_code == 303
    assert [c["id"] for c in store_items.list_criteria(db, did)][:2] == [c2, c1]
    assert post(client, f"{base}/{c2}/flytta", {"riktning": "ned"}).status_code == 303
    assert [c["id"] for c in store_items.list_criteria(db, did)][:2] == [c1, c2]
    assert post(client, f"{base}/{c2}/flytta", {"riktning": "sidled"}).status_code == 400
    # delete: GET shows a confirmation and changes nothing; POST deletes
    page = client.get(f"{base}/{c2}/ta-bort")
    assert page.status_code == 200 and "Ta bort kriteriet" in page.get_data(as_text=True)
    assert len(store_items.list_criteria(db, did)) == 3
    assert post(client, f"{base}/{c2}/ta-bort").status_code == 303
    assert [c["name"] for c in store_items.list_criteria(db, did)] == ["Räckvidd", "Barn och unga"]
    db.conn.close()
    acts = audit_actions(app)
    assert {"criterion.add", "criterion.update", "criterion.move", "criterion.delete"} <= set(acts)


def test_alternatives_crud_and_reorder(client, decision, app):
    did, (a1, a2) = decision["id"], decision["a"]
    db = _db(app)
    skovde = next(m["id"] for m in store_munis.list_municipalities(db) if m["name"] == "Skövde")
    base = f"/processledare/{did}/alternativ"
    form = client.get(base + "/ny").get_data(as_text=True)
    host = [s for s in parse_html(form).find("main").find_all("select")
            if s.attrs.get("name") == "municipality_id"][0]
    assert len(host.find_all("option")) == 16  # none + 15 municipalities
    resp = post(
        client,
        base + "/ny",
        {
            "name": "Konsthall Skara",
            "description": "Ny konsthall",
            "municipality_id": str(skovde),
            "cost": "12,5",
            "earliest_phase": "2",
        },
    )
    assert resp.status_code == 303
    alt = store_items.list_alternatives(db, did)[-1]
    assert (alt["name"], alt["municipality_id"], alt["cost"], alt["earliest_phase"]) == (
        "Konsthall Skara",
        skovde,
        12.5,
        2,
    )
    for data, message in [
        ({"name": "A", "cost": "-1"}, "Kostnad: '-1' är mindre än 0"),
        ({"name": "A", "cost": "abc"}, "Kostnad: 'abc' är inget tal"),
        ({"name": "A", "cost": "nan"}, "Kostnad: 'nan' är inget tal"),
        ({"name": "A", "cost": "inf"}, "Kostnad: 'inf' är inget tal"),
        ({"name": "A", "earliest_phase": "1,5"}, "Tidigaste etapp: ange ett heltal."),
        ({"name": "A", "earliest_phase": "0"}, "Tidigaste etapp: '0' är mindre än 1"),
        ({"name": "A", "municipality_id": "9999"}, "Värdkommun: välj en kommun i listan."),
        ({"name": ""}, "Namn: skriv alternativets namn."),
    ]:
        resp = post(client, base + "/ny", data)
        assert resp.status_code == 422, data
        assert message in text(resp), data
    assert len(store_items.list_alternatives(db, did)) == 3
    # edit keeps values and shows the decimal comma
    page = client.get(f"{base}/{alt['id']}/redigera").get_data(as_text=True)
    assert 'value="12,5"' in page
    resp = post(client, f"{base}/{alt['id']}/redigera", {"name": "Konsthall Skara", "cost": ""})
    assert resp.status_code == 303
    assert store_items.get_alternative(db, alt["id"])["cost"] is None
    # reorder and delete
    assert post(client, f"{base}/{alt['id']}/flytta", {"riktning": "upp"}).status_code == 303
    assert [a["id"] for a in store_items.list_alternatives(db, did)] == [a1, alt["id"], a2]
    assert post(client, f"{base}/{a1}/ta-bort").status_code == 303
    assert [a["id"] for a in store_items.list_alternatives(db, did)] == [alt["id"], a2]
    db.conn.close()


def test_decision_page_has_no_duplicate_ids_and_labels_every_cell(client, decision):
    html = client.get(f"/processledare/{decision['id']}").get_data(as_text=True)
    parser = _Ids()
    parser.feed(html)
    assert len(parser.ids) == len(set(parser.ids))
    for a in decision["a"]:
        for c in decision["c"]:
            assert f'for="s-{a}-{c}"' in html
    assert 'hx-post="/processledare/' in html and 'hx-trigger="change"' in html


def test_demo_decision_is_labelled(client, decision, app):
    db = _db(app)
    db.execute("UPDATE decisions SET is_demo = 1 WHERE id = ?", [decision["id"]])
    db.conn.close()
    assert "Påhittade exempeldata" in client.get(f"/processledare/{decision['id']}").get_data(
        as_text=True
    )
    assert "Påhittade exempeldata" in client.get("/processledare/").get_data(as_text=True)


def test_hostile_names_render_as_text(client, decision, app):
    did = decision["id"]
    evil = '<img src=x onerror=alert(1)> {{7*7}} " hx-post="/x'
    assert (
        post(
            client, f"/processledare/{did}/kriterier/ny", {"name": evil, "direction": "benefit"}
        ).status_code
        == 303
    )
    html = client.get(f"/processledare/{did}").get_data(as_text=True)
    assert "<img src=x" not in html  # raw on purpose: the escaping itself is under test
    assert parse_html(html).find("img", src="x") is None
    assert "&lt;img src=x onerror=alert(1)&gt; {{7*7}}" in html
    assert "49" not in re.sub(r"\d{3,}", "", html)


# --- access rules -----------------------------------------------------------------------------


def _decision_urls(did, cid, aid):
    return [
        ("get", f"/processledare/{did}"),
        ("get", f"/processledare/{did}/redigera"),
        ("post", f"/processledare/{did}/redigera"),
        ("post", f"/processledare/{did}/arkivera"),
        ("get", f"/processledare/{did}/kriterier/ny"),
        ("post", f"/processledare/{did}/kriterier/{cid}/flytta"),
        ("get", f"/processledare/{did}/kriterier/{cid}/ta-bort"),
        ("post", f"/processledare/{did}/alternativ/{aid}/ta-bort"),
        ("get", f"/processledare/{did}/bedomningar"),
        ("post", f"/processledare/{did}/bedomningar/{aid}/{cid}"),
        ("get", f"/processledare/{did}/importera"),
        ("post", f"/processledare/{did}/importera/bekrafta"),
        ("get", f"/processledare/{did}/omgangar/ny"),
    ]


def test_unknown_ids_are_404(client, decision):
    did, c, a = decision["id"], decision["c"][0], decision["a"][0]
    for method, url in _decision_urls(999, c, a) + [
        ("get", f"/processledare/{did}/kriterier/999/redigera"),
        ("get", f"/processledare/{did}/alternativ/999/redigera"),
        ("post", f"/processledare/{did}/bedomningar/999/{c}"),
        ("get", "/processledare/omgang/999"),
        ("post", "/processledare/omgang/999/oppna"),
        ("get", "/processledare/omgang/999/projektor"),
    ]:
        resp = post(client, url) if method == "post" else client.get(url)
        assert resp.status_code == 404, (method, url, resp.status_code)


def test_foreign_decision_is_404_and_unchanged(app, client, decision):
    other = app.test_client()
    make_user(app, "annan@example.se")
    login(other, "annan@example.se")
    did, c, a = decision["id"], decision["c"][0], decision["a"][0]
    for method, url in _decision_urls(did, c, a):
        resp = post(other, url) if method == "post" else other.get(url)
        assert resp.status_code == 404, (method, url, resp.status_code)
    assert "Kulturell infrastruktur" not in other.get("/processledare/").get_data(as_text=True)
    # criterion of another decision through my own decision's URL
    mine = post(other, "/processledare/ny", {"title": "Min"}).headers["Location"].rsplit("/", 1)[1]
    assert other.get(f"/processledare/{mine}/kriterier/{c}/redigera").status_code == 404
    db = _db(app)
    assert store.get_decision(db, did)["archived"] is False
    db.conn.close()


def test_admin_sees_and_edits_all(app, client, decision):
    admin = app.test_client()
    make_user(app, "admin@example.se", role="admin")
    login(admin, "admin@example.se")
    assert "Kulturell infrastruktur" in admin.get("/processledare/").get_data(as_text=True)
    assert admin.get(f"/processledare/{decision['id']}").status_code == 200


def test_secretariat_gets_403_on_writes(app, client, decision):
    sec = app.test_client()
    make_user(app, "kansli@example.se", role="secretariat")
    login(sec, "kansli@example.se")
    token = csrf_from(sec.get("/").get_data(as_text=True))
    did, c, a = decision["id"], decision["c"][0], decision["a"][0]
    for method, url in _decision_urls(did, c, a) + [("post", "/processledare/ny")]:
        if method == "post":
            resp = sec.post(url, data={"csrf_token": token, "title": "x"})
            assert resp.status_code == 403, url
    db = _db(app)
    assert len(store.list_decisions(db)) == 1
    db.conn.close()


def test_anonymous_is_sent_to_login(client, app):
    assert client.get("/processledare/1").status_code == 302


def test_missing_csrf_is_400(client, decision, app):
    did = decision["id"]
    for url, data in [
        ("/processledare/ny", {"title": "x"}),
        (f"/processledare/{did}/arkivera", {}),
        (
            f"/processledare/{did}/bedomningar/{decision['a'][0]}/{decision['c'][0]}",
            {f"s-{decision['a'][0]}-{decision['c'][0]}": "2"},
        ),
        (f"/processledare/{did}/kriterier/{decision['c'][0]}/ta-bort", {}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
    db = _db(app)
    assert len(store.list_decisions(db)) == 1 and len(store_items.list_criteria(db, did)) == 2
    db.conn.close()


def test_get_never_changes_state(client, decision, app):
    did, c, a = decision["id"], decision["c"][0], decision["a"][0]
    for url in [
        f"/processledare/{did}/arkivera",
        f"/processledare/{did}/kriterier/{c}/flytta",
        "/processledare/omgang/1/oppna",
    ]:
        assert client.get(url).status_code == 405
    client.get(f"/processledare/{did}/kriterier/{c}/ta-bort")
    client.get(f"/processledare/{did}/alternativ/{a}/ta-bort")
    db = _db(app)
    assert len(store_items.list_criteria(db, did)) == 2
    assert len(store_items.list_alternatives(db, did)) == 2
    db.conn.close()


def test_huge_ids_are_404_not_500(client, decision):
    huge = 10**20
    for url in [
        f"/processledare/{huge}",
        f"/processledare/omgang/{huge}",
        f"/processledare/{decision['id']}/kriterier/{huge}/redigera",
    ]:
        assert client.get(url).status_code == 404, url
