"""The generated scenario 01.08.–30.11.2023: calibration, displacement and record integrity."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.db.models import F, Q, Sum

from stadtlage.accounts.models import Membership
from stadtlage.cleaning.models import CleaningTask
from stadtlage.demo.generator import GenerationResult
from stadtlage.patrols.models import Measure, MeasureType, Observation, Patrol, PresenceInterval
from stadtlage.places.models import Area
from stadtlage.places.selectors import area_index
from stadtlage.reports.models import OPEN_STATES, Report, ReportUpdate

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
DRUG_USE = ["drug-use-crack", "drug-use-other"]
FOCUS_NORTH = ["Keuning-Park", "Nordmarkt"]
HBF = "Hauptbahnhof / Katharinentreppe"


def _at(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(0), BERLIN)


def _between(first: str, last: str, field: str = "occurred_at") -> Q:
    """From the first day 00:00 up to the end of the last day (local time)."""
    return Q(**{f"{field}__gte": _at(first), f"{field}__lt": _at(last) + dt.timedelta(days=1)})


def test_volume_and_counts(scenario: GenerationResult) -> None:
    assert scenario.counts["observations"] == Observation.objects.count()
    assert scenario.counts["measures"] == Measure.objects.count()
    assert scenario.counts["reports"] == Report.objects.count()
    assert scenario.counts["cleaning_tasks"] == CleaningTask.objects.count()
    assert 20_000 < scenario.events < 80_000
    assert not Observation.objects.filter(occurred_at__gt=_at("2023-12-01")).exists()


def test_public_drug_use_falls_sevenfold(scenario: GenerationResult) -> None:
    drugs = Observation.objects.filter(category__code__in=DRUG_USE)
    late_august = drugs.filter(_between("2023-08-21", "2023-08-27")).count()
    late_october = drugs.filter(_between("2023-10-23", "2023-10-29")).count()
    assert late_august >= 4 * late_october
    assert 550 <= late_august <= 900
    assert 60 <= late_october <= 150


def test_aggressive_begging_falls_and_half_is_on_westenhellweg(scenario: GenerationResult) -> None:
    begging = Observation.objects.filter(category__code="aggressive-begging")
    august = begging.filter(_between("2023-08-14", "2023-08-27")).count()
    october = begging.filter(_between("2023-10-16", "2023-10-29")).count()
    assert august >= 4 * october
    share = begging.filter(areas__name="Westenhellweg").count() / begging.count()
    assert 0.4 <= share <= 0.6


def test_kod_platzverweise_mid_august_to_mid_october(scenario: GenerationResult) -> None:
    count = Measure.objects.filter(
        _between("2023-08-14", "2023-10-15"),
        measure_type__code="platzverweis",
        data_domain="city_operations",
    ).count()
    assert 1_250 <= count <= 1_750  # published: about 1,500


def test_displacement_from_hbf_to_the_nordstadt(scenario: GenerationResult) -> None:
    """Permanent presence at Hbf/Katharinentreppe from 18.09.2023 pushes the scene north."""
    before, after = ("2023-08-01", "2023-09-17"), ("2023-10-16", "2023-11-30")
    weeks_before, weeks_after = 48 / 7, 46 / 7

    def drug_share(period: tuple[str, str], area: Q) -> float:
        drugs = Observation.objects.filter(_between(*period), category__code__in=DRUG_USE)
        return drugs.filter(area).distinct().count() / drugs.count()

    north = Q(areas__name__in=FOCUS_NORTH)
    assert drug_share(after, north) >= 2 * drug_share(before, north)
    assert drug_share(after, Q(areas__name=HBF)) <= 0.5 * drug_share(before, Q(areas__name=HBF))

    def reports_north(period: tuple[str, str]) -> int:
        return (
            Report.objects.filter(
                _between(*period, field="submitted_at"),
                category__code__in=["public-drug-use", "drug-waste"],
                areas__name__in=FOCUS_NORTH,
            )
            .distinct()
            .count()
        )

    assert reports_north(after) / weeks_after >= 1.2 * reports_north(before) / weeks_before

    def presence_hbf(period: tuple[str, str]) -> float:
        total = PresenceInterval.objects.filter(
            _between(*period, field="started_at"), area__name=HBF
        ).aggregate(m=Sum("minutes"))["m"]
        return float(total or 0)

    assert presence_hbf(after) / weeks_after >= 3 * presence_hbf(before) / weeks_before


def _check_links(rows: list[tuple[int, float, float]], links: set[tuple[int, int]]) -> None:
    ids = np.array([r[0] for r in rows])
    lats = np.array([r[1] for r in rows])
    lons = np.array([r[2] for r in rows])
    expected = {
        (int(obj_id), area_id)
        for area_id, mask in area_index().areas_for_points(lats, lons).items()
        for obj_id in ids[mask]
    }
    assert links == expected
    assert {obj_id for obj_id, _ in links} == set(ids.tolist())


def test_areas_contain_the_points(scenario: GenerationResult) -> None:
    for model, column in ((Observation, "observation_id"), (Report, "report_id")):
        rows = list(model.objects.values_list("id", "lat", "lon"))
        through = model.areas.through.objects.values_list(column, "area_id")
        _check_links(rows, set(through))
    rows = list(CleaningTask.objects.values_list("id", "lat", "lon"))
    links = set(CleaningTask.areas.through.objects.values_list("cleaningtask_id", "area_id"))
    _check_links(rows, links)


def test_measures_are_allowed_for_the_recorders_role(scenario: GenerationResult) -> None:
    allowed = dict(MeasureType.objects.values_list("id", "allowed_roles"))
    roles: dict[int, set[str]] = defaultdict(set)
    for user_id, role in Membership.objects.values_list("user_id", "role"):
        roles[user_id].add(role)
    pairs = Measure.objects.values_list("measure_type_id", "recorded_by_id").distinct()
    for type_id, user_id in pairs:
        assert roles[user_id] & set(allowed[type_id]), (type_id, user_id)


def test_domains_follow_the_recorder(scenario: GenerationResult) -> None:
    police = set(
        Membership.objects.filter(organisation__short_name="Polizei").values_list(
            "user_id", flat=True
        )
    )
    for domain, user_id in Observation.objects.values_list(
        "data_domain", "recorded_by_id"
    ).distinct():
        assert domain == ("police" if user_id in police else "city_operations")
    assert not Measure.objects.exclude(data_domain=F("observation__data_domain")).exists()


def test_measure_details(scenario: GenerationResult) -> None:
    fines = Measure.objects.filter(measure_type__code="warning-fine")
    assert fines.exists() and not fines.filter(Q(amount_eur__lt=5) | Q(amount_eur__gt=55)).exists()
    assert (
        not fines.filter(observation__category__code="aggressive-begging")
        .exclude(amount_eur__in=[15, 20, 25, 35])
        .exists()
    )
    reports = Measure.objects.filter(measure_type__code="offence-report")
    pattern = re.compile(r"^BS-20\d\d-\d{6}$")
    assert reports.exists()
    assert all(pattern.match(n) for n in reports.values_list("case_number", flat=True))
    assert (
        not Measure.objects.exclude(measure_type__code="offence-report")
        .exclude(case_number="")
        .exists()
    )
    assert not Observation.objects.filter(
        category__counts_persons=False, persons_count__gt=0
    ).exists()


def test_reports_are_consistent(scenario: GenerationResult) -> None:
    emails = Report.objects.exclude(reporter_email="").values_list("reporter_email", flat=True)
    assert all(email.endswith("@example.org") for email in emails)
    for report in Report.objects.select_related("category").order_by("?")[:300]:
        assert report.due_at - report.submitted_at == dt.timedelta(hours=report.category.sla_hours)
        assert (report.closed_at is None) == (report.status in OPEN_STATES)
        updates = list(report.updates.order_by("at", "id"))
        assert updates[0].to_status == "new" and updates[0].from_status == ""
        assert updates[-1].to_status == report.status
        for earlier, later in itertools.pairwise(updates):
            assert later.from_status == earlier.to_status
    assert Report.objects.exclude(duplicate_of=None).filter(status="duplicate").exists()
    assert ReportUpdate.objects.count() >= 2 * Report.objects.count()
    overdue = Report.objects.filter(status__in=OPEN_STATES, due_at__lt=_at("2023-11-30"))
    assert overdue.exists()


def test_reports_answer_their_categorys_questions(scenario: GenerationResult) -> None:
    """Every stored answer is one the category's questions accept (validated like a report)."""
    from stadtlage.reports.validation import validate_attributes

    syringes = Report.objects.filter(category__code="drug-waste")
    assert syringes.filter(attributes__has_key="place-kind").exists()
    assert syringes.filter(**{"attributes__place-kind": "playground"}).exists()
    assert Report.objects.filter(category__code="camping", attributes__has_key="tents").exists()
    for report in Report.objects.exclude(attributes={}).select_related("category")[:300]:
        sent = {code: str(value) for code, value in report.attributes.items()}
        assert validate_attributes(report.category, sent) == report.attributes


def test_cleaning_tasks_go_to_edg(scenario: GenerationResult) -> None:
    tasks = CleaningTask.objects.all()
    assert set(tasks.values_list("organisation__short_name", flat=True)) == {"EDG"}
    assert tasks.exclude(report=None).exists() and tasks.exclude(measure=None).exists()
    assert tasks.filter(kind="drug_waste", syringes_count__gt=0).exists()
    assert not tasks.filter(status="open").exclude(done_at=None).exists()


def test_patrols_are_joint_when_both_services_walk(scenario: GenerationResult) -> None:
    police = set(
        Membership.objects.filter(organisation__short_name="Polizei").values_list(
            "user_id", flat=True
        )
    )
    members: dict[int, set[int]] = defaultdict(set)
    for patrol_id, user_id in Patrol.members.through.objects.values_list("patrol_id", "user_id"):
        members[patrol_id].add(user_id)
    for patrol_id, is_joint in Patrol.objects.values_list("id", "is_joint"):
        team = members[patrol_id]
        assert is_joint == (bool(team & police) and bool(team - police))
    assert (
        Patrol.objects.filter(is_joint=True).count() > Patrol.objects.filter(is_joint=False).count()
    )
    assert Area.objects.filter(kind="focus").count() == 8
