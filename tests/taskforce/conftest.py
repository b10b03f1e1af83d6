"""Fixtures of the Sonderstab tests: people in every role, a key figure, recommendations."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from stadtlage.accounts.models import Role, User
from stadtlage.kpi.models import Goal, Indicator, IndicatorVersion
from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce.models import (
    ImplementationMeasure,
    Recommendation,
    RecommendationIndicator,
    RecommendationMilestone,
)
from stadtlage.taskforce.workflow import TRACKED_STATES
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, WorkingGroupFactory


def make_person(username: str, *roles: str, group: WorkingGroup | None = None) -> User:
    org = OrganisationFactory(short_name="LAGE", name="Lagezentrum")
    user = UserFactory(username=username)
    for role in roles:
        in_group = role in (Role.WG_MEMBER, Role.WG_LEAD)
        MembershipFactory(
            user=user, organisation=org, role=role, working_group=group if in_group else None
        )
    return user


def make_indicator(code: str = "drogenkonsum", name: str = "Drogenkonsum-Meldungen") -> Indicator:
    indicator = Indicator.objects.create(code=code)
    version = IndicatorVersion.objects.create(
        indicator=indicator,
        number=1,
        name=name,
        counting_rule="Bürgermeldungen der Kategorie Drogenkonsum je Woche.",
        unit="Meldungen",
        source="reports",
        aggregation="count",
        period="week",
        direction="decrease",
        chart_type="xmr",
    )
    indicator.current_version = version
    indicator.save(update_fields=["current_version"])
    return indicator


def make_recommendation(
    group: WorkingGroup,
    *,
    state: str = "draft",
    complete: bool = True,
    milestones_done: bool = False,
    title: str = "Präsenzkonzept Innenstadt",
    indicator: Indicator | None = None,
) -> Recommendation:
    """A recommendation in ``state`` (set directly: test setup, not a transition)."""
    rec = Recommendation.objects.create(
        working_group=group,
        title=title,
        state=state,
        problem="700 Meldungen öffentlichen Drogenkonsums pro Woche (KW 33/2023)."
        if complete
        else "",
        responsible_organisation=OrganisationFactory(short_name="KOD") if complete else None,
        state_changed_at=timezone.now(),
    )
    if complete:
        measure = ImplementationMeasure.objects.create(
            recommendation=rec, title="Doppelstreifen", order=1
        )
        indicator = indicator or make_indicator(code=f"kz-{rec.pk}")
        goal = Goal.objects.create(
            indicator=indicator,
            title=title,
            baseline_value=700,
            target_value=150,
            target_date=timezone.localdate() + timedelta(days=120),
            is_active=state in TRACKED_STATES,  # adopted by the board
        )
        RecommendationIndicator.objects.create(recommendation=rec, indicator=indicator, goal=goal)
        RecommendationMilestone.objects.create(
            recommendation=rec,
            measure=measure,
            title="Doppelstreifen im Dienst",
            due_date=timezone.localdate() + timedelta(days=30),
            status="done" if milestones_done else "open",
            completed_on=timezone.localdate() if milestones_done else None,
        )
    return rec


def record_evaluation_evidence(rec: Recommendation) -> None:
    """What "evaluiert" needs (test setup): a recorded reason why no evaluation is possible."""
    from stadtlage.evaluation.models import Evaluation, EvaluationStatus

    Evaluation.objects.create(
        title=f"Keine Evaluation: {rec.title}",
        recommendation=rec,
        status=EvaluationStatus.NOT_POSSIBLE,
        not_possible_reason="Keine ortsbezogene Zielgröße vorhanden.",
    )


@pytest.fixture
def group(db: Any) -> WorkingGroup:
    return WorkingGroupFactory(slug="belaestigungen-bekaempfen", name="Belästigungen bekämpfen")


@pytest.fixture
def people(group: WorkingGroup) -> dict[str, User]:
    return {
        "member": make_person("ag-mitglied", Role.WG_MEMBER, group=group),
        "group_lead": make_person("ag-leitung", Role.WG_LEAD, group=group),
        "lead": make_person("stab", Role.TASKFORCE_LEAD),
        "board": make_person("vorstand", Role.BOARD_MEMBER),
        "mayor": make_person("ob-buero", Role.MAYOR_OFFICE),
        "outsider": make_person("kod", Role.KOD_OFFICER),
    }


@pytest.fixture
def everyone(group: WorkingGroup) -> User:
    """A person holding every Sonderstab role (to test the map apart from the actors)."""
    return make_person(
        "alle-rollen", Role.WG_LEAD, Role.TASKFORCE_LEAD, Role.BOARD_MEMBER, group=group
    )


def today() -> date:
    return timezone.localdate()
