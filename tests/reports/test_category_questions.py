"""The demo city's categories ask what a real city asks; urgent answers come first in the queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stadtlage.demo.baseline import load_baseline
from stadtlage.reports.models import Report, ReportStatus, ServiceCategory
from tests.factories import user_with_role
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> None:
    load_baseline()


def _questions(code: str) -> dict[str, Any]:
    category = ServiceCategory.objects.get(code=code)
    return {a.code: a for a in category.attributes.all()}


def test_demo_categories_carry_their_questions(city: None) -> None:
    syringes = _questions("drug-waste")
    assert syringes["syringe-count"].datatype == "number"
    place = syringes["place-kind"]
    assert place.datatype == "singlevaluelist"
    names = {v["key"]: v["name"] for v in place.values}
    assert {"Spielplatz", "Schulweg", "Hauseingang / Treppenhaus", "Grünfläche / Park"} <= set(
        names.values()
    )
    assert {v["key"] for v in place.values if v.get("urgent")} == {
        "playground",
        "school-way",
        "kindergarten",
    }
    assert _questions("litter")["amount"].datatype == "singlevaluelist"
    assert set(_questions("camping")) == {"tents", "sleeping-places"}
    assert _questions("broken-lighting")["lamp-number"].datatype == "string"
    for question in syringes.values():
        question.full_clean()  # valid as an administrator would have to enter it
    load_baseline()  # idempotent
    assert len(_questions("drug-waste")) == 2


def test_form_and_open311_ask_them(city: None, client: Client) -> None:
    form = client.get("/meldungen/neu/drug-waste/").content.decode()
    assert "Wie viele Spritzen liegen dort ungefähr?" in form and "Spielplatz" in form
    definition = client.get("/open311/v2/services/drug-waste.json").json()
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["place-kind"]["datatype"] == "singlevaluelist"
    assert {"key": "playground", "name": "Spielplatz"} in attributes["place-kind"]["values"]
    assert attributes["syringe-count"]["datatype"] == "number"
    lamp = client.get("/open311/v2/services/broken-lighting.json").json()
    assert [a["code"] for a in lamp["attributes"]] == ["lamp-number"]


def test_syringes_near_playgrounds_come_first_in_the_work_queue(city: None, client: Client) -> None:
    syringes = ServiceCategory.objects.get(code="drug-waste")
    now = timezone.now()

    def report(hours: int, **attributes: Any) -> Report:
        return ReportFactory(
            category=syringes,
            responsible=syringes.responsible,
            due_at=now + timedelta(hours=hours),
            attributes=attributes,
        )

    overdue_doorway = report(-2, **{"place-kind": "doorway", "syringe-count": 3})
    soon = report(1)
    playground = report(3, **{"place-kind": "playground", "syringe-count": 1})
    school_way = report(2, **{"place-kind": "school-way"})
    ReportFactory(
        category=syringes,
        responsible=syringes.responsible,
        status=ReportStatus.FIXED,
        attributes={"place-kind": "playground"},
    )
    edg = user_with_role("cleaning_crew", username="edg-vorrang")
    edg.memberships.update(organisation=syringes.responsible)
    client.force_login(edg)
    response = client.get("/meldungen/arbeitsliste/")
    rows = response.context["result"].rows
    assert [row.report for row in rows] == [school_way, playground, overdue_doorway, soon]
    assert [row.urgent for row in rows] == [True, True, False, False]
    body = response.content.decode()
    assert body.count('<span class="badge urgent">Vorrang</span>') == 2
    features = client.get("/meldungen/arbeitsliste/karte.geojson").json()["features"]
    assert [f["id"] for f in features][:2] == [school_way.pk, playground.pk]
    # the same answer in a category that does not mark it urgent changes nothing
    litter = ServiceCategory.objects.get(code="litter")
    assert litter.responsible == syringes.responsible
    ReportFactory(
        category=litter,
        responsible=litter.responsible,
        due_at=now + timedelta(hours=9),
        attributes={"place-kind": "playground"},
    )
    rows = client.get("/meldungen/arbeitsliste/").context["result"].rows
    assert [row.urgent for row in rows] == [True, True, False, False, False]
