"""The public description: masked at creation, the only text the public sees (pages, exports,
Open311), moderated in the work queue with a timeline entry and an audit event."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings

from stadtlage.audit.models import AuditEvent
from stadtlage.demo.accounts import create_demo_accounts
from stadtlage.demo.baseline import load_baseline
from stadtlage.demo.generator import generate
from stadtlage.open311.services import client_create
from stadtlage.reports.models import Report, ReportSource, ReportStatus, ReportUpdate
from stadtlage.reports.permissions import can_moderate_report_photos, can_moderate_report_text
from stadtlage.reports.redaction import PLACEHOLDER, redact
from stadtlage.reports.selectors import public_reports
from stadtlage.reports.services import report_create
from stadtlage.reports.services.moderation import (
    report_public_description_edit,
    report_public_description_reset,
)
from tests.factories import OrganisationFactory, user_with_role
from tests.open311.helpers import content
from tests.reports.factories import LAT, LON, ReportFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db

EMAIL = "erika.mustermann@example.org"
PHONE = "0231 123456"
PLATE = "DO-AB 1234"
ORIGINAL = f"Spritzen im Hauseingang. Rückruf: {PHONE} oder {EMAIL}, Auto {PLATE}."
MASKED = f"Spritzen im Hauseingang. Rückruf: {PLACEHOLDER} oder {PLACEHOLDER}, Auto {PLACEHOLDER}."
PERSONAL = (EMAIL, PHONE, PLATE)


@pytest.fixture
def report(syringes: Any) -> Report:
    return report_create(
        category=syringes,
        lat=LAT,
        lon=LON,
        address_string="Westenhellweg 40",
        description=ORIGINAL,
        attributes={"anzahl": "3"},
        source=ReportSource.WEB,
    )


@pytest.fixture
def edg(syringes: Any) -> Any:
    """Works the queue of EDG, the organisation responsible for syringes."""
    return user_with_role("cleaning_crew", username="edg-1")


def _moderate(client: Client, report: Report, decision: str = "save", text: str = "") -> Any:
    return client.post(
        f"/meldungen/arbeitsliste/{report.pk}/description/",
        {"description-public_description": text, "description-decision": decision},
    )


def _assert_no_personal_data(content: bytes | str) -> None:
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    for value in PERSONAL:
        assert value not in text


def _streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


# --- creation -------------------------------------------------------------------------------


def test_creation_keeps_the_original_and_publishes_the_masked_text(report: Report) -> None:
    report.refresh_from_db()
    assert report.description == ORIGINAL
    assert report.public_description == MASKED


def test_the_web_form_and_open311_fill_the_public_text(client: Client, syringes: Any) -> None:
    form = {
        "lat": str(LAT),
        "lon": str(LON),
        "description": f"Bitte melden: {EMAIL}",
        "attr_anzahl": "3",
        "website": "",
    }
    assert client.post("/meldungen/neu/spritzen/", form).status_code == 302
    _app, api_key = client_create(name="Dortmund-App", contact_email="app@example.org")
    posted = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": "spritzen",
            "lat": str(LAT),
            "long": str(LON),
            "description": f"Tel. {PHONE}",
            "attribute[anzahl]": "2",
        },
    )
    assert posted.status_code == 200, posted.content
    texts = dict(Report.objects.values_list("source", "public_description"))
    assert texts == {
        ReportSource.WEB: f"Bitte melden: {PLACEHOLDER}",
        ReportSource.OPEN311: f"Tel. {PLACEHOLDER}",
    }


def test_the_selectors_read_only_the_public_text(syringes: Any) -> None:
    ReportFactory(category=syringes, description="intern", public_description="öffentlich")
    assert [r.description for r in public_reports()] == ["öffentlich"]


# --- nothing personal leaves, the queue sees both -------------------------------------------


def test_public_pages_and_exports_show_only_the_masked_text(client: Client, report: Report) -> None:
    pages = {  # page: shows the description
        "/meldungen/": False,
        f"/meldungen/{report.pk}/": True,
        f"/meldungen/{report.pk}/bestaetigen/": True,
        f"/meldungen/eingegangen/{report.uuid}/": False,
        f"/meldungen/in-der-naehe/?kategorie=spritzen&lat={LAT}&lon={LON}": True,
    }
    for url, shows in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        _assert_no_personal_data(body)
        assert ("Rückruf: [entfernt]" in body) is shows, url

    rows = list(
        csv.DictReader(
            io.StringIO(_streamed(client.get("/meldungen/export.csv")).lstrip("\ufeff")),
            delimiter=";",
        )
    )
    assert [row["beschreibung"] for row in rows] == [MASKED]
    geojson = json.loads(_streamed(client.get("/meldungen/export.geojson")))
    assert geojson["features"][0]["properties"]["beschreibung"] == MASKED
    map_data = client.get("/meldungen/karte.geojson").json()
    assert "beschreibung" not in map_data["features"][0]["properties"]  # the map carries no text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_shows_only_the_masked_text(client: Client, report: Report, fmt: str) -> None:
    for resource in ["requests", f"requests/{report.pk}"]:
        response = client.get(f"/open311/v2/{resource}.{fmt}", {"extensions": "true"})
        assert response.status_code == 200
        payload = content(response)
        _assert_no_personal_data(payload)
        assert "Rückruf: [entfernt]" in payload.decode()


def test_the_queue_shows_the_original_and_the_public_text(
    client: Client, report: Report, edg: Any
) -> None:
    client.force_login(edg)
    response = client.get(f"/meldungen/arbeitsliste/{report.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert EMAIL in body and PHONE in body  # the original, internal
    assert "Rückruf: [entfernt]" in body
    assert 'id="description-form"' in body


def test_the_setting_still_withholds_every_description(
    client: Client, report: Report, settings: Any
) -> None:
    settings.STADTLAGE_PUBLIC_REPORT_DESCRIPTIONS = False
    assert "Rückruf" not in client.get(f"/meldungen/{report.pk}/").content.decode()
    data = client.get(f"/open311/v2/requests/{report.pk}.json").json()
    assert data[0]["description"] is None


# --- moderation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("kod_officer", True),
        ("shift_lead", True),
        ("admin", True),
        ("police_officer", False),
        ("analyst", False),
        ("partner_submitter", False),
    ],
)
def test_text_moderation_follows_the_photo_rule(role: str, allowed: bool) -> None:
    report = ReportFactory()  # responsible: KOD
    user = user_with_role(role)
    assert can_moderate_report_text(user, report) is allowed
    assert can_moderate_report_text(user, report) is can_moderate_report_photos(user, report)


def test_moderator_edits_the_public_text(client: Client, report: Report, edg: Any) -> None:
    client.force_login(edg)
    # Open311 answers are cached; the edit must be visible on the next read anyway.
    before = client.get(f"/open311/v2/requests/{report.pk}.json").json()
    assert before[0]["description"] == MASKED
    assert client.get("/open311/v2/requests.xml").status_code == 200
    updates, events = ReportUpdate.objects.count(), AuditEvent.objects.count()

    response = _moderate(client, report, text="Spritzen im Hauseingang.\r\nBitte räumen.")
    assert response.status_code == 302
    assert response["Location"] == f"/meldungen/arbeitsliste/{report.pk}/"
    report.refresh_from_db()
    assert report.public_description == "Spritzen im Hauseingang.\nBitte räumen."
    assert report.description == ORIGINAL  # the original stays for the staff
    queue = client.get(f"/meldungen/arbeitsliste/{report.pk}/").content.decode()
    assert "Öffentliche Beschreibung gespeichert." in queue
    assert "Öffentliche Beschreibung bearbeitet" in queue  # the staff timeline

    entry = ReportUpdate.objects.order_by("-id").first()
    assert entry is not None and entry.report_id == report.pk
    assert entry.internal_only and entry.actor == edg
    assert entry.from_status == entry.to_status == ReportStatus.NEW
    assert entry.internal_note == "Öffentliche Beschreibung bearbeitet"
    assert ReportUpdate.objects.count() == updates + 1
    event = AuditEvent.objects.filter(action="update", object_type="reports.report").get()
    assert event.actor == edg
    assert event.before == {"public_description": MASKED}
    assert event.after == {"public_description": "Spritzen im Hauseingang.\nBitte räumen."}
    assert AuditEvent.objects.count() > events

    detail = client.get(f"/meldungen/{report.pk}/").content.decode()
    assert "Bitte räumen." in detail and "Rückruf" not in detail
    assert "Öffentliche Beschreibung bearbeitet" not in detail  # internal entry
    after = client.get(f"/open311/v2/requests/{report.pk}.json").json()
    assert after[0]["description"] == "Spritzen im Hauseingang.\nBitte räumen."
    xml = content(client.get("/open311/v2/requests.xml")).decode()
    assert "Bitte räumen." in xml and "Rückruf" not in xml


def test_the_moderators_text_is_masked_again(client: Client, report: Report, edg: Any) -> None:
    client.force_login(edg)
    response = _moderate(client, report, text=f"Hinweis: {EMAIL}", decision="save")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.public_description == f"Hinweis: {PLACEHOLDER}"
    queue = client.get(f"/meldungen/arbeitsliste/{report.pk}/").content.decode()
    assert "automatisch" in queue


def test_reset_publishes_the_masked_original_again(
    client: Client, report: Report, edg: Any
) -> None:
    client.force_login(edg)
    assert _moderate(client, report, text="").status_code == 302
    report.refresh_from_db()
    assert report.public_description == ""  # an empty text publishes nothing
    assert client.get(f"/open311/v2/requests/{report.pk}.json").json()[0]["description"] is None

    assert _moderate(client, report, decision="reset", text="ignored").status_code == 302
    report.refresh_from_db()
    assert report.public_description == MASKED == redact(report.description)
    notes = list(
        ReportUpdate.objects.filter(report=report, internal_only=True).values_list(
            "internal_note", flat=True
        )
    )
    assert notes[-1].startswith("Öffentliche Beschreibung auf den Originaltext zurückgesetzt")
    assert AuditEvent.objects.filter(action="update", object_type="reports.report").count() == 2


def test_saving_unchanged_approves_once_then_writes_nothing(report: Report, edg: Any) -> None:
    assert report.description_reviewed_at is None
    approved = report_public_description_edit(report=report, text=MASKED, actor=edg)
    assert approved.changed
    assert approved.report.description_reviewed_at is not None
    assert approved.report.public_description == MASKED
    note = ReportUpdate.objects.filter(report=report, internal_only=True).latest("id")
    assert note.internal_note == "Öffentliche Beschreibung geprüft und freigegeben"
    updates, events = ReportUpdate.objects.count(), AuditEvent.objects.count()
    result = report_public_description_edit(report=report, text=MASKED, actor=edg)
    assert not result.changed
    assert (ReportUpdate.objects.count(), AuditEvent.objects.count()) == (updates, events)


def test_with_review_on_descriptions_wait_for_the_queue(
    client: Client, report: Report, edg: Any, settings: Any
) -> None:
    settings.REPORT_DESCRIPTION_REVIEW = True
    public = f"/meldungen/{report.pk}/"
    open311 = f"/open311/v2/requests/{report.pk}.json"
    assert "Spritzen im Hauseingang" not in client.get(public).content.decode()
    assert client.get(open311).json()[0]["description"] is None
    client.force_login(edg)
    queue = client.get("/meldungen/arbeitsliste/").content.decode()
    assert "Beschreibung zu prüfen" in queue
    assert (
        'id="review-pending"'
        in client.get(f"/meldungen/arbeitsliste/{report.pk}/").content.decode()
    )
    report_public_description_edit(report=report, text=MASKED, actor=edg)
    client.logout()
    assert MASKED in client.get(public).content.decode().replace("&quot;", '"')
    assert client.get(open311).json()[0]["description"] == MASKED


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 4001, "Öffentliche Beschreibung: höchstens 4000 Zeichen (erhalten: 4001)."),
        ("Spritzen\x07 am Eingang", "Öffentliche Beschreibung: bitte ohne Steuerzeichen."),
        ("<b>Spritzen</b>", "Öffentliche Beschreibung: bitte nur Text, kein HTML oder Code."),
    ],
)
def test_bad_input_shows_a_german_error_and_stores_nothing(
    client: Client, report: Report, edg: Any, text: str, message: str
) -> None:
    client.force_login(edg)
    counts = ReportUpdate.objects.count(), AuditEvent.objects.filter(action="update").count()
    response = _moderate(client, report, text=text)
    assert response.status_code == 400
    form = response.context["forms"]["description"]
    assert form.errors["public_description"] == [message]
    assert message in response.content.decode()
    report.refresh_from_db()
    assert report.public_description == MASKED
    assert (
        ReportUpdate.objects.count(),
        AuditEvent.objects.filter(action="update").count(),
    ) == counts


def test_a_missing_decision_is_refused(client: Client, report: Report, edg: Any) -> None:
    client.force_login(edg)
    response = client.post(
        f"/meldungen/arbeitsliste/{report.pk}/description/",
        {"description-public_description": "anders"},
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.public_description == MASKED


@pytest.mark.parametrize(("role", "status"), [("analyst", 403), ("kod_officer", 404)])
def test_other_roles_and_organisations_are_refused(
    client: Client, report: Report, role: str, status: int
) -> None:
    client.force_login(user_with_role(role))
    assert _moderate(client, report, text="anders").status_code == status
    assert _moderate(client, report, decision="reset").status_code == status
    report.refresh_from_db()
    assert report.public_description == MASKED


def test_anonymous_is_sent_to_login(client: Client, report: Report) -> None:
    response = _moderate(client, report, text="anders")
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


def test_the_service_refuses_people_without_the_right(report: Report) -> None:
    kod = user_with_role("kod_officer")  # another organisation's queue
    with pytest.raises(PermissionDenied):
        report_public_description_edit(report=report, text="anders", actor=kod)
    with pytest.raises(PermissionDenied):
        report_public_description_reset(report=report, actor=None)
    report.refresh_from_db()
    assert report.public_description == MASKED


def test_the_service_raises_errors_keyed_by_field(report: Report, edg: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        report_public_description_edit(report=report, text="a\x00b", actor=edg)
    assert list(raised.value.message_dict) == ["public_description"]


@override_settings(OPEN311_CACHE_SECONDS=300)
def test_the_open311_cache_sees_a_change_through_the_service(
    client: Client, report: Report, edg: Any
) -> None:
    url = f"/open311/v2/requests/{report.pk}.xml"
    assert "Rückruf" in client.get(url).content.decode()
    report_public_description_edit(report=report, text="Neu formuliert.", actor=edg)
    body = client.get(url).content.decode()
    assert "Neu formuliert." in body and "Rückruf" not in body


# --- existing reports: the data migration ---------------------------------------------------


def test_the_migration_fills_existing_reports_in_batches(
    syringes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    migration = importlib.import_module("stadtlage.reports.migrations.0005_fill_public_description")
    monkeypatch.setattr(migration, "BATCH", 2)
    old = [
        ReportFactory(category=syringes, description=f"Nr. {n}: {EMAIL}", public_description="")
        for n in range(5)
    ]
    empty = ReportFactory(category=syringes, description="", public_description="")
    moderated = ReportFactory(category=syringes, description=EMAIL, public_description="geprüft")
    editor = SimpleNamespace(connection=connection)
    migration.fill_public_description(apps, editor)
    migration.fill_public_description(apps, editor)  # running it again changes nothing
    texts = dict(Report.objects.values_list("pk", "public_description"))
    assert [texts[r.pk] for r in old] == [f"Nr. {n}: {PLACEHOLDER}" for n in range(5)]
    assert texts[empty.pk] == ""
    assert texts[moderated.pk] == "geprüft"


def test_the_demo_generator_fills_the_public_text() -> None:
    load_baseline()
    create_demo_accounts()
    generate(until=dt.date(2023, 8, 20), events=2_000)
    rows = list(Report.objects.values_list("description", "public_description"))
    assert rows
    assert all(public and public == redact(text) for text, public in rows)


def test_reports_of_another_category_are_left_alone(client: Client, edg: Any) -> None:
    other = ServiceCategoryFactory(code="muell", responsible=OrganisationFactory(short_name="KOD"))
    foreign = ReportFactory(category=other, description=ORIGINAL)
    client.force_login(edg)
    assert _moderate(client, foreign, text="anders").status_code == 404
