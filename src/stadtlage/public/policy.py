"""The disclosure policy in force, from settings (``PUBLIC_MIN_COUNT``, ``PUBLIC_CELL_METRES``)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from stadtlage.public.disclosure import DEFAULT_CELL_M, DEFAULT_MIN_COUNT, Policy


@lru_cache(maxsize=8)
def _policy(min_count: int, cell_m: int) -> Policy:
    return Policy(min_count=min_count, cell_m=cell_m)


def current() -> Policy:
    return _policy(
        int(getattr(settings, "PUBLIC_MIN_COUNT", DEFAULT_MIN_COUNT)),
        int(getattr(settings, "PUBLIC_CELL_METRES", DEFAULT_CELL_M)),
    )
