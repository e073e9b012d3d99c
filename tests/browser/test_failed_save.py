"""Issue 18: a tablet never shows a failed save as saved.

Chromium at a tablet viewport (820×1180, touch). Playwright route interception makes the vote
POST fail with 503, 500, 429, a network error, a lost answer (stored, answer dropped) and a
timeout (stored, no answer within 15 s). Each time: the failure is announced (role=alert) in
the page's language, nothing on the page claims a newer saved version, the typed values stay,
axe finds nothing, and a later press or the automatic retry stores exactly one new version
(rows counted in the database). Also: "Sparar …" while in flight, offline → online, the draft
surviving a reload, a failed ranking move, and a failed join.

Set ``VAGVAL_SHOTS=/some/dir`` to keep a screenshot of every failure state.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from mcda.store import connect

from ..web.participate_helpers import count_votes, make_round, votes_rows
from .conftest import assert_no_axe_violations
from .test_voting import join_by_code

TABLET_820 = {"width": 820, "height": 1180}
SHOTS = os.environ.get("VAGVAL_SHOTS")
ERROR_PAGE = (
    "<!doctype html><html lang=sv><head><title>Fel</title></head><body><main>"
    "<h1>Något gick fel</h1><p>{message}</p><p class=hint>Felkod: {status}</p></main></body></html>"
)
SERVER_MESSAGES = {
    503: "Lagringsutrymmet är fullt. Inget sparades. Kontakta processledaren.",
    500: "Ett oväntat fel inträffade. Ange fel-id om du kontaktar oss.",
    429: "För många försök. Vänta en stund och försök igen.",
}
REASONS = {
    "503": "Servern svarade med ett fel (felkod 503).",
    "500": "Servern svarade med ett fel (felkod 500).",
    "429": "Servern har för många förfrågningar just nu (felkod 429).",
    "network": "Surfplattan får ingen kontakt med servern.",
    "lost-answer": "Surfplattan får ingen kontakt med servern.",
    "timeout": "Servern svarade inte inom 15 sekunder.",
}


def shot(pg, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        # caret="initial": Playwright's default hides the caret with an inline style, which
        # htmx then copies on the next swap and the CSP (rightly) refuses.
        pg.screenshot(path=str(Path(SHOTS) / f"{name}.png"), caret="initial")


class Failing:
    """Route handler: while ``failing``, POSTs fail as ``mode``; GETs and later POSTs pass.

    ``lost-answer`` and ``timeout`` first let the request reach the server (it is stored) and
    then drop the answer (connection reset) or never give it (the page's 15 s timeout fires).
    """

    def __init__(self, mode: str, message: str | None = None) -> None:
        self.mode = mode
        self.message = message  # the error page's text (the server answers in the page's language)
        self.failing = True
        self.failed = 0
        self.held: list = []

    def __call__(self, route) -> None:
        if route.request.method != "POST" or not self.failing:
            route.continue_()
            return
        self.failed += 1
        if self.mode.isdigit():
            status = int(self.mode)
            route.fulfill(
                status=status, content_type="text/html; charset=utf-8",
                headers={"Retry-After": "1"} if status == 429 else {},
                body=ERROR_PAGE.format(message=self.message or SERVER_MESSAGES[status],
                                       status=status),
            )
        elif self.mode == "network":
            route.abort("internetdisconnected")
        elif self.mode == "lost-answer":
            route.fetch()
            route.abort("connectionreset")
        elif self.mode == "timeout":
            route.fetch()
            self.held.append(route)  # never answered
        else:  # pragma: no cover - a typo in a test
            raise AssertionError(self.mode)

    def stop(self) -> None:
        """Let requests through again; a request still held gets a network error now."""
        self.failing = False
        for route in self.held:
            with contextlib.suppress(PlaywrightError):  # the browser may have given up already
                route.abort("connectionreset")
        self.held.clear()


APP_TIMEOUT = "var TIMEOUT_MS = 15000;"


def _short_request_timeout(pg, ms: int) -> None:
    """Serve static/js/app.js with its 15 s request timeout shortened to ``ms``: the browser's
    own XHR timeout does not follow the page clock, and waiting 15 s per test is the cost this
    avoids. The texts ("inom 15 sekunder") come from the page, unchanged."""

    def handle(route) -> None:
        resp = route.fetch()
        body = resp.text()
        assert APP_TIMEOUT in body, "app.js no longer sets TIMEOUT_MS = 15000"
        route.fulfill(response=resp, body=body.replace(APP_TIMEOUT, f"var TIMEOUT_MS = {ms};"))

    pg.route("**/static/js/app.js*", handle)


def _saved_once(app, live_server, page_factory, *, request_timeout_ms: int | None = None):
    """A tablet that joined by code and saved version 1 (all sliders at 5, "Alla lika viktiga"
    ticked: an untouched form is not saved, issue 14), then moved the first slider to 6: the
    next save would be version 2. The page's clock is installed (``pg.clock``), so retry
    backoffs are stepped through, not waited out."""
    rd = make_round(app)
    pg = page_factory(TABLET_820, touch=True)
    pg.clock.install()
    if request_timeout_ms:
        _short_request_timeout(pg, request_timeout_ms)
    join_by_code(pg, live_server.url, rd)
    pg.goto(f"{live_server.url}/omgang/{rd.round_id}/skjutreglage")
    pg.locator("label[for=alla-lika]").tap()
    pg.locator("#save-button").tap()
    expect(pg.locator("#vote-status")).to_have_text("Din viktning är sparad (version 1).")
    pg.locator(f"#plus-{rd.criteria[0]}").tap()
    expect(pg.locator(f"#out-{rd.criteria[0]}")).to_have_text("6")
    return rd, pg


def assert_not_claimed_saved(pg, rd) -> None:
    """Nothing says the new values are saved; the old version is called the last confirmed."""
    text = pg.locator("main").inner_text()
    assert "version 2" not in text
    assert "är sparad" not in text
    expect(pg.locator("#saved-h")).to_have_text("Senast bekräftade viktning (version 1)")
    expect(pg.locator(f"#v-{rd.criteria[0]}")).to_have_value("6")  # typed values kept
    expect(pg.locator(f"#out-{rd.criteria[0]}")).to_have_text("6")
    expect(pg.locator("#save-button")).to_be_enabled()
    expect(pg.locator("#save-button")).to_have_text("Spara min viktning")


def assert_one_new_version(pg, rd) -> None:
    expect(pg.locator("#vote-status")).to_have_text(
        "Din viktning är sparad (version 2).", timeout=25_000
    )
    expect(pg.locator("#request-alert")).to_be_empty()
    rows = votes_rows(rd)
    assert [r["revision"] for r in rows] == [1, 2]
    assert [rows[1]["weights"][str(c)] for c in rd.criteria] == pytest.approx(
        [6 / 21, 5 / 21, 5 / 21, 5 / 21]
    )
    assert pg.csp_violations == [] and pg.page_errors == []


@pytest.mark.parametrize(
    ("mode", "recover"),
    [
        ("503", "press"),
        ("500", "auto"),
        ("429", "auto"),
        ("network", "press"),
        ("lost-answer", "auto"),
        ("timeout", "press"),
    ],
)
def test_failed_save_is_shown_kept_and_stored_once(
    app, live_server, page_factory, mode, recover
):
    rd, pg = _saved_once(app, live_server, page_factory,
                         request_timeout_ms=1500 if mode == "timeout" else None)
    failing = Failing(mode)
    pg.route(f"**/omgang/{rd.round_id}/skjutreglage", failing)
    pg.locator("#save-button").tap()
    alert = pg.get_by_role("alert")
    expect(alert).to_contain_text("Viktningen är inte sparad.", timeout=5_000)
    expect(alert).to_contain_text(REASONS[mode])
    expect(alert).to_contain_text("Dina val finns kvar på sidan.")
    if mode in ("503", "500"):
        expect(alert).to_contain_text("Servern säger: " + SERVER_MESSAGES[int(mode)])
    assert_not_claimed_saved(pg, rd)
    # The lost answers were stored by the server although the tablet never heard of it.
    assert count_votes(rd) == (2 if mode in ("lost-answer", "timeout") else 1)
    assert_no_axe_violations(pg, f"failed save ({mode})")
    shot(pg, f"save-{mode}")
    failing.stop()
    if recover == "press":
        pg.locator("#save-button").tap()
    else:
        pg.clock.run_for(3_000)  # past the first backoff (2 s ± 20 %; 429: Retry-After 1 s)
    assert_one_new_version(pg, rd)
    assert failing.failed >= 1


def test_automatic_retries_while_the_server_keeps_failing_store_nothing_extra(
    app, live_server, page_factory
):
    rd, pg = _saved_once(app, live_server, page_factory)
    failing = Failing("503")
    pg.route(f"**/omgang/{rd.round_id}/skjutreglage", failing)
    pg.locator("#save-button").tap()
    expect(pg.get_by_role("alert")).to_contain_text("Viktningen är inte sparad.")
    for backoff_s in (2, 4):  # two automatic retries, each after its backoff (± 20 %)
        with pg.expect_request(lambda r: r.method == "POST", timeout=5_000):
            pg.clock.run_for(int(backoff_s * 1200) + 100)
        expect(pg.get_by_role("alert")).to_contain_text("Viktningen är inte sparad.")
    assert failing.failed >= 3, failing.failed
    assert_not_claimed_saved(pg, rd)
    assert count_votes(rd) == 1
    failing.stop()
    pg.clock.run_for(8 * 1200 + 100)  # the third retry (8 s backoff) goes through
    assert_one_new_version(pg, rd)


def test_save_in_flight_says_saving_not_saved(app, live_server, page_factory):
    rd, pg = _saved_once(app, live_server, page_factory)
    held = []
    pg.route(f"**/omgang/{rd.round_id}/skjutreglage",
             lambda route: held.append(route) if route.request.method == "POST"
             else route.continue_())
    pg.locator("#save-button").tap()
    expect(pg.locator("#vote-status")).to_have_text(
        "Sparar … Vänta på bekräftelsen från servern."
    )
    expect(pg.locator("#save-button")).to_have_text("Sparar …")
    expect(pg.locator("#save-button")).to_be_disabled()
    expect(pg.locator("#saved-h")).to_have_text("Senast bekräftade viktning (version 1)")
    assert "är sparad" not in pg.locator("main").inner_text()
    assert_no_axe_violations(pg, "save in flight")
    shot(pg, "save-in-flight")
    assert len(held) == 1
    held[0].continue_()
    assert_one_new_version(pg, rd)


def test_offline_is_shown_and_the_save_goes_through_when_back(app, live_server, page_factory):
    rd, pg = _saved_once(app, live_server, page_factory)
    pg.context.set_offline(True)
    alert = pg.get_by_role("alert")
    expect(alert).to_contain_text("Surfplattan är offline.")
    pg.locator("#save-button").tap()
    expect(alert).to_contain_text("Viktningen är inte sparad.")
    expect(alert).to_contain_text("Surfplattan är offline.")
    expect(alert).to_contain_text("Sidan försöker igen när anslutningen är tillbaka.")
    assert_not_claimed_saved(pg, rd)
    assert count_votes(rd) == 1
    assert_no_axe_violations(pg, "offline")
    shot(pg, "save-offline")
    pg.clock.run_for(10_000)  # no retries while offline, however long
    pg.wait_for_timeout(200)
    assert count_votes(rd) == 1
    pg.context.set_offline(False)  # the "online" event saves at once
    assert_one_new_version(pg, rd)


def test_draft_survives_a_reload_and_is_cleared_when_saved(app, live_server, page_factory):
    rd, pg = _saved_once(app, live_server, page_factory)
    failing = Failing("500")
    pg.route(f"**/omgang/{rd.round_id}/skjutreglage", failing)
    pg.locator("#save-button").tap()
    expect(pg.get_by_role("alert")).to_contain_text("Viktningen är inte sparad.")
    pg.locator(f"#plus-{rd.criteria[1]}").tap()  # 6, 6, 5, 5 after the failure
    pg.reload()
    expect(pg.locator(f"#v-{rd.criteria[0]}")).to_have_value("6")
    expect(pg.locator(f"#v-{rd.criteria[1]}")).to_have_value("6")
    expect(pg.locator(f"#pct-{rd.criteria[0]}")).to_have_text("27,3\u00a0%")  # 6 / 22
    expect(pg.get_by_role("alert")).to_contain_text(
        "Dina osparade ändringar från förra gången är tillbaka."
    )
    assert pg.evaluate("Object.keys(localStorage).filter(k => k.startsWith('vagval-draft:'))")
    assert_no_axe_violations(pg, "draft restored")
    shot(pg, "draft-restored")
    failing.stop()
    pg.locator("#save-button").tap()
    expect(pg.locator("#vote-status")).to_have_text("Din viktning är sparad (version 2).")
    assert pg.evaluate("Object.keys(localStorage).filter(k => k.startsWith('vagval-draft:'))") == []
    rows = votes_rows(rd)
    assert [r["revision"] for r in rows] == [1, 2]
    assert rows[1]["payload"]["values"][str(rd.criteria[1])] == 6
    pg.reload()  # nothing to restore once saved
    expect(pg.locator("#request-alert")).to_be_empty()
    expect(pg.locator(f"#v-{rd.criteria[1]}")).to_have_value("6")


def test_failed_ranking_move_is_shown_and_changes_nothing(app, live_server, page_factory):
    rd = make_round(app)
    pg = page_factory(TABLET_820, touch=True)
    join_by_code(pg, live_server.url, rd)
    pg.goto(f"{live_server.url}/omgang/{rd.round_id}/rangordning")
    c = rd.criteria
    failing = Failing("500")
    pg.route(f"**/omgang/{rd.round_id}/rangordning/forhandsvisning*", failing)
    pg.locator(f"#up-{c[3]}").tap()
    alert = pg.get_by_role("alert")
    expect(alert).to_contain_text("Vikterna kunde inte räknas om.")
    expect(alert).to_contain_text("Inget sparades och inget ändrades.")
    orders = pg.locator("input[name=order]")
    assert [orders.nth(i).input_value() for i in range(4)] == [str(x) for x in c]
    assert_no_axe_violations(pg, "failed move")
    shot(pg, "preview-500")
    failing.stop()
    pg.locator(f"#up-{c[3]}").tap()
    expect(pg.locator("input[name=order]").nth(2)).to_have_value(str(c[3]))
    expect(pg.locator("#request-alert")).to_be_empty()
    assert count_votes(rd) == 0


def _participants(rd) -> int:
    db = connect(rd.db_path)
    try:
        return db.execute(
            "SELECT COUNT(*) FROM participants WHERE round_id = ?", [rd.round_id]
        ).fetchone()[0]
    finally:
        db.conn.close()


def test_failed_join_is_shown_and_retried(app, live_server, page_factory):
    rd = make_round(app)
    pg = page_factory(TABLET_820, touch=True)
    pg.goto(live_server.url + "/delta")
    pg.locator("#kod").fill(rd.code)
    pg.get_by_role("button", name="Fortsätt").tap()
    expect(pg.locator("#kommun")).to_be_visible()
    pg.locator("#kommun").select_option(label="Hjo")
    failing = Failing("network")
    pg.route("**/delta", failing)
    pg.get_by_role("button", name="Gå vidare till viktningen").tap()
    alert = pg.get_by_role("alert")
    expect(alert).to_contain_text("Du har inte kommit med i omgången än.")
    expect(alert).to_contain_text("Surfplattan får ingen kontakt med servern.")
    expect(alert).to_contain_text("Det du fyllt i finns kvar.")
    expect(pg.locator("#kommun option:checked")).to_have_text("Hjo")
    assert _participants(rd) == 0
    assert_no_axe_violations(pg, "failed join")
    shot(pg, "join-network")
    failing.stop()  # the automatic retry joins
    pg.wait_for_url(f"**/omgang/{rd.round_id}/", timeout=10_000)
    assert _participants(rd) == 1


def test_wrong_code_over_htmx_shows_the_servers_message(app, live_server, page_factory):
    pg = page_factory(TABLET_820, touch=True)
    pg.goto(live_server.url + "/delta")
    pg.locator("#kod").fill("ZZZZ ZZZZ")
    pg.get_by_role("button", name="Fortsätt").tap()
    expect(pg.locator(".error-summary")).to_contain_text("Koden ZZZZ ZZZZ finns inte.")
    expect(pg.locator("#error-summary")).to_be_focused()
    expect(pg.locator("#kod")).to_have_value("ZZZZ ZZZZ")
    expect(pg.locator("#request-alert")).to_be_empty()


def test_failure_is_said_in_english_on_an_english_tablet(app, live_server, page_factory):
    rd = make_round(app, methods=("direct",))
    pg = page_factory(TABLET_820, touch=True)
    pg.goto(live_server.url + "/delta?lang=en")
    join_by_code_en(pg, rd)
    failing = Failing("503", "Storage is full. Nothing was saved. Contact the facilitator.")
    pg.route(f"**/omgang/{rd.round_id}/skjutreglage", failing)
    pg.locator("label[for=alla-lika]").tap()  # "All equally important": untouched is not saved
    pg.locator("#save-button").tap()
    alert = pg.get_by_role("alert")
    expect(alert).to_contain_text("Your weighting is not saved.")
    expect(alert).to_contain_text("The server answered with an error (error code 503).")
    expect(alert).to_contain_text("The server says: Storage is full.")
    expect(alert).to_contain_text("Nothing new was saved. Your choices are still on the page.")
    assert_no_axe_violations(pg, "failed save (en)")
    shot(pg, "save-503-en")
    assert count_votes(rd) == 0
    failing.stop()
    expect(pg.locator("#vote-status")).to_have_text(
        "Your weighting has been saved (version 1).", timeout=10_000
    )
    assert count_votes(rd) == 1


def join_by_code_en(pg, rd) -> None:
    pg.locator("#kod").fill(rd.code)
    pg.get_by_role("button", name="Continue").tap()
    expect(pg.locator("#kommun")).to_be_visible()
    pg.locator("#kommun").select_option(label="Skövde")
    pg.locator("form.join-form button[type=submit]").tap()
    pg.wait_for_url(f"**/omgang/{rd.round_id}/skjutreglage")


def test_real_full_disk_answer_is_shown_with_the_servers_words(
    app, live_server, page_factory, monkeypatch
):
    """No interception: the app itself answers 503 (storage full) to the first save; the tablet
    quotes the server's own message, and the automatic retry stores the vote once."""
    from mcda.store import StorageFullError
    from mcda.store import votes as store_votes

    rd, pg = _saved_once(app, live_server, page_factory)
    real = store_votes.record_vote
    calls = []

    def full_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise StorageFullError("database or disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(store_votes, "record_vote", full_once)
    pg.locator("#save-button").tap()
    alert = pg.get_by_role("alert")
    expect(alert).to_contain_text("Servern svarade med ett fel (felkod 503).")
    expect(alert).to_contain_text(
        "Servern säger: Lagringsutrymmet är fullt. Inget sparades. Kontakta processledaren."
    )
    assert_not_claimed_saved(pg, rd)
    assert count_votes(rd) == 1
    shot(pg, "save-503-real-disk-full")
    assert_one_new_version(pg, rd)
    assert len(calls) == 2
