"""Issue 24, attack A1: the pool's individual vectors from its spread.

Set-up (the issue's): k = 3; Skövde and Lidköping with three voters each are published;
Essunga (one voter, 10:1:1) and Hjo (two voters, both 3:6:2) are pooled into "Övriga kommuner"
(3 voters, so SD and IQR are blanked). The attack combined the pool's full-precision mean and
geometric mean from the workbook with η² ("Andel mellan kommuner") and the published means:
7 equations for the 6 unknowns of 3 pooled voters. Now (docs/methods.md, "Small pools"):

- η², S*, W, SD, quantiles, correlations and the verdict's shares leave the pool's voters out;
- the pool is combined by the arithmetic mean under every within-municipality rule;
- the files carry the page's precision; SMAA and the planning samples take the pool only at
  its combined weights.

So a *different* pool with the same mean gives the same published output: the last test
replaces the three pooled weightings by three others with the same mean (every voter at the
mean) and compares every page and export under every option, text for text.
"""

from __future__ import annotations

import copy
import io
import json
import re

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mcda.core import disclosure
from mcda.store import analysis_cache
from mcda.store import votes as sv
from tests.web.results_helpers import login_as

from .anonymity_world import OTHERS, build_room, normalised

VOTERS = {"Skövde": OTHERS["Skövde"], "Lidköping": OTHERS["Lidköping"],
          "Essunga": [[10.0, 1.0, 1.0]], "Hjo": [[3.0, 6.0, 2.0], [3.0, 6.0, 2.0]]}
POOLED = ("Essunga", "Hjo")
OPTIONS = ("", "?within=geometric", "?within=median", "?between=participants",
           "?between=population")
EXPORTS = ("roster.csv", "vikter.csv", "rangordning.csv", "etapper.csv", "anmarkningar.csv",
           "arbetsbok.xlsx", "analys.json")


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


@pytest.fixture
def room(app, client):
    return build_room(app, login_as(app, client), voters=VOTERS)


def _analysis(room, query: str = ""):
    from mcda.store import analysis_input

    opts = dict(p.split("=") for p in query.lstrip("?").split("&") if p)
    db = room.db()
    try:
        return analysis_cache.get_analysis(db, room.round_id, analysis_input.parse_options(opts))
    finally:
        db.conn.close()


def _xlsx_cells(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(" | ".join("" if v is None else repr(v) for v in row)
                     for ws in wb for row in ws.iter_rows(values_only=True))


CSRF = re.compile(r'(csrf_token" value="|X-CSRFToken": ")[^"]+')
SOLVE_MS = re.compile(r'"solve_ms": [0-9.e-]+|Det tog datorn \d+ millisekunder')  # a clock


def _published(client, room) -> dict[str, str]:
    """Every page and export of the round under every option, as text (workbook: cell
    values, so the full stored precision is compared; the time-stamped CSRF tokens of the
    pages' forms left out)."""
    out = {}
    for q in OPTIONS:
        for path in ("", "/projektor/live", "/rapport"):
            out[f"page{path}{q}"] = client.get(
                f"/resultat/{room.round_id}{path}{q}").get_data(as_text=True)
        for kind in EXPORTS:
            resp = client.get(f"/resultat/{room.round_id}/export/{kind}{q}")
            assert resp.status_code == 200, (kind, q)
            out[f"{kind}{q}"] = (_xlsx_cells(resp.data) if kind.endswith(".xlsx")
                                 else resp.data.decode("utf-8-sig"))
    out["projector"] = client.get(f"/resultat/{room.round_id}/projektor").get_data(as_text=True)
    out["planning"] = client.get(
        f"/etapper/{room.decision_id}?round={room.round_id}").get_data(as_text=True)
    return {k: SOLVE_MS.sub("solve_ms", CSRF.sub(r"\1…", v)) for k, v in out.items()}


def _revise_pool(room, rows: list[list[float]]) -> None:
    """The pooled participants revise their votes to ``rows`` (in their order)."""
    db = room.db()
    try:
        pooled = [v for v in sv.latest_votes(db, room.round_id) if v["municipality"] in POOLED]
        assert len(pooled) == len(rows) == 3
        keys = [str(c) for c in room.criteria]
        for v, values in zip(pooled, rows, strict=True):
            sv.record_vote(db, room.round_id, v["participant_id"],
                           revision=int(v["revision"]) + 1, method="direct",
                           payload={"values": dict(zip(keys, values, strict=True))},
                           weights=dict(zip(keys, normalised(values), strict=True)))
    finally:
        db.conn.close()
    analysis_cache.clear()


def test_the_attack_quantities_are_no_longer_published(room):
    ra = _analysis(room)
    out = ra.output
    assert set(out["groups"]) == {"Skövde", "Lidköping", disclosure.POOL}
    cons = out["consensus"]
    assert cons["left_out"] == [disclosure.POOL]
    assert cons["s_star_by_group"][disclosure.POOL] is None  # the pool's S*
    # η² ("Andel mellan kommuner") is the share between Skövde and Lidköping only
    pub = {g: np.array([normalised(w) for w in VOTERS[g]]) for g in ("Skövde", "Lidköping")}
    allw = np.vstack(list(pub.values()))
    grand = allw.mean(axis=0)
    between = sum(len(w) * (w.mean(axis=0) - grand) ** 2 for w in pub.values())
    eta = between / ((allw - grand) ** 2).sum(axis=0)
    shown = [cons["criteria"][str(c)]["between_share"] for c in room.criteria]
    assert np.allclose(shown, eta)
    # the per-criterion mean over all voters follows from the published group means
    means = np.array([[out["groups"][g]["weights"][str(c)] for c in room.criteria]
                      for g in ("Skövde", "Lidköping", disclosure.POOL)])
    expect = (3 * means[0] + 3 * means[1] + 3 * means[2]) / 9
    assert np.allclose([cons["criteria"][str(c)]["mean"] for c in room.criteria], expect)
    # no second aggregate of the pool: its geometric "mean" is its arithmetic mean
    geo = _analysis(room, "?within=geometric").output["groups"][disclosure.POOL]["weights"]
    assert geo == out["groups"][disclosure.POOL]["weights"]
    # the verdict counts the six published weightings only
    assert out["verdict"]["n_weightings"] == 6
    # no trade-off correlation over the pool's voters (six voters left: none tested with k)
    for t in out["conflicts"]["tradeoffs"]:
        assert t["k"] == 6


def test_the_workbook_holds_the_page_precision(client, room):
    wb = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/resultat/{room.round_id}/export/arbetsbok.xlsx?within=geometric").data))
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, float):
                    assert v == round(v, 3), (ws.title, v)


def test_a_different_pool_with_the_same_mean_publishes_the_same(client, room):
    """Essunga (10:1:1) and Hjo (3:6:2 twice) against three voters all at their mean: every
    page and export under every option reads the same."""
    truth = _published(client, room)
    m = np.mean([normalised(w) for g in POOLED for w in VOTERS[g]], axis=0)
    _revise_pool(room, [list(m)] * 3)
    assert not np.allclose(normalised(VOTERS["Essunga"][0]), m, atol=0.05)
    other = _published(client, room)
    diff = [k for k in truth if truth[k] != other[k]]
    assert not diff, diff



# --- the property: the pool enters the published output only through its count and mean -------

CRITS = ("tillganglighet", "kostnad", "ungdomar", "besoksnaring", "drift")
TOP, TOTAL = 8, 16  # every pooled rating has its largest value 8 and sums to 16: direct
# rating divides by both, so its weights are exact binary fractions and two pools with equal
# column sums have bit-for-bit equal means


def _pool_votes(draw_rows: list[list[int]]) -> list[dict]:
    return [{"participant": f"q{i}", "group": disclosure.POOL, "method": "direct",
             "values": dict(zip(CRITS, row, strict=True))} for i, row in enumerate(draw_rows)]


@st.composite
def _two_pools(draw, n=None, m: int = len(CRITS)):
    """A pool of 2–4 voters (or ``n``) and a different one with the same count and column
    sums (a mean-preserving swap of δ between two voters and two of ``m`` criteria)."""
    n = draw(n if n is not None else st.integers(2, 4))
    rows = []
    for _ in range(n):
        cuts = sorted(draw(st.lists(st.integers(0, TOTAL - TOP), min_size=m - 2,
                                    max_size=m - 2)))
        rest = [b - a for a, b in zip([0, *cuts], [*cuts, TOTAL - TOP], strict=True)]
        at = draw(st.integers(0, m - 1))
        rows.append(rest[:at] + [TOP] + rest[at:])
    moves = [(u, v, i, j, d) for u in range(n) for v in range(n) if u != v
             for i in range(m) for j in range(m) if i != j
             and TOP not in (rows[u][i], rows[u][j], rows[v][i], rows[v][j])
             for d in range(1, min(rows[u][i], rows[v][j]) + 1)
             if rows[u][j] + d <= TOP and rows[v][i] + d <= TOP]
    assume(moves)
    u, v, i, j, delta = draw(st.sampled_from(moves))
    other = [list(r) for r in rows]
    other[u][i] -= delta
    other[u][j] += delta
    other[v][i] += delta
    other[v][j] -= delta
    return rows, other


def _round(pool_rows: list[list[int]]) -> dict:
    """The example workshop with Mariestad replaced by a pool (phases, SMAA, plan paths)."""
    from tests.core.test_analysis_phasing import phased

    d = phased(value_method="smaa", paths=True)
    d["options"]["smaa"]["samples"] = 200
    d["votes"] = [v for v in d["votes"] if v["group"] != "Mariestad"] + _pool_votes(pool_rows)
    d["groups"] = {g: i for g, i in d["groups"].items() if g != "Mariestad"}
    d["groups"][disclosure.POOL] = {"population": 24800}
    for a in d["alternatives"]:
        if a.get("host") == "Mariestad":
            a["host"] = None
    return d


def _published_bytes(data: dict) -> bytes:
    """What the pages, exports, SMAA and the planning samples publish of one analysis."""
    from mcda.core.analysis import analyze
    from mcda.core.phasing import analysis_value_samples
    from mcda.web.planning.values import sample_source

    out = disclosure.scrub_output(analyze(copy.deepcopy(data)), len(data["votes"]))
    out["phasing"].pop("solve_ms")  # the solver's clock
    samples = analysis_value_samples(data, sample_source(out), [a["id"] for a in
                                                              data["alternatives"]], 64, 7)
    return json.dumps(out, sort_keys=True).encode() + samples.tobytes()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_two_pools())
def test_two_pools_with_the_same_summary_publish_the_same_bytes(pools):
    one, two = pools
    assert one != two
    a, b = _round(one), _round(two)
    assert _published_bytes(a) == _published_bytes(b)


@st.composite
def _two_small_pools(draw):
    """Three pooled weightings (Essunga's one, Hjo's two) and three others with the same
    column sums, each with largest value 8 and sum 16 (exact means, see ``TOP``)."""
    return draw(_two_pools(n=st.just(3), m=3))


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pools=_two_small_pools())
def test_two_pools_publish_the_same_pages_and_files(client, room, pools):
    """Through the running app: the results page, projector, report, planning page, CSV
    files, workbook cells and JSON export under every option read the same for two pools
    with the same count and mean (the A1 round; the pooled participants revise their votes)."""
    one, two = pools
    _revise_pool(room, one)
    first = _published(client, room)
    _revise_pool(room, two)
    second = _published(client, room)
    assert [k for k in first if first[k] != second[k]] == []


def test_the_page_says_why_figures_are_narrower(client, room):
    """The results page states, in plain Swedish, that the pool counts only through its
    combined weights and why the S* of the municipalities is missing."""
    from tests.helpers import visible_text

    text = " ".join(visible_text(
        client.get(f"/resultat/{room.round_id}").get_data(as_text=True)).split())
    assert "Övriga kommuner har färre än 10 röster och räknas här bara med sina " \
           "sammanslagna vikter" in text
    assert "andelen räknar bara de namngivna kommunernas viktningar" in text
    assert "kommer först med 100 % av viktningarna i de namngivna kommunerna" in text
    assert "Konsensus S* inom en kommun visas bara när kommunen har minst 10 röster" in text


def test_spreads_need_ten_weightings_besides_the_pool(app, client):
    """Twelve voters, three of them pooled: the SD, IQR and median rest on the nine published
    weightings only, fewer than ten, so they are not published (disclosure rule 6)."""
    voters = {**VOTERS, "Mariestad": [[2.0, 2.0, 6.0], [1.0, 3.0, 6.0], [2.0, 3.0, 5.0]]}
    room = build_room(app, login_as(app, client), voters=voters)
    out = _analysis(room).output
    assert out["consensus"]["left_out"] == [disclosure.POOL]
    for st_ in out["consensus"]["criteria"].values():
        assert st_["sd"] is None and st_["iqr"] is None and st_["median"] is None
    # ten published weightings: shown
    more = {**voters, "Mariestad": [*voters["Mariestad"], [3.0, 3.0, 4.0]]}
    analysis_cache.clear()
    room = build_room(app, None, voters=more)
    out = _analysis(room).output
    assert all(st_["sd"] is not None for st_ in out["consensus"]["criteria"].values())


def test_the_tablet_verdict_names_whose_weightings_the_share_counts(app, room):
    from mcda.web.participate.context import RegionView
    from mcda.web.participate.view_models import verdict_words

    model = _analysis(room).model
    view = RegionView(n_voters=9, k=3, visible=True, verdict=model.verdict,
                      named_only=bool(model.consensus.left_out))
    with app.test_request_context("/"):
        text = verdict_words(view)
    assert text.endswith("av viktningarna i de namngivna kommunerna."), text


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_two_pools())
def test_weights_per_role_publish_nothing_more_of_a_small_pool(pools):
    """Found in review (docs24): the weights per role combined the pooled voters' own vectors
    under the round's within-group rule, so under ``within=geometric`` two pools with the same
    count and mean gave different role weights (0.221 against 0.226)."""
    one, two = pools
    a, b = _round(one), _round(two)
    for d in (a, b):
        d["options"]["within_group"] = "geometric"
        for i, v in enumerate(d["votes"]):
            v["role"] = "politiker" if i % 2 else "tjansteperson"
    assert _published_bytes(a) == _published_bytes(b)
