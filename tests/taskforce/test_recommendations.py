"""Writing recommendations: who edits what, frozen content, milestones, audit in the same write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from stadtlage.audit.models import AuditEvent
from stadtlage.kpi.models import Goal
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce import selectors, services
from stadtlage.taskforce.errors import FrozenError, NotAllowed, TransitionError
from stadtlage.taskforce.models import MilestoneStatus, Recommendation, RecommendationState
from tests.factories import WorkingGroupFactory
from tests.taskforce.conftest import make_indicator, make_person, make_recommendation, today

S = RecommendationState
pytestmark = pytest.mark.django_db


def test_members_create_and_edit_their_groups_drafts(group: Any, people: Any) -> None:
    rec = services.recommendation_create(
        working_group=group, title="Doppelstreifen", actor=people["member"], data={"problem": "x"}
    )
    assert rec.state == S.DRAFT and rec.created_by == people["member"]
    services.recommendation_update(
        recommendation=rec, actor=people["member"], data={"problem": "700 Meldungen je Woche"}
    )
    rec.refresh_from_db()
    assert rec.problem == "700 Meldungen je Woche"
    assert list(rec.events.values_list("kind", flat=True)) == ["created", "edited"]
    update = AuditEvent.objects.get(action="update", object_type="taskforce.recommendation")
    assert update.before["problem"] == "x" and update.after["problem"] == "700 Meldungen je Woche"


def test_outsiders_and_other_groups_cannot_create(group: Any, people: Any) -> None:
    other = make_person("andere", "wg_member", group=WorkingGroupFactory(slug="x", name="X"))
    for who in (people["outsider"], other, people["board"]):
        with pytest.raises(NotAllowed):
            services.recommendation_create(working_group=group, title="t", actor=who)


def test_members_edit_only_drafts_leads_until_submission(group: Any, people: Any) -> None:
    rec = make_recommendation(group, state=S.IN_COORDINATION)
    assert not perm.can_edit_recommendation(people["member"], rec)
    assert perm.can_edit_recommendation(people["group_lead"], rec)
    assert perm.can_edit_recommendation(people["lead"], rec)
    with pytest.raises(NotAllowed):
        services.recommendation_update(
            recommendation=rec, actor=people["member"], data={"title": "neu"}
        )


@pytest.mark.parametrize("state", [S.SUBMITTED, S.DECIDED, S.IN_IMPLEMENTATION, S.EVALUATED])
def test_content_is_frozen_from_the_submission_on(group: Any, people: Any, state: str) -> None:
    rec = make_recommendation(group, state=state)
    with pytest.raises(FrozenError, match=r"kann nicht\s+mehr geändert werden"):
        services.recommendation_update(
            recommendation=rec, actor=people["lead"], data={"title": "neu"}
        )
    with pytest.raises(FrozenError):
        services.measure_save(recommendation=rec, actor=people["lead"], title="neu")
    with pytest.raises(FrozenError):
        services.indicator_link_remove(link=rec.indicator_links.get(), actor=people["lead"])


def test_indicator_link_takes_blanks_from_the_goal(group: Any, people: Any) -> None:
    rec = make_recommendation(group, complete=False)
    indicator = make_indicator(code="betteln")
    goal = Goal.objects.create(
        indicator=indicator,
        title="Betteln halbieren",
        baseline_value=101,
        target_value=50,
        target_date=today() + timedelta(days=90),
    )
    link = services.indicator_link_save(
        recommendation=rec, actor=people["member"], indicator=indicator, goal=goal, target=40
    )
    own = link.goal
    assert own is not None and own != goal and not own.is_active
    assert (own.baseline_value, own.target_value, own.target_date) == (101, 40, goal.target_date)
    assert own.title == rec.title
    same = services.indicator_link_save(
        recommendation=rec, actor=people["member"], indicator=indicator, goal=goal, link=link
    )
    assert same.goal == goal and goal.is_active  # nothing differs: the figure's goal as it is
    assert not Goal.objects.filter(pk=own.pk).exists()  # the own proposal went with it
    other = make_indicator(code="anderes")
    with pytest.raises(TransitionError, match="gehört nicht zur Kennzahl"):
        services.indicator_link_save(
            recommendation=rec, actor=people["member"], indicator=other, goal=goal
        )


def test_milestones_are_ticked_off_after_the_decision(group: Any, people: Any) -> None:
    rec = make_recommendation(group, state=S.DISCUSSED)
    milestone = rec.milestones.get()
    with pytest.raises(FrozenError, match="erst nach dem Beschluss"):
        services.milestone_set_status(milestone=milestone, status="done", actor=people["lead"])
    rec.state = S.IN_IMPLEMENTATION
    rec.save()
    with pytest.raises(NotAllowed):
        services.milestone_set_status(milestone=milestone, status="done", actor=people["board"])
    with pytest.raises(TransitionError, match="Zukunft"):
        services.milestone_set_status(
            milestone=milestone,
            status="done",
            completed_on=today() + timedelta(days=1),
            actor=people["member"],
        )
    services.milestone_set_status(milestone=milestone, status="done", actor=people["member"])
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DONE
    assert milestone.completed_on == today() and milestone.completed_by == people["member"]
    assert rec.events.filter(kind="milestone").count() == 1
    with pytest.raises(TransitionError, match="begründen"):
        services.milestone_set_status(milestone=milestone, status="cancelled", actor=people["lead"])


def test_after_the_decision_only_the_lead_plans_milestones(group: Any, people: Any) -> None:
    rec = make_recommendation(group, state=S.DECIDED)
    with pytest.raises(NotAllowed):
        services.milestone_save(
            recommendation=rec, actor=people["group_lead"], title="x", due_date=today()
        )
    services.milestone_save(
        recommendation=rec, actor=people["lead"], title="Auflage erfüllt", due_date=today()
    )
    assert rec.milestones.count() == 2


def test_tracking_flags_dates_and_reports_status(group: Any, people: Any) -> None:
    rec = make_recommendation(group, state=S.SUBMITTED)
    services.recommendation_transition(
        recommendation=rec,
        to_state=S.DECIDED,
        actor=people["board"],
        decided_on=today(),
        wording="Beschlossen.",
    )
    services.milestone_save(
        recommendation=rec,
        actor=people["lead"],
        title="Vorbereitung",
        due_date=today() - timedelta(days=5),
    )
    services.milestone_save(
        recommendation=rec,
        actor=people["lead"],
        title="Evaluation",
        due_date=today() + timedelta(days=400),
    )
    rec = selectors.with_details(Recommendation.objects.filter(pk=rec.pk)).get()
    t = selectors.tracking(rec, today())
    messages = [f.message for f in t.flags]
    assert any("„Vorbereitung“" in m and "vor dem Beschluss" in m for m in messages)
    assert any("„Evaluation“" in m and "nach dem Zieldatum" in m for m in messages)
    assert t.status == "not_started"  # decided, implementation not begun
    assert t.progress.total == 3 and t.progress.late == 1


def test_visibility_drafts_stay_in_the_group(group: Any, people: Any) -> None:
    draft = make_recommendation(group, title="Entwurf")
    shared = make_recommendation(group, state=S.SUBMITTED, title="Vorlage")
    other_member = make_person("fremd", "wg_member", group=WorkingGroupFactory(slug="y", name="Y"))
    assert set(perm.recommendations_visible_to(people["member"])) == {draft, shared}
    assert set(perm.recommendations_visible_to(people["lead"])) == {draft, shared}
    assert set(perm.recommendations_visible_to(other_member)) == {shared}
    assert set(perm.recommendations_visible_to(people["board"])) == {shared}
    assert not perm.recommendations_visible_to(people["mayor"]).exists()
    assert not perm.recommendations_visible_to(people["outsider"]).exists()
