"""Renamed models keep their rows: one name per concept (issue #15, item 3).

Each test runs the migrations back to the state before a rename, writes rows with the
historical models (and an audit event about them), migrates forward and checks the same rows
under the new name, the audit events with the new label, and the way back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.fixture
def migrator() -> Iterator[type[MigrationExecutor]]:
    latest = _executor().loader.graph.leaf_nodes()
    try:
        yield MigrationExecutor
    finally:
        _executor().migrate(latest)
        ContentType.objects.clear_cache()


def _apps_at(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    _executor().migrate(targets)
    return _executor().loader.project_state(targets).apps


def _latest_apps():  # type: ignore[no-untyped-def]
    executor = _executor()
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(latest)
    return _executor().loader.project_state(latest).apps


def _recommendation(apps):  # type: ignore[no-untyped-def]
    group = apps.get_model("organisations", "WorkingGroup").objects.create(
        name="Sauberkeit", slug="sauberkeit", order=1
    )
    return apps.get_model("taskforce", "Recommendation").objects.create(
        working_group_id=group.pk, title="Mehr Präsenz"
    )


def _audit(apps, object_type: str, pk: int) -> None:  # type: ignore[no-untyped-def]
    apps.get_model("audit", "AuditEvent").objects.create(
        actor_name="admin", action="create", object_type=object_type, object_id=str(pk)
    )


def _audit_types(apps) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(
        apps.get_model("audit", "AuditEvent").objects.values_list("object_type", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_implementation_measure_keeps_rows_milestones_and_history(migrator: object) -> None:
    before = [("taskforce", "0004_workinggroup_in_organisations")]
    old = _apps_at(before)
    rec = _recommendation(old)
    measure = old.get_model("taskforce", "Measure").objects.create(
        recommendation_id=rec.pk, title="Doppelstreifen", order=1
    )
    milestone = old.get_model("taskforce", "Milestone").objects.create(
        recommendation_id=rec.pk,
        measure_id=measure.pk,
        title="Start",
        due_date=datetime.date(2026, 3, 1),
    )
    _audit(old, "taskforce.measure", measure.pk)

    new = _latest_apps()
    moved = new.get_model("taskforce", "ImplementationMeasure").objects.get()
    assert (moved.pk, moved.title, moved.recommendation_id) == (
        measure.pk,
        "Doppelstreifen",
        rec.pk,
    )
    kept = [
        m
        for m in new.get_models()
        if m._meta.app_label == "taskforce" and "milestone" in m._meta.model_name
    ]
    assert [m.objects.get().measure_id for m in kept] == [measure.pk]
    assert milestone.pk == kept[0].objects.get().pk
    assert _audit_types(new) == ["taskforce.implementationmeasure"]

    back = _apps_at(before)
    assert back.get_model("taskforce", "Measure").objects.get().title == "Doppelstreifen"
    assert _audit_types(back) == ["taskforce.measure"]


@pytest.mark.django_db(transaction=True)
def test_both_milestones_keep_their_rows_and_history(migrator: object) -> None:
    before = [
        ("taskforce", "0005_implementationmeasure"),
        ("kpi", "0007_workinggroup_in_organisations"),
    ]
    old = _apps_at(before)
    rec = _recommendation(old)
    step = old.get_model("taskforce", "Milestone").objects.create(
        recommendation_id=rec.pk, title="Start", due_date=datetime.date(2026, 3, 1)
    )
    indicator = old.get_model("kpi", "Indicator").objects.create(code="muell")
    goal = old.get_model("kpi", "Goal").objects.create(
        indicator_id=indicator.pk,
        title="Weniger Müll",
        baseline_value=10,
        target_value=5,
        target_date=datetime.date(2026, 12, 31),
    )
    interim = old.get_model("kpi", "Milestone").objects.create(
        goal_id=goal.pk, title="Halbzeit", due_date=datetime.date(2026, 6, 30), target_value=7.5
    )
    _audit(old, "taskforce.milestone", step.pk)
    _audit(old, "kpi.milestone", interim.pk)

    new = _latest_apps()
    moved = new.get_model("taskforce", "RecommendationMilestone").objects.get()
    assert (moved.pk, moved.title, moved.recommendation_id) == (step.pk, "Start", rec.pk)
    kept = new.get_model("kpi", "GoalMilestone").objects.get()
    assert (kept.pk, kept.goal_id, kept.target_value) == (interim.pk, goal.pk, 7.5)
    assert _audit_types(new) == ["kpi.goalmilestone", "taskforce.recommendationmilestone"]

    back = _apps_at(before)
    assert back.get_model("taskforce", "Milestone").objects.get().title == "Start"
    assert back.get_model("kpi", "Milestone").objects.get().title == "Halbzeit"
    assert _audit_types(back) == ["kpi.milestone", "taskforce.milestone"]


# --- permissions follow the renamed models (taskforce 0008, kpi 0009) ---------------------------
# These go through the ``migrate`` command as a deployment does: only it lets Django rename the
# content types (pre_migrate) and create missing permissions afterwards (post_migrate).

RENAMED = {
    ("taskforce", "measure"): "implementationmeasure",
    ("taskforce", "milestone"): "recommendationmilestone",
    ("kpi", "milestone"): "goalmilestone",
}
ACTIONS = ("add", "change", "delete", "view")
HOLDERS = {
    ("taskforce", "measure", "view"): ["group:Redaktion"],
    ("taskforce", "measure", "change"): ["group:Redaktion", "user:lea"],
    ("taskforce", "milestone", "view"): ["group:Redaktion"],
    ("kpi", "milestone", "view"): ["user:lea"],
}


def _migrate(*targets: tuple[str, str]) -> None:
    for app, name in targets:
        call_command("migrate", app, name, verbosity=0)
    if not targets:
        call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()


@pytest.fixture
def migrate_command() -> Iterator[None]:
    try:
        yield
    finally:
        _migrate()


def _before_renames() -> None:
    _migrate(
        ("taskforce", "0004_workinggroup_in_organisations"),
        ("kpi", "0007_workinggroup_in_organisations"),
    )


def _permission_rows() -> dict[str, Permission]:
    """The permissions of the three models' content types, old or new names."""
    models = [m for (_app, m) in RENAMED] + list(RENAMED.values())
    rows = Permission.objects.filter(
        content_type__app_label__in=["taskforce", "kpi"], content_type__model__in=models
    ).select_related("content_type")
    return {f"{p.content_type.app_label}.{p.content_type.model}.{p.codename}": p for p in rows}


def _grants() -> dict[str, list[str]]:
    """Who holds which of them: ``{"kpi.goalmilestone.view_goalmilestone": ["user:lea"]}``."""
    out = {}
    for key, p in _permission_rows().items():
        holders = [f"group:{n}" for n in p.group_set.values_list("name", flat=True)]
        holders += [f"user:{n}" for n in p.user_set.values_list("username", flat=True)]
        out[key] = sorted(holders)
    return out


def _expected(*, new: bool) -> dict[str, list[str]]:
    """Every default permission of the three models, under the new or old names, with HOLDERS."""
    out = {}
    for (app, old), renamed in RENAMED.items():
        model = renamed if new else old
        for action in ACTIONS:
            out[f"{app}.{model}.{action}_{model}"] = HOLDERS.get((app, old, action), [])
    return out


def _renamed(key: str) -> str:
    """``taskforce.measure.view_measure`` → ``taskforce.implementationmeasure.view_…``."""
    app, model, codename = key.split(".")
    new = RENAMED[(app, model)]
    return f"{app}.{new}.{codename.split('_')[0]}_{new}"


def _grant_old_permissions() -> None:
    group = Group.objects.create(name="Redaktion")
    user = get_user_model().objects.create(username="lea")
    rows = _permission_rows()
    for (app, model, action), holders in HOLDERS.items():
        permission = rows[f"{app}.{model}.{action}_{model}"]
        if "group:Redaktion" in holders:
            group.permissions.add(permission)
        if "user:lea" in holders:
            user.user_permissions.add(permission)


@pytest.mark.django_db(transaction=True)
def test_permissions_follow_the_renamed_models_with_their_holders(migrate_command: None) -> None:
    _before_renames()
    _grant_old_permissions()
    assert _grants() == _expected(new=False)
    ids = {key: p.pk for key, p in _permission_rows().items()}

    _migrate()
    assert _grants() == _expected(new=True)  # nothing left under the old codenames
    assert {k: p.pk for k, p in _permission_rows().items()} == {
        _renamed(k): pk for k, pk in ids.items()
    }  # the same rows, renamed
    stale = Permission.objects.filter(
        content_type__app_label__in=["taskforce", "kpi"],
        codename__in=[f"{action}_{old}" for action in ACTIONS for (_app, old) in RENAMED],
    )
    assert not stale.exists()  # (patrols.Measure keeps its view_measure)
    view = _permission_rows()["taskforce.implementationmeasure.view_implementationmeasure"]
    assert view.name == "Can view Maßnahme"
    lea = get_user_model().objects.get(username="lea")
    assert lea.has_perm("kpi.view_goalmilestone")
    assert lea.has_perm("taskforce.change_implementationmeasure")

    _before_renames()
    assert _grants() == _expected(new=False)


@pytest.mark.django_db(transaction=True)
def test_permissions_created_under_both_names_are_merged(migrate_command: None) -> None:
    """A database that ran the renames before 0008/0009 has both sets (``migrate`` created the
    new ones, held by nobody); a held one may even sit on a content type left under the old name
    (Django skips renaming a content type when the new name exists)."""
    _before_renames()
    _grant_old_permissions()
    _migrate(("taskforce", "0007_recommendationmilestone_index"), ("kpi", "0008_goalmilestone"))
    rows = _permission_rows()
    assert len(rows) == 2 * len(RENAMED) * len(ACTIONS)  # old and new, side by side
    stale = ContentType.objects.create(app_label="kpi", model="milestone")
    Permission.objects.filter(pk=rows["kpi.goalmilestone.view_milestone"].pk).update(
        content_type=stale
    )
    logged = LogEntry.objects.create(
        user=get_user_model().objects.get(username="lea"),
        content_type=stale,
        object_id="1",
        object_repr="Halbzeit",
        action_flag=CHANGE,
    )

    _migrate()
    assert _grants() == _expected(new=True)
    assert not ContentType.objects.filter(app_label="kpi", model="milestone").exists()
    home = ContentType.objects.get(app_label="kpi", model="goalmilestone")
    assert LogEntry.objects.get(pk=logged.pk).content_type_id == home.pk
    assert _permission_rows()["kpi.goalmilestone.view_goalmilestone"].name == (
        "Can view Meilenstein"
    )
