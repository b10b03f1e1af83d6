"""The open-data file of public key figures (issue 11.3): only figures released by two people,
each period with its SPC reading, values resting on fewer than 5 cases left empty as "< 5" –
in the CSV and in the JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from stadtlage.accounts.models import User
from stadtlage.kpi.compute import indicator_recompute
from stadtlage.kpi.models import Indicator
from stadtlage.places.models import Area
from stadtlage.reports.models import ServiceCategory
from tests.public.test_pages import _publish, _weekly_reports, area, litter  # noqa: F401
from tests.taskforce.conftest import group, make_indicator, people  # noqa: F401

pytestmark = pytest.mark.django_db


def _body(response: Any) -> bytes:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.fixture
def figures(
    area: Area,  # noqa: F811
    litter: ServiceCategory,  # noqa: F811
    people: dict[str, User],  # noqa: F811
) -> None:
    public = make_indicator(code="muell-woche", name="Müll-Meldungen je Woche")
    internal = make_indicator(code="intern", name="Interne Kennzahl")
    proposed_only = make_indicator(code="vorgeschlagen", name="Nur vorgeschlagen")
    _weekly_reports(litter, area, [3, 12, 14])  # the last complete week first
    for indicator in (public, internal, proposed_only):
        indicator_recompute(Indicator.objects.get(pk=indicator.pk))
    _publish(public, people)
    Indicator.objects.filter(pk=proposed_only.pk).update(
        public_proposed_by=people["lead"], public_note="noch nicht bestätigt"
    )


def test_csv_has_released_figures_only_and_small_values_empty(
    client: Client, figures: None
) -> None:
    text = _body(client.get("/offene-daten/kennzahlen.csv")).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["kennzahl_code"] for r in rows} == {"muell-woche"}
    by_value = {r["anzeige"]: r for r in rows if r["anzeige"]}
    assert by_value["< 5"]["wert"] == ""  # 3 reports: withheld
    assert float(by_value["12"]["wert"]) == 12 and float(by_value["14"]["wert"]) == 14
    assert 3 not in {float(r["wert"]) for r in rows if r["wert"]}
    assert "3" not in {r["anzeige"] for r in rows}
    assert all(r["spc_lesart"] for r in rows)
    assert all(r["definition_version"] == "1" for r in rows)


def test_json_carries_the_same_rows(client: Client, figures: None) -> None:
    csv_rows = list(
        csv.DictReader(
            io.StringIO(_body(client.get("/offene-daten/kennzahlen.csv")).decode("utf-8"))
        )
    )
    document = json.loads(_body(client.get("/offene-daten/kennzahlen.json")))
    assert document["lizenz"]["uri"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    rows = document["daten"]
    assert len(rows) == len(csv_rows)
    assert [r["anzeige"] for r in rows] == [r["anzeige"] for r in csv_rows]
    assert [r["wert"] for r in rows if r["anzeige"] == "< 5"] == [None]
    assert {r["kennzahl_code"] for r in rows} == {"muell-woche"}
