"""Prometheus metrics at ``/metrics`` (only for ``MONITORING_ALLOWED_IPS``).

Counted in the web processes (gunicorn's workers share them through prometheus-client's
multiprocess directory, set up in ``gunicorn_conf``):

* ``stadtlage_http_request_duration_seconds{view,method,status}``: latency per view;
* ``stadtlage_sync_records_total{outcome}``: field-sync records created, repeated, in conflict,
  refused (the counter lives in ``patrols.metrics``, the app that counts).

Read from the database at each scrape (so every process and server answers the same):
open and overdue citizen reports, the scheduled jobs (last success, last duration, overdue,
runs), the workers' heartbeats and the task queue.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from stadtlage.patrols import metrics as patrols_metrics  # noqa: F401 – registers its counter

REQUEST_SECONDS = Histogram(
    "stadtlage_http_request_duration_seconds",
    "Time to answer a request, by view (URL name), method and status class.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


class RequestMetricsMiddleware:
    """Times every request; the label is the URL pattern's name, never the raw path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or ("static" if _static(request) else "other")
        REQUEST_SECONDS.labels(
            view, request.method or "", f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response


def _static(request: HttpRequest) -> bool:
    return request.path.startswith("/static/")


class DatabaseCollector(Collector):
    """Figures read from the database at scrape time."""

    def collect(self) -> Iterator[Metric]:
        from stadtlage.operations.jobs import job_statuses
        from stadtlage.operations.models import WorkerHeartbeat
        from stadtlage.reports.models import OPEN_STATES, Report

        now = timezone.now()
        open_reports = Report.objects.filter(status__in=OPEN_STATES)
        yield GaugeMetricFamily(
            "stadtlage_reports_open", "Citizen reports not closed.", value=open_reports.count()
        )
        yield GaugeMetricFamily(
            "stadtlage_reports_overdue",
            "Open citizen reports past their due time (SLA of the category).",
            value=open_reports.filter(due_at__lt=now).count(),
        )
        last = GaugeMetricFamily(
            "stadtlage_job_last_success_timestamp_seconds",
            "Unix time of the last successful run of a scheduled job (0 = never).",
            labels=["job"],
        )
        duration = GaugeMetricFamily(
            "stadtlage_job_last_duration_seconds",
            "Duration of the last run of a scheduled job.",
            labels=["job"],
        )
        overdue = GaugeMetricFamily(
            "stadtlage_job_overdue", "1 if a scheduled run was missed.", labels=["job"]
        )
        runs = CounterMetricFamily(
            "stadtlage_job_runs", "Runs of a scheduled job by outcome.", labels=["job", "outcome"]
        )
        for status in job_statuses(now=now):
            name, state = status.job.name, status.state
            success = state.last_success_at if state else None
            last.add_metric([name], success.timestamp() if success else 0)
            duration.add_metric([name], (state.last_duration_ms or 0) / 1000 if state else 0)
            overdue.add_metric([name], 1 if status.overdue_since else 0)
            runs.add_metric([name, "ok"], state.successes if state else 0)
            runs.add_metric([name, "failed"], state.failures if state else 0)
        yield from (last, duration, overdue, runs)
        beat = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        latest = beat.first()
        yield GaugeMetricFamily(
            "stadtlage_worker_last_heartbeat_timestamp_seconds",
            "Unix time of the latest heartbeat of any background worker (0 = none).",
            value=latest.timestamp() if latest else 0,
        )
        queued = _queued_tasks()
        if queued is not None:
            yield GaugeMetricFamily(
                "stadtlage_tasks_ready", "Background tasks waiting for a worker.", value=queued
            )


def _queued_tasks() -> int | None:
    from django.conf import settings

    if settings.TASKS_BACKEND != "database":
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def render() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Forward(REGISTRY))
    registry.register(DatabaseCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Forward(Collector):
    """The process's own metrics (single-process servers such as runserver)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()
