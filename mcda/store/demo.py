"""Invented example data ("Påhittade exempeldata") so every view has something to show.

Two decisions for Skaraborg, each with one closed, revealed round of synthetic votes
(≥ 45 participants, every municipality ≥ 3) in three recognisable camps:

- *centralorterna*: the larger towns weight reach/accessibility and attractiveness;
- *samverkan*: the smaller municipalities weight co-operation, spread and running cost;
- *hållbarhet*: a minority everywhere that weights sustainability and cultural heritage.

Votes are generated from a fixed seed with :class:`random.Random` (reproducible), are
expressed in every elicitation method, and their weights come from the decision core's
:func:`mcda.core.elicitation.vote_weights`, exactly as the participant pages compute them.
Loading is idempotent: a demo decision (``is_demo = 1``) with the same title is never
created twice. Everything is done in one transaction (all or nothing).
"""

from __future__ import annotations

import random
from typing import Any

from sqlite_utils import Database

from . import decisions as dec
from . import items
from . import municipalities as munis
from . import participants as parts
from . import rounds as rnds
from . import votes as vts
from .db import transaction

SEED = 20260415
NOTE = "Påhittade exempeldata för att prova Vägval – inga verkliga beslut eller bedömningar."

# Participants per municipality (≥ 3 everywhere, a few more in the larger towns): 52.
PARTICIPANTS = {
    "Essunga": 3, "Falköping": 4, "Grästorp": 3, "Gullspång": 3, "Götene": 3, "Hjo": 3,
    "Karlsborg": 3, "Lidköping": 5, "Mariestad": 4, "Skara": 3, "Skövde": 6, "Tibro": 3,
    "Tidaholm": 3, "Töreboda": 3, "Vara": 3,
}
TOWNS = {"Skövde", "Lidköping", "Falköping", "Mariestad", "Skara"}
METHOD_SHARES = (("direct", 0.35), ("points", 0.30), ("ranking", 0.20), ("pairwise", 0.15))
ROLE_CHOICES = ("fortroendevald", "tjansteperson", "forskare", "annan", None)
SAATY = (1, 2, 3, 4, 5, 6, 7, 8, 9)

# --- Kulturell infrastruktur ---------------------------------------------------------------

CULTURE_TITLE = "Kulturell infrastruktur 2026–2035"
CULTURE_DESCRIPTION = (
    NOTE + " Vilka kulturinvesteringar i Skaraborg ska prioriteras under perioden 2026–2035? "
    "Kostnader i miljoner kronor (MSEK), nyttor bedömda på en skala 1–10."
)
# name, description, direction
CULTURE_CRITERIA = (
    ("Räckvidd och tillgänglighet",
     "Hur många invånare i Skaraborg som når satsningen inom rimlig restid, även utan bil.",
     "benefit"),
    ("Attraktivitet",
     "Hur mycket satsningen stärker regionens dragningskraft för boende, besökare och företag.",
     "benefit"),
    ("Barn och unga",
     "Hur väl satsningen ger barn och unga möjlighet att delta i och skapa kultur.", "benefit"),
    ("Samverkan mellan kommuner",
     "Hur mycket satsningen bygger på och stärker samarbete mellan flera kommuner.", "benefit"),
    ("Hållbarhet",
     "Hur väl satsningen bidrar till ekologisk och social hållbarhet i bygge och drift.",
     "benefit"),
    ("Kulturarv och identitet",
     "Hur mycket satsningen tar vara på och levandegör Skaraborgs kulturarv.", "benefit"),
    ("Investeringskostnad",
     "Engångskostnad för att bygga eller genomföra satsningen, i miljoner kronor (MSEK).",
     "cost", "MSEK"),
    ("Driftkostnad",
     "Årlig kostnad för drift och bemanning, i miljoner kronor per år (MSEK/år).", "cost",
     "MSEK/år"),
)
# name, municipality, cost (MSEK), earliest phase, description, scores (criterion order)
CULTURE_ALTERNATIVES = (
    ("Kulturhus vid resecentrum", "Skövde", 420.0, 2,
     "Nytt kulturhus med scen, bibliotek och kulturskola vid Skövde resecentrum.",
     (9, 8, 7, 5, 6, 4, 420, 22)),
    ("Konsthall och kreativt centrum", "Lidköping", 180.0, 1,
     "Ombyggnad av industrilokaler vid hamnen till konsthall, ateljéer och makerspace.",
     (7, 8, 6, 5, 7, 7, 180, 11)),
    ("Scenkonsthus", "Falköping", 240.0, 2,
     "Gemensamt scenkonsthus för teater, dans och gästspel från hela delregionen.",
     (7, 7, 6, 7, 5, 5, 240, 14)),
    ("Hamnmagasinet – kultur vid Vänern", "Mariestad", 95.0, 1,
     "Ett gammalt hamnmagasin blir mötesplats med utställningar och sommarscen.",
     (6, 7, 5, 4, 6, 7, 95, 5)),
    ("Kulturarvscentrum vid domkyrkan", "Skara", 120.0, 2,
     "Besökscentrum om Skaras och Skaraborgs historia med skolprogram.",
     (5, 6, 6, 5, 5, 10, 120, 6)),
    ("Ungdomens kulturverkstad", "Tidaholm", 45.0, 1,
     "Verkstad för musik, film och spel för unga i en äldre industribyggnad.",
     (4, 4, 10, 4, 6, 6, 45, 3.5)),
    ("Vätternscenen", "Hjo", 35.0, 1,
     "Utomhusscen vid Vättern för konserter och sommarteater.",
     (4, 6, 5, 5, 6, 5, 35, 1.5)),
    ("Digitalt besökscentrum på fästningen", "Karlsborg", 75.0, 3,
     "Digitala utställningar och guidning på Karlsborgs fästning.",
     (4, 6, 5, 4, 5, 9, 75, 3)),
    ("Regional musikskola vid konserthuset", "Vara", 85.0, 2,
     "Utbyggnad med lokaler för en musikskola som drivs gemensamt av flera kommuner.",
     (5, 5, 9, 8, 5, 4, 85, 6)),
    ("Kulturbussen – scen och bibliotek på hjul", "Götene", 18.0, 1,
     "Buss med bibliotek och liten scen som turnerar i landsbygd och mindre orter.",
     (8, 3, 7, 9, 6, 4, 18, 4)),
    ("Bibliotek och kulturskola i Hova", "Gullspång", 40.0, 3,
     "Samlokaliserat bibliotek, kulturskola och föreningslokal.",
     (3, 3, 8, 6, 7, 5, 40, 2.5)),
)
# Importance profiles (criterion order, 0–10) per camp.
CULTURE_CAMPS = {
    "centralorterna": (9, 9, 6, 3, 4, 5, 3, 3),
    "samverkan": (6, 3, 7, 9, 4, 5, 5, 9),
    "hållbarhet": (5, 3, 6, 5, 10, 8, 3, 4),
}

# --- Tillväxtetapper -----------------------------------------------------------------------

GROWTH_TITLE = "Tillväxtetapper"
GROWTH_DESCRIPTION = (
    NOTE + " I vilken ordning ska Skaraborg växa? Fyra satsningar på bostäder, "
    "kollektivtrafik och service som byggs ut i etapper, bedömda på en skala 1–10 och i MSEK."
)
GROWTH_CRITERIA = (
    ("Regional tillgänglighet",
     "Hur mycket restiden mellan bostäder, jobb och studier minskar i hela delregionen.",
     "benefit"),
    ("Bostadsbyggande",
     "Hur många nya bostäder som realistiskt kan byggas under de första etapperna.", "benefit"),
    ("Jämlik utveckling",
     "Hur jämnt nyttan fördelas mellan stora och små kommuner.", "benefit"),
    ("Klimatpåverkan",
     "Utsläpp från trafik och byggande jämfört med i dag (index, lägre är bättre).", "cost",
     "index"),
    ("Genomförbarhet",
     "Hur lätt satsningen är att genomföra med dagens planer, ägande och finansiering.",
     "benefit"),
    ("Investeringsbehov",
     "Offentliga investeringar som satsningen kräver, i miljoner kronor (MSEK).", "cost",
     "MSEK"),
)
GROWTH_ALTERNATIVES = (
    ("Utbyggnad längs stråket Skövde–Lidköping", "Skövde", 2400.0, 1,
     "Bostäder och tät kollektivtrafik längs stråket Skövde–Skara–Lidköping.",
     (9, 8, 3, 4, 7, 2400)),
    ("Nya bostäder i centralorterna", "Falköping", 3100.0, 1,
     "Nya bostadsområden i Skövde, Lidköping, Falköping och Mariestad, knutna till stråket.",
     (7, 7, 6, 5, 5, 3100)),
    ("Förtätning kring stationsorterna", "Töreboda", 1900.0, 1,
     "Bostäder och service kring tågstationerna längs Västra stambanan och Kinnekullebanan.",
     (8, 6, 6, 3, 6, 1900)),
    ("Service och bostäder i mindre orter", "Tidaholm", 2800.0, 1,
     "Bostäder, skola och service i de mindre orterna i alla 15 kommuner.",
     (5, 5, 9, 7, 4, 2800)),
)
GROWTH_PHASES = (
    ("Etapp 1", "2026–2029", 2500.0),
    ("Etapp 2", "2030–2033", 3200.0),
    ("Etapp 3", "2034–2037", 2900.0),
)
"""The growth decision's phases and budgets (MSEK): together less than all four investments
cost, so the plan shows which comes when and which waits (issue 23 item 8: the demo called
"Tillväxtetapper" has phases and a plan)."""
GROWTH_PREREQUISITES = (
    ("Nya bostäder i centralorterna", "Utbyggnad längs stråket Skövde–Lidköping"),
)
"""The central towns' new districts are tied together only once the corridor runs."""
GROWTH_CAMPS = {
    "centralorterna": (9, 8, 3, 4, 7, 4),
    "samverkan": (5, 5, 10, 4, 4, 6),
    "hållbarhet": (7, 4, 6, 10, 4, 3),
}


def _camp(rng: random.Random, municipality: str) -> str:
    home = "centralorterna" if municipality in TOWNS else "samverkan"
    other = "samverkan" if home == "centralorterna" else "centralorterna"
    x = rng.random()
    if x < 0.70:
        return home
    if x < 0.92:
        return "hållbarhet"
    return other


def _method(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for method, share in METHOD_SHARES:
        acc += share
        if x < acc:
            return method
    return METHOD_SHARES[-1][0]


def _points(importance: list[float]) -> list[int]:
    """100 points proportional to ``importance`` (largest remainder, exact sum)."""
    total = sum(importance)
    raw = [100 * v / total for v in importance]
    pts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - pts[i], reverse=True)
    for i in order[: 100 - sum(pts)]:
        pts[i] += 1
    return pts


def _saaty(ratio: float) -> float:
    """Nearest Saaty judgement (1–9 or its reciprocal) for an importance ratio."""
    if ratio >= 1:
        return float(min(SAATY, key=lambda s: abs(s - ratio)))
    return 1.0 / min(SAATY, key=lambda s: abs(s - 1 / ratio))


def _express(
    rng: random.Random, method: str, importance: list[float], crit_ids: list[int]
) -> dict[str, Any]:
    """The participant-web payload for ``importance`` expressed with ``method``."""
    keys = [str(c) for c in crit_ids]
    if method == "direct":
        ratings = [max(0, min(10, round(v))) for v in importance]
        return {"values": dict(zip(keys, ratings, strict=True))}
    if method == "points":
        return {"values": dict(zip(keys, _points(importance), strict=True))}
    if method == "ranking":
        # Dense ranks of the rounded importance: equal values are "lika viktigt".
        rounded = [round(v) for v in importance]
        levels = sorted(set(rounded), reverse=True)
        return {"ranks": {k: levels.index(r) + 1 for k, r in zip(keys, rounded, strict=True)}}
    n = len(importance)
    sloppiness = rng.choice((0.15, 0.3, 0.6))
    matrix = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            # Extra judgement noise makes the consistency ratios realistic (some > 0.1).
            ratio = importance[i] / importance[j] * rng.lognormvariate(0, sloppiness)
            matrix[i][j] = _saaty(ratio)
            matrix[j][i] = 1.0 / matrix[i][j]
    return {"matrix": matrix, "criteria": list(crit_ids)}


def _weights(method: str, payload: dict[str, Any], crit_ids: list[int]):
    from mcda.core.elicitation import vote_weights

    keys = [str(c) for c in crit_ids]
    if method == "pairwise":
        w, res = vote_weights("pairwise", matrix=payload["matrix"])
        cr = None if res is None else float(res.cr)
    else:
        field = "ranks" if method == "ranking" else "values"
        w, _ = vote_weights(method, values=[payload[field][k] for k in keys])
        cr = None
    total = float(sum(w))
    return {k: float(x) / total for k, x in zip(keys, w, strict=True)}, cr


def _create_decision(
    db: Database,
    owner_id: int | None,
    title: str,
    description: str,
    criteria: tuple,
    alternatives: tuple,
) -> tuple[int, list[int]]:
    decision_id = dec.create_decision(db, owner_id, title, description)
    db.execute("UPDATE decisions SET is_demo = 1 WHERE id = ?", [decision_id])
    crit_ids = [  # (name, description, direction[, unit]): the unit where the text names one
        items.add_criterion(db, decision_id, c[0], c[1], c[2], unit=c[3] if len(c) > 3 else None)
        for c in criteria
    ]
    for name, municipality, cost, phase, description, scores in alternatives:
        alt_id = items.add_alternative(
            db, decision_id, name, f"{description} (Påhittat exempel.)",
            municipality_id=municipality, cost=cost, earliest_phase=phase,
        )
        for cid, value in zip(crit_ids, scores, strict=True):
            items.set_score(db, alt_id, cid, float(value))
    return decision_id, crit_ids


def _vote_round(
    db: Database, rng: random.Random, round_id: int, crit_ids: list[int], camps: dict
) -> None:
    rnds.open_round(db, round_id)
    municipalities = {m["name"]: m["id"] for m in munis.list_municipalities(db)}
    for name, count in PARTICIPANTS.items():
        for _ in range(count):
            token = f"demo-{rng.getrandbits(128):032x}"
            role = rng.choice(ROLE_CHOICES)
            part = parts.join_round(db, round_id, token, municipalities[name], role)
            profile = camps[_camp(rng, name)]
            revisions = 2 if rng.random() < 0.2 else 1
            for revision in range(1, revisions + 1):
                importance = [max(0.5, min(10.0, p + rng.gauss(0, 1.3))) for p in profile]
                method = _method(rng)
                payload = _express(rng, method, importance, crit_ids)
                weights, cr = _weights(method, payload, crit_ids)
                vts.record_vote(
                    db, round_id, part["id"], revision=revision, method=method,
                    payload=payload, weights=weights, consistency_ratio=cr,
                )
    rnds.close_round(db, round_id)
    rnds.set_revealed(db, round_id, True)


def load_demo(db: Database, owner_id: int | None = None) -> list[int]:
    """Load the demo decisions if missing; return their ids (idempotent).

    An existing demo decision without an owner is given to ``owner_id``.
    """
    munis.ensure_municipalities(db)
    rng = random.Random(SEED)
    ids: list[int] = []
    with transaction(db):
        for title, description, criteria, alternatives, camps, open_round2 in (
            (CULTURE_TITLE, CULTURE_DESCRIPTION, CULTURE_CRITERIA, CULTURE_ALTERNATIVES,
             CULTURE_CAMPS, True),
            (GROWTH_TITLE, GROWTH_DESCRIPTION, GROWTH_CRITERIA, GROWTH_ALTERNATIVES,
             GROWTH_CAMPS, False),
        ):
            existing = db.execute(
                "SELECT id, owner_id FROM decisions WHERE is_demo = 1 AND title = ?", [title]
            ).fetchone()
            if existing is not None:
                if existing["owner_id"] is None and owner_id is not None:
                    db.execute(
                        "UPDATE decisions SET owner_id = ? WHERE id = ?", [owner_id, existing["id"]]
                    )
                ids.append(int(existing["id"]))
                continue
            decision_id, crit_ids = _create_decision(
                db, owner_id, title, description, criteria, alternatives
            )
            round1 = rnds.create_round(
                db, decision_id, methods=list(rnds.METHODS), title="Omgång 1 (exempel)"
            )
            _vote_round(db, rng, round1, crit_ids, camps)
            if open_round2:
                round2 = rnds.next_round(db, round1)
                rnds.set_title(db, round2, "Omgång 2 – prova att vikta")
                rnds.open_round(db, round2)
            ids.append(decision_id)
    # Growth phases, budgets and prerequisites for the culture decision (idempotent: a
    # decision that already has phases is left alone), so the planning page has a plan.
    from .phases import load_demo_phases
    from .scenarios import load_demo_scenarios

    culture = load_demo_phases(db)
    if culture is not None:  # three scenarios worth comparing (issue 15)
        load_demo_scenarios(db, culture)
    _load_growth_phases(db)
    return ids


def _load_growth_phases(db: Database) -> None:
    """Phases, budgets and a prerequisite for "Tillväxtetapper" (idempotent: a decision that
    already has phases is left alone, as :func:`mcda.store.phases.load_demo_phases`)."""
    from .phases import add_phase, add_prerequisite, list_phases, set_settings

    row = db.execute("SELECT id FROM decisions WHERE is_demo = 1 AND title = ?",
                     [GROWTH_TITLE]).fetchone()
    if row is None or list_phases(db, int(row["id"])):
        return
    decision_id = int(row["id"])
    by_name = {a["name"]: a["id"] for a in items.list_alternatives(db, decision_id)}
    with transaction(db):
        for name, period, budget in GROWTH_PHASES:
            add_phase(db, decision_id, name, budget, period)
        for alt, req in GROWTH_PREREQUISITES:
            if alt in by_name and req in by_name:
                add_prerequisite(db, by_name[alt], by_name[req])
        set_settings(db, decision_id, min_one_by_phase=None, max_share=None, discount=0.0)
