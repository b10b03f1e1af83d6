"""Retention of the data classes the aged demo city does not hold: photos of the patrols and
copies of what a phone sent in a sync conflict (rows and files), and contact addresses of
deactivated Open311 applications. Each at its edge, dry run first."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from stadtlage.audit.retention import run_retention
from stadtlage.open311.models import ClientApplication
from stadtlage.patrols.models import ObservationPhoto, SyncConflict
from tests.kpi.factories import ObservationFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: float) -> Any:
    return timezone.now() - timedelta(days=days)


def _photo(observation: Any, days_ago: float) -> ObservationPhoto:
    photo = ObservationPhoto(
        uuid=uuid.uuid4(),
        observation=observation,
        width=1,
        height=1,
        size_bytes=3,
        content_hash="0" * 64,
    )
    photo.image.save(f"{photo.uuid}.jpg", ContentFile(b"jpg"), save=True)
    ObservationPhoto.objects.filter(pk=photo.pk).update(created_at=_days_ago(days_ago))
    return photo


def _conflict(days_ago: float) -> SyncConflict:
    conflict = SyncConflict(
        record_kind="photo",
        record_uuid=uuid.uuid4(),
        submitted_data={"observation": str(uuid.uuid4())},
        submitted_hash="1" * 64,
    )
    conflict.submitted_file.save("konflikt.jpg", ContentFile(b"jpg"), save=True)
    SyncConflict.objects.filter(pk=conflict.pk).update(received_at=_days_ago(days_ago))
    return conflict


def test_field_photos_go_with_their_files_the_observation_stays(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "field_photo": 30}
    observation = ObservationFactory()
    old, young = _photo(observation, 31), _photo(observation, 29)
    names = [old.image.name, young.image.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert run_retention(dry_run=True).counts()["field_photo"] == 1
    assert all(default_storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_retention().counts()["field_photo"] == 1
    assert list(ObservationPhoto.objects.values_list("pk", flat=True)) == [young.pk]
    assert not default_storage.exists(names[0]) and default_storage.exists(names[1])
    observation.refresh_from_db()  # the record (and its figures) stays


def test_sync_conflicts_go_with_the_copy_of_the_sent_photo(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "sync_conflict": 90}
    old, young = _conflict(91), _conflict(89)
    names = [old.submitted_file.name, young.submitted_file.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert run_retention(dry_run=True).counts()["sync_conflict"] == 1
    assert SyncConflict.objects.count() == 2 and all(default_storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_retention().counts()["sync_conflict"] == 1
    assert list(SyncConflict.objects.values_list("pk", flat=True)) == [young.pk]
    assert not default_storage.exists(names[0]) and default_storage.exists(names[1])


def test_contacts_of_deactivated_open311_applications_are_blanked(settings: Any) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "api_client_contact": 30}
    apps = {
        "old_inactive": (False, 31),
        "young_inactive": (False, 29),
        "old_active": (True, 400),
    }
    for name, (active, days) in apps.items():
        app = ClientApplication.objects.create(
            name=name, contact_email=f"{name}@example.org", is_active=active
        )
        ClientApplication.objects.filter(pk=app.pk).update(created_at=_days_ago(days))
    assert run_retention().counts()["api_client_contact"] == 1
    emails = dict(ClientApplication.objects.values_list("name", "contact_email"))
    assert emails == {
        "old_inactive": "",
        "young_inactive": "young_inactive@example.org",
        "old_active": "old_active@example.org",  # needed while it may submit reports
    }
