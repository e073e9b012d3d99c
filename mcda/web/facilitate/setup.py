"""The guided set-up's form fields beyond the shared forms: the decision's ranking model
(with the reason another model needs) and a criterion's unit. Kept in the facilitator's
package: only its pages ask for them."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from mcda.store import decisions as store_decisions
from mcda.store import filing as store_filing
from mcda.store.errors import StoreError
from mcda.web.kit.forms import CriterionForm, DecisionForm
from mcda.web.kit.i18n import error_text

DEFAULT_MODEL_HINT = _l(
    "Vägval räknar ut varje alternativs värde på varje kriterium på en skala från 0 till 1 och "
    "lägger ihop värdena med rummets vikter. Det är vad vikterna betyder som avvägningar mellan "
    "kriterierna, därför är det förvalt.")


def model_choices() -> list[tuple[str, str]]:
    """(id, plain name in the page's language), the default first."""
    en = str(get_locale() or "sv").startswith("en")
    return [(m["id"], m["name_en"] if en else m["name_sv"])
            for m in store_decisions.model_choices()]


class DecisionSetupForm(DecisionForm):
    """Title and description, the ranking model every surface uses, and the optional
    diarienummer printed on every output (issue 26)."""

    model = RadioField(_l("Rangordningsmodell"), default="value", validate_choice=False)
    model_reason = TextAreaField(
        _l("Varför en annan modell?"),
        validators=[Optional(), Length(max=1000, message=_l("Motivering: högst 1000 tecken."))],
    )

    diarienummer = StringField(_l("Diarienummer"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model.choices = model_choices()

    def validate_diarienummer(self, field: Any) -> None:
        """The store's rule (length, characters), its Swedish message on the field."""
        try:
            field.data = store_filing.clean_diarienummer(field.data)
        except StoreError as exc:
            raise ValidationError(error_text(exc)) from exc

    def validate_model(self, field: Any) -> None:
        if field.data not in dict(self.model.choices):
            raise ValidationError(str(_l("Rangordningsmodell: välj en modell i listan.")))

    def validate_model_reason(self, field: Any) -> None:
        if self.model.data != "value" and not (field.data or "").strip():
            raise ValidationError(str(_l(
                "Varför en annan modell? Skriv varför, det visas med resultaten.")))


class CriterionUnitForm(CriterionForm):
    """A criterion with its unit (shown in the score matrix's headers)."""

    unit = StringField(
        _l("Enhet"),
        validators=[Optional(), Length(max=40, message=_l("Enhet: högst 40 tecken."))],
    )
