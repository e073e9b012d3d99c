"""Issue 13 item 6: one number parser (Babel's parse_decimal under Swedish rules) for forms,
CSV and planning. Other scripts' digits, superscripts and underscores are refused."""

from __future__ import annotations

import pytest

from mcda.store import csv_io, numbers
from mcda.web.participate import forms as pf


@pytest.mark.parametrize(("text", "value"), [
    ("3,5", 3.5), ("3.5", 3.5), ("1 000,5", 1000.5), ("1\u00a0000", 1000.0), ("−2", -2.0),
    ("+4", 4.0), ("0", 0.0), (",5", 0.5), ("1e3", 1000.0),
])
def test_swedish_numbers_parse(text, value):
    assert numbers.parse_number(text) == value


@pytest.mark.parametrize("text", [
    "²", "٥", "1_0", "１", "½", "Ⅻ", "1,2,3", "1.5.5", "12.345,6", "nan", "inf", "0x10", "+",
    "1e999", "9" * 40,
])
def test_non_swedish_number_forms_are_refused_with_a_message(text):
    with pytest.raises(numbers.NumberError) as exc:
        numbers.parse_number(text)
    assert "inget tal" in str(exc.value) or "för stort" in str(exc.value)


def test_one_parser_everywhere():
    assert csv_io.parse_number is numbers.parse_number
    assert pf.parse_number("1_0") is None and pf.parse_number("٥") is None
    assert pf.parse_number("2,5") == 2.5


@pytest.mark.parametrize(("raw", "value"), [
    ("12", 12), (" 7 ", 7), ("²", None), ("٥", None), ("1_0", None), ("1.0", None), ("-1", None),
    (str(2**63 - 1), 2**63 - 1), (str(2**63), None), ("", None), (True, None),
])
def test_parse_int_is_ascii_and_sqlite_sized(raw, value):
    assert numbers.parse_int(raw) == value


def test_tablet_form_refuses_underscore_and_arabic_digits(app):
    from tests.web.participate_helpers import count_votes, join, make_round, vote_page

    rd = make_round(app)
    c = app.test_client()
    join(c, rd)
    for bad in ("1_0", "٥", "²"):
        _html, token, rev = vote_page(c, rd, "skjutreglage")
        data = {"csrf_token": token, "revision": str(rev),
                **{f"v-{cid}": "5" for cid in rd.criteria}}
        data[f"v-{rd.criteria[0]}"] = bad
        resp = c.post(f"/omgang/{rd.round_id}/skjutreglage", data=data)
        assert resp.status_code == 422, bad
        assert "måste vara ett tal" in resp.get_data(as_text=True)
    assert count_votes(rd) == 0
