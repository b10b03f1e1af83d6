"""Photos: only real images within limits, re-encoded without metadata, public after approval."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from stadtlage.audit.models import AuditEvent
from stadtlage.reports.models import PhotoState, ReportPhoto, ReportSource, ServiceCategory
from stadtlage.reports.photos import clean_photo
from stadtlage.reports.services import report_create
from stadtlage.reports.services.photos import photo_moderate
from tests.factories import user_with_role
from tests.reports.factories import LAT, LON
from tests.reports.images import GPS_IFD, image_bytes, jpeg_with_gps


def test_metadata_is_removed_and_the_orientation_kept() -> None:
    raw = jpeg_with_gps(size=(64, 48), orientation=6)  # 6: rotate 90° clockwise to view
    assert GPS_IFD in Image.open(io.BytesIO(raw)).getexif()
    clean = clean_photo(raw)
    image = Image.open(io.BytesIO(clean.jpeg))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert (image.width, image.height) == (48, 64) == (clean.width, clean.height)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "JPEG"])
def test_accepted_formats_become_jpeg(fmt: str) -> None:
    clean = clean_photo(image_bytes(fmt))
    assert Image.open(io.BytesIO(clean.jpeg)).format == "JPEG"


def test_transparency_becomes_white() -> None:
    clean = clean_photo(image_bytes("PNG", mode="RGBA"))
    assert Image.open(io.BytesIO(clean.jpeg)).getpixel((5, 5)) >= (250, 250, 250)


def test_large_photos_are_scaled_down() -> None:
    clean = clean_photo(image_bytes("PNG", size=(4000, 1000)))
    assert (clean.width, clean.height) == (2048, 512)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"", "leer"),
        (b"Hallo, ich bin ein Text und kein Foto.", "kein lesbares Foto"),
        (image_bytes("GIF"), "JPEG, PNG oder WebP"),
        (image_bytes("BMP"), "JPEG, PNG oder WebP"),
        (jpeg_with_gps()[:200], "kein lesbares Foto"),
        # 12,000 × 12,000 black-and-white pixels: a few KB on disk, 144 megapixels decoded.
        (image_bytes("PNG", size=(12_000, 12_000), mode="1"), "zu viele Bildpunkte"),
    ],
)
def test_refused(raw: bytes, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        clean_photo(raw)
    assert fragment in " ".join(info.value.messages)


def test_byte_limit(settings: Any) -> None:
    settings.REPORT_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="größer als"):
        clean_photo(b"x" * 1001)


# --- moderation -----------------------------------------------------------------------------


@pytest.fixture
def photo(db: Any, syringes: ServiceCategory) -> ReportPhoto:
    report = report_create(
        category=syringes,
        lat=LAT,
        lon=LON,
        attributes={"anzahl": "2"},
        photos=[clean_photo(jpeg_with_gps())],
        source=ReportSource.WEB,
    )
    return report.photos.get()


@pytest.fixture
def edg_worker(db: Any) -> Any:
    return user_with_role("cleaning_crew", username="edg-1")


@pytest.mark.django_db
def test_pending_photos_are_only_for_the_responsible_queue(
    client: Client, photo: ReportPhoto, edg_worker: Any
) -> None:
    url = f"/meldungen/fotos/{photo.uuid}.jpg"
    assert photo.state == PhotoState.PENDING
    assert client.get(url).status_code == 404
    client.force_login(user_with_role("kod_officer"))
    assert client.get(url).status_code == 404
    client.force_login(edg_worker)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_approved_photo_is_public_and_an_open311_media_url(
    client: Client, photo: ReportPhoto, edg_worker: Any
) -> None:
    photo_moderate(photo=photo, approve=True, actor=edg_worker)
    response = client.get(f"/meldungen/fotos/{photo.uuid}.jpg")
    assert response.status_code == 200
    # Briefly: a later rejection must reach browsers and proxies (PUBLIC_PHOTO_MAX_AGE).
    assert response["Cache-Control"] == "public, max-age=300"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert dict(Image.open(io.BytesIO(body)).getexif()) == {}
    data = client.get("/open311/v2/requests.json").json()
    assert data[0]["media_url"] == f"https://stadtlage.example/meldungen/fotos/{photo.uuid}.jpg"
    event = AuditEvent.objects.filter(object_type="reports.reportphoto", action="update").get()
    assert event.after == {"state": "approved"}


@pytest.mark.django_db(transaction=True)
def test_rejected_photo_file_is_deleted(
    client: Client, photo: ReportPhoto, edg_worker: Any
) -> None:
    name = photo.image.name
    assert default_storage.exists(name)
    photo_moderate(photo=photo, approve=False, actor=edg_worker)
    photo.refresh_from_db()
    assert photo.state == PhotoState.REJECTED and not photo.image
    assert not default_storage.exists(name)
    client.force_login(edg_worker)
    assert client.get(f"/meldungen/fotos/{photo.uuid}.jpg").status_code == 404
    with pytest.raises(ValidationError, match="bereits abgelehnt"):
        photo_moderate(photo=photo, approve=True, actor=edg_worker)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["kod_officer", "analyst", None])
def test_only_the_responsible_queue_moderates(photo: ReportPhoto, role: str | None) -> None:
    actor = user_with_role(role) if role else None
    with pytest.raises(PermissionDenied):
        photo_moderate(photo=photo, approve=True, actor=actor)
    photo.refresh_from_db()
    assert photo.state == PhotoState.PENDING
