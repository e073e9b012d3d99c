"""Helpers for the durability tests: tablets that join and vote through the web app."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mcda.store import connect
from tests.helpers import csrf_from


class Tablet:
    """One participant's browser (its own cookie jar) on the Flask test client."""

    def __init__(self, app: Flask, *, client: FlaskClient | None = None) -> None:
        self.app = app
        self.c = client or app.test_client()
        self.token = ""

    def join(self, code: str, municipality_id: int = 1) -> int:
        page = self.c.get("/delta")
        self.token = csrf_from(page.get_data(as_text=True))
        resp = self.c.post("/delta", data={"kod": code, "kommun": str(municipality_id),
                                           "csrf_token": self.token})
        return resp.status_code

    def vote(self, round_id: int, criteria: list[int], values: list[int], revision: int,
             **headers: str):
        data: dict[str, Any] = {"revision": str(revision), "csrf_token": self.token}
        for cid, v in zip(criteria, values, strict=True):
            data[f"v-{cid}"] = str(v)
        if len(set(values)) == 1:
            data["alla-lika"] = "1"  # equal sliders save only when asked for (issue 14)
        return self.c.post(f"/omgang/{round_id}/skjutreglage", data=data, headers=headers)

    def clone(self) -> Tablet:
        """A second connection from the same browser (same cookie): a double tap."""
        other = Tablet(self.app)
        ck = self.c.get_cookie("vagval")
        other.c.set_cookie("vagval", ck.value)
        other.token = self.token
        return other


def vote_rows(app: Flask, round_id: int) -> list[dict[str, Any]]:
    db = connect(app.config["DATABASE"])
    try:
        return [dict(r) for r in db.execute(
            "SELECT participant_id, revision, payload FROM votes WHERE round_id = ? "
            "ORDER BY id", [round_id])]
    finally:
        db.conn.close()


def run_threads(fns) -> list[Any]:
    """Run callables at the same moment (a barrier), return their results in order."""
    barrier = threading.Barrier(len(fns))
    results: list[Any] = [None] * len(fns)

    def go(i, fn):
        barrier.wait()
        try:
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
