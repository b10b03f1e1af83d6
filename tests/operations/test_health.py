"""/health/live, /health/ready (503 with the reason) and /metrics (restricted addresses)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from stadtlage.operations import health
from stadtlage.operations.models import JobState
from tests.patrols.conftest import Api, api, cat, officer  # noqa: F401 – fixtures
from tests.patrols.factories import observation_data, record

pytestmark = pytest.mark.django_db
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def test_live_answers_everyone(client: Client) -> None:
    response = client.get("/health/live", **OUTSIDE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/health/ready", "/metrics"])
def test_ready_and_metrics_only_for_monitoring_addresses(client: Client, path: str) -> None:
    assert client.get(path, **OUTSIDE).status_code == 403
    assert client.get(path).status_code in {200, 503}  # the test client is 127.0.0.1


def test_ready_reports_every_check(client: Client) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok" and body["reasons"] == []
    assert set(body["checks"]) == {"database", "migrations", "cache", "worker", "jobs"}
    assert all(c["ok"] for c in body["checks"].values())
    jobs = body["checks"]["jobs"]["jobs"]
    assert jobs["purge"]["schedule"] == "täglich 03:30 Uhr"
    assert jobs["purge"]["last_success"] is None


def test_ready_fails_with_the_reason_when_a_job_is_overdue(client: Client) -> None:
    client.get("/health/ready")  # the jobs are known from now on
    JobState.objects.update(first_seen_at=timezone.now() - timedelta(days=8))
    JobState.objects.exclude(name="ob_report").update(last_success_at=timezone.now())
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["reasons"] == ["jobs: überfällig: ob_report"]
    assert body["checks"]["jobs"]["jobs"]["ob_report"]["overdue_since"] is not None


def test_ready_fails_when_the_cache_loses_writes(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(cache, "get", lambda *a, **k: None)
    body = client.get("/health/ready").json()
    assert body["reasons"] == ["cache: Cache liefert den geschriebenen Wert nicht zurück"]


def test_ready_fails_when_migrations_are_missing(client: Client, monkeypatch: Any) -> None:
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.migration import Migration

    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(
        MigrationExecutor,
        "migration_plan",
        lambda self, targets: [(Migration("0099_new", "reports"), False)],
    )
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["missing"] == ["reports.0099_new"]


def test_ready_fails_when_the_database_is_gone(client: Client, monkeypatch: Any) -> None:
    def down() -> Any:
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", down)
    body = client.get("/health/ready").json()
    assert body["reasons"][0] == "database: OSError: connection refused"
    assert body["checks"]["jobs"] == {"ok": False, "reason": "Datenbank nicht erreichbar"}


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_count_requests_by_view_and_read_the_database(client: Client) -> None:
    before = _sample(
        "stadtlage_http_request_duration_seconds_count",
        {"view": "reports:list", "method": "GET", "status": "2xx"},
    )
    client.get("/meldungen/")
    text = client.get("/metrics").content.decode()
    after = _sample(
        "stadtlage_http_request_duration_seconds_count",
        {"view": "reports:list", "method": "GET", "status": "2xx"},
    )
    assert after == before + 1
    assert 'stadtlage_http_request_duration_seconds_bucket{le="0.25",method="GET"' in text
    assert "stadtlage_reports_open 0.0" in text
    assert "stadtlage_reports_overdue 0.0" in text
    assert 'stadtlage_job_last_success_timestamp_seconds{job="purge"} 0.0' in text
    assert 'stadtlage_job_overdue{job="purge"} 0.0' in text


def test_metrics_count_sync_records_by_outcome(api: Api, cat: dict[str, Any]) -> None:  # noqa: F811
    labels = {"outcome": "created"}
    created = _sample("stadtlage_sync_records_total", labels)
    repeated = _sample("stadtlage_sync_records_total", {"outcome": "repeated"})
    rec = record("observation", observation_data())
    api.sync([rec])
    api.sync([rec])
    assert _sample("stadtlage_sync_records_total", labels) == created + 1
    assert _sample("stadtlage_sync_records_total", {"outcome": "repeated"}) == repeated + 1
