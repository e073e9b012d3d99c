"""What axe cannot see (issue 16): the projector keeps focus where it is and can be paused,
focus is never hidden under sticky bars, and no page scrolls sideways at 320 CSS px.

Uses the demo data (the session's ``demo_server``, as test_a11y_all_pages).
"""

from __future__ import annotations

import pytest

from .conftest import POLL_MS, next_poll
from .test_a11y_all_pages import _join, _login

FOCUSABLE_BOX_JS = """() => { const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  return {tag: el.tagName + (el.id ? '#' + el.id : ''), w: r.width, h: r.height}; }"""


def _one_poll(pg, polls: list[str]) -> None:
    polls.clear()
    next_poll(pg)
    assert polls


def test_projector_never_moves_focus_and_can_be_paused(demo_server, page_factory):
    """Polls are driven by the page's clock (Playwright's clock), not waited for."""
    from .conftest import DESKTOP

    _app, base, demo = demo_server
    pg = page_factory(DESKTOP)
    pg.clock.install()
    _login(pg, base, "pl@example.se")
    polls: list[str] = []
    pg.on("request", lambda r: polls.append(r.url) if "/projektor/live" in r.url else None)
    for rid in (demo["round_id"], demo["closed_round_id"]):
        pg.goto(f"{base}/resultat/{rid}/projektor")
        _one_poll(pg, polls)  # at least one poll, no input
        assert pg.evaluate("document.activeElement === document.body"), \
            pg.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        # every Tab stop is a visible box (no 1×1 px hidden table)
        stops = []
        for _ in range(30):
            pg.keyboard.press("Tab")
            box = pg.evaluate(FOCUSABLE_BOX_JS)
            if box is None:
                break
            stops.append(box)
        assert stops, "nothing focusable on the projector"
        tiny = [s for s in stops if s["w"] < 10 or s["h"] < 10]
        assert tiny == [], tiny
        # a focused link inside the polled part keeps focus through the polls
        inside = pg.locator("#projector-live a").first
        if inside.count():
            inside.focus()
            key = pg.evaluate("document.activeElement.outerHTML")
            _one_poll(pg, polls)
            pg.wait_for_timeout(100)  # the swap after the answer
            assert pg.evaluate("document.activeElement.outerHTML") == key
    # the pause control stops the polls; continuing starts them again
    button = pg.locator("button[data-pause-for=projector-live]")
    assert button.is_visible()
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert "Pausad" in pg.locator("#projector-paused").inner_text()
    pg.clock.run_for(POLL_MS)  # a poll already under way may still end
    pg.wait_for_timeout(200)
    polls.clear()
    pg.clock.run_for(2 * POLL_MS + 500)
    pg.wait_for_timeout(300)  # a request sent by a timer would show up by now
    assert polls == []
    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    _one_poll(pg, polls)
    # focus stays on the pause button through polls
    assert pg.evaluate("document.activeElement.dataset.pauseFor") == "projector-live"
    assert pg.csp_violations == [] and pg.page_errors == []


# --- reflow at 320 CSS px (WCAG 1.4.10) ------------------------------------------------------

NARROW = {"width": 320, "height": 640}
OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= vw + 1) return null;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1 && r.width > 0) {
      let p = el.parentElement, clipped = false;
      while (p && p !== document.body) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
        p = p.parentElement;
      }
      if (!clipped) wide.push(el.tagName + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') +
        ':' + Math.round(r.right));
    }
  }
  return {width: document.documentElement.scrollWidth, wide: wide.slice(-6)};
}"""


SCROLLERS_JS = """() => [...document.querySelectorAll('body *')].filter(el => {
    const o = getComputedStyle(el).overflowX;
    return (o === 'auto' || o === 'scroll') && el.scrollWidth > el.clientWidth + 1
      && el.clientWidth > 20;
  }).filter(el => !(el.tabIndex === 0 && el.getAttribute('role') === 'region' &&
      (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))))
  .map(el => el.tagName + '.' + el.className + ' ' + el.innerText.slice(0, 40))"""


def _axe_rules(pg, rules: list[str]) -> list:
    """Selected axe rules (best practices beyond WCAG, e.g. landmark-unique)."""
    from .conftest import _axe_source

    if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
        pg.evaluate(_axe_source() + "\n;true")
    res = pg.evaluate("async (rules) => await axe.run(document, {runOnly: {type: 'rule', "
                      "values: rules}, resultTypes: ['violations']})", rules)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in res["violations"]]


def _walk(app, pg, base: str, starts: list[str], seen: set[str], visit) -> list[str]:
    """Visit one path per route reachable from ``starts`` (like the axe crawl); call
    ``visit(path)`` on each. Returns the visited paths."""
    from collections import deque
    from urllib.parse import urlsplit

    from .test_a11y_all_pages import MAX_PAGES, _page_key

    queue, done, paths = deque(starts), set(), []
    while queue and len(paths) < MAX_PAGES:
        path = queue.popleft().split("#")[0]
        if path in done:
            continue
        done.add(path)
        key = _page_key(app, path)
        if key is None or key in seen:
            continue
        resp = pg.goto(base + path)
        if resp is None or "text/html" not in resp.headers.get("content-type", ""):
            continue
        if urlsplit(pg.url).path != urlsplit(path).path:
            continue
        seen.add(key)
        paths.append(path)
        visit(path)
        hrefs = pg.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            if href.startswith("/") and not href.startswith("//"):
                queue.append(href)
    return paths


def _visitors(demo: dict) -> dict:
    return {
        "anonymous": (None, ["/", "/delta", "/logga-in", "/personuppgifter", "/tillganglighet",
                             "/finns-inte"]),
        "participant": ("join", [f"/omgang/{demo['round_id']}/"]),
        "facilitator": ("pl@example.se", ["/processledare/",
                                          f"/resultat/{demo['round_id']}/projektor",
                                          f"/resultat/{demo['closed_round_id']}/projektor"]),
        "secretariat": ("kansli@example.se", ["/kansliet/"]),
    }


def _visitor_page(page_factory, base, demo, how, viewport, lang):
    pg = page_factory(viewport)
    if how == "join":
        _join(pg, base, demo["code"])
    elif how:
        _login(pg, base, how)
    pg.goto(f"{base}/?lang={lang}")
    return pg


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_page_scrolls_sideways_at_320_px(demo_server, page_factory, lang):
    """Each language on its own (two tests, so two workers can take one each)."""
    app, base, demo = demo_server
    failures: list[str] = []
    counted = 0
    seen: set[str] = set()
    for who, (how, starts) in _visitors(demo).items():
        pg = _visitor_page(page_factory, base, demo, how, NARROW, lang)

        def visit(path, pg=pg, who=who):
            res = pg.evaluate(OVERFLOW_JS)
            if res:
                failures.append(f"{lang} {who} {path}: {res}")
            dup = _axe_rules(pg, ["landmark-unique"])
            if dup:
                failures.append(f"{lang} {who} {path}: {dup}")
            unnamed = pg.evaluate(SCROLLERS_JS)
            if unnamed:
                failures.append(f"{lang} {who} {path}: scrolls without a named region "
                                f"{unnamed}")

        counted += len(_walk(app, pg, base, starts, seen, visit))
    # the import preview is a POST answer: upload the example file
    pg = _visitor_page(page_factory, base, demo, "pl@example.se", NARROW, lang)
    _import_preview(pg, base, demo["decision_id"])
    counted += 1
    res = pg.evaluate(OVERFLOW_JS) or pg.evaluate(SCROLLERS_JS)
    if res:
        failures.append(f"{lang} import preview: {res}")
    print(f"reflow at 320 px ({lang}): {counted} pages and states, {len(failures)} failures")
    assert counted >= 30, counted
    assert failures == [], "\n".join(failures)


def _import_preview(pg, base: str, decision_id: int) -> None:
    from pathlib import Path

    pg.goto(f"{base}/processledare/{decision_id}/importera")
    csv = Path(__file__).resolve().parents[1] / "data" / "import_good_semicolon.csv"
    pg.set_input_files("input[type=file]", str(csv))
    pg.locator("main form button[type=submit]").first.click()
    pg.wait_for_load_state()
    assert pg.locator("form[action$=bekrafta]").count() == 1, pg.content()[:2000]


# --- focus not obscured by sticky bars (WCAG 2.4.11) -----------------------------------------

COVERED_JS = """() => { const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const vw = document.documentElement.clientWidth, vh = window.innerHeight;
  const x0 = Math.max(r.left, 0), x1 = Math.min(r.right, vw);
  const y0 = Math.max(r.top, 0), y1 = Math.min(r.bottom, vh);
  const name = el.tagName + (el.id ? '#' + el.id : '') + (el.name ? '[' + el.name + ']' : '');
  if (x1 <= x0 || y1 <= y0) return {name, covered: 'outside the viewport'};
  const hit = document.elementFromPoint((x0 + x1) / 2, (y0 + y1) / 2);
  const ok = hit && (hit === el || el.contains(hit) || (el.labels && [...el.labels].includes(hit)));
  return {name, covered: ok ? null : (hit ? hit.tagName + '.' + hit.className : 'nothing')};
}"""
SLUGS = ("skjutreglage", "poang", "rangordning", "parvis")


def _tab_through(pg, limit: int = 200) -> tuple[int, list[str]]:
    """Press Tab until focus leaves the document or comes back round; return the number of
    stops and the covered ones."""
    covered, stops, first = [], 0, None
    for _ in range(limit):
        pg.keyboard.press("Tab")
        state = pg.evaluate(COVERED_JS)
        if state is None:
            break
        key = pg.evaluate("document.activeElement.outerHTML.slice(0, 200)")
        if key == first:
            break
        first = first or key
        stops += 1
        if state["covered"]:
            covered.append(f"{state['name']} under {state['covered']}")
    return stops, covered


def test_focus_is_never_hidden_under_sticky_bars(demo_server, page_factory):
    _app, base, demo = demo_server
    failures, total = [], 0
    for viewport in ({"width": 820, "height": 1180}, {"width": 320, "height": 256}):
        pg = page_factory(viewport, touch=True)
        _join(pg, base, demo["code"])
        for slug in SLUGS:
            pg.goto(f"{base}/omgang/{demo['round_id']}/{slug}")
            stops, covered = _tab_through(pg)
            assert stops > 5, (slug, stops)
            total += stops
            failures += [f"{viewport['width']}×{viewport['height']} {slug}: {c}" for c in covered]
            # and backwards (Shift+Tab scrolls the other way past the bars)
            for _ in range(min(stops, 60)):
                pg.keyboard.press("Shift+Tab")
                state = pg.evaluate(COVERED_JS)
                if state and state["covered"]:
                    failures.append(f"{viewport['width']}×{viewport['height']} {slug} "
                                    f"(Shift+Tab): {state['name']} under {state['covered']}")
    print(f"focus not obscured: {total} Tab stops, 4 vote pages × 2 sizes, {len(failures)} covered")
    assert total > 100, total
    assert failures == [], f"{len(failures)} of {total} stops covered:\n" + "\n".join(failures)


# --- time limits (WCAG 2.2.1) ----------------------------------------------------------------

IDLE_S = 600  # the warning opens 120 s before the logout (app.js: min(120, idle / 2))
WARN_MS = (IDLE_S - 120) * 1000


def test_typed_input_survives_an_expired_session(app, live_server, page_factory, session_clock):
    """The audit's case: fill in /processledare/ny, wait too long, press Spara. The login
    page says why and keeps the form; after logging in, one press sends it. The page's clock
    (Playwright) and the server's session clock are moved, not waited for."""
    from mcda.store import connect
    from tests.helpers import make_user

    from .conftest import TABLET, assert_no_axe_violations

    app.config["FACILITATOR_IDLE_TIMEOUT_S"] = IDLE_S
    make_user(app, "pl@example.se", "korrekt häst batteri")
    pg = page_factory(TABLET)
    pg.clock.install()
    base = live_server.url
    _login(pg, base, "pl@example.se")
    pg.goto(base + "/processledare/ny")
    pg.fill("#title", "Simhallar i Skaraborg")
    pg.fill("#description", "Skrivet innan sessionen gick ut.")
    pg.clock.run_for(WARN_MS + 1000)
    session_clock.advance(IDLE_S + 60)
    assert pg.locator("#session-warning").is_visible()  # the warning came, and was ignored
    pg.keyboard.press("Escape")
    pg.locator("main form button[type=submit]").click()
    pg.wait_for_load_state()
    notice = pg.locator("#kept-notice").inner_text()
    assert "Du loggades ut efter en stund utan aktivitet." in notice
    assert_no_axe_violations(pg, "login with kept form")
    pg.fill("#email", "pl@example.se")
    pg.fill("#password", "korrekt häst batteri")
    pg.click("form.narrow-form button[type=submit]")
    pg.wait_for_load_state()
    assert pg.locator("h1").inner_text() == "Du är inloggad igen"
    assert_no_axe_violations(pg, "resubmit page")
    pg.get_by_role("button", name="Skicka det du skrev").click()
    pg.wait_for_load_state()
    assert pg.locator("h1").inner_text() == "Simhallar i Skaraborg"
    db = connect(app.config["DATABASE"])
    try:
        row = db.execute("SELECT title, description FROM decisions").fetchone()
    finally:
        db.conn.close()
    assert (row["title"], row["description"]) == ("Simhallar i Skaraborg",
                                                  "Skrivet innan sessionen gick ut.")
    assert pg.csp_violations == [] and pg.page_errors == []


def test_warning_before_the_idle_logout_keeps_the_session(app, live_server, page_factory,
                                                          session_clock):
    """The page's clock and the server's move together: "Fortsätt vara inloggad" renews the
    session, so a save after more than the idle time since login still goes through."""
    from tests.helpers import make_user

    from .conftest import TABLET, assert_no_axe_violations

    app.config["FACILITATOR_IDLE_TIMEOUT_S"] = IDLE_S
    make_user(app, "pl@example.se", "korrekt häst batteri")
    pg = page_factory(TABLET)
    pg.clock.install()
    _login(pg, live_server.url, "pl@example.se")
    pg.goto(live_server.url + "/processledare/ny")
    pg.fill("#title", "Inte sparad än")
    dialog = pg.locator("#session-warning")
    assert not dialog.is_visible()
    pg.clock.run_for(WARN_MS - 5000)
    assert not dialog.is_visible()  # not before its time
    pg.clock.run_for(6000)
    session_clock.advance(WARN_MS / 1000 + 1)
    dialog.wait_for(state="visible", timeout=5000)
    assert pg.evaluate("document.activeElement.closest('dialog') !== null")  # focus moved in
    assert_no_axe_violations(pg, "idle warning")
    pg.keyboard.press("Enter")  # "Fortsätt vara inloggad"
    dialog.wait_for(state="hidden", timeout=5000)
    # the clock restarted: the next warning comes after the first session would have ended
    pg.clock.run_for(WARN_MS + 1000)
    session_clock.advance(WARN_MS / 1000 + 1)
    dialog.wait_for(state="visible", timeout=5000)
    assert pg.input_value("#title") == "Inte sparad än"  # the page stayed
    pg.keyboard.press("Enter")
    dialog.wait_for(state="hidden", timeout=5000)
    pg.locator("main form button[type=submit]").click()
    pg.wait_for_load_state()
    assert pg.locator("h1").inner_text() == "Inte sparad än"  # saved: still logged in
    assert pg.csp_violations == [] and pg.page_errors == []
