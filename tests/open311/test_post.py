"""POST requests.*: creating reports, validation, API keys, rate limits, nothing half stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client

from stadtlage.audit.models import AuditEvent
from stadtlage.open311.models import ApiKey, ClientApplication
from stadtlage.open311.services import api_key_issue, api_key_revoke
from stadtlage.reports.models import Report, ReportSource, ReportUpdate, ServiceCategory
from tests.factories import AreaFactory
from tests.open311 import schemas
from tests.open311.conftest import VALID_SYRINGE_POST
from tests.open311.helpers import assert_valid, body
from tests.open311.test_errors import assert_error

pytestmark = pytest.mark.django_db


def post(client: Client, fmt: str = "json", query: str = "", **fields: Any) -> Any:
    return client.post(f"/open311/v2/requests.{fmt}{query}", fields)


def _counts() -> tuple[int, int, int]:
    return Report.objects.count(), ReportUpdate.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_create_report(client: Client, syringes: ServiceCategory, api_key: str, fmt: str) -> None:
    area = AreaFactory(name="Westenhellweg")
    response = post(client, fmt, api_key=api_key, **VALID_SYRINGE_POST)
    assert response.status_code == 200, response.content
    data = body(response, fmt)
    if fmt == "json":
        assert_valid(data, schemas.CREATED)
        request_id, notice = data[0]["service_request_id"], data[0]["service_notice"]
    else:
        assert data.tag == "service_requests"
        assert [child.tag for child in data.find("request")] == [
            "service_request_id",
            "service_notice",
            "account_id",
        ]
        request_id, notice = (
            data.findtext("request/service_request_id"),
            data.findtext("request/service_notice"),
        )
    report = Report.objects.get(pk=int(request_id))
    assert "Organisation KOD" in notice
    assert report.source == ReportSource.OPEN311
    assert report.reporter_email == "melder@example.org"
    assert report.attributes == {"anzahl": 3, "fundort": "gehweg", "umgebung": ["schule", "kita"]}
    assert list(report.areas.all()) == [area]
    assert report.updates.get().to_status == "new"
    event = AuditEvent.objects.get(action="create", object_type="reports.report")
    assert event.note == "Open311: Dortmund-App"
    assert "melder@example.org" not in str(event.after)
    # names and phone number are not stored anywhere (data minimisation)
    assert "Mustermann" not in str(Report.objects.values().get(pk=report.pk))


def test_api_key_in_the_query_string(
    client: Client, syringes: ServiceCategory, api_key: str
) -> None:
    response = post(client, query=f"?api_key={api_key}", **VALID_SYRINGE_POST)
    assert response.status_code == 200, response.content


def test_created_report_can_be_read_back(
    client: Client, litter: ServiceCategory, api_key: str
) -> None:
    response = post(
        client,
        api_key=api_key,
        service_code="muell",
        lat="51.5260",
        long="7.4580",
        description="Sperrmüll am Nordmarkt\nneben dem Spielplatz",
    )
    request_id = response.json()[0]["service_request_id"]
    read = client.get(f"/open311/v2/requests/{request_id}.json").json()
    assert read[0]["description"] == "Sperrmüll am Nordmarkt\nneben dem Spielplatz"
    assert read[0]["status"] == "open"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("key", "fragment"),
    [(None, "api_key"), ("", "api_key"), ("falsch", "api_key")],
)
def test_missing_or_bad_key_is_403(
    client: Client, syringes: ServiceCategory, fmt: str, key: str | None, fragment: str
) -> None:
    fields = dict(VALID_SYRINGE_POST)
    if key is not None:
        fields["api_key"] = key
    before = _counts()
    assert_error(post(client, fmt, **fields), fmt, 403, fragment)
    assert _counts() == before


def test_revoked_key_and_inactive_client_are_refused(
    client: Client, syringes: ServiceCategory, api_key: str
) -> None:
    api_key_revoke(key=ApiKey.objects.get())
    other = ClientApplication.objects.create(name="Abgeschaltet", is_active=False)
    _key, raw = api_key_issue(client=other)
    before = _counts()
    assert post(client, api_key=api_key, **VALID_SYRINGE_POST).status_code == 403
    assert post(client, api_key=raw, **VALID_SYRINGE_POST).status_code == 403
    assert _counts() == before


def _without(*names: str) -> dict[str, Any]:
    return {k: v for k, v in VALID_SYRINGE_POST.items() if k not in names}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("fields", "status", "fragment"),
    [
        ({**VALID_SYRINGE_POST, "service_code": "gibtsnicht"}, 404, "unbekannt"),
        (_without("service_code"), 400, "service_code fehlt"),
        ({**VALID_SYRINGE_POST, "jurisdiction_id": "koeln.de"}, 404, "jurisdiction_id"),
        ({**VALID_SYRINGE_POST, "lat": "48.1374", "long": "11.5755"}, 400, "außerhalb"),
        ({**VALID_SYRINGE_POST, "lat": "nördlich"}, 400, "Koordinate"),
        ({**VALID_SYRINGE_POST, "lat": "nan"}, 400, "Koordinate"),
        (_without("long"), 400, "beide"),
        (_without("lat", "long"), 400, "im Adressverzeichnis von Dortmund nicht gefunden"),
        ({**_without("lat", "long"), "address_string": ""}, 400, "Ort fehlt"),
        (
            {**_without("lat", "long", "address_string"), "address_id": "4711"},
            400,
            "address_id „4711“ ist im Adressverzeichnis unbekannt",
        ),
        ({**VALID_SYRINGE_POST, "description": "x" * 4001}, 400, "höchstens 4000"),
        ({**VALID_SYRINGE_POST, "description": "<script>alert(1)</script>"}, 400, "kein HTML"),
        ({**VALID_SYRINGE_POST, "email": "keine-adresse"}, 400, "E-Mail"),
        (_without("attribute[anzahl]"), 400, "„Wie viele Spritzen?“ ist eine Pflichtangabe"),
        ({**VALID_SYRINGE_POST, "attribute[anzahl]": ""}, 400, "Pflichtangabe"),
        ({**VALID_SYRINGE_POST, "attribute[anzahl]": "viele"}, 400, "Zahl"),
        ({**VALID_SYRINGE_POST, "attribute[fundort]": "dach"}, 400, "unzulässiger Wert"),
        ({**VALID_SYRINGE_POST, "attribute[umgebung][]": ["schule", "zoo"]}, 400, "„zoo“"),
        ({**VALID_SYRINGE_POST, "attribute[gesehen]": "gestern"}, 400, "ISO 8601"),
        ({**VALID_SYRINGE_POST, "attribute[stelle]": "a\nb"}, 400, "Zeilenumbruch"),
        ({**VALID_SYRINGE_POST, "attribute[geheim]": "1"}, 400, "Unbekannte Zusatzangabe"),
    ],
)
def test_invalid_posts_store_nothing(
    client: Client,
    syringes: ServiceCategory,
    api_key: str,
    fmt: str,
    fields: dict[str, Any],
    status: int,
    fragment: str,
) -> None:
    before = _counts()
    assert_error(post(client, fmt, api_key=api_key, **fields), fmt, status, fragment)
    assert _counts() == before


def test_all_problems_are_reported_at_once(
    client: Client, syringes: ServiceCategory, api_key: str
) -> None:
    fields = {**VALID_SYRINGE_POST, "attribute[anzahl]": "viele", "attribute[fundort]": "dach"}
    before = _counts()
    descriptions = assert_error(post(client, api_key=api_key, **fields), "json", 400)
    assert len(descriptions) == 2
    assert _counts() == before


def test_optional_attributes_of_every_datatype(
    client: Client, syringes: ServiceCategory, api_key: str
) -> None:
    fields = {
        **VALID_SYRINGE_POST,
        "attribute[anzahl]": "2,5",
        "attribute[gesehen]": "2025-05-01T14:30+02:00",
        "attribute[stelle]": "hinter der Bank",
        "attribute[hinweise]": "Zeile eins\r\nZeile zwei",
        "attribute[achtung]": "wird ignoriert",  # an information, not a question
    }
    response = post(client, api_key=api_key, **fields)
    assert response.status_code == 200, response.content
    report = Report.objects.get()
    assert report.attributes == {
        "anzahl": 2.5,
        "fundort": "gehweg",
        "umgebung": ["schule", "kita"],
        "gesehen": "2025-05-01T14:30:00+02:00",
        "stelle": "hinter der Bank",
        "hinweise": "Zeile eins\nZeile zwei",
    }


def test_description_of_exactly_4000_characters_is_fine(
    client: Client, syringes: ServiceCategory, api_key: str
) -> None:
    response = post(client, api_key=api_key, **{**VALID_SYRINGE_POST, "description": "ä" * 4000})
    assert response.status_code == 200
    assert Report.objects.get().description == "ä" * 4000


def test_database_failure_leaves_nothing_half_stored(
    client: Client, syringes: ServiceCategory, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr("stadtlage.reports.services.audit_record", broken)
    before = _counts()
    assert_error(
        post(client, "xml", api_key=api_key, **VALID_SYRINGE_POST), "xml", 400, "Dienstfehler"
    )
    assert _counts() == before  # report and timeline rolled back with the failed audit row


def test_rate_limit_per_ip(
    client: Client, litter: ServiceCategory, api_key: str, settings: Any
) -> None:
    settings.OPEN311_IP_LIMIT_PER_HOUR = 2
    fields = {"api_key": api_key, "service_code": "muell", "lat": "51.5137", "long": "7.4605"}
    assert post(client, **fields).status_code == 200
    assert post(client, **{**fields, "api_key": "falsch"}).status_code == 403  # counts too
    response = post(client, "xml", **fields)
    assert_error(response, "xml", 429, "Zu viele Meldungen von dieser Adresse")
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Report.objects.count() == 1
    other_ip = client.post("/open311/v2/requests.json", fields, REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 200


def test_rate_limit_per_key(client: Client, litter: ServiceCategory, api_key: str) -> None:
    ClientApplication.objects.update(rate_limit_per_hour=1)
    fields = {"api_key": api_key, "service_code": "muell", "lat": "51.5137", "long": "7.4605"}
    assert post(client, **fields).status_code == 200
    response = client.post("/open311/v2/requests.json", fields, REMOTE_ADDR="10.9.9.9")
    assert_error(response, "json", 429, "API-Schlüssel")
    assert Report.objects.count() == 1


def test_oversized_body_is_a_400_not_a_500(
    client: Client, litter: ServiceCategory, api_key: str, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"attribute[x{n}]": "1" for n in range(10)}
    before = _counts()
    response = post(client, "xml", api_key=api_key, service_code="muell", **fields)
    assert_error(response, "xml", 400, "zu groß")
    assert _counts() == before


def test_get_does_not_need_a_key_but_post_is_csrf_free(
    litter: ServiceCategory, api_key: str
) -> None:
    strict = Client(enforce_csrf_checks=True)
    fields = {"api_key": api_key, "service_code": "muell", "lat": "51.5137", "long": "7.4605"}
    assert strict.post("/open311/v2/requests.json", fields).status_code == 200
