"""Helpers shared by the report views: map settings and abuse limits per client address."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from stadtlage.ratelimit import hit

HOUR = 3600
DAY = 24 * HOUR


def map_settings() -> dict[str, Any]:
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def client_key(request: HttpRequest) -> str:
    """The client address, hashed: counters in the cache never hold an IP address."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def throttled(request: HttpRequest, scope: str, limit: int) -> bool:
    """Count one attempt of this client in a fixed one-hour window; True above `limit`."""
    return hit(scope=scope, ident=client_key(request), limit=limit, window_seconds=HOUR) is not None


def first_time_for(request: HttpRequest, what: str) -> bool:
    """True the first time this client does `what` within a day (e.g. confirm one report)."""
    return bool(cache.add(f"reports:once:{what}:{client_key(request)}", 1, timeout=DAY))
