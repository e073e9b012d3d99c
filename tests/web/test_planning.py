"""Planning page: access, plan shown within budgets, re-plan by POST and htmx, errors, projector."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from mcda.store import connect, demo
from mcda.store import decisions as dec
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import phases as ph
from tests.helpers import csrf_from, login, make_user, parse_html


@pytest.fixture
def demo_decision(app, facilitator):
    db = connect(app.config["DATABASE"])
    try:
        ids = demo.load_demo(db, owner_id=facilitator["id"])
        return ids[0]
    finally:
        db.conn.close()


@pytest.fixture
def small_decision(app, facilitator):
    """Two investments, one phase: the budget decides how many fit."""
    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        did = dec.create_decision(db, facilitator["id"], "Små etapper")
        store_items.add_alternative(db, did, "Scen", municipality_id="Hjo", cost=10)
        store_items.add_alternative(db, did, "Museum", municipality_id="Vara", cost=10)
        ph.add_phase(db, did, "Etapp 1", 10, "2026–2028")
        return did
    finally:
        db.conn.close()


class _Tables(HTMLParser):
    """Collect text per table class (enough to check the plan table)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.stack.append(dict(attrs).get("class", ""))

    def handle_endtag(self, tag):
        if tag == "table" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack:
            self.text[self.stack[-1]] = self.text.get(self.stack[-1], "") + data


def tables(html: str) -> dict[str, str]:
    p = _Tables()
    p.feed(html)
    return p.text


def _budget_ids(page: str) -> list[str]:
    """Phase ids of the budget fields (``budget_<id>``), in page order."""
    return [m.group(1) for el in parse_html(page).iter()
            if (m := re.fullmatch(r"budget_(\d+)", str(el.get("name"))))]


def test_requires_login(client, app):
    resp = client.get("/etapper/1")
    assert resp.status_code in (302, 303)
    assert "/logga-in" in resp.headers["Location"]


def test_unknown_and_foreign_decision_404(client, app, facilitator):
    assert client.get("/etapper/999").status_code == 404
    db = connect(app.config["DATABASE"])
    other = make_user(app, "annan@example.se")
    did = dec.create_decision(db, other, "Någon annans")
    db.conn.close()
    assert client.get(f"/etapper/{did}").status_code == 404


def test_demo_plan_within_budgets_and_methods_named(client, demo_decision):
    resp = client.get(f"/etapper/{demo_decision}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Regionens plan" in html
    # The heading names the page, then the decision (was "Tillväxtetapper: <decision>").
    assert "<h1>Etappplan: Kulturell infrastruktur 2026–2035</h1>" in html
    assert "beslutsmodell, Viktad summa av värden" in html and "MILP" in html  # method named
    spends = [m.groups() for el in parse_html(html).find_all(data_phase_spend=True)
              if re.fullmatch(r"\d", str(el.get("data-phase-spend")))
              and (m := re.fullmatch(r"([\d\s\u00a0,]+) / ([\d\s\u00a0,]+)", el.text()))]
    assert len(spends) == 3
    for spent, budget in spends:
        num = lambda s: float(s.replace("\u00a0", "").replace(" ", "").replace(",", "."))  # noqa: E731
        assert num(spent) <= num(budget)
    t = tables(html)
    assert "Skövde" in t["muni-grid"] and "Essunga" in t["muni-grid"]
    assert "Kommuner nådda" in t["spread-table"]


def test_replan_post_changes_plan(client, small_decision):
    page = client.get(f"/etapper/{small_decision}").get_data(as_text=True)
    assert "1 av 2 investeringar ryms" in page
    db_phase = _budget_ids(page)[0]
    token = csrf_from(page)
    resp = client.post(
        f"/etapper/{small_decision}/planera",
        data={"csrf_token": token, f"budget_{db_phase}": "20", "max_share": "", "discount": ""},
    )
    assert resp.status_code in (302, 303)
    page = client.get(f"/etapper/{small_decision}").get_data(as_text=True)
    assert "2 av 2 investeringar ryms" in page


def test_replan_htmx_returns_partial(client, small_decision):
    page = client.get(f"/etapper/{small_decision}").get_data(as_text=True)
    pid = _budget_ids(page)[0]
    resp = client.post(
        f"/etapper/{small_decision}/planera",
        data={f"budget_{pid}": "20"},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_from(page)},
    )
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert parse_html(body).elements()[0].get("id") == "planning-body"  # the part, not a page
    assert "2 av 2 investeringar ryms" in body
    assert "HX-Request" in resp.headers["Vary"]


def test_negative_budget_rejected_named_nothing_stored(client, app, small_decision):
    page = client.get(f"/etapper/{small_decision}").get_data(as_text=True)
    pid = _budget_ids(page)[0]
    resp = client.post(
        f"/etapper/{small_decision}/planera",
        data={f"budget_{pid}": "-5"},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_from(page)},
    )
    body = resp.get_data(as_text=True)
    assert "Budgeten för Etapp 1 kan inte vara negativ" in body
    db = connect(app.config["DATABASE"])
    assert ph.list_phases(db, small_decision)[0]["budget"] == 10
    db.conn.close()


def test_infeasible_rule_explained(client, small_decision):
    page = client.get(f"/etapper/{small_decision}").get_data(as_text=True)
    pid = _budget_ids(page)[0]
    client.post(
        f"/etapper/{small_decision}/planera",
        data={"csrf_token": csrf_from(page), f"budget_{pid}": "10", "min_one_by_phase": "1"},
    )
    page = client.get(f"/etapper/{small_decision}").get_data(as_text=True)
    assert "Ingen plan uppfyller reglerna" in page
    assert "senast etapp 1" in page


def test_add_phase_and_prerequisite_cycle_message(client, app, small_decision):
    page = client.get(f"/etapper/{small_decision}").get_data(as_text=True)
    token = csrf_from(page)
    client.post(
        f"/etapper/{small_decision}/etapper",
        data={"csrf_token": token, "name": "Etapp 2", "period": "2029–2031", "budget": "5"},
    )
    db = connect(app.config["DATABASE"])
    assert [p["name"] for p in ph.list_phases(db, small_decision)] == ["Etapp 1", "Etapp 2"]
    a, b = (x["id"] for x in store_items.list_alternatives(db, small_decision))
    db.conn.close()
    client.post(
        f"/etapper/{small_decision}/forutsattningar",
        data={"csrf_token": token, "alternative_id": a, "requires_id": b},
    )
    resp = client.post(
        f"/etapper/{small_decision}/forutsattningar",
        data={"alternative_id": b, "requires_id": a},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert "cirkel" in resp.get_data(as_text=True)


def test_post_without_csrf_rejected(client, small_decision):
    resp = client.post(f"/etapper/{small_decision}/planera", data={"max_share": "50"})
    assert resp.status_code == 400


def test_secretariat_views_but_cannot_edit(client, app, small_decision):
    client.post("/logga-ut", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    make_user(app, "kansli@example.se", role="secretariat")
    login(client, "kansli@example.se")
    page = client.get(f"/etapper/{small_decision}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Spara och planera om" not in html
    resp = client.post(
        f"/etapper/{small_decision}/planera", data={"csrf_token": csrf_from(html)}
    )
    assert resp.status_code == 403


def test_projector_has_no_controls(client, demo_decision):
    resp = client.get(f"/etapper/{demo_decision}/projektor")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Etapp 1" in html and "MSEK" in html
    assert parse_html(html).find(id="planning-projector").find("form") is None


def test_compare_three_municipalities_and_stability(client, app, demo_decision):
    page = client.get(f"/etapper/{demo_decision}").get_data(as_text=True)
    pids = _budget_ids(page)
    data = {"csrf_token": csrf_from(page), "max_share": "40"}
    data.update({f"budget_{p}": v for p, v in zip(pids, ["300", "450", "350"], strict=True)})
    data.update({"compare_1": "Skövde", "compare_2": "Hjo", "compare_3": "Vara"})
    client.post(f"/etapper/{demo_decision}/planera", data=data)
    html = client.get(f"/etapper/{demo_decision}?stabilitet=1").get_data(as_text=True)
    t = tables(html)
    for g in ("Skövde", "Hjo", "Vara"):
        assert g in t["paths-table"]
    assert "kommunens fem högst värderade investeringar" in html
    assert "SMAA: 200 dragningar" in html
    assert "Inte med" in t["stability-table"]


def test_infeasible_rule_explained_in_english(client, small_decision):
    page = client.get(f"/etapper/{small_decision}").get_data(as_text=True)
    pid = _budget_ids(page)[0]
    client.post(
        f"/etapper/{small_decision}/planera",
        data={"csrf_token": csrf_from(page), f"budget_{pid}": "10", "min_one_by_phase": "1"},
    )
    page = client.get(f"/etapper/{small_decision}?lang=en").get_data(as_text=True)
    assert "at least one investment per municipality by phase 1" in page
    assert "senast etapp 1" not in page


def test_cached_planning_page_runs_no_solve(client, demo_decision, monkeypatch):
    """Issue 21 item 6: the page reads the analysis' phasing result from the one analysis
    cache; once the analysis is cached a page view solves nothing (it re-planned before)."""
    from mcda.core.phasing import solver

    first = client.get(f"/etapper/{demo_decision}")  # warms the cache (the analysis solves)
    assert first.status_code == 200
    calls: list[int] = []
    real = solver._scipy_milp

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(solver, "_scipy_milp", counting)
    again = client.get(f"/etapper/{demo_decision}")
    assert again.status_code == 200
    assert calls == []
    assert tables(again.get_data(as_text=True))["plan-table"] == tables(
        first.get_data(as_text=True))["plan-table"]


def test_planning_page_has_a_way_back_and_the_solve_time_in_the_appendix(client, demo_decision):
    html = client.get(f"/etapper/{demo_decision}").get_data(as_text=True)
    root = parse_html(html)
    assert root.find(id="back-to-decision").get("href") == f"/processledare/{demo_decision}"
    details = root.find(id="fordjupning")
    assert details.tag == "details"
    status = root.find(class_="plan-status").text()
    assert not re.search(r"\bms\b|WSM|MILP", status)
    solve = details.find(id="solve-time")
    assert solve is None or "millisekunder" in solve.text()
