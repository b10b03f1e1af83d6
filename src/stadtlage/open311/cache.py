"""Response cache for the public Open311 reads (GET requests, requests/{id}, updates).

Rendered answers are cached under a data version. Every committed change to reports, their
timeline, photos or categories bumps the version, so this process never serves a stale answer;
other processes see it at once with REDIS_URL, without a shared cache at the latest after
`OPEN311_CACHE_SECONDS` (default 30 s).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from stadtlage.db.versions import DataVersion

VERSION_KEY = "open311:data-version"
View = Callable[..., HttpResponseBase]


def cache_seconds() -> int:
    return int(getattr(settings, "OPEN311_CACHE_SECONDS", 30))


DATA_VERSION = DataVersion(VERSION_KEY)
data_version = DATA_VERSION.current
# Invalidates every cached answer now and again once the current transaction commits.
bump_data_version = DATA_VERSION.bump


class _Flights:
    """One rendering per cache key at a time in this process ("single flight"): after a new
    report every waiting reader would otherwise render the same answer at once. The others wait
    for the first one's answer (at most `WAIT_S`, then they render themselves)."""

    WAIT_S = 5.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, threading.Event] = {}

    def join(self, key: str) -> threading.Event | None:
        """None if the caller renders (it must `land` the key), else the event to wait for."""
        with self._lock:
            running = self._running.get(key)
            if running is None:
                self._running[key] = threading.Event()
            return running

    def land(self, key: str) -> None:
        with self._lock:
            event = self._running.pop(key, None)
        if event is not None:
            event.set()


_flights = _Flights()


def _from_cache(hit: tuple[bytes, str, dict[str, str]]) -> HttpResponse:
    body, content_type, headers = hit
    response = HttpResponse(body, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return response


def cached_get(view: View) -> View:
    """Serve a GET from the cache when the same resource was rendered for the current data."""

    @wraps(view)
    def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponseBase:
        seconds = cache_seconds()
        if request.method != "GET" or seconds <= 0:
            return view(request, fmt, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"open311:{data_version()}:{path}"  # bounded length for every cache backend
        hit = cache.get(key)
        if hit is not None:
            return _from_cache(hit)
        running = _flights.join(key)
        if running is not None:
            running.wait(_Flights.WAIT_S)
            hit = cache.get(key)
            if hit is not None:
                return _from_cache(hit)
            return view(request, fmt, **kwargs)
        landed = True
        try:
            response = view(request, fmt, **kwargs)
            if response.status_code == 200:
                headers = {
                    "Access-Control-Allow-Origin": response.get("Access-Control-Allow-Origin")
                }
                entry = (response["Content-Type"], headers)
                if isinstance(response, StreamingHttpResponse):
                    response.streaming_content = _stored_after(
                        cast(Iterable[bytes], response.streaming_content), key, entry, seconds
                    )
                    landed = False  # once the stream was sent
                elif isinstance(response, HttpResponse):
                    cache.set(key, (response.content, *entry), seconds)
        finally:
            if landed:
                _flights.land(key)
        return response

    return wrapper


def _stored_after(
    streamed: Iterable[Any], key: str, entry: tuple[Any, ...], seconds: int
) -> Iterator[bytes]:
    """Pass a streamed answer on and cache it once it was sent whole."""
    chunks: list[bytes] = []
    try:
        for chunk in streamed:
            chunk = bytes(chunk)
            chunks.append(chunk)
            yield chunk
        cache.set(key, (b"".join(chunks), *entry), seconds)
    finally:
        _flights.land(key)


def connect_invalidation() -> None:
    """Bump the version on every write to the models the public reads are made of."""
    from stadtlage.reports.models import Report, ReportPhoto, ReportUpdate, ServiceCategory

    DATA_VERSION.follow(Report, ReportUpdate, ReportPhoto, ServiceCategory)
