"""Response cache for the public Open311 reads (GET requests, requests/{id}, updates).

Rendered answers are cached under a data version. Every committed change to reports, their
timeline, photos or categories bumps the version, so this process never serves a stale answer;
other processes see it at once with REDIS_URL, without a shared cache at the latest after
`OPEN311_CACHE_SECONDS` (default 30 s).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

VERSION_KEY = "open311:data-version"
View = Callable[..., HttpResponse]


def cache_seconds() -> int:
    return int(getattr(settings, "OPEN311_CACHE_SECONDS", 30))


def data_version() -> int:
    version = cache.get_or_set(VERSION_KEY, time.time_ns, None)
    return int(version) if version is not None else 0


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def bump_data_version(**_: Any) -> None:
    """Invalidate every cached answer now and again once the current transaction commits.

    The second bump drops what a concurrent reader cached while the write was uncommitted.
    """
    _bump()
    transaction.on_commit(_bump)


def cached_get(view: View) -> View:
    """Serve a GET from the cache when the same resource was rendered for the current data."""

    @wraps(view)
    def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        seconds = cache_seconds()
        if request.method != "GET" or seconds <= 0:
            return view(request, fmt, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"open311:{data_version()}:{path}"  # bounded length for every cache backend
        hit = cache.get(key)
        if hit is not None:
            body, content_type, headers = hit
            response = HttpResponse(body, content_type=content_type)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, fmt, **kwargs)
        if response.status_code == 200:
            headers = {"Access-Control-Allow-Origin": response.get("Access-Control-Allow-Origin")}
            cache.set(key, (response.content, response["Content-Type"], headers), seconds)
        return response

    return wrapper


def connect_invalidation() -> None:
    """Bump the version on every write to the models the public reads are made of."""
    from stadtlage.reports.models import Report, ReportPhoto, ReportUpdate, ServiceCategory

    for model in (Report, ReportUpdate, ReportPhoto, ServiceCategory):
        post_save.connect(bump_data_version, sender=model, dispatch_uid=f"open311-{model.__name__}")
        post_delete.connect(
            bump_data_version, sender=model, dispatch_uid=f"open311-del-{model.__name__}"
        )
