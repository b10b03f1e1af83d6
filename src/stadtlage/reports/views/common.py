"""Helpers shared by the report views: map settings (the abuse limits are `stadtlage.ratelimit`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def map_settings() -> dict[str, Any]:
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}
