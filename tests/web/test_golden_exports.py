"""Golden files of every export the app offers, on the demo data (issue 21: written before the
web layer moves, and to pass unchanged after it).

CSV and JSON are compared byte for byte; a workbook by every sheet's cell values and number
formats (read back with openpyxl, ``tests/golden.py``). Normalised, because they depend on the
environment or the clock and not on the code: the library versions in an analysis'
``meta.versions`` and the kept record's ``created_at``. Rewrite with ``UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mcda.store import analysis_cache, connect, records
from mcda.store import rounds as sr
from mcda.store import users as su
from tests.golden import assert_golden, demo_rounds, normalise_versions, xlsx_cells
from tests.helpers import FAST_SCRYPT_N

from .results_helpers import login_as, phase_scenario, scenario

# One worker builds this module's shared app (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("golden-exports")

RESULT_KINDS = ("roster.csv", "vikter.csv", "motiveringar.csv", "rangordning.csv",
                "etapper.csv", "anmarkningar.csv", "arbetsbok.xlsx", "analys.json")
# The analysis options a user can choose on the results page (each gives other exports).
OPTIONS = {
    "default": "",
    "within-geometric": "within=geometric",
    "within-median": "within=median",
    "between-participants": "between=participants",
    "between-population": "between=population",
    "methods-topsis-wpm": "o=1&methods=topsis&methods=wpm",
    "smaa-off": "smaa=0",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One app on the demo database (both demo decisions, their scenarios), plus a round with
    per-phase weights and a round whose votes were deleted (its kept record), shared by the
    module's tests: they only read."""
    from mcda.web import create_app

    analysis_cache.clear()
    path = tmp_path_factory.mktemp("golden") / "demo.sqlite"
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "golden"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(su, "SCRYPT_N", FAST_SCRYPT_N)
        client = app.test_client()
        uid = login_as(app, client, "facilitator", "golden@example.se")
        db = connect(path)
        try:
            culture, growth, rounds, scen = demo_rounds(db, uid)
        finally:
            db.conn.close()
        phased = phase_scenario(app, uid)
        kept = scenario(app, uid)
        db = connect(path)
        try:
            sr.close_round(db, kept["round_id"])
            records.delete_votes_keep_record(db, kept["round_id"])
        finally:
            db.conn.close()
    yield {"app": app, "client": client, "rounds": rounds, "culture": culture,
           "scenarios": scen, "phased": phased, "kept": kept["round_id"]}
    analysis_cache.clear()


def _get(client: FlaskClient, url: str) -> bytes:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp.data


SCENARIO_CSVS = ("01-samma-skala.csv", "02-investeringar.csv", "03-pengar-per-kommun.csv",
                 "04-vinnare-och-forlorare.csv", "05-antaganden.csv", "06-anmarkningar.csv")


def _check(name: str, body: bytes) -> None:
    if name.endswith(".zip"):  # one CSV per table: each file compared byte for byte
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(body)) as z:
            assert tuple(z.namelist()) == SCENARIO_CSVS
            for member in z.namelist():
                assert_golden(f"{name.removesuffix('.zip')}/{member}", z.read(member))
    elif name.endswith(".xlsx"):
        assert_golden(name + ".json", xlsx_cells(body))
    elif name.endswith(".json"):
        assert_golden(name, normalise_versions(body))
    else:
        assert_golden(name, body)


@pytest.mark.parametrize("round_key", ["culture-1", "culture-2", "growth-1"])
@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_result_exports_of_the_demo_rounds(site, round_key: str, kind: str) -> None:
    """Every results export of the closed demo rounds and the open, empty second round."""
    rid = site["rounds"][round_key]
    stem, ext = kind.rsplit(".", 1)
    body = _get(site["client"], f"/resultat/{rid}/export/{kind}")
    _check(f"results/{round_key}/{stem}.{ext}", body)


@pytest.mark.parametrize("option", [o for o in OPTIONS if o != "default"])
@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_result_exports_under_each_option(site, option: str, kind: str) -> None:
    rid = site["rounds"]["culture-1"]
    stem, ext = kind.rsplit(".", 1)
    body = _get(site["client"], f"/resultat/{rid}/export/{kind}?{OPTIONS[option]}")
    _check(f"results/culture-1-{option}/{stem}.{ext}", body)


@pytest.mark.parametrize("phase_index", [0, 1])
@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_result_exports_of_each_phase(site, phase_index: int, kind: str) -> None:
    """A round with per-phase weights: each phase's exports (``?etapp=``)."""
    ph = site["phased"]
    rid, pid = ph["round_id"], ph["phases"][phase_index]
    stem, ext = kind.rsplit(".", 1)
    body = _get(site["client"], f"/resultat/{rid}/export/{kind}?etapp={pid}")
    _check(f"results/phased-etapp-{phase_index + 1}/{stem}.{ext}", body)


def test_kept_record_json(site) -> None:
    """The aggregated record kept after a round's votes were deleted; its ``created_at`` (the
    time of deletion) is the one value replaced, by a fixed stamp."""
    body = _get(site["client"], f"/resultat/{site['kept']}/underlag.json")
    doc = json.loads(body)
    assert doc["created_at"][:4].isdigit()
    fixed = body.replace(doc["created_at"].encode(), b"2026-01-01 00:00:00")
    assert fixed.count(b"2026-01-01 00:00:00") == 1
    _check("results/kept-record/underlag.json", fixed)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_scenario_comparison(site, fmt: str) -> None:
    """The demo's three scenarios compared (CSV bytes, workbook cells)."""
    query = "&".join(f"s={i}" for i in site["scenarios"])
    body = _get(site["client"],
                f"/etapper/{site['culture']}/scenarier/jamfor?{query}&format={fmt}")
    _check(f"scenarios/jamforelse.{'zip' if fmt == 'csv' else fmt}", body)


def test_scenario_comparison_of_two_in_reverse_order(site) -> None:
    """Columns follow the order chosen (``s=`` repeated)."""
    a, b = site["scenarios"][-1], site["scenarios"][0]
    body = _get(site["client"],
                f"/etapper/{site['culture']}/scenarier/jamfor?s={a}&s={b}&format=csv")
    _check("scenarios/jamforelse-tva.zip", body)


def test_scenario_analysis_json(site) -> None:
    body = _get(site["client"], f"/etapper/{site['culture']}/scenarier/analys.json")
    _check("scenarios/analys.json", body)


def test_golden_files_have_no_leftovers() -> None:
    """Every file under tests/data/golden/results|scenarios is one a test above writes (a
    renamed export leaves no stale golden file behind)."""
    root = Path(__file__).parents[1] / "data" / "golden"
    demo = ("culture-1", "culture-2", "growth-1")
    want = {f"results/{r}/{k}" for r in demo for k in RESULT_KINDS}
    want |= {f"results/culture-1-{o}/{k}" for o in OPTIONS if o != "default" for k in RESULT_KINDS}
    want |= {f"results/phased-etapp-{i}/{k}" for i in (1, 2) for k in RESULT_KINDS}
    want |= {"results/kept-record/underlag.json", "scenarios/jamforelse.xlsx",
             "scenarios/analys.json"}
    want |= {f"scenarios/{z}/{m}" for z in ("jamforelse", "jamforelse-tva")
             for m in SCENARIO_CSVS}
    want = {w + ".json" if w.endswith(".xlsx") else w for w in want}
    have = {p.relative_to(root).as_posix() for sub in ("results", "scenarios")
            for p in (root / sub).rglob("*") if p.is_file()}
    assert have == want
