"""Accessibility of every page reachable with the demo data (WCAG 2.1 A/AA via axe-core), in a
tablet and a desktop viewport, and after htmx swaps.

The pages are found by crawling same-origin links as four visitors (anonymous, participant
of the demo's open round, facilitator, secretariat), one page per route (ids do not count as
different pages; method slugs do). Every page must have zero axe violations in both
viewports, no duplicate ids, no CSP violations and no script errors. After htmx swaps (slider
± step, ranking move, score cell, results options) the same holds and focus is not lost to
<body>. With ``VAGVAL_A11Y_REPORT=file.json`` the per-page results are written out.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from urllib.parse import urlsplit

from playwright.sync_api import expect
from werkzeug.exceptions import HTTPException

from .conftest import DEMO_PASSWORD as PASSWORD
from .conftest import DESKTOP, TABLET, WCAG_TAGS, _axe_source

NOT_PAGES = {"auth.logout", "results.export", "facilitate.csv_template", "static", "pages.health",
             "places.venues_geojson", "places.alternatives_geojson"}
MAX_PAGES = 40
DUP_IDS_JS = """() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  return [...new Set(ids.filter((x, i) => ids.indexOf(x) !== i))]; }"""
FOCUS_JS = "() => !!document.activeElement && document.activeElement !== document.body"


def _login(pg, base: str, email: str) -> None:
    pg.goto(base + "/logga-in")
    pg.fill("#email", email)
    pg.fill("#password", PASSWORD)
    pg.click("form.narrow-form button[type=submit]")
    pg.wait_for_load_state()


def _join(pg, base: str, code: str) -> None:
    pg.goto(f"{base}/delta?kod={code}")
    pg.locator("#kommun").select_option(label="Skövde")
    pg.get_by_role("button", name="Gå vidare till viktningen").click()
    pg.wait_for_url("**/omgang/**")  # joining is an htmx request answered with HX-Redirect


def _page_key(app, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(urlsplit(path).path, method="GET")
    except HTTPException:
        return None
    if endpoint in NOT_PAGES:
        return None
    extra = ",".join(f"{k}={v}" for k, v in sorted(args.items()) if not k.endswith("_id"))
    return f"{endpoint}({extra})" if extra else endpoint


def axe_violations(pg) -> list[dict]:
    """Like conftest's, but asks axe for violations only (much faster on big pages)."""
    if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
        pg.evaluate(_axe_source() + "\n;true")
    result = pg.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


def _check(pg, where: str) -> dict:
    result = {
        "axe": axe_violations(pg),
        "duplicate_ids": pg.evaluate(DUP_IDS_JS),
        "csp": list(pg.csp_violations),
        "errors": list(pg.page_errors),
    }
    pg.csp_violations.clear()
    pg.page_errors.clear()
    return result


def _crawl(app, pg, base: str, starts: list[str], pages: dict[str, str],
           checks: dict[str, dict], skip: set[str]) -> None:
    """Add one path per route reachable from ``starts`` to ``pages`` (key → path) and check
    each page on the way at desktop and tablet size (``checks``: key → results)."""
    queue = deque(starts)
    seen_paths: set[str] = set()
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft().split("#")[0]
        if path in seen_paths:
            continue
        seen_paths.add(path)
        key = _page_key(app, path)
        if key is None or key in pages or key in skip:
            continue
        resp = pg.goto(base + path)
        if resp is None or "text/html" not in resp.headers.get("content-type", ""):
            continue
        if urlsplit(pg.url).path != urlsplit(path).path:  # redirected: count the target
            continue
        pages[key] = path
        # Desktop first, then the same document at tablet size (no CSS depends on pointer
        # type, so resizing is equivalent to a second touch context and saves a reload).
        t0 = time.perf_counter()
        checks[key] = {"desktop": _check(pg, key)}
        checks[key]["desktop"]["_axe_s"] = round(time.perf_counter() - t0, 2)
        pg.set_viewport_size(TABLET)
        checks[key]["tablet"] = _check(pg, key)
        checks[key]["tablet"]["overflow"] = pg.evaluate(
            "document.documentElement.scrollWidth > window.innerWidth + 1") and ["h-scroll"] or []
        pg.set_viewport_size(DESKTOP)
        hrefs = pg.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            if href.startswith("/") and not href.startswith("//"):
                queue.append(href)


def test_every_page_is_accessible_in_tablet_and_desktop(demo_server, page_factory):
    app, base, demo = demo_server
    visitors = {
        "anonymous": (None, ["/", "/delta", "/logga-in", "/personuppgifter", "/tillganglighet"]),
        "participant": ("join", [f"/omgang/{demo['round_id']}/"]),
        "facilitator": ("pl@example.se", ["/processledare/"]),
        "secretariat": ("kansli@example.se", ["/kansliet/"]),
    }
    report: dict[str, dict] = {}
    failures = []
    for who, (how, starts) in visitors.items():
        pg = page_factory(DESKTOP)
        if how == "join":
            _join(pg, base, demo["code"])
        elif how:
            _login(pg, base, how)
        pages: dict[str, str] = {}
        checks: dict[str, dict] = {}
        _crawl(app, pg, base, starts, pages, checks, set(report))
        for key, path in sorted(pages.items()):
            entry = {"visitor": who, "path": path, "desktop": checks[key]["desktop"],
                     "tablet": checks[key]["tablet"]}
            for name in ("desktop", "tablet"):
                if any(v for k, v in entry[name].items() if not k.startswith("_")):
                    failures.append(f"{who} {path} [{name}]: {entry[name]}")
            report[key] = entry
    if os.environ.get("VAGVAL_A11Y_REPORT"):
        with open(os.environ["VAGVAL_A11Y_REPORT"], "w", encoding="utf-8") as fh:
            json.dump(report, fh, ensure_ascii=False, indent=1)
    assert len(report) >= 15, f"crawl found too few pages: {sorted(report)}"
    expected = {"pages.index", "participate.join", "participate.round_home",
                "facilitate.decisions", "results.round_results", "secretariat.index"}
    assert expected <= set(report), expected - set(report)
    assert failures == [], "\n".join(failures)


def _after_swap(pg, where: str, failures: list[str]) -> None:
    pg.wait_for_load_state("networkidle")
    res = _check(pg, where)
    if not pg.evaluate(FOCUS_JS):
        res["focus"] = ["focus lost to <body>"]
    if any(res.values()):
        failures.append(f"{where}: {res}")


def test_htmx_swaps_stay_accessible(demo_server, page_factory):
    _app, base, demo = demo_server
    failures: list[str] = []
    # Participants on a tablet, the facilitator at a desktop: the devices each really uses
    # (both viewports of every page are covered by the test above).
    for viewport, touch in ((TABLET, True),):
        where = "tablet"
        pg = page_factory(viewport, touch=touch)
        _join(pg, base, demo["code"])
        pg.goto(f"{base}/omgang/{demo['round_id']}/skjutreglage")
        pg.locator("button[id^=plus-]").first.click()
        _after_swap(pg, f"slider + ({where})", failures)
        pg.goto(f"{base}/omgang/{demo['round_id']}/rangordning")
        pg.locator("button[id^=down-]").first.click()
        _after_swap(pg, f"ranking move ({where})", failures)

        where, fac = "desktop", page_factory(DESKTOP)
        _login(fac, base, "pl@example.se")
        fac.goto(f"{base}/processledare/{demo['decision_id']}")
        cell = fac.locator("input[id^=s-]").first
        cell.fill("3,5")
        cell.press("Tab")
        expect(fac.locator("[role=status]").filter(has_text="Sparat").first).to_be_visible()
        _after_swap(fac, f"score cell ({where})", failures)
        fac.goto(f"{base}/resultat/{demo['closed_round_id']}")
        select = fac.locator("form[hx-get] select").first
        options = select.locator("option").all()
        assert len(options) > 1
        select.select_option(index=len(options) - 1)
        _after_swap(fac, f"results options ({where})", failures)
    assert failures == [], "\n".join(failures)


FOCUS_STYLE_JS = """() => { const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'BODY', visible: false};
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  return {tag: el.tagName + (el.id ? '#' + el.id : ''), visible: outline || shadow}; }"""


def test_keyboard_focus_is_always_visible(demo_server, page_factory):
    """Tab through pages of every audience: each focused element shows a focus indicator
    (WCAG 2.4.7). Tabbing past the last element leaves the document: that ends the page."""
    _app, base, demo = demo_server
    invisible: list[str] = []
    pg = page_factory(DESKTOP)
    _join(pg, base, demo["code"])
    fac = page_factory(DESKTOP)
    _login(fac, base, "pl@example.se")
    for page, path in ((pg, "/"), (pg, "/delta"), (pg, f"/omgang/{demo['round_id']}/skjutreglage"),
                       (fac, f"/processledare/{demo['decision_id']}"),
                       (fac, f"/resultat/{demo['closed_round_id']}")):
        page.goto(base + path)
        for i in range(25):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STYLE_JS)
            if state["tag"] == "BODY":
                assert i > 3, f"{path}: hardly anything is focusable"
                break
            if not state["visible"]:
                invisible.append(f"{path} tab {i + 1}: {state['tag']}")
    assert invisible == [], "\n".join(invisible)
