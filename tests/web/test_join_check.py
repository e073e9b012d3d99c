"""Issue 24 point 6: join-code guessing is slowed by a growing proof of work, never a wall, and
every tablet with the valid code joins, from the same address as the guesser.

All clients here share the test client's one address (127.0.0.1), as a workshop behind one
NAT address does. The guesser drops its cookie before every guess and solves each check with
the reference solver (native code, as a real guesser would). The check's PBKDF2 runs with 20
iterations instead of 1000 so the test stays fast; the work is printed in PBKDF2 rounds, which
scale to the real setting (bench/join_guessing.py measures that).
"""

from __future__ import annotations

import time

import pytest

from mcda.store import connect
from mcda.store import throttle as store_throttle
from mcda.web.participate import join_check as jc
from tests.helpers import csrf_from, parse_html
from tests.web.participate_helpers import make_round

FAST = {"iterations": 20}
WRONG = "QQQQ QQQQ"


@pytest.fixture
def check(app):
    thr = jc.JoinCheck(**FAST)
    app.extensions["vagval_join_check"] = thr
    return thr


def _form(html: str) -> dict:
    """The code step's fields: CSRF token and, under pressure, the check."""
    doc = parse_html(html)
    form = doc.find("form", class_="join-form")
    out = {"csrf_token": csrf_from(html)}
    if form is not None and form.get("data-check-seed"):
        out["check"] = {k: form.get(f"data-check-{k}") for k in ("seed", "bits", "parts",
                                                                 "iterations")}
        out["kontroll"] = doc.find("input", name="kontroll").get("value")
    return out


def _attempt(client, code: str, *, solve: bool = True, extra: dict | None = None):
    """One attempt as a browser makes it: GET the code step, solve its check, POST.
    Returns (response, PBKDF2 rounds spent)."""
    page = client.get("/delta")
    fields = _form(page.get_data(as_text=True))
    data = {"csrf_token": fields["csrf_token"], "kod": code, **(extra or {})}
    rounds = 0
    if "check" in fields and solve:
        c = fields["check"]
        bits, parts, iters = int(c["bits"]), int(c["parts"]), int(c["iterations"])
        nonces = jc.solve(c["seed"], bits, parts, iters)
        rounds = (sum(nonces) + parts) * iters
        data.update(kontroll=fields["kontroll"], losning=",".join(map(str, nonces)))
    return client.post("/delta", data=data), rounds


def _guess(app, n: int) -> list[tuple[int, int, float]]:
    """n wrong codes, each from a fresh cookie-less client: (status, rounds, seconds)."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        resp, rounds = _attempt(app.test_client(), WRONG)
        out.append((resp.status_code, rounds, time.perf_counter() - t0))
    return out


def test_guessing_slows_down_while_every_tablet_with_the_code_joins(app, check):
    rd = make_round(app)
    mistyped = app.test_client()  # a tablet that mistyped once, in the quiet room
    assert _attempt(mistyped, "ABCD EFGH")[0].status_code == 404
    guesses = _guess(app, 160)
    statuses = {s for s, _, _ in guesses}
    assert statuses == {404}, statuses  # never a 429, never a wall
    rounds = [r for _, r, _ in guesses]
    first, last = guesses[:8], guesses[-20:]
    rate_first = len(first) / sum(t for *_, t in first)
    rate_last = len(last) / sum(t for *_, t in last)
    cap_rounds = check.parts * 2 ** check.max_bits * check.iterations
    print(f"\nguesser, one address, cookie-less: first 8 guesses {rate_first:.0f}/s, "
          f"0 PBKDF2 rounds; last 20 {rate_last:.1f}/s, mean "
          f"{sum(rounds[-20:]) / 20:.0f} rounds (cap mean {cap_rounds}); "
          f"total {sum(rounds)} rounds for {len(guesses)} guesses")
    assert rounds[:8] == [0] * 8  # a quiet room asks nothing
    assert sum(rounds[-20:]) > 20 * sum(rounds[10:20])  # the delay grows
    with app.app_context():
        assert check.required("127.0.0.1") == check.max_bits
    # The tablets, same address, under full pressure: a fresh one and the one that mistyped.
    for tablet in (app.test_client(), mistyped):
        t0 = time.perf_counter()
        resp, spent = _attempt(tablet, rd.code)
        assert resp.status_code == 200, resp.status_code  # the municipality step
        assert "Vilken kommun företräder du?" in resp.get_data(as_text=True)
        page = tablet.get(f"/delta?kod={rd.code}")  # remembered: no second check
        post = tablet.post("/delta", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                           "kod": rd.code, "kommun": str(rd.municipalities["Hjo"])})
        assert post.status_code == 303, post.status_code
        print(f"tablet joined under pressure: {spent} PBKDF2 rounds "
              f"(real setting ×{jc.ITERATIONS // FAST['iterations']}), "
              f"{time.perf_counter() - t0:.3f} s here")
        assert spent <= 6 * cap_rounds  # bounded by the cap, whatever the guesser did


def test_the_check_answer_does_not_tell_a_valid_code_from_a_wrong_one(app, check):
    rd = make_round(app)
    _guess(app, 40)
    answers = []
    for code in (rd.code, WRONG):
        resp, _ = _attempt(app.test_client(), code, solve=False)
        html = resp.get_data(as_text=True)
        answers.append((resp.status_code, "Vilken kommun" in html, "finns inte" in html))
    assert answers[0] == answers[1] == (422, False, False)


def test_a_quiet_room_needs_no_check_and_no_javascript(app, check):
    rd = make_round(app)
    page = app.test_client().get("/delta")
    assert "data-check-seed" not in page.get_data(as_text=True)
    for _ in range(check.free - 1):  # a few typos in the room
        assert _attempt(app.test_client(), WRONG, solve=False)[0].status_code == 404
    resp, spent = _attempt(app.test_client(), rd.code, solve=False)
    assert resp.status_code == 200 and spent == 0


def test_qr_link_under_pressure_asks_for_the_check_then_lands_on_the_municipality(app, check):
    rd = make_round(app)
    _guess(app, 30)
    tablet = app.test_client()
    page = tablet.get(f"/delta?kod={rd.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "data-check-auto" in html and "Vilken kommun" not in html
    fields = _form(html)
    c = fields["check"]
    nonces = jc.solve(c["seed"], int(c["bits"]), int(c["parts"]), int(c["iterations"]))
    resp = tablet.post("/delta", data={"csrf_token": fields["csrf_token"], "kod": rd.code,
                                       "kontroll": fields["kontroll"],
                                       "losning": ",".join(map(str, nonces))})
    assert resp.status_code == 200 and "Vilken kommun" in resp.get_data(as_text=True)


def test_a_solved_check_is_used_once_and_forgeries_fail(app, check):
    rd = make_round(app)
    _guess(app, 30)
    c = app.test_client()
    fields = _form(c.get("/delta").get_data(as_text=True))
    ch = fields["check"]
    solution = ",".join(map(str, jc.solve(ch["seed"], int(ch["bits"]), int(ch["parts"]),
                                          int(ch["iterations"]))))
    base = {"csrf_token": fields["csrf_token"], "kontroll": fields["kontroll"]}
    assert c.post("/delta", data={**base, "kod": WRONG, "losning": solution}).status_code == 404
    reused = c.post("/delta", data={**base, "kod": rd.code, "losning": solution})
    assert reused.status_code == 422  # used up: the valid code is not even looked up
    with app.app_context():
        need = check.required("127.0.0.1")
        fresh = check.issue(need)
        good = ",".join(map(str, jc.solve(fresh.seed, fresh.bits, fresh.parts,
                                          fresh.iterations)))
        assert not check.accept(fresh.token + "x", good, need)  # bad signature
        assert not check.accept(fresh.token, "0," * (fresh.parts - 1) + "0x", need)
        assert not check.accept(fresh.token, good + ",1", need)  # one part too many
        stale = check.issue(max(1, need - check.slack - 1))
        stale_solution = ",".join(map(str, jc.solve(stale.seed, stale.bits, stale.parts,
                                                    stale.iterations)))
        assert not check.accept(stale.token, stale_solution, need)  # too easy for now
        later = jc.JoinCheck(**FAST, clock=lambda: time.time() + check.lifetime_s + 1)
        assert not later.accept(fresh.token, good, need)  # expired
        assert check.accept(fresh.token, good, need)
        assert not check.accept(fresh.token, good, need)  # once


def test_difficulty_grows_with_pressure_and_is_capped():
    bits = [jc.bits_for(n) for n in (0, 9, 10, 20, 40, 80, 113, 114, 10_000)]
    assert bits == [0, 0, 1, 3, 5, 7, 7, 8, 8]
    # The work per attempt doubles (two bits) when the pressure doubles, up to the cap.
    cap_rounds = jc.PARTS * 2 ** jc.MAX_BITS * jc.ITERATIONS
    assert cap_rounds == 2_048_000


def test_site_wide_guessing_raises_the_check_for_every_address(app, check):
    with app.app_context():
        for i in range(check.global_share * check.free):
            check.fail(f"192.0.2.{i % 250}")
        assert check.required("198.51.100.7") >= 1  # an address that guessed nothing
        db = connect(app.config["DATABASE"])
        try:
            store_throttle.clear_scope(db, "join")
        finally:
            db.conn.close()
        assert check.required("198.51.100.7") == 0


def test_the_join_page_counts_its_pressure_in_one_statement(app, check):
    """Both counts (the address and site-wide) in one query: the participant pages have a
    budget of four statements (tests/web/test_participant_queries.py)."""
    with app.app_context():
        for _ in range(3):
            check.fail("203.0.113.1")
        check.fail("203.0.113.2")
        from mcda.web.kit.db import get_db

        conn = get_db().conn
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        try:
            assert check.pressure("203.0.113.1") == 3
        finally:
            conn.set_trace_callback(None)
        assert len(seen) == 1
        assert check._wrong.counts(("ip", "203.0.113.2"), ("all",), ("ip", "x")) == [1, 4, 0]
