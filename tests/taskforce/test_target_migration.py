"""The migration that stores a recommendation's target once, on the goal (taskforce 0009/0010).

Written like ``test_rename_migrations``: rows written with the historical models before the
change, migrated forward, checked, and migrated back.
"""

from __future__ import annotations

import datetime

import pytest

from tests.taskforce.test_rename_migrations import _apps_at, _latest_apps, migrator

__all__ = ["migrator"]  # the fixture, used by name below

BEFORE = [("taskforce", "0008_rename_permissions")]
DUE = datetime.date(2026, 12, 31)


def _rec(apps, title: str, state: str, group_id: int):  # type: ignore[no-untyped-def]
    return apps.get_model("taskforce", "Recommendation").objects.create(
        working_group_id=group_id, title=title, state=state
    )


@pytest.mark.django_db(transaction=True)
def test_targets_move_onto_goals_and_back(migrator: object) -> None:
    old = _apps_at(BEFORE)
    group = old.get_model("organisations", "WorkingGroup").objects.create(
        name="Sauberkeit", slug="sauberkeit", order=1
    )
    Indicator = old.get_model("kpi", "Indicator")
    Goal = old.get_model("kpi", "Goal")
    Link = old.get_model("taskforce", "RecommendationIndicator")
    figures = [Indicator.objects.create(code=f"kz-{i}") for i in range(4)]
    draft = _rec(old, "Mehr Präsenz", "draft", group.pk)
    adopted = _rec(old, "Ruheplätze", "in_implementation", group.pk)
    kept = Goal.objects.create(
        indicator_id=figures[2].pk,
        title="Weniger Müll",
        baseline_value=10,
        target_value=5,
        target_date=DUE,
    )
    proposed = Link.objects.create(
        recommendation_id=draft.pk,
        indicator_id=figures[0].pk,
        baseline=700,
        baseline_label="KW 33",
        target=150,
        target_date=DUE,
    )
    decided = Link.objects.create(
        recommendation_id=adopted.pk, indicator_id=figures[1].pk, target=30, target_date=DUE
    )
    with_goal = Link.objects.create(  # its copy differs: the goal wins
        recommendation_id=adopted.pk,
        indicator_id=figures[2].pk,
        goal_id=kept.pk,
        baseline=11,
        target=4,
        target_date=DUE,
    )
    loose = Link.objects.create(  # a target without date cannot be a goal
        recommendation_id=draft.pk, indicator_id=figures[3].pk, target=9
    )

    new = _latest_apps()
    NewLink = new.get_model("taskforce", "RecommendationIndicator")
    NewGoal = new.get_model("kpi", "Goal")
    assert not {"baseline", "target", "target_date"} & {f.name for f in NewLink._meta.get_fields()}
    goal = NewGoal.objects.get(pk=NewLink.objects.get(pk=proposed.pk).goal_id)
    assert (goal.title, goal.is_active, goal.indicator_id) == ("Mehr Präsenz", False, figures[0].pk)
    assert (goal.baseline_value, goal.baseline_label, goal.target_value, goal.target_date) == (
        700,
        "KW 33",
        150,
        DUE,
    )
    goal = NewGoal.objects.get(pk=NewLink.objects.get(pk=decided.pk).goal_id)
    assert (goal.title, goal.is_active, goal.baseline_value, goal.target_value) == (
        "Ruheplätze",
        True,
        None,
        30,
    )
    assert NewLink.objects.get(pk=with_goal.pk).goal_id == kept.pk
    assert NewGoal.objects.get(pk=kept.pk).target_value == 5
    assert NewLink.objects.get(pk=loose.pk).goal_id is None
    assert NewGoal.objects.count() == 3

    back = _apps_at(BEFORE)
    OldLink = back.get_model("taskforce", "RecommendationIndicator")
    restored = OldLink.objects.get(pk=proposed.pk)
    assert (restored.baseline, restored.baseline_label, restored.target) == (700, "KW 33", 150)
    assert restored.target_date == DUE and restored.goal_id is not None
    restored = OldLink.objects.get(pk=with_goal.pk)
    assert (restored.goal_id, restored.baseline, restored.target) == (kept.pk, 10, 5)
    restored = OldLink.objects.get(pk=decided.pk)
    assert (restored.baseline, restored.target, restored.target_date) == (None, 30, DUE)
    restored = OldLink.objects.get(pk=loose.pk)
    assert (restored.goal_id, restored.target, restored.target_date) == (None, None, None)
