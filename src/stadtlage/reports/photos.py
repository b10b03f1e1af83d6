"""Photos of citizen reports: only real images, within byte and pixel limits, re-encoded as
JPEG from the pixels alone (no EXIF, GPS, XMP or ICC survives), public only after moderation.

Decoding happens before any transaction (`clean_photos`), storing inside the report's
transaction (`photos_store`); a rejected photo's file is deleted after the commit.
The files live under MEDIA_ROOT/reports/photos/ and are served only through
`views.public.photo`, which checks the moderation state: the web server must not publish
MEDIA_ROOT itself.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.reports.models import PhotoState, Report, ReportPhoto
from stadtlage.reports.permissions import can_moderate_report_photos

# Pillow names JPEGs with a second picture (many phones) "MPO".
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
MAX_PIXELS = 40_000_000
MAX_EDGE_PX = 2048
JPEG_QUALITY = 85


def max_photo_count() -> int:
    return int(getattr(settings, "REPORT_PHOTO_MAX_COUNT", 3))


def max_photo_bytes() -> int:
    return int(getattr(settings, "REPORT_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


@dataclass(frozen=True)
class CleanPhoto:
    jpeg: bytes
    width: int
    height: int


def _flatten(img: Image.Image) -> Image.Image:
    """RGB pixels; transparent areas become white instead of black."""
    if img.mode in {"RGBA", "LA", "P", "PA"}:
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def clean_photo(raw: bytes) -> CleanPhoto:
    """Decode, check and re-encode one image. Raises ValidationError with a German message."""
    if not raw:
        raise ValidationError("Die Datei ist leer.")
    limit = max_photo_bytes()
    if len(raw) > limit:
        raise ValidationError(f"Das Foto ist größer als {limit / 1024 / 1024:.0f} MB.")
    unreadable = ValidationError("Die Datei ist kein lesbares Foto (JPEG, PNG oder WebP).")
    too_many_pixels = ValidationError(
        f"Das Foto hat zu viele Bildpunkte (höchstens {MAX_PIXELS // 1_000_000} Megapixel)."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:  # reads the header only
                if probe.format not in ACCEPTED_FORMATS:
                    raise ValidationError("Nur Fotos im Format JPEG, PNG oder WebP.")
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise too_many_pixels
                probe.verify()
            with Image.open(io.BytesIO(raw)) as img:
                img.load()
                upright = ImageOps.exif_transpose(img)  # keep the orientation, drop the EXIF
                rgb = _flatten(upright)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise unreadable from None
    rgb.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX))
    clean = Image.new("RGB", rgb.size)  # a new image from the pixels alone: no metadata
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(out.getvalue(), clean.width, clean.height)


def clean_photos(files: Sequence[UploadedFile]) -> list[CleanPhoto]:
    """Check every uploaded file; all problems are raised together under "photos"."""
    count = max_photo_count()
    if len(files) > count:
        raise ValidationError(
            {"photos": f"Bitte höchstens {count} Fotos anhängen (erhalten: {len(files)})."}
        )
    cleaned: list[CleanPhoto] = []
    errors: list[str] = []
    limit = max_photo_bytes()
    for upload in files:
        name = (upload.name or "Foto")[:80]
        if upload.size is not None and upload.size > limit:
            errors.append(f"„{name}“: Das Foto ist größer als {limit / 1024 / 1024:.0f} MB.")
            continue
        try:
            cleaned.append(clean_photo(upload.read()))
        except ValidationError as exc:
            errors.extend(f"„{name}“: {message}" for message in exc.messages)
    if errors:
        raise ValidationError({"photos": errors})
    return cleaned


def photos_store(
    *, report: Report, photos: Sequence[CleanPhoto], actor: Any, now: datetime
) -> list[str]:
    """Save cleaned photos for a report (call inside its transaction); returns the file names.

    If saving fails half-way, the files already written are removed before re-raising.
    """
    names: list[str] = []
    try:
        for clean in photos:
            photo = ReportPhoto(
                report=report,
                width=clean.width,
                height=clean.height,
                size_bytes=len(clean.jpeg),
                uploaded_at=now,
            )
            photo.image.save(f"{photo.uuid}.jpg", ContentFile(clean.jpeg), save=False)
            names.append(photo.image.name)
            photo.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=photo,
                after={"report": report.pk, "bytes": len(clean.jpeg), "state": photo.state},
                data_domain=report.responsible.data_domain,
                note="Foto zur Meldung",
            )
    except BaseException:
        photos_discard(names)
        raise
    return names


def photos_discard(names: Iterable[str]) -> None:
    for name in names:
        default_storage.delete(name)


def photo_moderate(
    *, photo: ReportPhoto, approve: bool, actor: Any, now: datetime | None = None
) -> ReportPhoto:
    """Approve (publish) or reject a photo. A rejected photo's file is deleted for good."""
    if actor is None or not can_moderate_report_photos(actor, photo.report):
        raise PermissionDenied("Sie dürfen die Fotos dieser Meldung nicht prüfen.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = ReportPhoto.objects.select_for_update().get(pk=photo.pk)
        if locked.state == PhotoState.REJECTED:
            raise ValidationError({"state": "Das Foto wurde bereits abgelehnt und gelöscht."})
        target = PhotoState.APPROVED if approve else PhotoState.REJECTED
        if locked.state == target:
            return locked
        before = {"state": locked.state}
        locked.state = target
        locked.moderated_at = now
        locked.moderated_by = actor
        name = locked.image.name
        if target == PhotoState.REJECTED:
            locked.image = ""
            transaction.on_commit(lambda: photos_discard([name]))
        locked.save(update_fields=["state", "moderated_at", "moderated_by", "image"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            before=before,
            after={"state": target},
            data_domain=photo.report.responsible.data_domain,
            note="Foto freigegeben" if approve else "Foto abgelehnt und gelöscht",
        )
    photo.state, photo.moderated_at, photo.image = locked.state, locked.moderated_at, locked.image
    return locked
