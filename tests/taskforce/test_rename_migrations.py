"""Renamed models keep their rows: one name per concept (issue #15, item 3).

Each test runs the migrations back to the state before a rename, writes rows with the
historical models (and an audit event about them), migrates forward and checks the same rows
under the new name, the audit events with the new label, and the way back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
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
