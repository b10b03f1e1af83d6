"""Photos of places: decoded, limited, re-encoded without metadata, idempotent."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from PIL import Image

from stadtlage.patrols import photos
from stadtlage.patrols.models import ObservationPhoto, SyncConflict
from tests.patrols.conftest import Api
from tests.patrols.factories import observation_data, record

pytestmark = pytest.mark.django_db


def jpeg_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def obs(api: Api, cat: dict[str, Any]) -> str:
    rec = record("observation", observation_data())
    api.sync([rec])
    return str(rec["id"])


def put_photo(
    api: Api, photo_id: str, obs_id: str, body: bytes, content_type: str = "image/jpeg"
) -> Any:
    return api.client.put(
        f"/streife/api/v1/photos/{photo_id}?observation={obs_id}", body, content_type=content_type
    )


def test_photo_is_stored_without_metadata(api: Api, obs: str) -> None:
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload has EXIF with GPS
    pid = str(uuid.uuid4())
    response = put_photo(api, pid, obs, raw)
    assert response.status_code == 201 and response.json()["id"] == pid
    stored = ObservationPhoto.objects.get()
    with stored.image.open("rb") as fh, Image.open(fh) as img:
        assert img.format == "JPEG"
        assert not img.getexif()
        assert "exif" not in img.info and "icc_profile" not in img.info
    # Same photo again: same answer; another photo under the same id: conflict, kept.
    assert put_photo(api, pid, obs, raw).status_code == 200
    other = put_photo(api, pid, obs, jpeg_with_gps((300, 200)))
    assert other.status_code == 409 and other.json()["id"] == pid
    assert SyncConflict.objects.get().record_kind == "photo"
    assert ObservationPhoto.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"", 422, "leer"),
        (b"%PDF-1.4 not an image", 415, "kein lesbares Foto"),
        (b"GIF89a" + b"\x00" * 100, 415, "kein lesbares Foto"),
    ],
)
def test_bad_photos_are_named(api: Api, obs: str, body: bytes, status: int, message: str) -> None:
    response = put_photo(api, str(uuid.uuid4()), obs, body)
    assert response.status_code == status
    problem = response.json()
    assert problem["errors"][0]["field"] == "photo" and message in problem["errors"][0]["message"]
    assert not ObservationPhoto.objects.exists()


def test_oversize_and_decompression_bombs(
    api: Api, obs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(photos, "MAX_PHOTO_BYTES", 1000)
    response = put_photo(api, str(uuid.uuid4()), obs, jpeg_with_gps())
    assert response.status_code == 413
    monkeypatch.setattr(photos, "MAX_PHOTO_BYTES", 8 * 1024 * 1024)
    bomb = io.BytesIO()
    Image.new("1", (9000, 9000)).save(bomb, format="PNG")  # 81 MP, a few kB
    response = put_photo(api, str(uuid.uuid4()), obs, bomb.getvalue(), "image/png")
    assert response.status_code == 422
    assert "Bildpunkte" in response.json()["errors"][0]["message"]


def test_photo_before_its_observation_waits(api: Api, cat: dict[str, Any]) -> None:
    response = put_photo(api, str(uuid.uuid4()), str(uuid.uuid4()), jpeg_with_gps())
    assert response.status_code == 424


def test_photo_view_is_guarded_and_logged(api: Api, obs: str, client: Any) -> None:
    pid = str(uuid.uuid4())
    put_photo(api, pid, obs, jpeg_with_gps())
    response = api.client.get(f"/streife/fotos/{pid}.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    from tests.factories import user_with_role

    api.client.force_login(user_with_role("analyst"))
    assert api.client.get(f"/streife/fotos/{pid}.jpg").status_code == 403
