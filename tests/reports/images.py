"""Test images made with Pillow: with EXIF/GPS, transparent, in several formats."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825


def jpeg_with_gps(size: tuple[int, int] = (64, 48), orientation: int = 1) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 49.0), 3: "E", 4: (7.0, 27.0, 38.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (32, 32), mode: str = "RGB") -> bytes:
    colour: object = (0, 120, 200, 0) if mode == "RGBA" else (0, 120, 200)
    if mode == "1":
        colour = 1
    image = Image.new(mode, size, colour)  # type: ignore[arg-type]
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()
