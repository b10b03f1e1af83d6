"""The work queue: list and map of the organisation's open reports with SLA timers, and the
flow new → in progress → fixed → reopened, assignment, forwarding and duplicates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.reports.models import Report, ReportStatus, ServiceCategory
from tests.factories import OrganisationFactory, user_with_role
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db
S = ReportStatus


@pytest.fixture
def edg(client: Client, syringes: ServiceCategory) -> Any:
    user = user_with_role("cleaning_crew", username="edg-1")
    client.force_login(user)
    return user


def _report(category: ServiceCategory, **kwargs: Any) -> Report:
    return ReportFactory(category=category, responsible=category.responsible, **kwargs)


def _act(client: Client, report: Report, action: str, **data: Any) -> Any:
    fields = {f"{action}-{key}": value for key, value in data.items()}
    return client.post(f"/meldungen/arbeitsliste/{report.pk}/{action}/", fields)


def test_queue_lists_open_reports_of_the_own_organisation_most_urgent_first(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    now = timezone.now()
    later = _report(
        syringes, due_at=now + timedelta(hours=3), submitted_at=now - timedelta(hours=1)
    )
    overdue = _report(syringes, due_at=now - timedelta(hours=2))
    _report(syringes, status=S.FIXED)
    foreign = ServiceCategory.objects.create(
        code="lager", name="Lagern", responsible=OrganisationFactory(short_name="KOD"), sla_hours=24
    )
    _report(foreign)
    response = client.get("/meldungen/arbeitsliste/")
    assert response.status_code == 200
    rows = response.context["result"].rows
    assert [row.report for row in rows] == [overdue, later]
    assert rows[0].sla.level == "overdue" and "überfällig" in rows[0].sla.label
    assert rows[1].sla.level == "ok"
    body = response.content.decode()
    assert f'class="sla-overdue" data-report-id="{overdue.pk}"' in body
    assert '<dd id="overdue-count">1</dd>' in body
    event = AuditEvent.objects.get(action="view", object_type="reports.queue")
    assert event.actor == edg


def test_queue_filters_and_map(client: Client, edg: Any, syringes: ServiceCategory) -> None:
    mine = _report(syringes, assignee=edg)
    _report(syringes)
    response = client.get("/meldungen/arbeitsliste/?assignee=me")
    assert [row.report for row in response.context["result"].rows] == [mine]
    data = client.get("/meldungen/arbeitsliste/karte.geojson").json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    assert set(data["features"][0]["properties"]) == {"category", "status", "overdue", "due"}


def _queue_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/meldungen/arbeitsliste/").status_code == 200
    return len(queries)


def test_queue_query_count_does_not_grow_with_the_reports(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    _report(syringes, assignee=edg)
    few = _queue_queries(client)
    for _ in range(25):
        _report(syringes, assignee=edg)
    assert _queue_queries(client) == few
    assert few <= 12


@pytest.mark.parametrize(("role", "status"), [("analyst", 403), ("kod_officer", 404)])
def test_other_roles_and_organisations_see_nothing(
    client: Client, syringes: ServiceCategory, role: str, status: int
) -> None:
    report = _report(syringes)
    client.force_login(user_with_role(role))
    url = "/meldungen/arbeitsliste/" if status == 403 else f"/meldungen/arbeitsliste/{report.pk}/"
    assert client.get(url).status_code == status
    assert client.post(f"/meldungen/arbeitsliste/{report.pk}/status/").status_code == status


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/meldungen/arbeitsliste/")
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


def test_flow_new_in_progress_fixed_reopened(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    report = _report(syringes, reporter_email="melder@example.org")
    detail = client.get(f"/meldungen/arbeitsliste/{report.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "melder@example.org" not in body  # only on request, and then logged
    assert "Adresse anzeigen" in body

    response = _act(client, report, "status", to_status=S.IN_PROGRESS, internal_note="Team Nord")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.IN_PROGRESS

    response = _act(client, report, "status", to_status=S.FIXED, public_note="")
    assert response.status_code == 400
    assert "was erledigt wurde" in response.content.decode()
    report.refresh_from_db()
    assert report.status == S.IN_PROGRESS

    _act(client, report, "status", to_status=S.FIXED, public_note="Zwei Spritzen entsorgt.")
    report.refresh_from_db()
    assert report.status == S.FIXED and report.closed_at is not None
    assert "Zwei Spritzen entsorgt." in client.get(f"/meldungen/{report.pk}/").content.decode()

    _act(client, report, "status", to_status=S.REOPENED, public_note="Noch eine gefunden.")
    report.refresh_from_db()
    assert report.status == S.REOPENED and report.closed_at is None
    timeline = list(report.updates.order_by("id").values_list("from_status", "to_status"))
    assert timeline == [
        ("", S.NEW),
        (S.NEW, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.FIXED),
        (S.FIXED, S.REOPENED),
    ]
    assert AuditEvent.objects.filter(action="transition", object_id=str(report.pk)).count() == 3
    staff = client.get(f"/meldungen/arbeitsliste/{report.pk}/").content.decode()
    assert "Team Nord" in staff  # internal notes for the staff ...
    assert "Team Nord" not in client.get(f"/meldungen/{report.pk}/").content.decode()  # only


def test_showing_the_email_is_logged(client: Client, edg: Any, syringes: ServiceCategory) -> None:
    report = _report(syringes, reporter_email="melder@example.org")
    body = client.get(f"/meldungen/arbeitsliste/{report.pk}/?email=1").content.decode()
    assert "melder@example.org" in body
    event = AuditEvent.objects.filter(action="view", object_type="reports.report").latest("id")
    assert "E-Mail" in event.note and "melder@example.org" not in str(event.after)


def test_assign_is_an_internal_timeline_entry(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    report = _report(syringes)
    colleague = user_with_role("cleaning_crew", username="edg-2")
    response = _act(client, report, "assign", assignee=colleague.pk)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.assignee == colleague
    entry = report.updates.latest("id")
    assert entry.internal_only and entry.assigned_to == colleague
    assert (
        _act(client, report, "assign", assignee=user_with_role("kod_officer").pk).status_code == 400
    )
    public = client.get("/open311/v2/servicerequestupdates.json").json()
    assert all(u["service_request_id"] != str(report.pk) or u["status"] == "OPEN" for u in public)
    assert len([u for u in public if u["service_request_id"] == str(report.pk)]) == 1


def test_forwarding_keeps_the_history_and_leaves_the_queue(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    report = _report(syringes, assignee=edg)
    kod = OrganisationFactory(short_name="KOD", name="Kommunaler Ordnungsdienst")
    officer = user_with_role("kod_officer", username="kod-1")  # KOD works a queue
    response = _act(
        client, report, "forward", organisation=kod.pk, internal_note="Lager, kein Müll"
    )
    assert response.status_code == 302 and response["Location"] == "/meldungen/arbeitsliste/"
    report.refresh_from_db()
    assert (report.status, report.responsible, report.assignee) == (S.INTERNAL_REFERRAL, kod, None)
    entry = report.updates.latest("id")
    assert entry.forwarded_to == kod and entry.actor == edg
    assert "Kommunaler Ordnungsdienst" in entry.public_note
    assert client.get(f"/meldungen/arbeitsliste/{report.pk}/").status_code == 404
    client.force_login(officer)
    body = client.get(f"/meldungen/arbeitsliste/{report.pk}/").content.decode()
    assert "weitergeleitet an Kommunaler Ordnungsdienst" in body and "Lager, kein Müll" in body


def test_duplicates_are_merged_into_the_first_report(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    first = _report(syringes, submitted_at=timezone.now() - timedelta(days=2))
    second = _report(syringes)
    detail = client.get(f"/meldungen/arbeitsliste/{second.pk}/")
    assert [c for c, _d in detail.context["candidates"]] == [first]
    assert _act(client, second, "duplicate", original=999_999).status_code == 400
    response = _act(client, second, "duplicate", original=first.pk)
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.duplicate_of) == (S.DUPLICATE, first)
    assert Report.objects.filter(duplicate_of__isnull=True, category=syringes).count() == 1
    assert "1 Duplikat" in client.get(f"/meldungen/arbeitsliste/{first.pk}/").content.decode()


def test_status_form_offers_only_allowed_transitions(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    report = _report(syringes, status=S.FIXED)
    form = client.get(f"/meldungen/arbeitsliste/{report.pk}/").context["forms"]["status"]
    assert [value for value, _label in form.fields["to_status"].choices] == ["", S.REOPENED]
    assert _act(client, report, "status", to_status=S.IN_PROGRESS).status_code == 400
    assert client.post(f"/meldungen/arbeitsliste/{report.pk}/loeschen/").status_code == 404


def test_old_closed_reports_are_no_duplicate_candidates(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    now = timezone.now()
    _report(syringes, status=S.FIXED, submitted_at=now - timedelta(days=30))
    recent_closed = _report(syringes, status=S.FIXED, submitted_at=now - timedelta(days=3))
    old_open = _report(syringes, submitted_at=now - timedelta(days=40))
    report = _report(syringes, submitted_at=now)
    detail = client.get(f"/meldungen/arbeitsliste/{report.pk}/")
    assert {c for c, _d in detail.context["candidates"]} == {recent_closed, old_open}


def test_start_page_next_due_list_links_to_the_reports_with_their_numbers(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    first = _report(syringes, due_at=timezone.now() + timedelta(hours=1))
    second = _report(syringes, due_at=timezone.now() + timedelta(hours=5))
    body = client.get("/").content.decode()
    panel = body.split("Als Nächstes fällig", 1)[1]
    link_first = f'<a href="/meldungen/arbeitsliste/{first.pk}/">Meldung {first.pk}</a>'
    link_second = f'<a href="/meldungen/arbeitsliste/{second.pk}/">Meldung {second.pk}</a>'
    assert link_first in panel and link_second in panel
    assert panel.index(link_first) < panel.index(link_second)
    assert client.get(f"/meldungen/arbeitsliste/{first.pk}/").status_code == 200


def test_durations_and_status_options_read_naturally(
    client: Client, edg: Any, syringes: ServiceCategory
) -> None:
    from stadtlage.reports.queue import format_duration

    assert format_duration(timedelta(days=16, hours=6, minutes=5)) == "16 Tage 6 Std."
    assert format_duration(timedelta(days=1, hours=2)) == "1 Tag 2 Std."
    report = _report(syringes)
    page = client.get("/meldungen/arbeitsliste/")
    filter_options = [v for v, _label in page.context["form"].fields["status"].choices][1:]
    assert filter_options == [
        S.NEW,
        S.REOPENED,
        S.INVESTIGATING,
        S.ACTION_SCHEDULED,
        S.IN_PROGRESS,
        S.INTERNAL_REFERRAL,
    ]
    detail = client.get(f"/meldungen/arbeitsliste/{report.pk}/")
    targets = [v for v, _label in detail.context["forms"]["status"].fields["to_status"].choices][1:]
    assert targets == [
        S.INVESTIGATING,
        S.ACTION_SCHEDULED,
        S.IN_PROGRESS,
        S.FIXED,
        S.NOT_RESPONSIBLE,
        S.NO_FURTHER_ACTION,
    ]
