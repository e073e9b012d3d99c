"""Crash test: a waitress server taking votes is killed with SIGKILL at random moments.

Usage: ``python bench/crash.py [--rounds 50] [--clients 8] [--seed 1]`` (Linux/macOS: fork).

Each round forks a child that serves the app (the same ``create_app`` + waitress as
``python -m mcda serve``) on a socket bound by the parent, lets a few simulated tablets
join and submit weightings over HTTP, and kills the child with SIGKILL a random 0-300 ms
after the first vote of the round was acknowledged. After each kill the database is opened
fresh (WAL recovery) and checked:

- ``PRAGMA integrity_check`` is ok and ``foreign_key_check`` is empty;
- every vote that got a success answer (303) is stored, with the payload that was sent;
- nothing is partial: every vote row parses, its weights sum to 1, its participant exists;
- no duplicates: a submission in flight at the kill is retried with the same revision in
  the next round (as a tablet does after a timeout) and is stored at most once.

Exit status 0 only if every check held in every round; the last line is a JSON summary.
Loopback only, bounded in rounds and time; it stops by itself.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = secrets.token_hex(32)  # fixed for the run: cookies survive restarts
CSRF_RX = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def setup_database(path: str) -> tuple[int, str, list[int]]:
    """A decision with four criteria and one open round; returns (round id, code, criteria)."""
    from mcda.store import connect, migrate
    from mcda.store import decisions as sd
    from mcda.store import items as store_items
    from mcda.store import municipalities as store_munis
    from mcda.store import rounds as sr

    db = connect(path)
    try:
        migrate(db)
        store_munis.ensure_municipalities(db)
        d = sd.create_decision(db, None, "Krocktest", "")
        crits = [store_items.add_criterion(db, d, f"Kriterium {i}") for i in range(4)]
        alt = store_items.add_alternative(db, d, "Alternativ")
        for c in crits:
            store_items.set_score(db, alt, c, 1.0)
        rid = sr.create_round(db, d, methods=["direct"])
        sr.open_round(db, rid)
        return rid, sr.get_round(db, rid)["join_code"], crits
    finally:
        db.conn.close()


def session_token(cookie: str) -> str | None:
    """The participant token inside Flask's signed (not encrypted) session cookie."""
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if compressed:
        raw = zlib.decompress(raw)
    return json.loads(raw).get("pt")


class Tablet:
    """A participant's browser: cookie, CSRF token, next revision, acknowledged votes."""

    def __init__(self, idx: int, port_ref: list[int]) -> None:
        self.idx = idx
        self.port_ref = port_ref
        self.cookie = ""
        self.csrf = ""
        self.joined = False
        self.revision = 1
        self.pending: tuple[int, list[int]] | None = None  # in flight at the last kill
        self.acked: list[tuple[int, list[int]]] = []  # (stored revision, values)

    def _request(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port_ref[0], timeout=10)
        headers = {"Connection": "close"}
        if self.cookie:
            headers["Cookie"] = f"vagval={self.cookie}"
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie" and v.startswith("vagval="):
                self.cookie = v.split(";", 1)[0].split("=", 1)[1]
        return resp.status, resp.getheader("Location") or "", text

    def values_for(self, revision: int) -> list[int]:
        """Distinct per revision (base-10 digits + 1), so duplicates are detectable."""
        return [(revision // 10**k) % 10 + 1 for k in range(4)]

    def work(self, round_id: int, code: str, crits: list[int], stop: threading.Event,
             stats: dict) -> None:
        try:
            if not self.csrf:
                _s, _l, html = self._request("GET", "/delta")
                self.csrf = CSRF_RX.search(html).group(1)
            if not self.joined:
                status, _l, _t = self._request(
                    "POST", "/delta", {"kod": code, "kommun": str(self.idx % 15 + 1),
                                       "csrf_token": self.csrf})
                if status != 303:
                    raise RuntimeError(f"join answered {status}")
                self.joined = True
            while not stop.is_set():
                if self.pending:
                    rev, values = self.pending
                else:
                    rev, values = self.revision, self.values_for(self.revision)
                self.pending = (rev, values)
                body = {"revision": str(rev), "csrf_token": self.csrf}
                body.update({f"v-{c}": str(v) for c, v in zip(crits, values, strict=True)})
                if len(set(values)) == 1:
                    body["alla-lika"] = "1"  # equal sliders save only when asked (issue 14)
                status, location, _t = self._request(
                    "POST", f"/omgang/{round_id}/skjutreglage", body)
                if status != 303:
                    raise RuntimeError(f"vote answered {status}")
                stored = int(re.search(r"sparad=(\d+)", location).group(1))
                self.acked.append((stored, values))
                self.pending = None
                self.revision = stored + 1
                with stats["lock"]:
                    stats["acked_this_round"] += 1
        except (OSError, http.client.HTTPException):
            pass  # the server was killed under us; self.pending is retried next round
        except Exception as exc:  # noqa: BLE001 - a real failure, reported
            stats["errors"].append(f"tablet {self.idx}: {exc!r}")


def serve_child(app, sock: socket.socket) -> None:
    import logging

    from waitress import serve

    logging.getLogger("waitress").setLevel(logging.ERROR)
    try:
        serve(app, sockets=[sock], threads=8, _quiet=True)
    finally:
        os._exit(0)


def verify(db_path: str, round_id: int, tablets: list[Tablet]) -> dict:
    """Check the database after a kill; returns counts and a list of problems."""
    from mcda.store import connect
    from mcda.store.participants import hash_token

    problems: list[str] = []
    db = connect(db_path)
    try:
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            problems.append(f"integrity_check: {ok}")
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {len(fk)} rows")
        rows = [dict(r) for r in db.execute(
            "SELECT v.id, v.participant_id, v.revision, v.payload, v.weights, p.token_hash "
            "FROM votes v LEFT JOIN participants p ON p.id = v.participant_id "
            "WHERE v.round_id = ?", [round_id])]
    finally:
        db.conn.close()
    by_key: dict[tuple[str, int], dict] = {}
    seen_payloads: dict[tuple[str, str], int] = {}
    duplicates = 0
    for r in rows:
        if r["token_hash"] is None:
            problems.append(f"vote {r['id']} without participant")
            continue
        try:
            weights = json.loads(r["weights"])
            payload = json.loads(r["payload"])
        except ValueError:
            problems.append(f"vote {r['id']} has unreadable JSON")
            continue
        if abs(sum(weights.values()) - 1) > 1e-6:
            problems.append(f"vote {r['id']} weights sum {sum(weights.values())}")
        by_key[(r["token_hash"], r["revision"])] = payload
        pkey = (r["token_hash"], json.dumps(payload, sort_keys=True))
        seen_payloads[pkey] = seen_payloads.get(pkey, 0) + 1
    duplicates = sum(n - 1 for n in seen_payloads.values() if n > 1)
    if duplicates:
        problems.append(f"{duplicates} duplicate submissions stored")
    lost = 0
    acked = 0
    for t in tablets:
        if not t.cookie:
            continue
        token = session_token(t.cookie)
        th = hash_token(token) if token else ""
        for rev, values in t.acked:
            acked += 1
            payload = by_key.get((th, rev))
            got = [int(round(v)) for v in payload["values"].values()] if payload else None
            if got is None or sorted(got) != sorted(values) or len(got) != len(values):
                lost += 1
    if lost:
        problems.append(f"{lost} acknowledged votes missing or altered")
    # In flight at the kill: was the vote committed although no answer arrived?
    pending_committed = 0
    for t in tablets:
        if t.pending and t.cookie:
            token = session_token(t.cookie)
            payload = by_key.get((hash_token(token), t.pending[0])) if token else None
            if payload and sorted(int(round(v)) for v in payload["values"].values()) == sorted(
                t.pending[1]
            ):
                pending_committed += 1
    return {"rows": len(rows), "acked": acked, "lost": lost, "duplicates": duplicates,
            "pending_committed": pending_committed, "problems": problems}


def run(rounds: int, clients: int, seed: int, max_delay_ms: int, workdir: str) -> dict:
    os.environ["VAGVAL_INSTANCE"] = workdir
    from mcda.web import create_app

    rng = random.Random(seed)
    db_path = os.path.join(workdir, "crash.sqlite")
    round_id, code, crits = setup_database(db_path)
    app = create_app({"DATABASE": db_path, "SECRET_KEY": SECRET})
    port_ref = [0]
    tablets = [Tablet(i, port_ref) for i in range(clients)]
    summary = {"rounds": 0, "kills": 0, "acked_votes": 0, "in_flight_at_kill": 0,
               "in_flight_committed": 0, "rows": 0, "lost": 0, "duplicates": 0,
               "integrity_ok": 0, "problems": []}
    started = time.monotonic()
    for rnd in range(rounds):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        port_ref[0] = sock.getsockname()[1]
        pid = os.fork()
        if pid == 0:  # child: serve until killed
            serve_child(app, sock)
        sock.close()
        stop = threading.Event()
        stats = {"lock": threading.Lock(), "acked_this_round": 0, "errors": []}
        # New tablets join as the rounds go on (a join can be killed mid-flight, too).
        active = tablets[: min(clients, 2 + rnd)]
        threads = [threading.Thread(target=t.work, args=(round_id, code, crits, stop, stats))
                   for t in active]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while stats["acked_this_round"] == 0 and time.monotonic() < deadline:
            if stats["errors"]:
                break
            time.sleep(0.002)
        time.sleep(rng.uniform(0, max_delay_ms / 1000))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        stop.set()
        for t in threads:
            t.join(15)
        summary["kills"] += 1
        pending_before = [(t, t.pending) for t in active if t.pending]
        summary["in_flight_at_kill"] += len(pending_before)
        result = verify(db_path, round_id, tablets)
        summary["rounds"] += 1
        summary["rows"] = result["rows"]
        summary["acked_votes"] = result["acked"]
        summary["lost"] = max(summary["lost"], result["lost"])
        summary["duplicates"] = max(summary["duplicates"], result["duplicates"])
        summary["integrity_ok"] += not any("integrity" in p for p in result["problems"])
        summary["in_flight_committed"] += result["pending_committed"]
        for p in result["problems"] + stats["errors"]:
            summary["problems"].append(f"round {rnd + 1}: {p}")
        if summary["problems"]:
            break
    # Final round without a kill: retry everything that was in flight, then check again.
    _drain(app, tablets, round_id, code, crits)
    final = verify(db_path, round_id, tablets)
    summary["rows"] = final["rows"]
    summary["acked_votes"] = final["acked"]
    summary["lost"] = max(summary["lost"], final["lost"])
    summary["duplicates"] = max(summary["duplicates"], final["duplicates"])
    summary["problems"] += [f"final: {p}" for p in final["problems"]]
    summary["seconds"] = round(time.monotonic() - started, 1)
    return summary


def _drain(app, tablets, round_id, code, crits) -> int:
    """Serve once more (no kill) so each tablet retries its in-flight vote; returns how many
    of those retries found their vote already stored (committed before the kill)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    tablets[0].port_ref[0] = sock.getsockname()[1]
    pid = os.fork()
    if pid == 0:
        serve_child(app, sock)
    sock.close()
    already = 0
    try:
        for t in tablets:
            if not t.pending:
                continue
            n_before = len(t.acked)
            rev = t.pending[0]
            stop = threading.Event()
            stats = {"lock": threading.Lock(), "acked_this_round": 0, "errors": []}
            th = threading.Thread(target=t.work, args=(round_id, code, crits, stop, stats))
            th.start()
            while len(t.acked) == n_before and th.is_alive():
                time.sleep(0.005)
            stop.set()
            th.join(10)
            if len(t.acked) > n_before and t.acked[n_before][0] == rev:
                already += 1
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return already


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-delay-ms", type=int, default=300)
    args = ap.parse_args(argv)
    if not hasattr(os, "fork"):
        print("bench/crash.py needs os.fork (Linux/macOS)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="vagval-crash-") as work:
        s = run(args.rounds, args.clients, args.seed, args.max_delay_ms, work)
    print(f"Crash test: {s['rounds']} rounds, {s['kills']} SIGKILLs, {s['seconds']} s")
    print(f"  acknowledged votes: {s['acked_votes']}  stored vote rows: {s['rows']}")
    print(f"  submissions in flight at a kill: {s['in_flight_at_kill']}, of which committed "
          f"without an answer: {s['in_flight_committed']} (all retried with the same revision; "
          "each stored once)")
    print(f"  lost: {s['lost']}  duplicates: {s['duplicates']}  "
          f"integrity_check ok: {s['integrity_ok']}/{s['rounds']}")
    for p in s["problems"][:20]:
        print("  PROBLEM:", p)
    print(json.dumps({k: v for k, v in s.items() if k != "problems"} |
                     {"problems": len(s["problems"])}))
    ok = not s["problems"] and s["kills"] >= min(args.rounds, 1) and s["acked_votes"] > 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
