"""A recommendation's target is stored once, on the key figure's goal (issue #15, item 3).

The working group enters baseline, target and target date with its recommendation; they land
on an inactive ``kpi.Goal`` that counts among the figure's goals only once the
Verwaltungsvorstand adopts the recommendation.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from stadtlage.audit.models import AuditEvent
from stadtlage.kpi import compute, display
from stadtlage.kpi.models import Goal
from stadtlage.taskforce import services
from stadtlage.taskforce.models import RecommendationIndicator, RecommendationState
from tests.taskforce.conftest import make_indicator, make_recommendation, today

S = RecommendationState
pytestmark = pytest.mark.django_db
DECISION = {"decided_on": None, "wording": "Der Verwaltungsvorstand beschließt.", "conditions": ""}


def _decide(rec: Any, to_state: str, actor: Any) -> None:
    services.recommendation_transition(
        recommendation=rec,
        to_state=to_state,
        actor=actor,
        decided_on=today(),
        wording=DECISION["wording"],
        conditions="Bericht in drei Monaten.",
        note="Bitte nachschärfen.",
    )


def _enter_target(rec: Any, actor: Any, **values: Any) -> RecommendationIndicator:
    indicator = values.pop("indicator", None) or make_indicator(code=f"ziel-{rec.pk}")
    values = {
        "baseline": 101,
        "baseline_label": "KW 33",
        "target": 20,
        "target_date": today() + timedelta(days=90),
    } | values
    return services.indicator_link_save(
        recommendation=rec, actor=actor, indicator=indicator, **values
    )


def test_the_link_has_no_copy_of_the_target_the_goal_carries_it(group: Any, people: Any) -> None:
    columns = {f.name for f in RecommendationIndicator._meta.get_fields()}
    assert columns == {"id", "recommendation", "indicator", "goal"}
    rec = make_recommendation(group, complete=False)
    link = _enter_target(rec, people["member"])
    for copied in ("baseline", "baseline_label", "target", "target_date"):
        assert not hasattr(link, copied)
    goal = Goal.objects.get()
    assert link.goal == goal
    assert (goal.baseline_value, goal.baseline_label, goal.target_value) == (101, "KW 33", 20)
    assert goal.target_date == today() + timedelta(days=90)


def test_a_target_entered_with_a_draft_makes_an_inactive_goal(group: Any, people: Any) -> None:
    rec = make_recommendation(group, complete=False)
    link = _enter_target(rec, people["member"])
    goal = link.goal
    assert goal is not None and not goal.is_active
    assert goal.title == rec.title and goal.created_by == people["member"]
    created = AuditEvent.objects.get(object_type="kpi.goal", action="create")
    assert created.object_id == str(goal.pk) and created.after["is_active"] is False
    # It does not count among the figure's goals: no chart target, not in the goal list.
    indicator = link.indicator
    assert compute._active_target(indicator) is None
    assert display.goal_views(indicator, {}, today()) == []
    # Entered again: the same goal changes, no second one.
    _enter_target(rec, people["member"], indicator=indicator, target=30, link=link)
    goal.refresh_from_db()
    assert Goal.objects.count() == 1 and goal.target_value == 30 and not goal.is_active


def test_renaming_the_recommendation_renames_its_proposed_goal(group: Any, people: Any) -> None:
    rec = make_recommendation(group, complete=False)
    link = _enter_target(rec, people["member"])
    services.recommendation_update(
        recommendation=rec, actor=people["member"], data={"title": "Ruheplätze"}
    )
    assert Goal.objects.get(pk=link.goal_id).title == "Ruheplätze"


@pytest.mark.parametrize("outcome", [S.DECIDED, S.DECIDED_WITH_CONDITIONS])
def test_the_boards_adoption_activates_the_goals(group: Any, people: Any, outcome: str) -> None:
    rec = make_recommendation(group, state=S.SUBMITTED)
    goal = rec.indicator_links.get().goal
    assert goal is not None and not goal.is_active
    _decide(rec, outcome, people["board"])
    goal.refresh_from_db()
    assert goal.is_active
    assert compute._active_target(goal.indicator) == goal.target_value
    update = AuditEvent.objects.get(object_type="kpi.goal", action="update")
    assert update.before["is_active"] is False and update.after["is_active"] is True
    assert update.actor == people["board"] and "Beschluss" in update.note


@pytest.mark.parametrize("outcome", [S.REJECTED, S.DEFERRED, S.DRAFT])
def test_rejection_deferral_and_return_leave_the_goals_inactive(
    group: Any, people: Any, outcome: str
) -> None:
    rec = make_recommendation(group, state=S.SUBMITTED)
    _decide(rec, outcome, people["board"])
    goal = rec.indicator_links.get().goal
    assert goal is not None
    goal.refresh_from_db()
    assert not goal.is_active
    assert not AuditEvent.objects.filter(object_type="kpi.goal").exists()


def test_a_decided_recommendation_shows_the_goals_values(
    client: Any, group: Any, people: Any
) -> None:
    rec = make_recommendation(group, state=S.DECIDED)
    goal = rec.indicator_links.get().goal
    assert goal is not None and goal.is_active
    Goal.objects.filter(pk=goal.pk).update(target_value=123, baseline_value=654)  # kpi edits it
    client.force_login(people["lead"])
    page = client.get(f"/sonderstab/empfehlungen/{rec.pk}/").content.decode()
    assert "<td>123</td>" in page and "654" in page and "<td>150</td>" not in page


def test_an_incomplete_target_is_refused_and_nothing_is_stored(group: Any, people: Any) -> None:
    rec = make_recommendation(group, complete=False)
    with pytest.raises(ValidationError) as refused:
        _enter_target(rec, people["member"], target_date=None)
    assert refused.value.messages == ["Zieldatum: Zu einem Ziel gehört ein Zieldatum."]
    assert not Goal.objects.exists() and not rec.indicator_links.exists()


def test_without_values_the_link_names_the_figure_and_drops_its_own_goal(
    group: Any, people: Any
) -> None:
    rec = make_recommendation(group, complete=False)
    link = _enter_target(rec, people["member"])
    link = _enter_target(
        rec,
        people["member"],
        indicator=link.indicator,
        baseline=None,
        baseline_label="",
        target=None,
        target_date=None,
        link=link,
    )
    assert link.goal is None and not Goal.objects.exists()
    assert AuditEvent.objects.filter(object_type="kpi.goal", action="delete").count() == 1


def test_removing_the_link_removes_its_proposed_goal_not_a_figures_goal(
    group: Any, people: Any
) -> None:
    rec = make_recommendation(group, complete=False)
    link = _enter_target(rec, people["member"])
    services.indicator_link_remove(link=link, actor=people["member"])
    assert not Goal.objects.exists()
    indicator = make_indicator(code="betteln")
    kept = Goal.objects.create(
        indicator=indicator,
        title="Betteln halbieren",
        baseline_value=101,
        target_value=50,
        target_date=today() + timedelta(days=90),
    )
    link = services.indicator_link_save(
        recommendation=rec, actor=people["member"], indicator=indicator, goal=kept
    )
    assert link.goal == kept
    services.indicator_link_remove(link=link, actor=people["member"])
    assert Goal.objects.get() == kept


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"target": "viel"}, "Zielwert: Bitte eine Zahl eingeben."),
        ({"target_date": "31.02.2026"}, "Zieldatum: Bitte ein gültiges Datum eingeben."),
        ({"target": "20"}, "Zieldatum: Zu einem Ziel gehört ein Zieldatum."),
        ({"target_date": "2030-01-01"}, "Zielwert: Zu einem Ziel gehört ein Zielwert."),
        ({"baseline": "7"}, "Zielwert: Zu einem Ziel gehört ein Zielwert."),
    ],
)
def test_the_form_names_bad_fields_in_german_and_stores_nothing(
    client: Any, group: Any, people: Any, post: dict[str, str], message: str
) -> None:
    rec = make_recommendation(group, complete=False)
    indicator = make_indicator(code="betteln")
    client.force_login(people["member"])
    response = client.post(
        f"/sonderstab/empfehlungen/{rec.pk}/kennzahlen/",
        {"indicator": indicator.pk} | post,
        follow=True,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not rec.indicator_links.exists() and not Goal.objects.exists()


def test_the_public_reads_an_adopted_goals_title_only_with_the_public_summary(
    group: Any,
) -> None:
    from stadtlage.public.figures import _goal_title

    rec = make_recommendation(group, state=S.DECIDED, title="Interne Bezeichnung")
    goal = rec.indicator_links.get().goal
    assert goal is not None and goal.is_active
    assert _goal_title(goal) == "Ziel einer beschlossenen Maßnahme"
    rec.public_summary_approved = "Mehr Präsenz in der City."
    rec.save()
    goal.refresh_from_db()
    assert _goal_title(goal) == "Interne Bezeichnung"


def test_a_changed_goal_refreshes_the_public_pages(group: Any) -> None:
    from stadtlage.public.cache import RELEASE_VERSION

    rec = make_recommendation(group, state=S.DECIDED)
    goal = rec.indicator_links.get().goal
    assert goal is not None
    before = RELEASE_VERSION.current()
    goal.target_value = 120
    goal.save()
    assert RELEASE_VERSION.current() != before
