"""Planning page, issue 27: the do-nothing reference, who gains and who loses, the
value–conflict frontier (computed on request) and saving a frontier plan as a scenario."""

from __future__ import annotations

import re

from mcda.store import connect
from mcda.store import reference as store_reference
from mcda.store import scenarios as store_scenarios
from tests.helpers import csrf_from, parse_html
from tests.web.test_planning import demo_decision  # noqa: F401 - fixture


def _tight_budgets(client, did: int) -> None:
    """Budgets so small that the municipalities' own best plans differ (some lose)."""
    page = client.get(f"/etapper/{did}").get_data(as_text=True)
    pids = [m.group(1) for el in parse_html(page).iter()
            if (m := re.fullmatch(r"budget_(\d+)", str(el.get("name"))))]
    data = {"csrf_token": csrf_from(page), "max_share": "40"}
    data.update({f"budget_{p}": "120" for p in pids})
    assert client.post(f"/etapper/{did}/planera", data=data).status_code in (302, 303)


def test_page_says_who_gains_and_who_loses(client, demo_decision):  # noqa: F811
    _tight_budgets(client, demo_decision)
    html = client.get(f"/etapper/{demo_decision}").get_data(as_text=True)
    doc = parse_html(html)
    sentence = doc.find(class_="regret-sentence").text()
    assert re.search(r"Regionens plan är bättre än att avstå för \d+ av \d+ kommuner; .+ "
                     r"förlorar mest, \d+ %", sentence), sentence
    assert doc.find(id="regret-plan-map") is not None  # the map
    assert doc.find(id="regret-plan-bars") is not None  # the sorted bars
    rows = doc.find(class_="regret-table").find_all("tr")
    assert len(rows) > 2
    assert doc.find(class_="better-table") is not None  # alternatives against doing nothing
    assert "Fasth" in html


def test_reference_levels_are_saved_and_used(client, app, demo_decision):  # noqa: F811
    page = client.get(f"/etapper/{demo_decision}").get_data(as_text=True)
    fields = [str(el.get("name")) for el in parse_html(page).iter()
              if str(el.get("name") or "").startswith("ref_")]
    assert fields
    data = {"csrf_token": csrf_from(page), fields[0]: "1000000"}
    resp = client.post(f"/etapper/{demo_decision}/nulage", data=data)
    assert resp.status_code in (302, 303)
    db = connect(app.config["DATABASE"])
    try:
        levels = store_reference.get_levels(db, demo_decision)
    finally:
        db.conn.close()
    assert levels == {int(fields[0].removeprefix("ref_")): 1000000.0}
    bad = client.post(f"/etapper/{demo_decision}/nulage",
                      data={"csrf_token": csrf_from(page), fields[0]: "mycket"},
                      headers={"HX-Request": "true"})
    assert "måste vara ett tal" in bad.get_data(as_text=True)


def test_reference_post_needs_csrf(client, demo_decision):  # noqa: F811
    resp = client.post(f"/etapper/{demo_decision}/nulage", data={"ref_1": "3"})
    assert resp.status_code == 400


def test_frontier_on_request_with_each_plan_and_save(client, app, demo_decision):  # noqa: F811
    page = client.get(f"/etapper/{demo_decision}").get_data(as_text=True)
    assert 'hx-indicator="#frontier-progress"' in page and "<progress" in page
    resp = client.get(f"/etapper/{demo_decision}/konfliktfront?matt=max_regret&nivaer=6",
                      headers={"HX-Request": "true"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    doc = parse_html(html)
    assert doc.find(class_="frontier-table") is not None
    levels = doc.find_all(class_="frontier-level")
    assert levels
    first = levels[0]
    plan = first.find("input", name="plan").get("value")
    assert plan
    resp = client.post(f"/etapper/{demo_decision}/konfliktfront/spara",
                       data={"csrf_token": csrf_from(page), "plan": plan,
                             "name": "Minst konflikt"})
    assert resp.status_code in (302, 303)
    db = connect(app.config["DATABASE"])
    try:
        names = [s["name"] for s in store_scenarios.list_scenarios(db, demo_decision)]
    finally:
        db.conn.close()
    assert "Minst konflikt" in names
    full = client.get(f"/etapper/{demo_decision}/konfliktfront?matt=count_over&grans=5")
    assert full.status_code == 200 and "<h1>" in full.get_data(as_text=True)


def test_bad_frontier_plan_is_refused(client, demo_decision):  # noqa: F811
    page = client.get(f"/etapper/{demo_decision}").get_data(as_text=True)
    resp = client.post(f"/etapper/{demo_decision}/konfliktfront/spara",
                       data={"csrf_token": csrf_from(page), "plan": "999999:1", "name": "X"})
    assert resp.status_code == 400


def test_scenario_page_says_who_gains_and_who_loses(client, app, demo_decision):  # noqa: F811
    client.get(f"/etapper/{demo_decision}/scenarier")  # the demo scenarios are loaded
    db = connect(app.config["DATABASE"])
    try:
        sid = store_scenarios.list_scenarios(db, demo_decision)[0]["id"]
    finally:
        db.conn.close()
    html = client.get(f"/etapper/{demo_decision}/scenarier/{sid}").get_data(as_text=True)
    assert 'class="regret-sentence"' in html and 'id="sc-regret-map"' in html


def test_report_brief_and_appendix_say_who_gains_and_who_loses(client, app,
                                                               demo_decision):  # noqa: F811
    """The report: the sentence in the brief (with the plan), the table in the appendix."""
    db = connect(app.config["DATABASE"])
    try:
        rid = db.execute("SELECT r.id FROM rounds r JOIN votes v ON v.round_id = r.id "
                         "WHERE r.decision_id = ? LIMIT 1", [demo_decision]).fetchone()[0]
    finally:
        db.conn.close()
    html = client.get(f"/resultat/{rid}/rapport").get_data(as_text=True)
    doc = parse_html(html)
    assert "bättre än att avstå" in doc.find(class_="regret-sentence").text()
    assert doc.find(id="sec-regret").find(class_="regret-table") is not None


def _linked_css(html: str) -> str:
    """The text of every stylesheet a page links (from static/)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "static"
    out = []
    for el in parse_html(html).find_all("link"):
        href = str(el.get("href") or "")
        if "stylesheet" in str(el.get("rel")) and href.startswith("/static/"):
            out.append((root / href.split("?")[0].removeprefix("/static/")).read_text())
    return "\n".join(out)


def test_every_chart_class_on_the_planning_page_has_a_style(client, demo_decision):  # noqa: F811
    """Found at integration: the regret bars were drawn black on the planning page, because
    the bar colours lived in results.css, which only the results pages link."""
    _tight_budgets(client, demo_decision)
    html = client.get(f"/etapper/{demo_decision}").get_data(as_text=True)
    used = set(re.findall(r'class="bar (bar-[a-z]+)"', html))
    assert used, "the page draws the regret bars"
    css = _linked_css(html)
    assert all(f".{cls}" in css for cls in used), used
