"""SQL statements per participant page (issue 17): at most 4 each.

Under a room of tablets every statement costs a round trip through the GIL and SQLite's page
cache, so the participant pages are held to a budget. Counted with ``set_trace_callback`` on
the request's own connection (``store.db.thread_db``: the test client runs the request in this
thread, so it is the same connection). Data statements only: transaction control (BEGIN,
COMMIT, SAVEPOINT, RELEASE, ROLLBACK) is the durable commit, not a query.
"""

from __future__ import annotations

import re

import pytest

from mcda.store.db import thread_db
from tests.helpers import csrf_from

from .participate_helpers import make_round

BUDGET = 4
CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|SAVEPOINT|RELEASE|ROLLBACK)\b", re.I)


class Trace:
    """The data statements run by the next request(s) on this thread's connection."""

    def __init__(self, app) -> None:
        self.conn = thread_db(app.config["DATABASE"]).conn
        self.statements: list[str] = []

    def __enter__(self) -> Trace:
        self.conn.set_trace_callback(self._add)
        return self

    def _add(self, sql: str) -> None:
        if not CONTROL.match(sql):
            self.statements.append(sql)

    def __exit__(self, *exc) -> None:
        self.conn.set_trace_callback(None)


def _flow(app, client):
    """Every participant request of the tablet flow, each with its statements."""
    rd = make_round(app)
    counts: dict[str, list[str]] = {}
    htmx = {"HX-Request": "true"}

    def run(name: str, fn):
        with Trace(app) as t:
            resp = fn()
        counts[name] = t.statements
        return resp

    page = run("GET join page", lambda: client.get("/delta"))
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    resp = run("POST join (code)", lambda: client.post(
        "/delta", headers=htmx, data={"csrf_token": token, "kod": rd.code}))
    assert resp.status_code == 200 and 'name="kommun"' in resp.get_data(as_text=True)
    resp = run("POST municipality", lambda: client.post(
        "/delta", headers=htmx,
        data={"csrf_token": token, "kod": rd.code, "kommun": str(rd.municipalities["Hjo"])}))
    assert resp.headers["HX-Redirect"] == f"/omgang/{rd.round_id}/"
    resp = run("GET round page", lambda: client.get(f"/omgang/{rd.round_id}/"))
    assert resp.status_code == 200
    resp = run("GET vote form", lambda: client.get(f"/omgang/{rd.round_id}/skjutreglage"))
    assert resp.status_code == 200
    body = {"csrf_token": token, "revision": "1"}
    body.update({f"v-{c}": str(v) for c, v in zip(rd.criteria, (9, 5, 3, 1), strict=True)})
    resp = run("POST vote", lambda: client.post(
        f"/omgang/{rd.round_id}/skjutreglage", headers=htmx, data=body))
    assert resp.status_code == 200 and "vote-status" in resp.get_data(as_text=True)
    resp = run("GET saved page",
               lambda: client.get(f"/omgang/{rd.round_id}/skjutreglage?sparad=1"))
    assert resp.status_code == 200 and "sparad" in resp.get_data(as_text=True)
    return counts


@pytest.fixture
def flow_counts(app, client):
    client.get("/halsa")  # the first request of a process migrates/loads; not a page's cost
    return _flow(app, client)


PAGES = ("GET join page", "POST join (code)", "POST municipality", "GET round page",
         "GET vote form", "POST vote", "GET saved page")


@pytest.mark.parametrize("page", PAGES)
def test_participant_page_runs_at_most_four_statements(flow_counts, page):
    statements = flow_counts[page]
    assert len(statements) <= BUDGET, f"{page}: {len(statements)} statements:\n" + "\n".join(
        s.split("\n")[0][:120] for s in statements)


def test_the_vote_is_stored_once_with_the_counted_statements(app, client, flow_counts):
    inserts = [s for s in flow_counts["POST vote"] if s.lstrip().upper().startswith("INSERT")]
    assert inserts, "the vote POST stored nothing"
