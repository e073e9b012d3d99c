"""The accessibility statement follows DIGG's model (issue 16): every required part, in Swedish
and English, with the installation's parts taken from config."""

from __future__ import annotations

import pytest
from flask import Flask

from mcda.web import create_app
from tests.helpers import visible_text


def _text(resp) -> str:
    return visible_text(resp.get_data(as_text=True))


SV_PARTS = [
    "delvis förenlig med lagen om tillgänglighet till digital offentlig service",
    "Innehåll som inte är tillgängligt", "Bristande förenlighet med lagkraven",
    "Oskäligt betungande anpassning", "Tillsyn", "Hur vi testat tjänsten",
    "Den senaste bedömningen gjordes den 2 december 2026",
    "Redogörelsen uppdaterades senast den 2 december 2026",
    "Skaraborgs kommunalförbund står bakom Vägval",
    "Vi svarar normalt inom 5 arbetsdagar", "WCAG 1.4.12",
]
EN_PARTS = [
    "partially compliant with the Act on accessibility to digital public services",
    "Content that is not accessible", "Non-compliance with the legal requirements",
    "Disproportionate burden", "How we tested the service",
    "The latest assessment was made on December 2, 2026",
    "The statement was last updated on December 2, 2026",
    "We normally answer within 5 working days",
]


@pytest.mark.parametrize(("lang", "parts"), [("sv", SV_PARTS), ("en", EN_PARTS)])
def test_statement_has_every_part_of_diggs_model(client, lang, parts):
    resp = client.get(f"/tillganglighet?lang={lang}")
    assert resp.status_code == 200
    text = _text(resp)
    missing = [p for p in parts if p not in text]
    assert missing == []
    body = resp.get_data(as_text=True)
    assert 'href="https://www.digg.se/tdosanmalan"' in body
    assert 'href="mailto:tillganglighet@skaraborg.se"' in body


def test_statement_parts_of_the_installation_come_from_config(tmp_path):
    app: Flask = create_app({
        "TESTING": True, "DATABASE": str(tmp_path / "x.sqlite"), "SECRET_KEY": "k" * 40,
        "A11Y_RESPONSIBLE_BODY": "Hjo kommun", "A11Y_CONTACT_EMAIL": "webb@hjo.se",
        "A11Y_CONTACT_PHONE": "0503-350 00", "A11Y_RESPONSE_DAYS": 1,
        "A11Y_ASSESSED_ON": "2027-01-15", "A11Y_UPDATED_ON": "2027-02-01",
    })
    client = app.test_client()
    text = _text(client.get("/tillganglighet"))
    assert "Hjo kommun står bakom Vägval" in text
    assert "meddela Hjo kommun" in text
    assert "Vi svarar normalt inom 1 arbetsdag." in text
    assert "15 januari 2027" in text and "1 februari 2027" in text
    body = client.get("/tillganglighet").get_data(as_text=True)
    assert 'href="mailto:webb@hjo.se"' in body and 'href="tel:0503-35000"' in body
    assert "skaraborg.se" not in body
