"""The one number formatter (issue 11, item 4): Babel's rules in Swedish and English, and the
Swedish CSV and form forms that ``parse_number`` reads back."""

from __future__ import annotations

import pytest

from mcda.store.numbers import (
    csv_number,
    format_decimal_text,
    format_number,
    format_percent_text,
    parse_number,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(("value", "digits", "sv", "en"), [
    (22.5, 1, "22,5", "22.5"),
    (0.1144, 3, "0,114", "0.114"),
    (3, 2, "3,00", "3.00"),
    (2.5, None, "2,5", "2.5"),
    (3.0, None, "3", "3"),
    (0.30000000000000004, None, "0,3", "0.3"),
])
def test_decimal_in_swedish_and_english(value, digits, sv, en):
    assert format_decimal_text(value, digits, locale="sv") == sv
    assert format_decimal_text(value, digits, locale="en") == en


def test_grouping_is_the_locales():
    assert format_decimal_text(1250.5, 1, locale="sv", group=True) == f"1{NBSP}250,5"
    assert format_decimal_text(1250.5, 1, locale="en", group=True) == "1,250.5"
    assert format_decimal_text(1250.5, 1, locale="sv") == "1250,5"


def test_percent_in_swedish_and_english():
    assert format_percent_text(0.234, 1, locale="sv") == f"23,4{NBSP}%"
    assert format_percent_text(0.234, 1, locale="en") == f"23.4{NBSP}%"
    assert format_percent_text(0.025, None, locale="sv") == f"2,5{NBSP}%"
    assert format_percent_text(0.4, 0, locale="en") == f"40{NBSP}%"


def test_no_negative_zero():
    assert format_decimal_text(-0.0, 1, locale="sv") == "0,0"
    assert format_number(-0.0) == "0"


@pytest.mark.parametrize("value", [0.1, -2.5, 1234567.891, 1e11, 0.125, 3.0, -0.0004])
def test_csv_and_form_numbers_are_swedish_and_read_back(value):
    text = csv_number(value)
    assert "." not in text and " " not in text and "\u2212" not in text
    assert parse_number(text) == pytest.approx(value, abs=1e-10)
    assert format_number(value) == text


def test_csv_number_has_no_exponent():
    # repr() wrote "1e+16" into Swedish CSV files
    assert csv_number(1e16) == "10000000000000000"
