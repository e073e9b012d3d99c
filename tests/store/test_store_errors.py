"""StoreError: a constant Swedish msgid + params, Swedish ``message``, translated on demand."""

from __future__ import annotations

import pytest

from mcda.store import decision_import as store_import
from mcda.store.errors import N_, Msg, StoreError
from mcda.store.rounds import RoundClosedError

EN = {
    "Okänt kriterium %(key)s i vikterna.": "Unknown criterion %(key)s in the weights.",
    "Kriterium %(n)s: %(problem)s": "Criterion %(n)s: %(problem)s",
    "%(what)s måste vara ett tal.": "%(what)s must be a number.",
    "Kostnaden": "The cost",
    "Omgången är stängd.": "The round is closed.",
}


def english(msgid: str) -> str:
    return EN.get(msgid, msgid)


def test_parameterised_error_formats_swedish_and_translates() -> None:
    exc = StoreError("weights", "Okänt kriterium %(key)s i vikterna.", key=repr("x"))
    assert exc.field == "weights"
    assert exc.msgid == "Okänt kriterium %(key)s i vikterna."
    assert exc.params == {"key": "'x'"}
    assert exc.message == "Okänt kriterium 'x' i vikterna."
    assert str(exc) == "weights: Okänt kriterium 'x' i vikterna."
    assert exc.translated(english) == "Unknown criterion 'x' in the weights."
    assert isinstance(exc, ValueError)


def test_nested_phrases_and_wrapped_errors_are_translated_too() -> None:
    inner = StoreError("cost", "%(what)s måste vara ett tal.", what=Msg(N_("Kostnaden")))
    outer = StoreError("alternatives", "Kriterium %(n)s: %(problem)s", n=2, problem=inner)
    assert outer.message == "Kriterium 2: Kostnaden måste vara ett tal."
    assert outer.translated(english) == "Criterion 2: The cost must be a number."


def test_message_without_params_is_not_formatted_and_subclasses_work() -> None:
    exc = RoundClosedError("round_id", "Omgången är stängd.")
    assert exc.message == "Omgången är stängd." and exc.params == {}
    assert exc.translated(english) == "The round is closed."
    assert StoreError("x", "100 % klart").message == "100 % klart"  # no params: no % formatting


def test_store_raises_parameterised_errors() -> None:
    """A real store check: the id stays constant, the value goes into the params."""
    with pytest.raises(StoreError) as info:
        store_import.replace_decision_content(
            None,  # type: ignore[arg-type]  # fails validation before touching the db
            1,
            criteria=[{"name": "A"}, {"name": "a"}],
            alternatives=[],
            scores={},
        )
    assert info.value.msgid == "Kriteriet ”%(name)s” förekommer mer än en gång."
    assert info.value.message == "Kriteriet ”a” förekommer mer än en gång."
