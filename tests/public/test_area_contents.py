"""What `/gebiete/<slug>/` promises (issue 11.1): the citizen reports of the last 12 complete
weeks by category, the share handled within the promised time, the published measures of the
area (and only those), and the joint patrols' presence as hours per week."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stadtlage.patrols.models import Patrol, PresenceInterval
from stadtlage.places.models import Area
from stadtlage.public import statistics
from stadtlage.reports.models import ReportStatus, ServiceCategory
from stadtlage.taskforce import services
from tests.factories import AreaFactory
from tests.reports.factories import ReportFactory, ServiceCategoryFactory
from tests.taskforce.conftest import group, make_recommendation, people  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(db: Any) -> Area:
    return AreaFactory(name="Westenhellweg", slug="westenhellweg")


@pytest.fixture
def litter(db: Any) -> ServiceCategory:
    return ServiceCategoryFactory(code="muell", name="Müll", order=1)


def _monday(week: Any, hours: int) -> datetime:
    return timezone.make_aware(datetime.combine(week, datetime.min.time())) + timedelta(hours=hours)


def test_the_table_covers_the_last_twelve_complete_weeks(
    client: Client, area: Area, litter: ServiceCategory
) -> None:
    weeks = statistics.complete_weeks(timezone.localdate(), 13)
    # six reports a week for 13 weeks: the oldest week lies outside the page's 12 weeks
    for week in weeks:
        for i in range(6):
            at = _monday(week, 34 + i)
            ReportFactory(category=litter, submitted_at=at, updated_at=at).areas.add(area)
    response = client.get("/gebiete/westenhellweg/")
    table = response.context["table"]
    assert len(table.week_labels) == 12
    assert table.week_labels[0] == statistics.week_label(weeks[1])
    assert table.week_labels[-1] == statistics.week_label(weeks[-1])
    ((name, cells, total),) = table.rows()
    assert name == "Müll" and [c.text for c in cells] == ["6"] * 12
    assert total.text == table.total.text == "72"
    assert response.context["presence"].hours == [0.0] * 12


def test_the_share_handled_in_time_counts_due_reports_of_the_area(
    client: Client, area: Area, litter: ServiceCategory
) -> None:
    week = statistics.complete_weeks(timezone.localdate(), 3)[0]
    elsewhere = AreaFactory(name="Nordmarkt", slug="nordmarkt")

    def due(n: int, *, in_time: bool, where: Area = area) -> None:
        for i in range(n):
            at = _monday(week, 8 + i)
            closed = at + timedelta(hours=24 if in_time else 72)
            ReportFactory(
                category=litter,
                submitted_at=at,
                updated_at=closed,
                due_at=at + timedelta(hours=48),
                status=ReportStatus.FIXED,
                closed_at=closed,
            ).areas.add(where)

    due(9, in_time=True)
    due(6, in_time=False)
    due(10, in_time=False, where=elsewhere)  # another area's reports do not count
    compliance = client.get("/gebiete/westenhellweg/").context["compliance"]
    assert compliance.due.value == 15
    assert compliance.text == "60 %"
    assert "60 %" in client.get("/gebiete/westenhellweg/").content.decode()


def test_a_share_that_would_reveal_a_small_part_is_withheld(
    client: Client, area: Area, litter: ServiceCategory
) -> None:
    week = statistics.complete_weeks(timezone.localdate(), 3)[0]
    for i in range(8):
        at = _monday(week, 8 + i)
        closed = at + timedelta(hours=24 if i < 6 else 72)  # 6 in time, 2 late (< 5)
        ReportFactory(
            category=litter,
            submitted_at=at,
            updated_at=closed,
            due_at=at + timedelta(hours=48),
            status=ReportStatus.FIXED,
            closed_at=closed,
        ).areas.add(area)
    compliance = client.get("/gebiete/westenhellweg/").context["compliance"]
    assert compliance.share is None and compliance.text == "x"


def test_measures_of_the_area_and_presence_hours_per_week(
    client: Client,
    area: Area,
    group: Any,  # noqa: F811
    people: dict[str, Any],  # noqa: F811
) -> None:
    here = make_recommendation(group, state="decided", title="Präsenz am Westenhellweg")
    there = make_recommendation(group, state="decided", title="Präsenz am Nordmarkt")
    for rec, text in ((here, "Mehr Streifen am Westenhellweg."), (there, "Mehr am Nordmarkt.")):
        services.recommendation_public_summary_draft(
            recommendation=rec, text=text, actor=people["lead"]
        )
        services.recommendation_public_summary_approve(recommendation=rec, actor=people["board"])
    here.areas.add(area)
    there.areas.add(AreaFactory(name="Nordmarkt", slug="nordmarkt"))

    weeks = statistics.complete_weeks(timezone.localdate(), 12)
    joint = Patrol.objects.create(
        planned_start=timezone.now(), planned_end=timezone.now(), is_joint=True
    )
    alone = Patrol.objects.create(
        planned_start=timezone.now(), planned_end=timezone.now(), is_joint=False
    )
    for patrol, week, minutes in (
        (joint, weeks[-1], 150),
        (joint, weeks[-3], 60),
        (alone, weeks[-1], 600),
    ):
        start = _monday(week, 9)
        PresenceInterval.objects.create(
            patrol=patrol,
            area=area,
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
            minutes=minutes,
            source="checkin",
        )
    response = client.get("/gebiete/westenhellweg/")
    body = response.content.decode()
    assert [m.recommendation.title for m in response.context["measures"]] == [
        "Präsenz am Westenhellweg"
    ]
    assert "Mehr Streifen am Westenhellweg." in body and "Mehr am Nordmarkt." not in body
    hours = response.context["presence"].hours
    assert len(hours) == 12
    # only joint patrols (KOD and police together) count
    assert hours[-1] == 2.5 and hours[-3] == 1.0 and sum(hours) == 3.5
