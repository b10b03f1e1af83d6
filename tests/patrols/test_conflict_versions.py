"""Conflicting versions of photos, check-ins and track points are shown side by side and can
be applied by the shift lead, like observations and measures (issue 10)."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from stadtlage.audit.models import AuditEvent
from stadtlage.patrols.models import (
    ConflictStatus,
    ObservationPhoto,
    PositionSample,
    PresenceInterval,
    SyncConflict,
)
from tests.factories import AreaFactory, square
from tests.patrols.conftest import Api
from tests.patrols.factories import PatrolFactory, observation_data, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def _jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (320, 240)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def _pixel(photo: ObservationPhoto) -> tuple[int, ...]:
    with photo.image.open("rb") as fh, Image.open(fh) as img:
        return tuple(img.convert("RGB").getpixel((10, 10)))


def _resolve(client: Client, lead: Any, conflict: SyncConflict, resolution: str) -> Any:
    client.force_login(lead)
    return client.post(f"/streife/konflikte/{conflict.pk}/", {"resolution": resolution})


def test_an_other_photo_under_the_same_id_is_kept_shown_and_can_be_applied(
    client: Client, api: Api, cat: dict[str, Any], officer: Any, lead: Any
) -> None:
    rec = record("observation", observation_data())
    api.sync([rec])
    pid = str(uuid.uuid4())
    url = f"/streife/api/v1/photos/{pid}?observation={rec['id']}"
    assert client.put(url, _jpeg((200, 0, 0)), content_type="image/jpeg").status_code == 201
    answer = client.put(url, _jpeg((0, 0, 200), (400, 300)), content_type="image/jpeg")
    assert answer.status_code == 409 and answer.json()["id"] == pid
    again = client.put(url, _jpeg((0, 0, 200), (400, 300)), content_type="image/jpeg")
    assert again.json()["conflict_id"] == answer.json()["conflict_id"]
    conflict = SyncConflict.objects.get()
    assert conflict.submitted_file and conflict.submitted_data["width"] == 400
    # The officer sees the submitted version; an unrelated reader does not.
    submitted = client.get(f"/streife/konflikte/{conflict.pk}/foto.jpg")
    assert submitted.status_code == 200 and submitted["Content-Type"] == "image/jpeg"
    page = client.get("/streife/konflikte/").content.decode()
    assert (
        f"/streife/konflikte/{conflict.pk}/foto.jpg" in page and f"/streife/fotos/{pid}.jpg" in page
    )
    photo = ObservationPhoto.objects.get()
    assert _pixel(photo)[0] > 150  # still the stored (red) one
    _resolve(client, lead, conflict, "applied")
    conflict.refresh_from_db()
    photo.refresh_from_db()
    assert conflict.status == ConflictStatus.APPLIED
    assert _pixel(photo)[2] > 150 and (photo.width, photo.height) == (400, 300)
    assert AuditEvent.objects.filter(
        object_type="patrols.observationphoto", action="update"
    ).exists()
    client.force_login(officer)
    # The applied bytes are now the stored version: a repeat, not a new conflict.
    repeat = client.put(url, _jpeg((0, 0, 200), (400, 300)), content_type="image/jpeg")
    assert repeat.status_code == 200


def test_an_unreadable_other_photo_is_refused_not_kept(
    client: Client, api: Api, cat: dict[str, Any]
) -> None:
    rec = record("observation", observation_data())
    api.sync([rec])
    pid = str(uuid.uuid4())
    url = f"/streife/api/v1/photos/{pid}?observation={rec['id']}"
    client.put(url, _jpeg((200, 0, 0)), content_type="image/jpeg")
    answer = client.put(url, b"not an image", content_type="image/jpeg")
    assert answer.status_code == 415 and not SyncConflict.objects.exists()


def test_a_corrected_checkin_is_shown_field_by_field_and_applied(
    client: Client, api: Api, cat: dict[str, Any], officer: Any, lead: Any
) -> None:
    west = AreaFactory(name="Westenhellweg", slug="westenhellweg", geometry=square(51.5137, 7.4605))
    AreaFactory(name="Katharinentreppe", slug="katharinentreppe", geometry=square(51.5162, 7.4595))
    patrol = PatrolFactory(members=[officer])
    now = timezone.now()
    data = {
        "patrol": str(patrol.uuid),
        "area": "westenhellweg",
        "started_at": (now - timedelta(minutes=40)).isoformat(),
        "ended_at": (now - timedelta(minutes=10)).isoformat(),
    }
    rec = record("presence", data)
    api.sync([rec])
    changed = {**rec, "data": {**data, "area": "katharinentreppe"}}
    assert api.sync([changed]).json()["results"][0]["status"] == 409
    conflict = SyncConflict.objects.get()
    page = client.get("/streife/konflikte/").content.decode()
    assert "Gebiet" in page and "katharinentreppe" in page and 'class="differs"' in page
    assert PresenceInterval.objects.get().area == west
    _resolve(client, lead, conflict, "applied")
    interval = PresenceInterval.objects.get()
    assert interval.area.slug == "katharinentreppe" and interval.minutes == 30.0
    client.force_login(officer)
    assert api.sync([changed]).json()["results"][0]["status"] == 200


def test_a_corrected_track_point_can_be_applied(
    client: Client, api: Api, cat: dict[str, Any], officer: Any, lead: Any
) -> None:
    patrol = PatrolFactory(members=[officer])
    at = (timezone.now() - timedelta(minutes=5)).isoformat()
    data = {"patrol": str(patrol.uuid), "at": at, "lat": 51.5137, "lon": 7.4605, "accuracy_m": 10}
    rec = record("position", data)
    api.sync([rec])
    api.sync([{**rec, "data": {**data, "lat": 51.5140}}])
    _resolve(client, lead, SyncConflict.objects.get(), "applied")
    assert PositionSample.objects.get().lat == 51.5140


def test_a_kept_decision_leaves_the_stored_checkin(
    client: Client, api: Api, cat: dict[str, Any], officer: Any, lead: Any
) -> None:
    AreaFactory(name="Westenhellweg", slug="westenhellweg", geometry=square(51.5137, 7.4605))
    patrol = PatrolFactory(members=[officer])
    now = timezone.now()
    data = {
        "patrol": str(patrol.uuid),
        "area": "westenhellweg",
        "started_at": (now - timedelta(minutes=40)).isoformat(),
        "ended_at": (now - timedelta(minutes=10)).isoformat(),
    }
    rec = record("presence", data)
    api.sync([rec])
    api.sync([{**rec, "data": {**data, "ended_at": now.isoformat()}}])
    _resolve(client, lead, SyncConflict.objects.get(), "kept")
    assert PresenceInterval.objects.get().minutes == 30.0
