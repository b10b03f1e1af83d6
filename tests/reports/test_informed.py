"""Organisations kept informed about a category (Streetwork about syringes) see its citizen
reports read-only: public fields, status and response time, never e-mail, original text,
pending photos, internal notes or patrol records; they cannot act on them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from stadtlage.audit.models import AuditEvent
from stadtlage.organisations.models import Organisation
from stadtlage.reports.models import (
    PhotoState,
    Report,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    ServiceCategory,
)
from tests.factories import user_with_role
from tests.reports.factories import ReportFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db
QUEUE = "/meldungen/arbeitsliste/"


@pytest.fixture
def streetwork(client: Client, syringes: ServiceCategory) -> Any:
    user = user_with_role("streetworker", username="sw-1")
    syringes.informed.add(Organisation.objects.get(short_name="SW"))
    client.force_login(user)
    return user


def _report(category: ServiceCategory, **kwargs: Any) -> Report:
    return ReportFactory(category=category, responsible=category.responsible, **kwargs)


def test_informed_list_shows_open_public_reports_of_the_category(
    client: Client, streetwork: Any, syringes: ServiceCategory
) -> None:
    shown = _report(syringes, description="Spritzen, Tel. 0170 1234567")
    _report(syringes, status=ReportStatus.FIXED)  # closed
    _report(syringes, source=ReportSource.FIELD)  # a patrol record
    _report(ServiceCategoryFactory(code="muell"))  # a category SW is not informed about
    start = client.get(QUEUE).content.decode()
    assert "1 offene Meldung zur Kenntnis" in start
    page = client.get(QUEUE, {"ansicht": "kenntnis"})
    assert page.status_code == 200
    assert [row.report.pk for row in page.context["result"].rows] == [shown.pk]
    assert "EDG Entsorgung Dortmund" in page.content.decode()  # who is responsible
    geojson = client.get(f"{QUEUE}karte.geojson", {"ansicht": "kenntnis"}).json()
    assert [f["id"] for f in geojson["features"]] == [shown.pk]
    assert AuditEvent.objects.filter(note="Zur Kenntnis Seite 1").exists()


def test_informed_detail_is_read_only_and_public_only(
    client: Client, streetwork: Any, syringes: ServiceCategory
) -> None:
    report = _report(syringes, description="Spritzen, Tel. 0170 1234567")
    ReportUpdate.objects.create(
        report=report,
        at=report.submitted_at,
        from_status=ReportStatus.NEW,
        to_status=ReportStatus.NEW,
        internal_note="Schlüssel beim Hausmeister",
        internal_only=True,
    )
    ReportPhoto.objects.create(
        report=report,
        width=10,
        height=10,
        size_bytes=100,
        state=PhotoState.PENDING,
        uploaded_at=report.submitted_at,
    )
    response = client.get(f"{QUEUE}{report.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="informed-note"' in page
    assert "Spritzen, Tel. [entfernt]" in page
    for secret in ("0170 1234567", "melder@example.org", "Schlüssel beim Hausmeister"):
        assert secret not in page
    assert "<form" not in page.split('id="informed-note"')[1]  # no actions
    assert response.context["photos"] == []
    assert AuditEvent.objects.filter(
        object_id=str(report.pk), note="Zur Kenntnis: Meldung"
    ).exists()


def test_informed_organisation_cannot_act(
    client: Client, streetwork: Any, syringes: ServiceCategory
) -> None:
    report = _report(syringes)
    response = client.post(
        f"{QUEUE}{report.pk}/status/",
        {"status-to_status": ReportStatus.IN_PROGRESS, "status-public_note": "x"},
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW


def test_patrol_records_stay_hidden(
    client: Client, streetwork: Any, syringes: ServiceCategory
) -> None:
    report = _report(syringes, source=ReportSource.FIELD)
    assert client.get(f"{QUEUE}{report.pk}/").status_code == 404


def test_without_being_informed_nothing_is_shown(client: Client, syringes: ServiceCategory) -> None:
    client.force_login(user_with_role("streetworker", username="sw-2"))
    report = _report(syringes)
    assert "zur Kenntnis" not in client.get(QUEUE).content.decode()
    assert client.get(QUEUE, {"ansicht": "kenntnis"}).context["result"].rows == []
    assert client.get(f"{QUEUE}{report.pk}/").status_code == 404


def test_the_responsible_queue_is_unchanged(client: Client, syringes: ServiceCategory) -> None:
    """EDG, itself responsible, works its reports as before; being informed as well changes
    nothing."""
    syringes.informed.add(syringes.responsible)
    client.force_login(user_with_role("cleaning_crew", username="edg-1"))
    report = _report(syringes)
    assert client.get(QUEUE, {"ansicht": "kenntnis"}).context["result"].rows == []
    page = client.get(f"{QUEUE}{report.pk}/").content.decode()
    assert 'id="informed-note"' not in page
    assert f'action="{QUEUE}{report.pk}/status/"' in page  # the action forms
