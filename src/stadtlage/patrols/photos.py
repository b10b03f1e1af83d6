"""Photos of places: decoded with Pillow within byte and pixel limits, re-encoded as JPEG
without any metadata (EXIF, GPS, XMP, ICC) and stored under MEDIA_ROOT.

Uploads are idempotent like every field record: same uuid + same bytes → the same answer,
same uuid + other bytes → 409 and kept for review.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.patrols import permissions
from stadtlage.patrols.models import Observation, ObservationPhoto, RecordKind, SyncConflict
from stadtlage.patrols.wire import FieldError

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_EDGE_PX = 2048
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class PhotoRefused(Exception):
    def __init__(self, status: int, detail: str, errors: list[FieldError]) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors


def _refuse(message: str, status: int = 422) -> PhotoRefused:
    return PhotoRefused(status, message, [FieldError("photo", message)])


@dataclass(frozen=True)
class CleanImage:
    jpeg: bytes
    width: int
    height: int


def clean_image(raw: bytes) -> CleanImage:
    """Decode, check and re-encode one image. Raises PhotoRefused with a German message."""
    if not raw:
        raise _refuse("Das Foto ist leer.")
    if len(raw) > MAX_PHOTO_BYTES:
        raise _refuse(f"Das Foto ist größer als {MAX_PHOTO_BYTES // (1024 * 1024)} MB.", 413)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ACCEPTED_FORMATS:
                    raise _refuse("Nur Fotos im Format JPEG, PNG oder WebP.", 415)
                if width * height > MAX_PHOTO_PIXELS:
                    raise _refuse("Das Foto hat zu viele Bildpunkte (höchstens 40 Megapixel).")
                probe.verify()
            with Image.open(io.BytesIO(raw)) as img:
                img.load()
                rgb = ImageOps.exif_transpose(img).convert("RGB")
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("Die Datei ist kein lesbares Foto.", 415) from None
    except (OSError, ValueError, SyntaxError):
        raise _refuse("Die Datei ist kein lesbares Foto.", 415) from None
    rgb.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX))
    # A new image from the pixels alone: nothing of the original's metadata survives.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return CleanImage(out.getvalue(), clean.width, clean.height)


def photo_attach(
    *, photo_id: uuid.UUID, observation_id: uuid.UUID, raw: bytes, actor: Any
) -> tuple[int, ObservationPhoto | None, int | None]:
    """Store a photo for an observation. Returns (status, photo, conflict id)."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = ObservationPhoto.objects.filter(uuid=photo_id).first()
    if existing is not None:
        return _repeat(existing, digest, photo_id, observation_id, actor)
    observation = (
        Observation.objects.filter(uuid=observation_id)
        .values("pk", "data_domain", "patrol_id", "recorded_by_id")
        .first()
    )
    if observation is None:
        raise PhotoRefused(
            424,
            "Die zugehörige Feststellung ist noch nicht übertragen.",
            [FieldError("observation", "Die Feststellung ist noch nicht übertragen.")],
        )
    if observation["recorded_by_id"] != actor.pk and not permissions.can_lead_shift(actor):
        raise PhotoRefused(
            403,
            "Fotos ergänzt nur, wer die Feststellung erfasst hat.",
            [FieldError("observation", "Nicht Ihre Feststellung.")],
        )
    image = clean_image(raw)
    try:
        with transaction.atomic():
            photo = ObservationPhoto(
                uuid=photo_id,
                observation_id=observation["pk"],
                width=image.width,
                height=image.height,
                size_bytes=len(image.jpeg),
                uploaded_by=actor,
                content_hash=digest,
            )
            photo.image.save(f"{photo_id}.jpg", ContentFile(image.jpeg), save=False)
            photo.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=photo,
                after={"observation": str(observation_id), "bytes": len(image.jpeg)},
                data_domain=observation["data_domain"],
                note="Streifen-App (Foto)",
            )
    except IntegrityError:
        photo.image.delete(save=False)
        existing = ObservationPhoto.objects.get(uuid=photo_id)
        return _repeat(existing, digest, photo_id, observation_id, actor)
    return 201, photo, None


def _repeat(
    existing: ObservationPhoto,
    digest: str,
    photo_id: uuid.UUID,
    observation_id: uuid.UUID,
    actor: Any,
) -> tuple[int, ObservationPhoto | None, int | None]:
    if existing.content_hash == digest:
        return 200, existing, None
    conflict, _ = SyncConflict.objects.get_or_create(
        record_kind=RecordKind.PHOTO,
        record_uuid=photo_id,
        submitted_hash=digest,
        defaults={
            "submitted_data": {"observation": str(observation_id), "sha256": digest},
            "stored_hash": existing.content_hash,
            "submitted_by": actor,
        },
    )
    return 409, None, conflict.pk
