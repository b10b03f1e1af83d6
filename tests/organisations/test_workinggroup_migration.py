"""The working group moved from ``taskforce`` to ``organisations`` without losing a row.

The migrations run backwards to the state before the move, a working group with a category, a
content type and an audit event is written with the historical models, and the migrations run
forward again: the same row is now ``organisations.WorkingGroup``, the category still points to
it, and its content type and audit events carry the new label (and the old one after going back).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("organisations", "0001_initial"),
    ("taskforce", "0003_public_summary"),
    ("patrols", "0005_cleaning_deadline_by_kind"),
    ("audit", "0001_initial"),
    ("contenttypes", "0002_remove_content_type_name"),
]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.fixture
def before_the_move() -> Iterator[MigrationExecutor]:
    executor = _executor()
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        yield _executor()
    finally:
        _executor().migrate(latest)
        ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True)
def test_working_group_keeps_table_rows_and_history(before_the_move: MigrationExecutor) -> None:
    old = before_the_move.loader.project_state(BEFORE).apps
    group = old.get_model("taskforce", "WorkingGroup").objects.create(
        name="Sauberkeit", slug="sauberkeit", order=3
    )
    category = old.get_model("patrols", "ObservationCategory").objects.create(
        code="muell", name="Müll", working_group_id=group.pk
    )
    content_types = old.get_model("contenttypes", "ContentType").objects
    content_types.filter(app_label="organisations", model="workinggroup").delete()  # as before
    old_type, _ = content_types.get_or_create(app_label="taskforce", model="workinggroup")
    old.get_model("audit", "AuditEvent").objects.create(
        actor_name="admin",
        action="update",
        object_type="taskforce.workinggroup",
        object_id=str(group.pk),
    )

    executor = _executor()
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(latest)
    new = _executor().loader.project_state(latest).apps

    with pytest.raises(LookupError):
        new.get_model("taskforce", "WorkingGroup")
    moved = new.get_model("organisations", "WorkingGroup").objects.get()
    assert (moved.pk, moved.name, moved.slug, moved.order) == (
        group.pk,
        "Sauberkeit",
        "sauberkeit",
        3,
    )
    assert moved._meta.db_table == "taskforce_workinggroup"
    assert (
        new.get_model("patrols", "ObservationCategory").objects.get(pk=category.pk).working_group_id
        == group.pk
    )
    types = new.get_model("contenttypes", "ContentType").objects
    assert types.get(app_label="organisations", model="workinggroup").pk == old_type.pk
    assert not types.filter(app_label="taskforce", model="workinggroup").exists()
    events = new.get_model("audit", "AuditEvent").objects
    assert list(events.values_list("object_type", flat=True)) == ["organisations.workinggroup"]

    # and back: the move is reversible without losing the row
    _executor().migrate(BEFORE)
    back = _executor().loader.project_state(BEFORE).apps
    assert back.get_model("taskforce", "WorkingGroup").objects.get().name == "Sauberkeit"
    assert list(
        back.get_model("audit", "AuditEvent").objects.values_list("object_type", flat=True)
    ) == ["taskforce.workinggroup"]
    assert (
        back.get_model("contenttypes", "ContentType")
        .objects.filter(app_label="taskforce", model="workinggroup")
        .exists()
    )


def test_current_model_lives_in_organisations_over_the_old_table() -> None:
    from stadtlage.organisations.models import WorkingGroup
    from stadtlage.taskforce import models as taskforce_models

    assert WorkingGroup._meta.label == "organisations.WorkingGroup"
    assert WorkingGroup._meta.db_table == "taskforce_workinggroup"
    assert taskforce_models.WorkingGroup is WorkingGroup  # re-export for older code


@pytest.mark.django_db
def test_working_groups_are_edited_in_the_organisations_admin_and_audited(client: Any) -> None:
    from stadtlage.audit.models import AuditEvent
    from stadtlage.organisations.models import WorkingGroup
    from tests.factories import user_with_role

    client.force_login(user_with_role("admin", is_staff=True, is_superuser=True))
    assert client.get("/verwaltung/organisations/workinggroup/").status_code == 200
    response = client.post(
        "/verwaltung/organisations/workinggroup/add/",
        {"name": "Präsenz verstärken", "slug": "praesenz", "order": "6", "is_active": "on"},
    )
    assert response.status_code == 302
    group = WorkingGroup.objects.get(slug="praesenz")
    event = AuditEvent.objects.get(action="create", object_type="organisations.workinggroup")
    assert event.object_id == str(group.pk)
    assert client.get("/verwaltung/taskforce/workinggroup/").status_code == 404
