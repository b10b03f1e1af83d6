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

from stadtlage.accounts.models import User
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
    *, photo_id: uuid.UUID, observation_id: uuid.UUID, raw: bytes, actor: User | None
) -> tuple[int, ObservationPhoto | None, int | None]:
    """Store a photo for an observation. Returns (status, photo, conflict id)."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = ObservationPhoto.objects.filter(uuid=photo_id).first()
    if existing is not None:
        return _repeat(existing, raw, digest, photo_id, observation_id, actor)
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
    recorded_by_actor = actor is not None and observation["recorded_by_id"] == actor.pk
    if not recorded_by_actor and not permissions.can_lead_shift(actor):
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
        return _repeat(existing, raw, digest, photo_id, observation_id, actor)
    return 201, photo, None


def _repeat(
    existing: ObservationPhoto,
    raw: bytes,
    digest: str,
    photo_id: uuid.UUID,
    observation_id: uuid.UUID,
    actor: User | None,
) -> tuple[int, ObservationPhoto | None, int | None]:
    """Same bytes again: the same answer. Other bytes: a conflict that keeps the new image
    (cleaned like any upload) for the shift lead to compare and, if right, apply."""
    if existing.content_hash == digest:
        return 200, existing, None
    known = SyncConflict.objects.filter(
        record_kind=RecordKind.PHOTO, record_uuid=photo_id, submitted_hash=digest
    ).first()
    if known is not None:
        return 409, None, known.pk
    image = clean_image(raw)  # an unreadable file is refused, not kept as a version
    conflict = SyncConflict(
        record_kind=RecordKind.PHOTO,
        record_uuid=photo_id,
        submitted_hash=digest,
        submitted_data={
            "observation": str(observation_id),
            "sha256": digest,
            "width": image.width,
            "height": image.height,
        },
        stored_hash=existing.content_hash,
        submitted_by=actor,
    )
    conflict.submitted_file.save(
        f"{photo_id}-{digest[:12]}.jpg", ContentFile(image.jpeg), save=False
    )
    try:
        with transaction.atomic():
            conflict.save()
    except IntegrityError:  # the same version arrived twice at once
        conflict.submitted_file.delete(save=False)
        conflict = SyncConflict.objects.get(
            record_kind=RecordKind.PHOTO, record_uuid=photo_id, submitted_hash=digest
        )
    return 409, None, conflict.pk


def photo_apply_conflict(*, conflict: SyncConflict) -> tuple[ObservationPhoto, dict[str, Any]]:
    """Replace a stored photo by the version kept in a conflict. Returns (photo, before)."""
    stored = ObservationPhoto.objects.select_for_update().get(uuid=conflict.record_uuid)
    if not conflict.submitted_file:
        raise PhotoRefused(
            422,
            "Die gesendete Fassung des Fotos liegt nicht vor.",
            [FieldError("photo", "Die gesendete Fassung des Fotos liegt nicht vor.")],
        )
    with conflict.submitted_file.open("rb") as handle:
        jpeg = handle.read()
    with Image.open(io.BytesIO(jpeg)) as img:
        width, height = img.size
    before = {"bytes": stored.size_bytes, "width": stored.width, "height": stored.height}
    old_name = stored.image.name
    stored.image.save(f"{stored.uuid}.jpg", ContentFile(jpeg), save=False)
    stored.width, stored.height, stored.size_bytes = width, height, len(jpeg)
    stored.content_hash = conflict.submitted_hash
    stored.save()
    storage = stored.image.storage
    transaction.on_commit(lambda: storage.delete(old_name))
    return stored, before
