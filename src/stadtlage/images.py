"""Uploaded photos made safe: only real images within byte and pixel limits, re-encoded as JPEG
from the pixels alone (no EXIF, GPS, XMP or ICC survives).

A ground-floor module (Pillow and Django's settings only): citizen reports (`reports.photos`)
and the EDG queue (`cleaning.forms`) clean their photos here without importing each other.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow names JPEGs with a second picture (many phones) "MPO".
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
MAX_PIXELS = 40_000_000
MAX_EDGE_PX = 2048
JPEG_QUALITY = 85


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
