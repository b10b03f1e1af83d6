"""The client address reaches the audit trail by middleware and a context variable.

Services never see the request (tests/test_writes.py); `audit.context.ClientContextMiddleware`
keeps the address for the time of one request and `audit_record` / `audit_records_bulk` read it.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from unittest import mock

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from stadtlage.audit import context
from stadtlage.audit.models import Action, AuditEvent
from stadtlage.audit.services import AuditEntry, audit_record, audit_records_bulk
from tests.factories import square, user_with_role

AREA = {
    "name": "Westenhellweg",
    "kind": "focus",
    "description": "",
    "geometry": json.dumps(square(51.5137, 7.4605)),
}


def _area_event() -> AuditEvent:
    return AuditEvent.objects.get(action="create", object_type="places.area")


@pytest.mark.django_db
def test_a_web_write_records_the_client_address(client: Client) -> None:
    client.force_login(user_with_role("admin"))
    response = client.post("/orte/gebiete/neu/", AREA, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert _area_event().ip_address == "203.0.113.7"


@pytest.mark.django_db
def test_behind_the_proxy_the_trail_gets_the_forwarded_client(settings: Any) -> None:
    """The context middleware runs after the proxy middleware has rewritten REMOTE_ADDR."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client()  # builds its middleware with these settings
    client.force_login(user_with_role("admin"))
    client.post(
        "/orte/gebiete/neu/",
        AREA,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert _area_event().ip_address == "198.51.100.23"


@pytest.mark.django_db
def test_the_address_does_not_outlive_its_request(client: Client) -> None:
    user = user_with_role("admin")
    client.force_login(user)
    client.post("/orte/gebiete/neu/", AREA, REMOTE_ADDR="203.0.113.7")
    assert context.current() is None  # reset when the request ended
    # The next request without an address, on the same thread: no address from the one before.
    client.post("/orte/gebiete/neu/", {**AREA, "name": "Zweites"}, REMOTE_ADDR="")
    second = AuditEvent.objects.get(action="create", object_repr__contains="Zweites")
    assert second.ip_address is None
    # Outside a request (management command, scheduled job): none, also for a person.
    event = audit_record(actor=user, action=Action.UPDATE, obj=user)
    assert event.ip_address is None


@pytest.mark.django_db
def test_a_failed_sign_in_keeps_its_address(client: Client) -> None:
    user = user_with_role("kod_officer")
    client.post(
        "/konto/anmelden/",
        {"username": user.username, "password": "falsch"},
        REMOTE_ADDR="192.0.2.44",
    )
    assert AuditEvent.objects.get(action="login_failed").ip_address == "192.0.2.44"


@pytest.mark.django_db
def test_events_without_a_signed_in_actor_get_no_address() -> None:
    """A citizen's address is never written (the trail's addresses are staff data)."""
    user = user_with_role("admin")
    with context.request_context("203.0.113.9"):
        citizen = audit_record(actor=None, action=Action.CREATE, object_type="reports.report")
        staff = audit_record(actor=user, action=Action.UPDATE, obj=user)
        audit_records_bulk(
            actor=None, action=Action.CREATE, entries=[AuditEntry(object_type="x", object_id=1)]
        )
        audit_records_bulk(
            actor=user, action=Action.CREATE, entries=[AuditEntry(object_type="y", object_id=1)]
        )
    assert (citizen.ip_address, staff.ip_address) == (None, "203.0.113.9")
    assert AuditEvent.objects.get(object_type="x").ip_address is None
    assert AuditEvent.objects.get(object_type="y").ip_address == "203.0.113.9"


def test_the_context_is_reset_after_an_error_and_not_shared_with_threads() -> None:
    seen: list[str | None] = []

    def failing_view(request: HttpRequest) -> HttpResponse:
        seen.append(context.client_address())
        raise RuntimeError("boom")

    middleware = context.ClientContextMiddleware(failing_view)
    with pytest.raises(RuntimeError):
        middleware(RequestFactory().get("/", REMOTE_ADDR="203.0.113.5"))
    assert seen == ["203.0.113.5"]
    assert context.current() is None

    with context.request_context("203.0.113.6"):
        with context.request_context("203.0.113.8"):
            assert context.client_address() == "203.0.113.8"
        assert context.client_address() == "203.0.113.6"
        thread = threading.Thread(target=lambda: seen.append(context.client_address()))
        thread.start()
        thread.join()
    assert seen == ["203.0.113.5", None]  # a thread starts with an empty context
    assert context.client_address() is None


def test_the_background_task_runs_outside_the_request() -> None:
    """The immediate task backend runs the task inside the request that enqueued it."""
    from stadtlage.taskforce import tasks

    seen: list[Any] = []

    def generate(*, report_id: int) -> Any:
        seen.append(context.current())
        return mock.Mock(pdf_sha256="abc")

    with (
        mock.patch.object(tasks, "mayor_report_generate", generate),
        context.request_context("203.0.113.4"),
    ):
        assert tasks.generate_mayor_report.call(1) == "abc"
        assert context.client_address() == "203.0.113.4"
    assert seen == [None]


@pytest.mark.django_db
def test_a_logged_read_marks_the_request_for_the_access_log() -> None:
    user = user_with_role("admin")
    audit_record(actor=user, action=Action.VIEW, object_type="x")  # outside: nothing to mark
    with context.request_context("203.0.113.3") as current:
        audit_record(actor=user, action=Action.UPDATE, obj=user)
        assert not current.access_logged
        audit_record(actor=user, action=Action.VIEW, object_type="x")
        assert current.access_logged and context.access_logged()
    assert not context.access_logged()


def test_a_start_up_check_keeps_the_middleware_in_its_place(settings: Any) -> None:
    from stadtlage.audit.checks import CONTEXT_MIDDLEWARE, client_context_middleware

    assert client_context_middleware() == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != CONTEXT_MIDDLEWARE]
    assert [e.id for e in client_context_middleware()] == ["stadtlage.E110"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, CONTEXT_MIDDLEWARE]
    assert [e.id for e in client_context_middleware()] == ["stadtlage.E112"]
