"""Issue 24 point 7: the privacy notice describes both kinds of round, what is shown when,
the residual risks and the join check, in Swedish and English, and docs/security.md carries
the same for the data-protection officer (kept honest by this test)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import visible_text

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"

SWEDISH = [
    "Kommunernas röster", "Anonyma deltagare",
    "hur många som än har viktat för den",
    "Är du ensam från din kommun blir dina vikter kommunens vikter",
    "ingen motivering kopplas till en kommun",
    "Övriga kommuner", "läggs de minsta av de andra kommunerna till",
    "först när omgången är stängd", "Öppnas omgången igen tas visningen bort",
    "ändras inte längre vilka kommuner som slås ihop",
    "bara emot värden på reglagets steg",
    "färre än 10 viktningar, eller räknas utan Övriga kommuner",
    "samma antal decimaler som sidan",
    "aldrig en sammanslagen deltagares egen viktning",
    "två delegater från samma kommun kan räkna ut varandras vikter",
    "gränsen räknar deltagare, inte personer",
    "Kontrollerar …", "HMAC", "tio minuter",
]
ENGLISH = [
    "Municipalities' voices", "Anonymous participants",
    "your weights become the municipality's weights",
    "Other municipalities", "only once the round is closed", "withdrawn until it closes again",
    "only values on the slider's steps", "fewer than 10 weightings",
    "same number of decimals as the page", "never use a merged participant's own weighting",
    "two delegates from the same municipality", "counts participants, not people",
    "Checking …", "HMAC", "ten minutes",
]


def test_privacy_page_describes_both_kinds_and_the_residual_risks(client):
    text = visible_text(client.get("/personuppgifter").get_data(as_text=True))
    missing = [s for s in SWEDISH if s not in text]
    assert not missing, missing


def test_privacy_page_in_english(client):
    client.get("/?lang=en")
    text = visible_text(client.get("/personuppgifter").get_data(as_text=True))
    missing = [s for s in ENGLISH if s not in text]
    assert not missing, missing


def test_security_doc_covers_both_kinds_and_the_join_check():
    doc = DOCS.read_text(encoding="utf-8")
    for needle in ("## Two kinds of round (issue 24)", "Kommunernas röster", "Anonyma deltagare",
                   "## Join codes: a growing proof of work (issue 24, point 6)",
                   "tests/web/test_join_check.py", "tests/browser/test_join_check.py",
                   "bench/bench_join_guessing.py", "31^8"):
        assert needle in doc, needle
