"""The public pages in English (issue 11.1): every public page and the report form render with
`lang="en"`, and no German text of the interface that has an English translation is left on
them. Data (area names, category names, approved summaries, the operator's addresses from the
settings) stays as entered, and the Sonderstab keeps its proper name „Ordnung und Stadtleben“
(glossed in English)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import trans_real

from stadtlage.kpi.compute import indicator_recompute
from stadtlage.kpi.models import Indicator
from stadtlage.reports.models import Report
from stadtlage.taskforce import services
from tests.factories import AreaFactory
from tests.reports.factories import ReportFactory, ServiceCategoryFactory
from tests.taskforce.conftest import group, make_indicator, make_recommendation, people  # noqa: F401

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/lagebild/",
    "/massnahmen/",
    "/gebiete/",
    "/gebiete/westenhellweg/",
    "/offene-daten/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/meldungen/",
    "/meldungen/karte/",
    "/meldungen/neu/",
    "/meldungen/neu/muell/",
    "/meldungen/meine-daten/",
]


# Proper names that stay German on English pages (with an English gloss beside them).
PROPER_NAMES = {"Ordnung und Stadtleben"}


def _german_interface_texts() -> set[str]:
    """German texts of the interface that have a different English translation: whole
    sentences and labels without placeholders (long enough not to occur inside data)."""
    catalog = trans_real.translation("en")._catalog
    texts = set()
    for key, english in catalog.items():
        if not isinstance(key, str) or len(key) < 16 or "%" in key or "{" in key or "<" in key:
            continue

        if isinstance(english, str) and english and english != key and key not in PROPER_NAMES:
            texts.add(key)
    return texts


def _visible_text(body: str) -> str:
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def city(db: Any, group: Any, people: dict[str, Any]) -> dict[str, Report]:  # noqa: F811
    area = AreaFactory(name="Westenhellweg", slug="westenhellweg")
    litter = ServiceCategoryFactory(code="muell", name="Müll", order=1)
    report = ReportFactory(category=litter, source="web")
    report.areas.add(area)
    indicator = make_indicator(code="spritzen-woche", name="Spritzenfunde je Woche")
    indicator_recompute(Indicator.objects.get(pk=indicator.pk))
    Indicator.objects.filter(pk=indicator.pk).update(
        public_proposed_at=timezone.now(), public_confirmed_at=timezone.now(), public_note="x"
    )
    rec = make_recommendation(group, state="decided", title="Präsenz am Westenhellweg")
    services.recommendation_public_summary_draft(
        recommendation=rec, text="Mehr Präsenz.", actor=people["lead"]
    )
    services.recommendation_public_summary_approve(recommendation=rec, actor=people["board"])
    rec.areas.add(area)
    return {"report": report}


def test_public_pages_are_english_throughout(
    client: Client, city: dict[str, Report], settings: Any
) -> None:
    # the operator's addresses are data (settings), not interface text
    settings.PUBLIC_DPO_CONTACT = "DPO, Friedensplatz 1, 44135 Dortmund"
    settings.PUBLIC_EDITOR = "Kommunales Lagezentrum"
    german = _german_interface_texts()
    assert len(german) > 100  # the catalogue is there: the check can find something
    client.cookies["django_language"] = "en"
    report = city["report"]
    pages = [
        *PAGES,
        f"/meldungen/{report.pk}/",
        f"/meldungen/eingegangen/{report.uuid}/",
        f"/meldungen/meine-daten/{report.uuid}/",
        "/meldungen/meine-daten/?key=kein-schluessel",  # with the field's error
    ]
    left: dict[str, list[str]] = {}
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == (400 if "?key=" in url else 200), url
        body = response.content.decode()
        assert re.search(r'<html[^>]* lang="en"', body), url
        text = _visible_text(body)
        found = sorted(t for t in german if t in text)
        if found:
            left[url] = found[:5]
    assert left == {}, left


def test_the_check_finds_german_text(client: Client, city: dict[str, Report]) -> None:
    """The same pages in German do show the interface texts the English check looks for."""
    german = _german_interface_texts()
    with translation.override("de"):
        text = _visible_text(client.get("/lagebild/", HTTP_ACCEPT_LANGUAGE="de").content.decode())
    assert any(t in text for t in german)
