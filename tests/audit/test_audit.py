from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.audit.retention import run_retention
from stadtlage.audit.services import (
    AuditEntry,
    audit_record,
    audit_records_bulk,
    audit_saved,
    snapshot,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _event(action: str = "update", days_ago: int = 0, **kw: Any) -> AuditEvent:
    kw.setdefault("object_type", "places.area")
    event = audit_record(actor=None, action=action, **kw)
    AuditEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=days_ago))
    return event


def test_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(actor=None, action="steal", object_type="x")


def test_a_saved_record_is_a_creation_without_a_copy_from_before_and_a_change_with_one() -> None:
    actor = user_with_role("admin")
    created = audit_saved(actor=actor, obj=actor, note="neu")
    before = snapshot(actor)
    actor.first_name = "Geändert"
    actor.save()
    changed = audit_saved(actor=actor, obj=actor, before=before)
    assert (created.action, created.before, created.note) == ("create", None, "neu")
    assert created.after is not None and created.after["username"] == actor.username
    assert changed.action == "update"
    assert changed.before is not None and changed.before["first_name"] != "Geändert"
    assert changed.after is not None and changed.after["first_name"] == "Geändert"
    assert created.object_type == changed.object_type == actor._meta.label_lower


def test_bulk_entry_point_writes_what_audit_record_writes() -> None:
    """One statement for many events; each with the fields `audit_record` would give it."""
    actor = user_with_role("admin")
    with CaptureQueriesContext(connection) as queries:
        written = audit_records_bulk(
            actor=actor,
            action="create",
            entries=[
                AuditEntry(obj=actor, after={"n": 1}),
                AuditEntry(
                    object_type="patrols.positionsample",
                    object_id=7,
                    object_repr="3 Standortpunkte",
                    data_domain="city_operations",
                ),
            ],
            data_domain="staff",
            note="x" * 600,
        )
    assert written == 2
    assert len(queries) == 1
    single = audit_record(actor=actor, action="create", obj=actor, after={"n": 1})
    first, second = AuditEvent.objects.exclude(pk=single.pk).order_by("pk")
    for field in ("actor_id", "actor_name", "action", "object_type", "object_id", "object_repr"):
        assert getattr(first, field) == getattr(single, field), field
    assert first.after == {"n": 1} and first.data_domain == "staff" and len(first.note) == 500
    assert (second.object_type, second.object_id, second.object_repr, second.data_domain) == (
        "patrols.positionsample",
        "7",
        "3 Standortpunkte",
        "city_operations",
    )
    assert first.at is not None and first.at == second.at


def test_bulk_entry_point_refuses_unknown_action_and_writes_nothing_for_none() -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_records_bulk(actor=None, action="steal", entries=[AuditEntry(object_type="x")])
    assert audit_records_bulk(actor=None, action="create", entries=[]) == 0
    assert not AuditEvent.objects.exists()


def test_admin_filters_the_trail(client: Client, login_as: Any) -> None:
    login_as("admin")
    _event("create", object_repr="Westenhellweg")
    _event("delete", object_repr="Nordmarkt", days_ago=10)
    body = client.get("/protokoll/", {"action": "delete"}).content.decode()
    assert "Nordmarkt" in body and "Westenhellweg" not in body
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    body = client.get("/protokoll/", {"date_from": since}).content.decode()
    assert "Westenhellweg" in body and "Nordmarkt" not in body


def test_bad_filter_dates_are_named(client: Client, login_as: Any) -> None:
    login_as("admin")
    response = client.get("/protokoll/", {"date_from": "2025-05-02", "date_to": "2025-05-01"})
    assert response.status_code == 200
    assert "Das Ende liegt vor dem Beginn." in response.content.decode()
    response = client.get("/protokoll/", {"date_from": "gestern"})
    assert response.status_code == 200
    assert "Bitte ein gültiges Datum eingeben." in response.content.decode()


def test_trail_page_query_count_is_constant(client: Client, login_as: Any) -> None:
    login_as("admin")
    for _ in range(3):
        _event()
    with CaptureQueriesContext(connection) as few:
        client.get("/protokoll/")
    for _ in range(30):
        _event()
    with CaptureQueriesContext(connection) as many:
        client.get("/protokoll/")
    assert len(many) == len(few)


def test_showing_field_records_is_logged(client: Client) -> None:
    user = user_with_role("kod_officer")
    client.force_login(user)
    client.get("/")
    event = AuditEvent.objects.get(action="view")
    assert (event.actor, event.object_type, event.data_domain) == (
        user,
        "home.panel.field",
        "city_operations",
    )


def test_retention_deletes_old_records_only(settings: Any) -> None:
    settings.RETENTION_DAYS = {
        **settings.RETENTION_DAYS,
        "audit": 30,
        "access_log": 7,
        "login_attempts": 3,
    }
    old_change = _event("update", days_ago=31)
    new_change = _event("update", days_ago=29)
    _event("view", days_ago=8)
    kept_view = _event("view", days_ago=6)
    _event("export", days_ago=9)
    _event("login_failed", days_ago=4)
    dry = run_retention(dry_run=True).counts()
    assert (dry["audit"], dry["access_log"], dry["login_attempts"]) == (1, 2, 1)
    assert AuditEvent.objects.filter(pk=old_change.pk).exists()
    result = run_retention().counts()
    assert result == dry
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert {new_change.pk, kept_view.pk} <= remaining
    assert old_change.pk not in remaining
    purge = AuditEvent.objects.get(action="purge")
    assert purge.after["counts"]["access_log"] == 2


def test_purge_command_reports_per_data_class(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("purge", "--dry-run")
    out = capsys.readouterr().out
    assert "Protokoll der Änderungen [audit] (> 730 Tage ab dem Protokolleintrag): 0 würden" in out


def test_admin_changes_are_audited(client: Client) -> None:
    from stadtlage.organisations.models import Organisation

    admin_user = user_with_role("admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        "/verwaltung/organisations/organisation/add/",
        {
            "name": "Jugendamt",
            "short_name": "JA",
            "kind": "city_department",
            "data_domain": "city_operations",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(short_name="JA")
    event = AuditEvent.objects.get(action="create", object_type="organisations.organisation")
    assert event.object_id == str(org.pk)
    assert event.actor == admin_user
