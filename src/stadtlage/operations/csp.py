"""The Content Security Policy (django-csp) with the map tile server of ``MAP_TILE_URL``.

The policy in settings allows only our own origin: no inline scripts or styles on any page
(data reaches scripts through ``json_script`` or data- attributes). This middleware adds the
origin of the configured tile server to ``img-src`` (the map's base layer) and ``connect-src``
(the field app's service worker keeps tiles for offline use), read per request so that a test
or an administrator changing the setting is followed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def tile_origin(url: str) -> str | None:
    """``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``https://*.tile.example.org``."""
    parts = urlsplit(url.replace("{s}.", "*."))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


class PolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origin = tile_origin(getattr(settings, "MAP_TILE_URL", ""))
        if origin and not report_only:
            update: dict[str, Any] = dict(parts.update or {})
            for directive in ("img-src", "connect-src"):
                update[directive] = [*update.get(directive, []), origin]
            parts.update = update
        return parts
