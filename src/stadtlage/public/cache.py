"""Public answers that are expensive to build, cached under the data version.

Every committed change to citizen reports, their timeline, photos or categories bumps the data
version (``stadtlage.open311.cache``), and every change to released figures, published
recommendations, milestones, decisions or areas the release version (``connect_invalidation``),
so a cached answer is never served after a change in the process that made it; with a shared
cache (Redis) nowhere. Without a shared cache, other processes
see a change after at most ``PUBLIC_CACHE_SECONDS``.

* Small answers (map sections) live in Django's cache (``cached_bytes``).
* Whole public pages for visitors without a session (``public_page``): the HTML is stored with a
  placeholder where the page's CSRF token stood, and every visitor gets their own token put in.
* Exports can be megabytes: they are built once into a file under ``PUBLIC_CACHE_DIR`` and served
  from there (``cached_file``). One process builds a file at a time (a file lock); concurrent
  requests for the same file wait for it instead of building it again. At most
  ``MAX_FILES`` files are kept, the oldest are deleted first.

Building is what costs: anonymous clients may trigger only a limited number of builds per hour
(``build_allowed``); answers from the cache are never limited.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gzip
import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import translation

from stadtlage.audit.context import mark_logged
from stadtlage.db.versions import DataVersion
from stadtlage.open311.cache import data_version
from stadtlage.ratelimit import throttled

T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., HttpResponseBase])
Body = tuple[bytes, bytes]  # the body and its gzip form
MAX_FILES = 64
LOCK_WAIT_SECONDS = 60.0


def cache_seconds() -> int:
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", 300))


RELEASE_KEY = "public:release-version"


# Changes with every write to what the public pages show besides citizen reports: released key
# figures and their series, published recommendations, milestones, decisions, areas.
RELEASE_VERSION = DataVersion(RELEASE_KEY)
release_version = RELEASE_VERSION.current
bump_release_version = RELEASE_VERSION.bump


def connect_invalidation() -> None:
    from stadtlage.kpi.models import Indicator, IndicatorSeries
    from stadtlage.places.models import Area
    from stadtlage.reports.models import Confirmation
    from stadtlage.taskforce.models import (
        BoardDecision,
        ImplementationMeasure,
        Recommendation,
        RecommendationMilestone,
    )

    RELEASE_VERSION.follow(
        Indicator,
        IndicatorSeries,
        Recommendation,
        RecommendationMilestone,
        ImplementationMeasure,
        BoardDecision,
        Area,
        Confirmation,  # the public list shows confirmation counts
    )


def refresh_seconds() -> int:
    return int(getattr(settings, "PUBLIC_REFRESH_SECONDS", 0))


PUBLISHED_KEY = "public:published-data-version"


def published_data_version() -> int:
    """The data version of citizen reports that public answers are built under.

    It follows the data version (`open311.cache`), but at most once every
    `PUBLIC_REFRESH_SECONDS`: a new report shows on the public pages and the map after at most
    that long, and while reports arrive every second the public answers are not rebuilt for each
    of them. 0: at once. Open311 and the staff pages always read the current data.
    """
    current = data_version()
    lag = refresh_seconds()
    if lag <= 0:
        return current
    now = time.time()
    published = cache.get(PUBLISHED_KEY)
    if published is not None:
        version, since = published
        if version == current or now - since < lag:
            return int(version)
    cache.set(PUBLISHED_KEY, (current, now), None)
    return current


def key_for(namespace: str, parts: Iterable[str]) -> str:
    """A bounded key of the request's canonical parameters under the current data versions."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"{namespace}-{published_data_version()}-{release_version()}-{digest}"


def cached_bytes(namespace: str, parts: Iterable[str]) -> tuple[str, Body | None]:
    """(key, cached body and its gzip form, or None)."""
    key = key_for(namespace, parts)
    if cache_seconds() <= 0:
        return key, None
    return key, cache.get(f"public:{key}")


def store_bytes(key: str, body: bytes) -> Body:
    pair = (body, gzip.compress(body, compresslevel=6))
    if cache_seconds() > 0:
        cache.set(f"public:{key}", pair, cache_seconds())
    return pair


def accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


def bytes_response(request: HttpRequest, body: Body, content_type: str) -> HttpResponse:
    """The body, gzip-compressed when the client accepts it (built once, served many times)."""
    zipped = accepts_gzip(request)
    response = HttpResponse(body[1] if zipped else body[0], content_type=content_type)
    if zipped:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = f"public, max-age={min(cache_seconds(), 60)}"
    return response


def file_response(request: HttpRequest, path: Path, content_type: str) -> FileResponse:
    """A built file, its gzip twin when the client accepts it."""
    zipped = path.with_name(path.name + ".gz")
    if accepts_gzip(request) and zipped.exists():
        response = FileResponse(zipped.open("rb"), content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = f"public, max-age={min(cache_seconds(), 60)}"
    return response


def cached_value(namespace: str, parts: Iterable[str], build: Callable[[], T]) -> T:
    """A page's data (not its HTML: pages carry per-visitor CSRF tokens) from the cache, built
    when missing, under the data and release versions."""
    seconds = cache_seconds()
    if seconds <= 0:
        return build()
    key = f"public:{key_for(namespace, parts)}"
    hit = cache.get(key)
    if hit is not None:
        return cast(T, hit)
    value = build()
    cache.set(key, value, seconds)
    return value


def build_allowed(request: HttpRequest, scope: str, limit: int) -> bool:
    """Anonymous clients may build `limit` answers of this kind per hour; staff always may."""
    if getattr(request.user, "is_authenticated", False):
        return True
    return not throttled(request, f"public-{scope}", limit)


def _directory() -> Path:
    path = Path(getattr(settings, "PUBLIC_CACHE_DIR", Path(settings.VAR_DIR) / "cache" / "public"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _fresh(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime < cache_seconds()
    except FileNotFoundError:
        return False


def cached_file(key: str, suffix: str) -> Path | None:
    """The built file for `key` if it is there and young enough."""
    if cache_seconds() <= 0:
        return None
    path = _directory() / f"{key}{suffix}"
    return path if _fresh(path) else None


def build_file(key: str, suffix: str, write: Callable[[IO[bytes]], None]) -> Path:
    """Build the file for `key` with `write` (or take the one a concurrent request built)."""
    directory = _directory()
    path = directory / f"{key}{suffix}"
    with (directory / f"{key}.lock").open("wb") as lock:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"export {key} is being built elsewhere") from None
                time.sleep(0.05)
        try:
            if _fresh(path):
                return path  # built while we waited
            temporary = directory / f".{key}.{os.getpid()}.tmp"
            zipped = directory / f".{key}.{os.getpid()}.gz.tmp"
            try:
                with temporary.open("wb") as out:
                    write(out)
                with temporary.open("rb") as source, gzip.open(zipped, "wb", 6) as target:
                    shutil.copyfileobj(source, target)
                zipped.replace(path.with_name(path.name + ".gz"))
                temporary.replace(path)
            finally:
                temporary.unlink(missing_ok=True)
                zipped.unlink(missing_ok=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _prune(directory)
    return path


def _prune(directory: Path) -> None:
    """Keep the files of the newest MAX_FILES keys (each key: file, gzip twin, lock)."""
    newest: dict[str, float] = {}
    for path in directory.iterdir():
        if path.name.startswith("."):
            continue
        key = path.name.split(".", 1)[0]
        with contextlib.suppress(FileNotFoundError):
            newest[key] = max(newest.get(key, 0.0), path.stat().st_mtime)
    keep = set(sorted(newest, key=newest.__getitem__)[-MAX_FILES:])
    for path in directory.iterdir():
        if not path.name.startswith(".") and path.name.split(".", 1)[0] not in keep:
            path.unlink(missing_ok=True)


# --- whole pages -------------------------------------------------------------------------------

CSRF_PLACEHOLDER = b"\x00csrf\x00"  # never in a rendered page (the NUL guard refuses it)
_CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# Cached pages hold the page's HTML, its content type and status.
Page = tuple[bytes, str, int]


def _page_cacheable(request: HttpRequest) -> bool:
    """Only visitors without a session and without pending messages see the shared page: a
    signed-in person's pages show their name and navigation, a message belongs to one visitor."""
    if request.method not in {"GET", "HEAD"} or cache_seconds() <= 0:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _page_key(namespace: str, request: HttpRequest) -> str:
    parts = [
        request.get_host(),
        request.scheme or "",
        request.get_full_path(),
        translation.get_language() or "",
    ]
    return f"public:page:{key_for(namespace, parts)}"


def _storable(request: HttpRequest, response: HttpResponseBase) -> Page | None:
    """The page with its CSRF token replaced by the placeholder, or None when it must not be
    shared (an error, a stream, a cookie or a session of its own)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return None
    if not isinstance(response, HttpResponse) or response.has_header("Content-Encoding"):
        return None
    content = response.content
    tokens = set(_CSRF_VALUE.findall(content))
    for token in tokens:
        content = content.replace(token, CSRF_PLACEHOLDER)
    return content, response["Content-Type"], response.status_code


def _page_response(request: HttpRequest, page: Page) -> HttpResponse:
    content, content_type, status = page
    if CSRF_PLACEHOLDER in content:
        # `get_token` also makes the CSRF middleware send this visitor's cookie.
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    return HttpResponse(content, content_type=content_type, status=status)


def public_page(namespace: str) -> Callable[[View], View]:
    """Serve a public page from the cache under the data and release versions (see above).

    Everything a page shows to a visitor without a session depends on its address, language and
    the data; its CSRF token is the visitor's own and is put in on every answer.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            if not _page_cacheable(request):
                return view(request, *args, **kwargs)
            # What every visitor without a session sees holds no non-public records: no read
            # to log (and no address of a citizen in the audit trail).
            mark_logged()
            key = _page_key(namespace, request)
            page = cache.get(key)
            if page is None:
                response = view(request, *args, **kwargs)
                page = _storable(request, response)
                if page is None:
                    return response
                cache.set(key, page, cache_seconds())
            return _page_response(request, page)

        return cast(View, wrapper)

    return decorate
