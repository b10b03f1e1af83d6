"""Health endpoints for the load balancer, systemd and the monitoring.

``/health/live``: the process answers (no database). ``/health/ready``: see ``readiness``.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
