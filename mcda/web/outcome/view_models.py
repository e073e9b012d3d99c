"""Plain values of the outcome pages, from the outcome row and the round's verdict (data in,
values out: no database, request or session)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from mcda.store import outcomes as store_outcomes


def verdict_part(verdict: Any) -> dict[str, Any] | None:
    """What the pages show of the workshop's verdict: its round, its first sentences (what
    comes first and how sure) and the model that computed it."""
    if verdict is None:
        return None
    plain = verdict.plain
    return {"round_number": verdict.rnd["number"], "round_id": verdict.rnd["id"],
            "first": plain["first"], "tied": plain["tied"], "lines": plain["lines"][:2],
            "model": plain["model"]}


def comparison(outcome: dict[str, Any] | None, verdict: Any) -> dict[str, Any] | None:
    """Whether the decision follows the verdict, in words, with the facilitator's reason
    where it differs; None without an outcome or a verdict."""
    if outcome is None or verdict is None:
        return None
    first = " / ".join(verdict.plain["tied"]) or verdict.plain["first"]
    if not store_outcomes.differs(outcome["chosen_id"], verdict.first_ids):
        return {"differs": False, "text": _("Beslutet följer workshopens besked: %(first)s "
                                            "kom först i båda.", first=first)}
    chosen = outcome.get("chosen_name")
    text = (_("Beslutet skiljer sig från workshopens besked: %(chosen)s kom först i beslutet, "
              "%(first)s i workshopen.", chosen=chosen, first=first) if chosen else
            _("Beslutet skiljer sig från workshopens besked: inget av workshopens alternativ "
              "kom först i beslutet (i workshopen kom %(first)s först).", first=first))
    return {"differs": True, "text": text, "reason": outcome["differs_reason"]}


def outcome_part(outcome: dict[str, Any] | None) -> dict[str, Any] | None:
    """The decision as the pages show it (the date in the reader's language)."""
    if outcome is None:
        return None
    return {"text": outcome["text"], "body": outcome["body"],
            "decided_on": format_date(date.fromisoformat(outcome["decided_on"]), "long"),
            "decided_on_iso": outcome["decided_on"], "minutes_url": outcome["minutes_url"],
            "diarienummer": outcome["diarienummer"], "chosen_name": outcome.get("chosen_name")}


def page(decision_title: str, outcome: dict[str, Any] | None, verdict: Any, *,
         public: bool = False) -> dict[str, Any]:
    """The template values of ``outcome/public.html`` (``public``: for participants, who see
    the verdict only on the tablet's broad base; staff pages always see it)."""
    withheld = public and verdict is not None and not verdict.public
    if withheld:
        verdict = None
    return {"title": decision_title, "outcome": outcome_part(outcome),
            "verdict": verdict_part(verdict), "comparison": comparison(outcome, verdict),
            "withheld": withheld}


def overview_rows(items: list[tuple[dict[str, Any], Any, Any]]) -> list[dict[str, Any]]:
    """One row per decision for the secretariat: title, the decision, the verdict beside it."""
    return [{"id": d["id"], "title": d["title"], "archived": d.get("archived"),
             **page(d["title"], oc, v)} for d, oc, v in items]
