"""Where tasks come from and who sees the outcome: a citizen report of a flagged category
(web form and Open311 POST), a patrol's measure (field sync); the patrol sees the outcome in
the shift report, the shift overview and the field API; the start page counts real states."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.cleaning.models import CleaningStatus, CleaningTask
from stadtlage.cleaning.services import cleaning_task_accept, cleaning_task_done
from stadtlage.open311.services import client_create
from stadtlage.reports.models import ReportStatus, ServiceCategory
from stadtlage.reports.services import report_create, report_transition
from tests.cleaning.factories import CleaningTaskFactory, edg_organisation
from tests.factories import AreaFactory, square, user_with_role
from tests.patrols.conftest import Api
from tests.patrols.factories import PatrolFactory, catalogue, observation_data, record
from tests.reports.factories import ServiceCategoryFactory

pytestmark = pytest.mark.django_db

WESTENHELLWEG = LAT, LON = (51.5137, 7.4605)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def syringes() -> ServiceCategory:
    return ServiceCategoryFactory(
        code="spritzen",
        name="Spritzenfund",
        responsible=edg_organisation(),
        sla_hours=4,
        creates_cleaning_task=True,
        cleaning_kind="drug_waste",
    )


def test_a_report_of_a_flagged_category_becomes_a_task(syringes: ServiceCategory) -> None:
    area = AreaFactory(name="Westenhellweg", geometry=square(*WESTENHELLWEG))
    report = report_create(category=syringes, lat=LAT, lon=LON, source="web")
    task = CleaningTask.objects.get(report=report)
    assert (task.kind, task.status, task.organisation.short_name) == ("drug_waste", "open", "EDG")
    assert task.due_at - task.created_at == timedelta(hours=4)
    assert list(task.areas.all()) == [area]
    assert AuditEvent.objects.filter(
        action="create", object_type="cleaning.cleaningtask", object_id=str(task.pk)
    ).exists()


def test_a_category_without_the_flag_creates_no_task() -> None:
    litter = ServiceCategoryFactory(code="muell", responsible=edg_organisation())
    report_create(category=litter, lat=WESTENHELLWEG[0], lon=WESTENHELLWEG[1], source="web")
    assert not CleaningTask.objects.exists()


def test_a_refused_report_creates_no_task(syringes: ServiceCategory) -> None:
    with pytest.raises(ValidationError):
        report_create(category=syringes, lat=52.52, lon=13.40, source="web")  # Berlin
    assert not CleaningTask.objects.exists()


def test_the_flag_needs_a_kind() -> None:
    category = ServiceCategoryFactory.build(
        code="x", responsible=edg_organisation(), creates_cleaning_task=True
    )
    with pytest.raises(ValidationError) as exc:
        category.clean()
    assert "Reinigungsart" in exc.value.message_dict["cleaning_kind"][0]


def test_open311_post_creates_the_task(client: Client, syringes: ServiceCategory) -> None:
    _app, key = client_create(name="Dortmund-App", contact_email="app@example.org")
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "spritzen", "lat": "51.5137", "long": "7.4605"},
    )
    assert response.status_code == 200, response.content
    report_id = int(response.json()[0]["service_request_id"])
    task = CleaningTask.objects.get()
    assert task.report_id == report_id and task.kind == "drug_waste"


def test_the_web_form_creates_the_task(client: Client, syringes: ServiceCategory) -> None:
    response = client.post(
        "/meldungen/neu/spritzen/",
        {"lat": "51.5137", "lon": "7.4605", "description": "Spritzen am Spielplatz"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CleaningTask.objects.filter(report__isnull=False).count() == 1


def test_fixing_the_report_closes_its_accepted_task(syringes: ServiceCategory) -> None:
    crew = user_with_role("cleaning_crew")
    report = report_create(category=syringes, lat=LAT, lon=LON, source="web")
    task = CleaningTask.objects.get(report=report)
    cleaning_task_accept(task=task, actor=crew)
    report_transition(
        report=report, to_status=ReportStatus.FIXED, actor=crew, public_note="Entsorgt."
    )
    task.refresh_from_db()
    assert task.status == CleaningStatus.DONE and task.done_at is not None
    report_transition(report=report, to_status=ReportStatus.REOPENED, actor=crew)
    task.refresh_from_db()
    assert task.status == CleaningStatus.OPEN and task.accepted_by is None


def test_the_patrol_sees_the_outcome(client: Client) -> None:
    catalogue()
    officer = user_with_role("kod_officer", username="kod-1")
    lead = user_with_role("shift_lead", username="lead-1")
    crew = user_with_role("cleaning_crew", username="edg-1")
    patrol = PatrolFactory(members=[officer])
    client.force_login(officer)
    obs = record("observation", observation_data("t-drugs", patrol=str(patrol.uuid)))
    clean = record(
        "measure",
        {
            "observation": obs["id"],
            "measure_type": "t-cleaning",
            "cleaning_kind": "drug_waste",
            "syringes_count": 2,
            "occurred_at": timezone.now().isoformat(),
        },
    )
    results = Api(client).sync([obs, clean]).json()["results"]
    task = CleaningTask.objects.get(pk=results[1]["cleaning_task"])
    assert task.due_at - task.created_at == timedelta(hours=4)  # syringes: the settings' hours
    listing = client.get("/streife/api/v1/observations").json()
    (measure,) = listing["observations"][0]["measures"]
    assert measure["cleaning"]["status"] == "open" and measure["cleaning"]["closed_at"] is None

    cleaning_task_accept(task=task, actor=crew)
    cleaning_task_done(task=task, actor=crew)
    outcome = client.get("/streife/api/v1/observations").json()["observations"][0]["measures"][0]
    assert outcome["cleaning"]["status"] == "done"
    assert outcome["cleaning"]["status_label"] == "erledigt"
    assert outcome["cleaning"]["in_time"] is True and outcome["cleaning"]["closed_at"]

    client.force_login(lead)
    for url in (f"/streife/{patrol.uuid}/bericht/", "/streife/schicht/"):
        body = client.get(url).content.decode()
        assert re.search(r"Reinigung: erledigt, [\d.]+ [\d:]+, in der Frist", body), url
        assert str(crew) not in body  # the crew's names stay with EDG


def test_start_page_counts_tasks_by_their_real_states(client: Client) -> None:
    now = timezone.now()
    waiting = CleaningTaskFactory(status=CleaningStatus.OPEN)
    late = CleaningTaskFactory(status=CleaningStatus.ACCEPTED, due_at=now - timedelta(hours=1))
    CleaningTaskFactory(status=CleaningStatus.DONE, done_at=now)
    CleaningTaskFactory(
        status=CleaningStatus.NOT_FOUND,
        created_at=now - timedelta(hours=10),
        due_at=now - timedelta(hours=6),
        done_at=now - timedelta(hours=1),
    )
    client.force_login(user_with_role("cleaning_crew"))
    body = client.get("/").content.decode()
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>(\d+)</dd>", body))
    assert figures["offene Reinigungsaufträge"] == "2"
    assert re.search(r'id="tasks-closed-week">2<', body)
    assert re.search(r'id="tasks-in-time-week">1<', body)
    listed = re.findall(r'href="/reinigung/(\d+)/"', body)
    assert listed == [str(late.pk), str(waiting.pk)]  # the most urgent first, closed ones not
    client.force_login(user_with_role("streetworker"))
    assert "Reinigungsaufträge als Nächstes fällig" not in client.get("/").content.decode()
