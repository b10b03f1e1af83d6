"""Health endpoints for the load balancer, systemd and the monitoring.

``/health/live``: the process answers (touches nothing else); open to everyone.
``/health/ready``: everything the installation needs, each check with its result; 503 with the
reasons when one fails: database reachable, every migration applied, cache writable and
readable, a background worker alive (``TASKS_BACKEND=database``) and no task waiting too long,
no scheduled job overdue (with the time of each job's last success). Like ``/metrics`` only
for ``MONITORING_ALLOWED_IPS`` (the answers name jobs and internal errors).
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from stadtlage.operations import metrics

# A task that waited this long for a worker makes the installation unready.
TASK_MAX_WAIT = timedelta(minutes=15)


def monitoring_allowed(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(entry, strict=False)
        for entry in settings.MONITORING_ALLOWED_IPS
    )


def _forbidden() -> JsonResponse:
    return JsonResponse({"status": "forbidden"}, status=403)


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


# --- readiness checks: each returns (ok, detail) ---------------------------------------------

Check = Callable[[], tuple[bool, dict[str, Any]]]
_migrations_applied = False  # once true, true for the life of the process (code is fixed)


def check_database() -> tuple[bool, dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True, {}


def check_migrations() -> tuple[bool, dict[str, Any]]:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            names = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
            return False, {"reason": f"{len(names)} Migrationen fehlen", "missing": names[:20]}
        _migrations_applied = True
    return True, {}


def check_cache() -> tuple[bool, dict[str, Any]]:
    key, value = "health:probe", secrets.token_hex(8)
    cache.set(key, value, 30)
    if cache.get(key) != value:
        return False, {"reason": "Cache liefert den geschriebenen Wert nicht zurück"}
    backend = type(cache).__name__
    return True, {"backend": backend}


def check_worker() -> tuple[bool, dict[str, Any]]:
    if settings.TASKS_BACKEND != "database":
        return True, {"backend": "immediate"}
    from django_tasks_db.models import DBTaskResult

    from stadtlage.operations.models import WorkerHeartbeat
    from stadtlage.operations.worker import HEARTBEAT_STALE

    now = timezone.now()
    latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    detail: dict[str, Any] = {
        "last_heartbeat": latest.seen_at.isoformat() if latest else None,
        "tasks_waiting": ready.count(),
    }
    if latest is None or now - latest.seen_at > HEARTBEAT_STALE:
        detail["reason"] = "kein Hintergrund-Worker aktiv"
        return False, detail
    if oldest is not None and now - oldest > TASK_MAX_WAIT:
        detail["reason"] = f"eine Aufgabe wartet seit {oldest:%H:%M} auf den Worker"
        return False, detail
    return True, detail


def check_jobs() -> tuple[bool, dict[str, Any]]:
    from stadtlage.operations.jobs import job_statuses

    jobs, late = {}, []
    for status in job_statuses():
        state = status.state
        jobs[status.job.name] = {
            "schedule": status.job.schedule.describe(),
            "last_success": state.last_success_at.isoformat()
            if state and state.last_success_at
            else None,
            "overdue_since": status.overdue_since.isoformat() if status.overdue_since else None,
            "running": status.running,
        }
        if status.overdue_since:
            late.append(status.job.name)
    detail: dict[str, Any] = {"jobs": jobs}
    if late:
        detail["reason"] = "überfällig: " + ", ".join(late)
    return not late, detail


CHECKS: dict[str, Check] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "worker": check_worker,
    "jobs": check_jobs,
}
# Without the database the other checks cannot run.
NEEDS_DATABASE = {"migrations", "worker", "jobs"}


def readiness() -> tuple[bool, dict[str, Any]]:
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        if name in NEEDS_DATABASE and not results["database"]["ok"]:
            results[name] = {"ok": False, "reason": "Datenbank nicht erreichbar"}
            continue
        started = time.perf_counter()
        try:
            ok, detail = check()
        except Exception as exc:
            ok, detail = False, {"reason": f"{type(exc).__name__}: {exc}"[:300]}
        results[name] = {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1)}
        results[name].update(detail)
    return all(r["ok"] for r in results.values()), results


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    if not monitoring_allowed(request):
        return _forbidden()
    ok, checks = readiness()
    reasons = [f"{name}: {c['reason']}" for name, c in checks.items() if not c["ok"]]
    body = {"status": "ok" if ok else "fail", "reasons": reasons, "checks": checks}
    return JsonResponse(body, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not monitoring_allowed(request):
        return _forbidden()
    body, content_type = metrics.render()
    return HttpResponse(body, content_type=content_type)
