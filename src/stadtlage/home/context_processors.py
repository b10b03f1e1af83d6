from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from stadtlage.home.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": navigation_for(getattr(request, "user", None), request.path),
        "demo_mode": settings.DEMO_MODE,
    }
