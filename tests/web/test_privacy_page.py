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
    "aldrig med kommun eller roll",
    "Övriga kommuner", "läggs de minsta av de andra kommunerna till",
    "först när omgången är stängd", "Öppnas omgången igen tas visningen bort",
    # A2 as merged: not shown again after a change of pooling or a change by fewer than k
    "visas inte för dem igen om nya viktningar har ändrat vilka kommuner som slås ihop",
    "ändrats av färre än k deltagare sedan resultaten senast visades",
    "bara emot hela steg",
    # the 10-vote rule (stats, A1)
    "Regeln om 10 viktningar", "alltid som ett vanligt medelvärde",
    "räknas då utan gruppens deltagare", "minst 10 viktningar",
    "samma antal decimaler som sidan", "även bladen för omräkning",
    "aldrig en sammanslagen deltagares egen viktning",
    "en ensam delegats vikter visas med kommunens namn",
    "två delegater från samma kommun kan räkna ut varandras vikter",
    "gränsen räknar deltagare, inte personer",
    "ser resultaten medan omgången är öppen",
    "En surfplatta utan JavaScript kan inte gå med",
    "Vad hände sedan?", "bara för en stängd omgång vars resultat processledaren har visat",
    "Kontrollerar …", "HMAC", "tio minuter",
]
ENGLISH = [
    "Municipalities' voices", "Anonymous participants",
    "your weights become the municipality's weights",
    "Other municipalities", "only once the round is closed", "withdrawn until it closes again",
    "are not shown to them again if new weightings have changed which municipalities are merged",
    "changed by fewer than k participants",
    "only whole steps", "The 10-weighting rule", "always an ordinary average",
    "at least 10 weightings",
    "same number of decimals as the page", "never a merged participant's own weighting",
    "a lone delegate's weights", "two delegates from the same municipality",
    "counts participants, not people", "A tablet without JavaScript cannot join",
    "What happened next?", "only for a closed round whose results the facilitator has shown",
    "Checking …", "HMAC", "ten minutes",
]
# Statements that were once on the page and are false for the merged code (issue 24).
FALSE_SWEDISH = [
    "ändras inte längre vilka kommuner som slås ihop",  # pooling can change; results not re-shown
    "raderas senast",  # nothing is deleted without a disposal decision
]


def test_privacy_page_describes_both_kinds_and_the_residual_risks(client):
    text = visible_text(client.get("/personuppgifter").get_data(as_text=True))
    missing = [s for s in SWEDISH if s not in text]
    assert not missing, missing
    stale = [s for s in FALSE_SWEDISH if s in text]
    assert not stale, stale


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
