"""Fixed-window rate limits on Django's cache, shared by every app that limits clients.

A neutral module on the ground floor (it imports only Django), so that citizen reports,
Open311 and the public pages limit with one counter scheme without importing each other.

Without REDIS_URL (the demo) every process counts on its own; with it (production) all
processes and servers share one count.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(*, scope: str, ident: str, limit: int, window_seconds: int) -> int | None:
    """Count one event; return seconds until the window ends if `limit` is exceeded, else None."""
    if limit <= 0:
        return None
    now = int(time.time())
    window = now // window_seconds
    key = f"ratelimit:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window_seconds + 5)
        count = 1
    if count > limit:
        return (window + 1) * window_seconds - now
    return None
