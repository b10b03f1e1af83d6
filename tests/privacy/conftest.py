"""A small demo city with one person who holds every role, shared per module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import Membership, Role, User
from stadtlage.cleaning.models import CleaningTask
from stadtlage.demo.accounts import create_demo_accounts
from stadtlage.demo.baseline import load_baseline
from stadtlage.demo.generator import generate
from stadtlage.evaluation.seed import load_demo_evaluations
from stadtlage.hotspots import services as hotspots
from stadtlage.hotspots.models import PatrolPlan
from stadtlage.kpi.compute import recompute_all
from stadtlage.kpi.models import PartnerValue
from stadtlage.organisations.models import DataDomain, Organisation
from stadtlage.patrols.models import Observation, ObservationPhoto, SyncConflict
from stadtlage.patrols.services import patrol_create
from stadtlage.taskforce import services as taskforce
from stadtlage.taskforce.seed import load_demo_taskforce

UNTIL = dt.date(2023, 11, 30)
NOW = timezone.make_aware(dt.datetime(2023, 11, 30, 18))

# Which organisation's membership gives each role its widest view.
ROLE_DOMAIN = {
    Role.POLICE_OFFICER: DataDomain.POLICE,
    Role.PARTNER_SUBMITTER: DataDomain.ADDICTION_HELP,
}


def _everyone(organisations: list[Organisation]) -> User:
    """One person with every role; queue and partner roles in every organisation."""
    user = User.objects.create_user(
        "alle-rollen", password="alle-rollen-geheim-1", is_staff=True, is_superuser=True
    )
    city = next(o for o in organisations if o.data_domain == DataDomain.CITY_OPERATIONS)
    for role in Role.values:
        domain = ROLE_DOMAIN.get(role)
        org = next((o for o in organisations if o.data_domain == domain), city)
        Membership.objects.create(user=user, organisation=org, role=role)
    for org in organisations:
        for role in (Role.CLEANING_CREW, Role.PARTNER_SUBMITTER):
            Membership.objects.get_or_create(user=user, organisation=org, role=role)
    return user


def _draft_plan() -> PatrolPlan:
    """A shift lead's draft patrol plan for the last shift of the scenario."""
    lead = User.objects.get(username="schichtleitung")
    patrol = patrol_create(
        planned_start=NOW,
        planned_end=NOW + dt.timedelta(hours=4),
        members=list(User.objects.filter(username__in=["kod", "polizei"])),
        planned_areas=[],
        actor=lead,
    )
    return hotspots.plan_create(
        shift_start=patrol.planned_start,
        shift_end=patrol.planned_end,
        patrols=[patrol],
        hotspots=[hotspots.HotspotInput("Westenhellweg", 51.5137, 7.4605)],
        params=hotspots.PlanParams(),
        actor=lead,
        seed=1,
        time_limit_s=1.0,
    )


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[dict[str, Any]]:
    """Demo city until 30.11.2023 with Sonderstab, evaluations, an issued report, a sync
    conflict with a photo, a field photo and a partner note; rolled back afterwards."""
    from django.conf import settings

    media = tmp_path_factory.mktemp("media")
    old_media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, media
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_baseline()
            create_demo_accounts()
            generate(until=UNTIL, events=20_000)
            load_demo_taskforce(now=NOW)
            load_demo_evaluations(now=NOW)
            recompute_all(today=UNTIL)
            plan = _draft_plan()
            user = _everyone(list(Organisation.objects.all()))
            requested = taskforce.mayor_report_request(
                period="month",
                period_start=dt.date(2023, 10, 1),
                period_end=dt.date(2023, 10, 31),
                actor=User.objects.get(username="sonderstab"),
                enqueue=False,
            )
            report = taskforce.mayor_report_generate(report_id=requested.pk)
            observation = Observation.objects.order_by("pk").first()
            assert observation is not None
            photo = ObservationPhoto(
                uuid="6a1e8c56-3a55-4f05-8f0e-3f2f9a3a0b01",
                observation=observation,
                width=1,
                height=1,
                size_bytes=3,
                content_hash="0" * 64,
            )
            photo.image.save("ort.jpg", ContentFile(b"jpg"), save=True)
            conflict = SyncConflict(
                record_kind="photo",
                record_uuid=photo.uuid,
                submitted_data={"observation": str(observation.uuid)},
                submitted_hash="1" * 64,
            )
            conflict.submitted_file.save("konflikt.jpg", ContentFile(b"jpg"), save=True)
            value = PartnerValue.objects.order_by("pk").first()
            task = CleaningTask.objects.order_by("pk").first()
            assert task is not None
            task.photo.save("gereinigt.jpg", ContentFile(b"jpg"), save=True)
            yield {
                "cleaning_task": task,
                "user": user,
                "mayor_report": report,
                "photo": photo,
                "conflict": conflict,
                "partner_value": value,
                "plan": plan,
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            settings.MEDIA_ROOT = old_media
