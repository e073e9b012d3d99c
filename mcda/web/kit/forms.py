"""WTForms for the facilitator (and the login form).

Every validator message is Swedish and names the field, so a facilitator knows what to fix
without guessing. Numbers accept the Swedish decimal comma (``3,5``) via
:func:`mcda.store.csv_io.parse_number`.
"""

from __future__ import annotations

import re
from typing import Any

import wtforms
from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from mcda.store.csv_io import MAX_CSV_BYTES, NumberError, parse_number
from mcda.store.numbers import parse_int

METHOD_CHOICES = [
    ("direct", _l("Skjutreglage")),
    ("points", _l("100 poäng")),
    ("ranking", _l("Rangordning")),
    ("pairwise", _l("Parvisa jämförelser")),
]
DIRECTION_CHOICES = [
    ("benefit", _l("Nytta (mer är bättre)")),
    ("cost", _l("Kostnad (mindre är bättre)")),
]


def choices(pairs: list[tuple[str, Any]]) -> list[Any]:
    """(value, label) pairs as WTForms choices (``SelectChoice`` where WTForms has it)."""
    select_choice = getattr(wtforms, "SelectChoice", None)
    if select_choice is None:  # WTForms < 3.3
        return list(pairs)
    return [select_choice(value, label) for value, label in pairs]


class NumberInput:
    """Validator: a finite number (decimal comma allowed); sets ``field.number``.

    ``label`` names the field in the message; empty input is allowed unless ``required``.
    """

    def __init__(
        self,
        label: Any,
        *,
        minimum: float | None = None,
        integer: bool = False,
        required: bool = False,
    ) -> None:
        self.label = label
        self.minimum = minimum
        self.integer = integer
        self.required = required

    def __call__(self, form: FlaskForm, field: Any) -> None:
        field.number = None
        text = (field.data or "").strip()
        if not text:
            if self.required:
                raise ValidationError(_("%(field)s: ange ett tal.", field=self.label))
            return
        try:
            value = parse_number(text, minimum=self.minimum)
        except NumberError as exc:
            raise ValidationError(
                _(
                    "%(field)s: %(problem)s. Skriv ett tal, t.ex. 3,5.",
                    field=self.label,
                    problem=_(exc.msgid, **exc.params),
                )
            ) from None
        if self.integer and value != int(value):
            raise ValidationError(_("%(field)s: ange ett heltal.", field=self.label))
        field.number = int(value) if self.integer else value


class LoginForm(FlaskForm):
    email = StringField(
        _l("E-post"),
        validators=[DataRequired(_l("E-post: fyll i din e-postadress.")), Length(max=254)],
        render_kw={"autocomplete": "username", "type": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Lösenord"),
        validators=[DataRequired(_l("Lösenord: fyll i ditt lösenord.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


def _name_field(label: Any, missing: Any, too_long: Any) -> Any:
    """A required one-line name of at most 200 characters (decision, criterion, alternative)."""
    return StringField(label, validators=[DataRequired(missing), Length(max=200, message=too_long)])


def _description_field() -> Any:
    """The optional free-text description every decision, criterion and alternative has."""
    return TextAreaField(
        _l("Beskrivning"),
        validators=[Optional(), Length(max=4000, message=_l("Beskrivning: högst 4000 tecken."))],
    )


class DecisionForm(FlaskForm):
    title = _name_field(_l("Titel"), _l("Titel: skriv en titel för beslutsfrågan."),
                         _l("Titel: högst 200 tecken."))
    description = _description_field()


class CriterionForm(FlaskForm):
    name = _name_field(_l("Namn"), _l("Namn: skriv kriteriets namn."),
                       _l("Namn: högst 200 tecken."))
    description = _description_field()
    direction = RadioField(
        _l("Riktning"),
        choices=choices(DIRECTION_CHOICES),
        default="benefit",
        validate_choice=False,
    )

    def validate_direction(self, field: Any) -> None:
        if field.data not in ("benefit", "cost"):
            raise ValidationError(_("Riktning: välj nytta eller kostnad."))


class AlternativeForm(FlaskForm):
    name = _name_field(_l("Namn"), _l("Namn: skriv alternativets namn."),
                       _l("Namn: högst 200 tecken."))
    description = _description_field()
    municipality_id = SelectField(_l("Värdkommun"), choices=[], validate_choice=False)
    cost = StringField(
        _l("Kostnad (miljoner kronor)"),
        validators=[NumberInput(_l("Kostnad"), minimum=0)],
        render_kw={"inputmode": "decimal"},
    )
    earliest_phase = StringField(
        _l("Tidigaste etapp"),
        validators=[NumberInput(_l("Tidigaste etapp"), minimum=1, integer=True)],
        render_kw={"inputmode": "numeric"},
    )

    def set_municipalities(self, municipalities: list[dict[str, Any]]) -> None:
        self.municipality_id.choices = choices(
            [("", _("– ingen –"))] + [(str(m["id"]), m["name"]) for m in municipalities]
        )

    def validate_municipality_id(self, field: Any) -> None:
        valid = {str(c[0]) if isinstance(c, tuple) else c.value for c in field.choices}
        if (field.data or "") not in valid:
            raise ValidationError(_("Värdkommun: välj en kommun i listan."))

    def municipality_value(self) -> int | None:
        return int(self.municipality_id.data) if self.municipality_id.data else None


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RoundForm(FlaskForm):
    title = StringField(
        _l("Rubrik (valfri)"),
        validators=[Optional(), Length(max=200, message=_l("Rubrik: högst 200 tecken."))],
    )
    methods = MultiCheckboxField(
        _l("Tillåtna sätt att vikta"), choices=choices(METHOD_CHOICES), validate_choice=False
    )
    # Only offered when the decision has phases (the view refuses it otherwise).
    phase_weights = BooleanField(_l("Vikta kriterierna separat för varje etapp"), default=False)
    # The kind of round (core.disclosure; issue 24); the store refuses anything else.
    kind = RadioField(_l("Slags omgång"), choices=choices([
        ("delegates", _l("Kommunernas röster")), ("anonymous", _l("Anonyma deltagare"))]),
        default="anonymous", validate_choice=False)

    def validate_methods(self, field: Any) -> None:
        allowed = {value for value, _label in METHOD_CHOICES}
        if not field.data:
            raise ValidationError(_("Tillåtna sätt att vikta: välj minst ett sätt."))
        if any(m not in allowed for m in field.data):
            raise ValidationError(_("Tillåtna sätt att vikta: okänt val."))

    def check_phases(self, has_phases: bool) -> bool:
        """Weights per phase need phases: False (with the message on the field) otherwise."""
        if self.phase_weights.data and not has_phases:
            self.phase_weights.errors = [
                _("Vikter per etapp: beslutsfrågan har inga etapper. Lägg till etapper först.")
            ]
            return False
        return True


class CsvUploadForm(FlaskForm):
    file = FileField(_l("CSV-fil"))
    text = TextAreaField(
        _l("… eller klistra in innehållet"),
        validators=[
            Optional(),
            Length(max=MAX_CSV_BYTES, message=_l("Inklistrad text: för lång.")),
        ],
    )


class CsvConfirmForm(FlaskForm):
    """The previewed file travels back base64-encoded (exact bytes, no newline mangling)."""

    payload = HiddenField(validators=[DataRequired(), Length(max=MAX_CSV_BYTES * 2)])


class ConfirmForm(FlaskForm):
    """Only the CSRF token: for POST buttons (archive, delete, open, close …)."""


def parse_id(raw: str | None) -> int | None:
    """An id from a form field or query argument: None when it is not ASCII digits (the
    caller explains or ignores), a 404 when it is digits beyond SQLite's range (2^63 and up:
    no such object can exist, and SQLite would raise OverflowError)."""
    value = parse_int(raw or "")
    if value is None and re.fullmatch(r"\s*\+?[0-9]+\s*", raw or ""):
        abort(404)
    return value
