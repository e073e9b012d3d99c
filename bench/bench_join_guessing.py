"""Benchmark of join-code guessing under the join check (issue 24 point 6); prints figures.

A guesser behind one address drops its cookie before every guess (GET /delta for a CSRF token
and the check, then POST a wrong code), as the hostile review did. Reports

1. the server's rate for such guesses in a quiet room (no check asked: the server's own bound),
2. the PBKDF2 rate of one core here (hashlib/OpenSSL: a guesser's native code), the work per
   attempt at each difficulty and at the cap, and so the guesses per second per core,
3. a real run: N guesses from one address with the real check, solved here, with the
   difficulty and rate at the end,
4. the expected time to hit a code of R open rounds at the server's rate and per core.

Run: ``python bench/bench_join_guessing.py [--guesses 120] [--rounds 10]``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mcda.web import create_app  # noqa: E402
from mcda.web.participate import join_check as jc  # noqa: E402
from tests.helpers import csrf_from  # noqa: E402
from tests.web.participate_helpers import join_check_fields  # noqa: E402

CODES = 31 ** 8


def _guess(app) -> tuple[int, int]:
    client = app.test_client()
    page = client.get("/delta").get_data(as_text=True)
    check = join_check_fields(page)
    resp = client.post("/delta", data={"csrf_token": csrf_from(page), "kod": "QQQQ QQQQ",
                                       **check})
    with app.app_context():
        bits = jc.check(app).required("127.0.0.1")
    return resp.status_code, bits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--guesses", type=int, default=120)
    ap.add_argument("--rounds", type=int, default=10, help="rounds open at once")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "DATABASE": f"{tmp}/b.sqlite",
                          "SECRET_KEY": "bench-secret-key-0123456789abcdef"})
        # 1. the server's own rate, no check (a check that never grows)
        app.extensions["vagval_join_check"] = jc.JoinCheck(free=10 ** 9)
        t0 = time.perf_counter()
        for _ in range(100):
            _guess(app)
        server_rate = 100 / (time.perf_counter() - t0)
        print(f"server, one thread, cookie-less wrong codes with no check: {server_rate:.0f}/s")
        # 2. PBKDF2 per core
        t0 = time.perf_counter()
        for i in range(300):
            hashlib.pbkdf2_hmac("sha256", b"seed", f"0:{i}".encode(), jc.ITERATIONS)
        per_call = (time.perf_counter() - t0) / 300
        print(f"PBKDF2-HMAC-SHA256 × {jc.ITERATIONS} rounds: {per_call * 1e3:.3f} ms per try "
              f"on one core here")
        for bits in range(1, jc.MAX_BITS + 1):
            tries = jc.PARTS * 2 ** bits
            print(f"  {bits} bits: {tries} tries expected, {tries * per_call:.3f} s per "
                  f"attempt, {1 / (tries * per_call):.1f} guesses/s per core")
        cap_s = jc.PARTS * 2 ** jc.MAX_BITS * per_call
        # 3. a real run
        app.extensions["vagval_join_check"] = jc.JoinCheck()
        t0 = time.perf_counter()
        statuses, last = set(), []
        for i in range(args.guesses):
            s = time.perf_counter()
            status, bits = _guess(app)
            statuses.add(status)
            if i >= args.guesses - 20:
                last.append(time.perf_counter() - s)
        total = time.perf_counter() - t0
        print(f"{args.guesses} cookie-less guesses with the real check: {total:.1f} s, "
              f"answers {sorted(statuses)}, difficulty now {bits} bits, last 20 at "
              f"{20 / sum(last):.2f}/s")
        # 4. expected time to hit
        for label, rate in (("server rate (one thread here)", server_rate),
                            ("one core at the cap", 1 / cap_s)):
            secs = CODES / ((args.rounds + 1) * rate)  # N / (R + 1) guesses expected
            print(f"expected time to hit one of {args.rounds} open rounds at {label} "
                  f"({rate:.1f}/s): {secs / 3.156e7:,.0f} years; chance in one hour "
                  f"{args.rounds * rate * 3600 / CODES:.1e}")


if __name__ == "__main__":
    main()
