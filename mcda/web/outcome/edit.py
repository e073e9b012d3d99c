"""The facilitator's outcome form as one object: the decision's rounds, the round the
outcome is set beside (and its verdict), the alternatives, the form and saving it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from mcda.store.numbers import parse_int
from mcda.web.outcome import context, view_models
from mcda.web.outcome.forms import NONE_CHOSEN, OutcomeForm, form_data


def field_error(form: Any, field: str, message: str) -> None:
    """Put a store refusal on the field it names (the store's names are the form's, apart
    from ``chosen_id``), or at the top of the form."""
    name = "chosen" if field == "chosen_id" else field
    f = getattr(form, name, None)
    if f is not None and hasattr(f, "errors") and name != "csrf_token":
        f.errors = [*f.errors, message]
    else:
        form.form_errors.append(message)


@dataclass
class EditState:
    decision: dict[str, Any]
    rounds: list[dict[str, Any]]
    outcome: dict[str, Any] | None
    verdict: context.RoundVerdict | None
    form: OutcomeForm

    @classmethod
    def load(cls, decision: dict[str, Any], asked: str | None) -> EditState:
        """The state for ``decision``; the round is ``?omgang=`` (the round picker), else the
        posted one, else the outcome's, else the latest closed round with votes."""
        rounds = context.voted_rounds(decision["id"])
        outcome = context.outcome(decision["id"])
        rnd = context.default_round(rounds, outcome)
        form = OutcomeForm(data=form_data(outcome, rnd["id"] if rnd else None))
        wanted = parse_int(asked or "") or parse_int(form.round_id.data or "")
        rnd = next((r for r in rounds if r["id"] == wanted), rnd)
        form.round_id.choices = [(str(r["id"]), _("Omgång %(n)s", n=r["number"]))
                                 for r in rounds]
        form.round_id.data = str(rnd["id"]) if rnd else ""
        form.chosen.choices = [("", _("Välj …"))] + [
            (str(a["id"]), a["name"]) for a in context.alternatives(decision["id"])] + [
            (NONE_CHOSEN, _("Inget av alternativen"))]
        return cls(decision, rounds, outcome, context.verdict_of(rnd), form)

    def save(self) -> None:
        context.save(self.decision["id"], self.form.values(), self.verdict)

    def values(self) -> dict[str, Any]:
        return {"form": self.form, "rounds": self.rounds,
                "verdict": view_models.verdict_part(self.verdict),
                "first_ids": self.verdict.first_ids if self.verdict else [],
                "outcome": view_models.outcome_part(self.outcome)}
