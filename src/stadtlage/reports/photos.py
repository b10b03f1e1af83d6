"""Photos of citizen reports: only real images, within byte and pixel limits, re-encoded as
JPEG from the pixels alone (no EXIF, GPS, XMP or ICC survives), public only after moderation.

Decoding happens here, before any transaction (`clean_photos`); storing and moderating are
services (`reports.services.photos`).
The files live under MEDIA_ROOT/reports/photos/ and are served only through
`views.public.photo`, which checks the moderation state: the web server must not publish
MEDIA_ROOT itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from stadtlage.images import (  # noqa: F401 – re-exported: the cleaner lives on the ground floor
    ACCEPTED_FORMATS,
    JPEG_QUALITY,
    MAX_EDGE_PX,
    MAX_PIXELS,
    CleanPhoto,
    clean_photo,
    max_photo_bytes,
)


def max_photo_count() -> int:
    return int(getattr(settings, "REPORT_PHOTO_MAX_COUNT", 3))


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
