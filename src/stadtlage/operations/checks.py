"""Deployment checks of the operations app (`stadtlage check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.REDIS_URL:
        return []
    return [
        Warning(
            "Kein gemeinsamer Cache (REDIS_URL): jeder Prozess hat eigene Ratenlimits und "
            "zwischengespeicherte Antworten.",
            hint="REDIS_URL=redis://HOST:6379/0 setzen (docs/operations.md), oder nur einen "
            "Prozess betreiben (WEB_WORKERS=1).",
            id="operations.W001",
        )
    ]
