"""Impressum, Datenschutzerklärung (periods from the settings) and the accessibility statement
with a working feedback channel, linked from every page's footer."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_page_links_the_legal_pages(client: Client) -> None:
    for url in ["/", "/lagebild/", "/meldungen/", "/konto/anmelden/"]:
        body = client.get(url).content.decode()
        for link in ['href="/impressum/"', 'href="/datenschutz/"', 'href="/barrierefreiheit/"']:
            assert link in body, (url, link)


def test_imprint_names_the_operator_from_the_settings(client: Client, settings: Any) -> None:
    settings.PUBLIC_OPERATOR = "Stadt Testhausen, Markt 1"
    settings.PUBLIC_CONTACT_EMAIL = "kontakt@testhausen.example"
    body = client.get("/impressum/").content.decode()
    assert "Stadt Testhausen, Markt 1" in body and "mailto:kontakt@testhausen.example" in body


def test_privacy_page_reads_retention_periods_from_the_settings(
    client: Client, settings: Any
) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "reporter_email": 17}
    settings.MAP_TILE_URL = "https://kacheln.example/{z}/{x}/{y}.png"
    response = client.get("/datenschutz/")
    body = response.content.decode()
    (email,) = [p for p in response.context["periods"] if p["days"] == 17]
    assert "E-Mail" in str(email["label"]) and email["legal_basis"]
    assert "17 Tagen" in body
    assert "kacheln.example" in body  # the tile server receives the visitor's address
    assert "Raster-Quadrat von 250 m" in body


def test_accessibility_feedback_is_sent_and_bad_input_named(client: Client, settings: Any) -> None:
    settings.PUBLIC_ACCESSIBILITY_EMAIL = "barrierefrei@testhausen.example"
    page = client.get("/barrierefreiheit/").content.decode()
    assert "BITV NRW" in page and "WCAG" in page and "Ombudsstelle" in page
    bad = client.post("/barrierefreiheit/", {"message": "", "email": "kein-mail"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in text
    assert "gültige E-Mail-Adresse" in text
    assert mail.outbox == []
    ok = client.post(
        "/barrierefreiheit/",
        {"message": "Die Karte ist mit der Tastatur nicht bedienbar.", "page": "/meldungen/karte/"},
        follow=True,
    )
    assert "Danke! Ihre Rückmeldung ist angekommen." in ok.content.decode()
    (sent,) = mail.outbox
    assert sent.to == ["barrierefrei@testhausen.example"]
    assert "/meldungen/karte/" in sent.body and "nicht bedienbar" in sent.body
