"""The transition map of a recommendation: every pair of states, guards, actors, history."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from stadtlage.audit.models import AuditEvent
from stadtlage.taskforce.errors import NotAllowed, TransitionError
from stadtlage.taskforce.models import (
    BoardDecision,
    RecommendationEvent,
    RecommendationMilestone,
    RecommendationState,
)
from stadtlage.taskforce.services import recommendation_transition
from stadtlage.taskforce.workflow import TRANSITION_MAP, TRANSITIONS, Actor, transition
from tests.taskforce.conftest import (
    make_person,
    make_recommendation,
    record_evaluation_evidence,
    today,
)

S = RecommendationState
PAIRS = list(itertools.product(S.values, S.values))
DECISION = {
    "decided_on": None,
    "wording": "Der Verwaltungsvorstand beschließt.",
    "conditions": "Bericht in drei Monaten.",
}


def _inputs() -> dict[str, Any]:
    return {
        "note": "Bitte Kennzahlen nachschärfen.",
        "decided_on": today(),
        "wording": DECISION["wording"],
        "conditions": DECISION["conditions"],
        "evaluation": "Meldungen deutlich gesunken.",
    }


def test_the_map_has_the_process_of_the_issue() -> None:
    assert len(PAIRS) == 121
    path = [
        S.DRAFT,
        S.IN_COORDINATION,
        S.DISCUSSED,
        S.SUBMITTED,
        S.DECIDED,
        S.IN_IMPLEMENTATION,
        S.COMPLETED,
        S.EVALUATED,
    ]
    for a, b in itertools.pairwise(path):
        assert transition(a, b) is not None, (a, b)
    for outcome in (S.DECIDED_WITH_CONDITIONS, S.REJECTED, S.DEFERRED, S.DRAFT):
        assert transition(S.SUBMITTED, outcome).needs_decision  # type: ignore[union-attr]
    assert all(t.actors for t in TRANSITIONS)


GL, TL, BOARD = "group_lead", "taskforce_lead", "board"
#: Every edge by name: (from, to, button label, who may take it, what it needs). A changed edge
#: shows up as a readable difference of two sets.
EDGES = {
    ("draft", "in_coordination", "In die Abstimmung geben", (GL, TL), "guard"),
    ("in_coordination", "draft", "Zurück in den Entwurf", (GL, TL), "note"),
    ("in_coordination", "discussed", "Als im Sonderstab beraten festhalten", (TL,), ""),
    ("discussed", "submitted", "Dem Verwaltungsvorstand vorlegen", (TL,), "guard"),
    ("discussed", "draft", "An die Arbeitsgruppe zurückgeben", (TL,), "note"),
    ("submitted", "decided", "Beschluss: beschlossen", (BOARD,), "decision"),
    (
        "submitted",
        "decided_with_conditions",
        "Beschluss: mit Auflagen beschlossen",
        (BOARD,),
        "decision",
    ),
    ("submitted", "rejected", "Beschluss: abgelehnt", (BOARD,), "decision"),
    ("submitted", "deferred", "Beschluss: zurückgestellt", (BOARD,), "decision"),
    (
        "submitted",
        "draft",
        "Beschluss: an die Arbeitsgruppe zurückverwiesen",
        (BOARD,),
        "decision",
    ),
    ("deferred", "submitted", "Erneut vorlegen", (TL,), "guard"),
    ("deferred", "draft", "An die Arbeitsgruppe zurückgeben", (TL,), "note"),
    ("decided", "in_implementation", "Umsetzung beginnen", (GL, TL), ""),
    ("decided_with_conditions", "in_implementation", "Umsetzung beginnen", (GL, TL), ""),
    ("in_implementation", "completed", "Umsetzung abschließen", (GL, TL), "guard"),
    ("completed", "evaluated", "Wirkung bewerten", (TL,), "guard evaluation"),
}


def _named(edge: Any) -> tuple[str, str, str, tuple[str, ...], str]:
    needs = [
        name
        for name, flag in (
            ("guard", edge.guard is not None),
            ("decision", edge.needs_decision),
            ("note", edge.needs_note),
            ("evaluation", edge.needs_evaluation),
        )
        if flag
    ]
    actors = tuple(sorted((str(a) for a in edge.actors), key=[GL, TL, BOARD].index))
    return (str(edge.source), str(edge.target), str(edge.label), actors, " ".join(needs))


def test_the_edges_by_name() -> None:
    named = [_named(t) for t in TRANSITIONS]
    assert set(named) == EDGES
    assert [e for e in named if named.count(e) > 1] == []  # no edge defined twice
    assert set(TRANSITION_MAP) == {(source, target) for source, target, *_rest in EDGES}


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_of_states_against_the_map(
    source: str, target: str, group: Any, everyone: Any
) -> None:
    rec = make_recommendation(group, state=source, milestones_done=True)
    if source == S.COMPLETED:
        record_evaluation_evidence(rec)
    edge = transition(source, target)
    if edge is None:
        with pytest.raises(TransitionError) as refused:
            recommendation_transition(
                recommendation=rec, to_state=target, actor=everyone, **_inputs()
            )
        message = str(refused.value)
        assert str(S(source).label) in message
        assert ("nicht vorgesehen" in message and str(S(target).label) in message) or (
            "kein Statuswechsel mehr vorgesehen" in message
        )
        rec.refresh_from_db()
        assert rec.state == source
        assert not RecommendationEvent.objects.filter(recommendation=rec).exists()
        return
    event = recommendation_transition(
        recommendation=rec, to_state=target, actor=everyone, **_inputs()
    )
    rec.refresh_from_db()
    assert rec.state == target
    assert (event.from_state, event.to_state, event.actor) == (source, target, everyone)
    assert (event.decision is not None) == edge.needs_decision
    audit = AuditEvent.objects.get(object_type="taskforce.recommendation", action="transition")
    assert audit.before == {"state": source}
    assert audit.after["state"] == target


@pytest.mark.django_db
def test_no_board_without_indicator_target_milestone_and_organisation(
    group: Any, everyone: Any
) -> None:
    rec = make_recommendation(group, state=S.DISCUSSED, complete=False)
    rec.problem = "Beschwerden am Westenhellweg."
    rec.save()
    rec.measures.create(title="Doppelstreifen")
    with pytest.raises(TransitionError) as refused:
        recommendation_transition(recommendation=rec, to_state=S.SUBMITTED, actor=everyone)
    message = str(refused.value)
    assert "Dem Verwaltungsvorstand vorlegen" in message
    assert "mindestens eine Kennzahl mit Zielwert und Zieldatum" in message
    assert "mindestens ein Meilenstein" in message
    assert "verantwortliche Organisation" in message
    assert len(refused.value.missing) == 3


@pytest.mark.django_db
def test_an_indicator_without_a_goal_does_not_count(group: Any, everyone: Any) -> None:
    rec = make_recommendation(group, state=S.DISCUSSED)
    goal = rec.indicator_links.get().goal
    rec.indicator_links.update(goal=None)
    with pytest.raises(TransitionError, match="Kennzahl mit Zielwert und Zieldatum"):
        recommendation_transition(recommendation=rec, to_state=S.SUBMITTED, actor=everyone)
    rec.indicator_links.update(goal=goal)
    recommendation_transition(recommendation=rec, to_state=S.SUBMITTED, actor=everyone)


@pytest.mark.django_db
def test_board_decision_records_date_wording_and_conditions(group: Any, people: Any) -> None:
    rec = make_recommendation(group, state=S.SUBMITTED)
    with pytest.raises(TransitionError, match="die Auflagen"):
        recommendation_transition(
            recommendation=rec,
            to_state=S.DECIDED_WITH_CONDITIONS,
            actor=people["board"],
            decided_on=today(),
            wording="Beschlossen.",
        )
    with pytest.raises(TransitionError, match=r"Datum der Sitzung.*Wortlaut"):
        recommendation_transition(recommendation=rec, to_state=S.DECIDED, actor=people["board"])
    recommendation_transition(
        recommendation=rec,
        to_state=S.DECIDED_WITH_CONDITIONS,
        actor=people["board"],
        decided_on=today(),
        wording="Der Verwaltungsvorstand beschließt das Präsenzkonzept.",
        conditions="Monatlicher Bericht an den Oberbürgermeister.",
    )
    decision = BoardDecision.objects.get(recommendation=rec)
    assert decision.outcome == "decided_with_conditions"
    assert decision.decided_on == today()
    assert decision.conditions == "Monatlicher Bericht an den Oberbürgermeister."
    assert decision.recorded_by == people["board"]


@pytest.mark.django_db
def test_a_decision_cannot_lie_in_the_future(group: Any, people: Any) -> None:
    from datetime import timedelta

    rec = make_recommendation(group, state=S.SUBMITTED)
    with pytest.raises(TransitionError, match="Zukunft"):
        recommendation_transition(
            recommendation=rec,
            to_state=S.DECIDED,
            actor=people["board"],
            decided_on=today() + timedelta(days=1),
            wording="Beschlossen.",
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "target", "allowed", "refused"),
    [
        (S.DRAFT, S.IN_COORDINATION, "group_lead", "member"),
        (S.IN_COORDINATION, S.DISCUSSED, "lead", "group_lead"),
        (S.DISCUSSED, S.SUBMITTED, "lead", "board"),
        (S.SUBMITTED, S.DECIDED, "board", "lead"),
        (S.DECIDED, S.IN_IMPLEMENTATION, "group_lead", "member"),
        (S.COMPLETED, S.EVALUATED, "lead", "mayor"),
    ],
)
def test_only_the_named_actors_take_an_edge(
    source: str, target: str, allowed: str, refused: str, group: Any, people: Any
) -> None:
    rec = make_recommendation(group, state=source)
    if source == S.COMPLETED:
        record_evaluation_evidence(rec)
    inputs = _inputs()
    with pytest.raises(NotAllowed) as denied:
        recommendation_transition(
            recommendation=rec, to_state=target, actor=people[refused], **inputs
        )
    assert "dürfen nur" in str(denied.value)
    recommendation_transition(recommendation=rec, to_state=target, actor=people[allowed], **inputs)
    assert rec.state == target


@pytest.mark.django_db
def test_another_groups_lead_cannot_release_the_draft(group: Any) -> None:
    from tests.factories import WorkingGroupFactory

    other = WorkingGroupFactory(slug="sucht-vermeiden", name="Sucht vermeiden")
    stranger = make_person("fremde-leitung", "wg_lead", group=other)
    rec = make_recommendation(group)
    with pytest.raises(NotAllowed):
        recommendation_transition(recommendation=rec, to_state=S.IN_COORDINATION, actor=stranger)


@pytest.mark.django_db
def test_a_returned_recommendation_goes_back_to_the_group_with_its_history(
    group: Any, people: Any
) -> None:
    rec = make_recommendation(group)
    lead, board = people["lead"], people["board"]
    recommendation_transition(
        recommendation=rec, to_state=S.IN_COORDINATION, actor=people["group_lead"]
    )
    recommendation_transition(recommendation=rec, to_state=S.DISCUSSED, actor=lead)
    recommendation_transition(recommendation=rec, to_state=S.SUBMITTED, actor=lead)
    with pytest.raises(TransitionError, match="Wortlaut"):
        recommendation_transition(
            recommendation=rec, to_state=S.DRAFT, actor=board, decided_on=today()
        )
    recommendation_transition(
        recommendation=rec,
        to_state=S.DRAFT,
        actor=board,
        decided_on=today(),
        wording="Zurückverwiesen: Kosten genauer darlegen.",
        note="Kosten genauer darlegen.",
    )
    assert rec.state == S.DRAFT
    history = list(rec.events.values_list("from_state", "to_state"))
    assert history == [
        (S.DRAFT, S.IN_COORDINATION),
        (S.IN_COORDINATION, S.DISCUSSED),
        (S.DISCUSSED, S.SUBMITTED),
        (S.SUBMITTED, S.DRAFT),
    ]
    assert rec.decisions.get().outcome == "returned"
    # the group can work on it again
    from stadtlage.taskforce.permissions import can_edit_recommendation

    assert can_edit_recommendation(people["member"], rec)


@pytest.mark.django_db
def test_returning_needs_a_reason(group: Any, people: Any) -> None:
    rec = make_recommendation(group, state=S.DISCUSSED)
    with pytest.raises(TransitionError, match="Begründung"):
        recommendation_transition(recommendation=rec, to_state=S.DRAFT, actor=people["lead"])


@pytest.mark.django_db
def test_completion_needs_every_milestone_closed(group: Any, people: Any) -> None:
    rec = make_recommendation(group, state=S.IN_IMPLEMENTATION)
    with pytest.raises(TransitionError, match="Doppelstreifen im Dienst"):
        recommendation_transition(recommendation=rec, to_state=S.COMPLETED, actor=people["lead"])
    RecommendationMilestone.objects.filter(recommendation=rec).update(status="cancelled")
    recommendation_transition(recommendation=rec, to_state=S.COMPLETED, actor=people["lead"])


def test_actors_are_known() -> None:
    assert {a for t in TRANSITIONS for a in t.actors} <= set(Actor)
