"""Categories as routing rules editable by administrators: routes per area, questions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.reports.models import CategoryRoute, ReportSource, ServiceCategory
from stadtlage.reports.services import report_create
from tests.factories import AreaFactory, OrganisationFactory, UserFactory, square
from tests.reports.factories import LAT, LON

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 5, 1, 10, 0, tzinfo=timezone.get_default_timezone())


def _create(category: ServiceCategory, lat: float = LAT, lon: float = LON) -> Any:
    return report_create(
        category=category,
        lat=lat,
        lon=lon,
        attributes={"anzahl": "1"},
        source=ReportSource.WEB,
        now=NOW,
    )


def test_the_most_specific_route_wins(syringes: ServiceCategory) -> None:
    big = AreaFactory(name="Innenstadt", geometry=square(LAT, LON, half_m=800))
    small = AreaFactory(name="Westenhellweg", geometry=square(LAT, LON, half_m=60))
    streetwork = OrganisationFactory(short_name="SW")
    kod = OrganisationFactory(short_name="KOD")
    CategoryRoute.objects.create(category=syringes, area=big, responsible=kod)
    CategoryRoute.objects.create(category=syringes, area=small, responsible=streetwork, sla_hours=2)
    report = _create(syringes)
    assert report.responsible == streetwork
    assert report.due_at == NOW + timedelta(hours=2)
    outside_small = _create(syringes, lat=LAT + 0.003)  # ~330 m north: only in the big area
    assert outside_small.responsible == kod
    assert outside_small.due_at == NOW + timedelta(hours=syringes.sla_hours)
    elsewhere = _create(syringes, lat=51.55)
    assert elsewhere.responsible == syringes.responsible


def test_routes_of_inactive_areas_do_not_apply(syringes: ServiceCategory) -> None:
    area = AreaFactory(is_active=False)
    CategoryRoute.objects.create(
        category=syringes, area=area, responsible=OrganisationFactory(short_name="KOD")
    )
    assert _create(syringes).responsible == syringes.responsible


@pytest.fixture
def admin_client(client: Client) -> Client:
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_admin_edits_categories_questions_and_routes(
    admin_client: Client, syringes: ServiceCategory
) -> None:
    url = f"/verwaltung/reports/servicecategory/{syringes.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Zuständigkeit nach Gebiet" in body and "Zusatzfrage" in body
    area = AreaFactory()
    form = page.context["adminform"].form
    data: dict[str, Any] = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "name": "Spritzenfund",
            "code": "spritzen",
            "sla_hours": "2",
            "responsible": syringes.responsible_id,
            "order": "1",
            "is_active": "on",
            "description": "",
            "group": "",
            "keywords": "",
            "informed": [],
        }
    )
    data.pop("working_group", None)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        prefix = formset.formset.prefix
        for key, value in management.initial.items():
            data[f"{prefix}-{key}"] = value
        for index, inline in enumerate(formset.formset.forms):
            for name in inline.fields:
                value = inline[name].value()
                if value not in (None, "", False):
                    data[f"{prefix}-{index}-{name}"] = value
    routes_prefix = "routes"
    data[f"{routes_prefix}-TOTAL_FORMS"] = "1"
    data[f"{routes_prefix}-0-area"] = area.pk
    data[f"{routes_prefix}-0-responsible"] = syringes.responsible_id
    data[f"{routes_prefix}-0-sla_hours"] = "1"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    syringes.refresh_from_db()
    assert syringes.sla_hours == 2
    assert CategoryRoute.objects.get().area == area
    assert AuditEvent.objects.filter(object_type="reports.categoryroute", action="create").exists()


def test_admin_report_view_hides_the_email(admin_client: Client, syringes: ServiceCategory) -> None:
    report = _create(syringes)
    report.reporter_email = "melder@example.org"
    report.save()
    body = admin_client.get(f"/verwaltung/reports/report/{report.pk}/change/").content.decode()
    assert "melder@example.org" not in body
    assert admin_client.get("/verwaltung/reports/report/").status_code == 200
