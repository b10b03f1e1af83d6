"""Open data: the files keep the disclosure rules, the data dictionary describes them, and the
DCAT-AP.de catalogue passes its SHACL shape."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pyshacl import validate
from rdflib import Graph

from stadtlage.accounts.models import User
from stadtlage.organisations.models import WorkingGroup
from stadtlage.public import disclosure, statistics
from stadtlage.public.disclosure import Shown
from stadtlage.reports.models import ServiceCategory
from stadtlage.taskforce import services
from tests.factories import AreaFactory
from tests.reports.factories import ReportFactory, ServiceCategoryFactory
from tests.taskforce.conftest import make_recommendation

pytestmark = pytest.mark.django_db
SHAPE = Path(__file__).with_name("dcat_ap_de.ttl")
SHOWN = {"< 5": Shown.SMALL, "x": Shown.WITHHELD}


def _read_csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def reports(db: Any) -> None:
    area = AreaFactory(name="Nordmarkt", slug="nordmarkt")
    litter = ServiceCategoryFactory(code="muell", name="Müll", order=1)
    camping = ServiceCategoryFactory(code="lager", name="Lagern", order=2, person_related=True)
    weeks = statistics.complete_weeks(timezone.localdate(), 3)
    for week, (n_litter, n_camping) in zip(weeks, [(7, 1), (9, 3), (0, 6)], strict=True):
        day = timezone.make_aware(datetime.combine(week, datetime.min.time()))
        for category, n in ((litter, n_litter), (camping, n_camping)):
            for i in range(n):
                at = day + timedelta(days=1, hours=8, minutes=i)
                ReportFactory(category=category, submitted_at=at, updated_at=at).areas.add(area)


def test_weekly_reports_keep_small_counts_hidden_and_underivable(
    client: Client, reports: None
) -> None:
    rows = _read_csv(client.get("/offene-daten/buergermeldungen-woche.csv"))
    assert rows, "no rows"
    lines: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        lines.setdefault((row["gebiet"], row["woche_beginn"]), []).append(row)
        if row["anzahl"]:
            assert (
                not disclosure.is_small(int(row["anzahl"]), 5) and row["anzeige"] == row["anzahl"]
            )
        else:
            assert row["anzeige"] in SHOWN
    assert {g for g, _w in lines} == {"dortmund", "nordmarkt"}
    for line in lines.values():
        *cells, total = line
        assert total["kategorie_code"] == "gesamt"
        values = [int(c["anzahl"] or 0) for c in cells]  # only the shown values are used …
        states = [Shown.VALUE if c["anzahl"] else SHOWN[c["anzeige"]] for c in cells]
        t_state = Shown.VALUE if total["anzahl"] else SHOWN[total["anzeige"]]
        # … so a reader's derivation is exactly what line_ranges computes from the file
        ranges, t_range = disclosure.line_ranges(
            values, int(total["anzahl"] or 0), states, t_state, 5
        )
        for (lo, hi), state in [*zip(ranges, states, strict=True), (t_range, t_state)]:
            if state == Shown.SMALL:
                assert lo < hi, line


def test_json_and_the_data_dictionary_describe_the_same_fields(
    client: Client, reports: None
) -> None:
    document = json.loads(
        b"".join(client.get("/offene-daten/buergermeldungen-woche.json").streaming_content)
    )
    assert document["lizenz"]["uri"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    schema = client.get("/offene-daten/buergermeldungen-woche.schema.json").json()
    names = [f["name"] for f in schema["fields"]]
    assert names == document["felder"] == list(document["daten"][0])
    assert all(f["type"] and f["description"] for f in schema["fields"])
    assert client.get("/offene-daten/gibt-es-nicht.csv").status_code == 404
    assert client.get("/offene-daten/kennzahlen.exe").status_code == 404


def test_compliance_shares_reveal_no_small_part(client: Client, reports: None) -> None:
    rows = _read_csv(client.get("/offene-daten/reaktionszeit-monat.csv"))
    for row in rows:
        if row["faellig"]:
            assert int(row["faellig"]) >= 5
        if row["anteil_rechtzeitig"]:
            due = int(row["faellig"])
            in_time = round(float(row["anteil_rechtzeitig"]) * due)
            assert not disclosure.is_small(in_time, 5)
            assert not disclosure.is_small(due - in_time, 5)


def test_measures_dataset_has_only_published_recommendations(
    client: Client, group: WorkingGroup, people: dict[str, User]
) -> None:
    shown = make_recommendation(group, state="decided", title="Öffentlich")
    services.recommendation_public_summary_draft(
        recommendation=shown, text="Text", actor=people["lead"]
    )
    services.recommendation_public_summary_approve(recommendation=shown, actor=people["board"])
    make_recommendation(group, state="decided", title="Intern")
    rows = _read_csv(client.get("/offene-daten/massnahmen.csv"))
    assert {r["empfehlung"] for r in rows} == {"Öffentlich"}
    assert rows[0]["meilenstein"] == "Doppelstreifen im Dienst"


def test_catalogue_conforms_to_the_dcat_ap_de_shape(client: Client) -> None:
    response = client.get("/offene-daten/katalog.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    data = Graph().parse(data=response.content, format="json-ld")
    shapes = Graph().parse(SHAPE, format="turtle")
    conforms, _graph, report = validate(data, shacl_graph=shapes, inference="none")
    assert conforms, report
    document = response.json()
    assert len(document["dcat:dataset"]) == 4
    urls = [
        d["dcat:downloadURL"]["@id"]
        for dataset in document["dcat:dataset"]
        for d in dataset["dcat:distribution"]
    ]
    for url in urls:
        path = url.split("://", 1)[1].split("/", 1)[1]
        assert client.get("/" + path).status_code == 200, url


def test_the_shape_catches_a_missing_licence(client: Client) -> None:
    """The check above can fail: without the licence the catalogue does not conform."""
    document = client.get("/offene-daten/katalog.jsonld").json()
    del document["dcat:dataset"][0]["dcat:distribution"][0]["dct:license"]
    data = Graph().parse(data=json.dumps(document), format="json-ld")
    conforms, _graph, _report = validate(
        data, shacl_graph=Graph().parse(SHAPE, format="turtle"), inference="none"
    )
    assert not conforms


def test_open_data_page(client: Client, reports: None) -> None:
    body = client.get("/offene-daten/").content.decode()
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in body
    assert "/offene-daten/katalog.jsonld" in body and "/offene-daten/massnahmen.csv" in body


def test_person_related_categories_are_counted_not_located(client: Client, reports: None) -> None:
    camping = ServiceCategory.objects.get(code="lager")
    assert camping.person_related
    rows = _read_csv(client.get("/offene-daten/buergermeldungen-woche.csv"))
    assert set(rows[0]) == {
        "woche",
        "woche_beginn",
        "gebiet",
        "gebiet_name",
        "kategorie_code",
        "kategorie",
        "anzahl",
        "anzeige",
    }  # counts per week and area: no points, no times, no texts
