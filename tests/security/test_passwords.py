"""Issue 13 item 5: a maintained strength estimator (zxcvbn) with a threshold and a minimum
length. The five weak passwords the hostile review got accepted are refused in Swedish."""

from __future__ import annotations

import pytest

from mcda.store import password_policy as pp


@pytest.mark.parametrize(
    "password", ["Welcome2026", "Sommar2027", "qwertyuiop1", "iloveyou1", "Vagval2026"]
)
def test_review_passwords_refused_in_swedish(password):
    problem = pp.password_problem(password)
    assert problem is not None
    assert "Lösenordet" in problem


@pytest.mark.parametrize(
    "password",
    ["Välkommen2026", "Vinter2028!", "Skövde2026", "Lösenord2027", "x" * 300, "asdfghjklö"],
)
def test_more_local_weak_passwords_refused(password):
    assert pp.password_problem(password) is not None


@pytest.mark.parametrize(
    "password",
    [
        "korrekt häst batteri häftklammer",
        "Lila elefanter dansar i Skövde",
        "tre gröna cyklar under bron",
        "en mycket lång lösenfras " * 20,
    ],
)
def test_passphrases_pass(password):
    assert pp.password_problem(password) is None


def test_threshold_and_minimum_length_are_stated():
    assert pp.MIN_LENGTH >= 10
    assert pp.MIN_GUESSES >= 10**8
    assert "minst 10 tecken" in pp.password_problem("kort")
    assert pp.password_problem("anna.andersson-hemma", email="anna.andersson@x.se")


def test_cli_refuses_weak_password(app):
    runner = app.test_cli_runner()
    res = runner.invoke(args=["create-user", "pf@example.se", "--role", "facilitator"],
                        input="Sommar2027\nSommar2027\n")
    assert res.exit_code != 0
    assert "för lätt att gissa" in res.output
