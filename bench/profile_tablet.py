"""Where a tablet's server time goes: the seven requests of ``bench/load.py``, in process.

Usage: ``python bench/profile_tablet.py [--tablets 200] [--top 25] [--route vote_form]``

Builds the app as ``python -m mcda serve --demo`` does (not TESTING: CSRF on, the demo loaded
into a temporary instance), lets ``--tablets`` Flask test clients play the same seven requests
as ``bench/load.py`` (join page, code, municipality, round page, vote form, slider vote, saved
page) one route at a time, and prints per route the CPU time of this process per request
(``time.process_time``; the test client's own work is included, about 0.2 ms a request) and
a cProfile of that route (``--top`` functions by own time, then by cumulative time). With
``--route`` only that route's profile is printed. Prints figures; asserts nothing timed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

CSRF_RX = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REV_RX = re.compile(r'name="revision"[^>]*value="(\d+)"')
ROUTES = ("join_page", "code", "municipality", "round", "vote_form", "vote", "saved")


class Tablet:
    """One test client walking the flow step by step (the same requests as bench/load.py)."""

    def __init__(self, app, i: int, code: str, rid: int, crits: list[int]) -> None:
        self.c = app.test_client()
        self.i, self.code, self.rid, self.crits = i, code, rid, crits
        self.csrf = ""
        self.round_path = ""
        self.revision = 1

    def step(self, route: str) -> None:
        c, rid = self.c, self.rid
        vote_path = f"/omgang/{rid}/skjutreglage"
        hx = {"HX-Request": "true", "HX-Target": "main",
              "HX-Current-URL": "http://localhost/delta"}
        if route == "join_page":
            r = c.get("/delta")
            self.csrf = CSRF_RX.search(r.get_data(as_text=True)).group(1)
        elif route == "code":
            r = c.post("/delta", data={"kod": self.code.lower(), "csrf_token": self.csrf},
                       headers=hx)
            assert 'name="kommun"' in r.get_data(as_text=True)
        elif route == "municipality":
            r = c.post("/delta", data={"kod": self.code, "kommun": str(self.i % 15 + 1),
                                       "roll": "", "csrf_token": self.csrf}, headers=hx)
            self.round_path = r.headers.get("HX-Redirect", "")
            assert self.round_path.startswith(f"/omgang/{rid}"), self.round_path
        elif route == "round":
            r = c.get(self.round_path)
        elif route == "vote_form":
            r = c.get(vote_path)
            m = REV_RX.search(r.get_data(as_text=True))
            self.revision = int(m.group(1)) if m else 1
        elif route == "vote":
            digits = [(self.i // 10**k) % 10 + 1 for k in range(3)]
            values = (digits + [3] + [5] * len(self.crits))[: len(self.crits)]
            body = {"revision": str(self.revision), "csrf_token": self.csrf}
            body.update({f"v-{cid}": str(v) for cid, v in zip(self.crits, values, strict=True)})
            if len(set(values)) == 1:
                body["alla-lika"] = "1"
            r = c.post(vote_path, data=body, headers={
                "HX-Request": "true", "HX-Target": "vote-panel",
                "HX-Current-URL": f"http://localhost{vote_path}"})
            assert "vote-status" in r.get_data(as_text=True)
        else:
            r = c.get(f"{vote_path}?sparad={self.revision}")
        assert r.status_code == 200, (route, r.status_code)


def build(instance: str):
    """The app and the demo's open slider round, as ``serve --demo`` sets them up."""
    os.environ["VAGVAL_INSTANCE"] = instance
    from mcda.admin_cli import load_demo_and_login
    from mcda.core import analysis  # noqa: F401 - serve imports it at start-up too
    from mcda.store import connect
    from mcda.web import create_app

    app = create_app()
    with app.app_context():
        load_demo_and_login(app)
    db = connect(app.config["DATABASE"])
    try:
        rid, code, did = db.execute(
            "SELECT id, join_code, decision_id FROM rounds WHERE state = 'open' "
            "AND methods LIKE '%direct%' ORDER BY id LIMIT 1").fetchone()
        crits = [r[0] for r in db.execute(
            "SELECT id FROM criteria WHERE decision_id = ? ORDER BY position", [did])]
    finally:
        db.conn.close()
    return app, rid, code, crits


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tablets", type=int, default=200)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs of fresh tablets; min and median per route")
    ap.add_argument("--route", choices=ROUTES, default=None)
    ap.add_argument("--no-profile", action="store_true", help="only the CPU ms per request")
    ap.add_argument("--dump", default=None,
                    help="also write each route's pstats to DIR/<route>.prof")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vagval-prof-") as instance:
        app, rid, code, crits = build(instance)
        warm = [Tablet(app, 10_000 + j, code, rid, crits) for j in range(3)]
        for route in ROUTES:  # templates compiled, catalogs loaded: not counted
            for t in warm:
                t.step(route)
        print(f"{platform.python_version()}, {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.2f}; {args.tablets} tablets × {args.repeat}, round {rid}")
        runs: dict[str, list[float]] = {route: [] for route in ROUTES}
        profiles: dict[str, str] = {}
        for rep in range(args.repeat):
            tablets = [Tablet(app, rep * args.tablets + j, code, rid, crits)
                       for j in range(args.tablets)]
            for route in ROUTES:
                prof = None if args.no_profile or rep else cProfile.Profile()
                c0 = time.process_time()
                if prof is None:
                    for t in tablets:
                        t.step(route)
                else:
                    prof.enable()
                    for t in tablets:
                        t.step(route)
                    prof.disable()
                runs[route].append((time.process_time() - c0) * 1000 / len(tablets))
                if prof is not None:
                    out = io.StringIO()
                    st = pstats.Stats(prof, stream=out)
                    st.sort_stats("tottime").print_stats(args.top)
                    st.sort_stats("cumulative").print_stats(args.top)
                    profiles[route] = out.getvalue()
                    if args.dump:
                        os.makedirs(args.dump, exist_ok=True)
                        prof.dump_stats(os.path.join(args.dump, f"{route}.prof"))
        under = "" if args.no_profile else " (the first run under cProfile)"
        print(f"  route          min    median  ms CPU per request over {args.repeat} run(s)"
              + under)
        for route in ROUTES:
            print(f"  {route:13s} {min(runs[route]):6.2f} {statistics.median(runs[route]):7.2f}")
        print(f"  whole flow    {sum(min(v) for v in runs.values()):6.2f} "
              f"{sum(statistics.median(v) for v in runs.values()):7.2f}  ms CPU per tablet")
        for route, text in profiles.items():
            if args.route in (None, route):
                print(f"\n===== {route} =====")
                print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
