"""Numbers on pages follow the request's language through one Babel formatter (issue 11,
item 4): Swedish decimal commas, English decimal points."""

from __future__ import annotations

from flask import session

from mcda.web.exports import tables as exports
from mcda.web.participate import forms as participate_forms
from mcda.web.present import numbers
from mcda.web.present.numbers import decimal_text, percent_text

NBSP = "\u00a0"


def _in(app, lang: str):
    ctx = app.test_request_context(f"/?lang={lang}")
    ctx.push()
    session["lang"] = lang
    return ctx


def test_request_locale_decides_the_separator(app):
    for lang, expect in (("sv", ("1\u00a0250,5", f"23,4{NBSP}%", "12,5", "0,114")),
                         ("en", ("1,250.5", f"23.4{NBSP}%", "12.5", "0.114"))):
        ctx = _in(app, lang)
        try:
            assert decimal_text(1250.5, 1) == expect[0]
            assert percent_text(0.234) == expect[1]
            assert participate_forms.fmt_num(12.5) == expect[2]
            assert numbers.jinja_num(0.11437, 3) == expect[3]
        finally:
            ctx.pop()


def test_participant_numbers_keep_the_typographic_minus(app):
    ctx = _in(app, "sv")
    try:
        assert participate_forms.fmt_num(-3) == "\u22123"
        assert participate_forms.fmt_pct(0.4) == f"40,0{NBSP}%"
    finally:
        ctx.pop()


def test_phasing_label_writes_a_swedish_percent(app):
    # the early-phase bonus was written "2.5 %" (a decimal point) in Swedish exports
    ph = {"options": {"value_method": "wsm", "discount": 0.025,
                      "rules": {"min_one_by_phase": None, "max_share": 0.4}},
          "method": {"scorer": "wsm"}}
    ctx = _in(app, "sv")
    try:
        text = exports.phasing_method_label(ph)
    finally:
        ctx.pop()
    assert "bonus för tidig etapp 2,5 %" in text
    assert "ingen kommun över 40 % av planens kostnad" in text
