"""The facilitator's outcome form. The store checks the values (length, date, address,
diarienummer, a reason where the decision differs from the verdict) and names the field;
the form carries them and shows the store's message on that field."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, ValidationError

from mcda.store import outcomes as store_outcomes
from mcda.store.numbers import parse_int

NONE_CHOSEN = "ingen"


class OutcomeForm(FlaskForm):
    round_id = SelectField(_l("Workshopens besked från"), choices=[], validate_choice=False)
    text = TextAreaField(_l("Vad beslutades?"),
                         render_kw={"rows": 6, "maxlength": store_outcomes.TEXT_MAX})
    decided_on = StringField(_l("Beslutsdatum"), render_kw={"type": "date"})
    body = StringField(_l("Vem beslutade?"),
                       render_kw={"maxlength": store_outcomes.BODY_MAX,
                                  "autocomplete": "organization"})
    minutes_url = StringField(_l("Länk till protokollet (valfri)"),
                              render_kw={"type": "url", "inputmode": "url",
                                         "spellcheck": "false"})
    diarienummer = StringField(_l("Diarienummer (valfritt)"),
                               render_kw={"maxlength": store_outcomes.DIARIENUMMER_MAX,
                                          "spellcheck": "false"})
    chosen = SelectField(_l("Vilket alternativ kom först i beslutet?"), choices=[],
                         validate_choice=False)
    differs_reason = TextAreaField(_l("Varför skiljer sig beslutet från workshopens besked?"),
                                   render_kw={"rows": 4,
                                              "maxlength": store_outcomes.REASON_MAX})

    def validate_chosen(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Välj ett alternativ, eller ”Inget av alternativen”."))

    def values(self) -> dict[str, Any]:
        """The posted values as the store takes them (ids as int, "none chosen" as None)."""
        chosen = self.chosen.data
        return {"text": self.text.data, "decided_on": self.decided_on.data,
                "body": self.body.data, "minutes_url": self.minutes_url.data,
                "diarienummer": self.diarienummer.data,
                "round_id": parse_int(self.round_id.data or ""),
                "chosen_id": None if chosen in (None, "", NONE_CHOSEN) else parse_int(chosen),
                "differs_reason": self.differs_reason.data}


def form_data(outcome: dict[str, Any] | None, round_id: int | None) -> dict[str, Any]:
    """The form's initial values: the stored outcome, else an empty one on ``round_id``."""
    if outcome is None:
        return {"round_id": str(round_id or ""), "chosen": ""}
    return {**{k: outcome[k] for k in ("text", "decided_on", "body", "minutes_url",
                                       "diarienummer", "differs_reason")},
            "round_id": str(round_id or ""),
            "chosen": NONE_CHOSEN if outcome["chosen_id"] is None else str(outcome["chosen_id"])}
