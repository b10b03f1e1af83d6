"""The transition map of a recommendation: the only place that says which state may follow which.

``services.recommendations.recommendation_transition`` enforces it; views, forms and the agenda
only ask it (``transitions_from``). Every edge names who may take it (``Actor``), whether it
needs a board decision, a reason (note) or an evaluation, and which guard must pass.

    Entwurf → in Abstimmung (AG) → vom Sonderstab beraten → Vorlage an den Verwaltungsvorstand
      → beschlossen / mit Auflagen beschlossen / abgelehnt / zurückgestellt
      → in Umsetzung → abgeschlossen → evaluiert
    Returns to the working group ("zurück in den Entwurf") keep the whole history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stadtlage.taskforce.models import (
    DecisionOutcome,
    MilestoneStatus,
    Recommendation,
    RecommendationState,
)

S = RecommendationState


class Actor(StrEnum):
    """Who may take an edge (resolved against a person in ``permissions.py``)."""

    GROUP_MEMBER = "group_member"  # member or lead of the recommendation's working group
    GROUP_LEAD = "group_lead"  # lead of the recommendation's working group
    TASKFORCE_LEAD = "taskforce_lead"
    BOARD = "board"  # a member of the Verwaltungsvorstand


Guard = Callable[[Recommendation], list[str]]


def missing_for_coordination(rec: Recommendation) -> list[str]:
    missing = []
    if not rec.problem.strip():
        missing.append(str(_("eine Beschreibung des Problems (mit Zahlen)")))
    if not rec.measures.exists():
        missing.append(str(_("mindestens eine vorgeschlagene Maßnahme")))
    return missing


def missing_for_board(rec: Recommendation) -> list[str]:
    """The seed's "belastbare Kennzahlen, konkrete Ziele und realistische Meilensteine"."""
    missing = missing_for_coordination(rec)
    if not rec.indicator_links.filter(goal__isnull=False).exists():  # a goal has both
        missing.append(str(_("mindestens eine Kennzahl mit Zielwert und Zieldatum")))
    if not rec.milestones.exclude(status=MilestoneStatus.CANCELLED).exists():
        missing.append(str(_("mindestens ein Meilenstein mit Datum")))
    if rec.responsible_organisation_id is None:
        missing.append(str(_("eine verantwortliche Organisation")))
    return missing


def missing_for_completion(rec: Recommendation) -> list[str]:
    open_titles = list(
        rec.milestones.filter(status=MilestoneStatus.OPEN).values_list("title", flat=True)
    )
    return [
        str(_("der Abschluss des Meilensteins „%(title)s“")) % {"title": title}
        for title in open_titles
    ]


def missing_for_evaluation(rec: Recommendation) -> list[str]:
    """ "Evaluiert" needs a completed evaluation or a recorded reason why none is possible."""
    # The evaluation app builds on the Sonderstab; asked here at call time, not import time.
    from stadtlage.evaluation.selectors import evaluation_evidence

    if evaluation_evidence(rec.pk) is None:
        return [
            str(
                _(
                    "eine abgeschlossene Evaluation der Wirkung oder eine begründete Feststellung, "
                    "dass keine möglich ist (Seite „Evaluationen“)"
                )
            )
        ]
    return []


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str | Promise  # lazy: translated when shown
    actors: frozenset[Actor]
    guard: Guard | None = None
    needs_decision: bool = False
    needs_note: bool = False
    needs_evaluation: bool = False

    @property
    def is_return(self) -> bool:
        return self.target == S.DRAFT


def _t(
    source: str,
    target: str,
    label: str | Promise,
    *actors: Actor,
    guard: Guard | None = None,
    decision: bool = False,
    note: bool = False,
    evaluation: bool = False,
) -> Transition:
    return Transition(source, target, label, frozenset(actors), guard, decision, note, evaluation)


A = Actor
TRANSITIONS: Final[tuple[Transition, ...]] = (
    _t(
        S.DRAFT,
        S.IN_COORDINATION,
        _("In die Abstimmung geben"),
        A.GROUP_LEAD,
        A.TASKFORCE_LEAD,
        guard=missing_for_coordination,
    ),
    _t(
        S.IN_COORDINATION,
        S.DRAFT,
        _("Zurück in den Entwurf"),
        A.GROUP_LEAD,
        A.TASKFORCE_LEAD,
        note=True,
    ),
    _t(S.IN_COORDINATION, S.DISCUSSED, _("Als im Sonderstab beraten festhalten"), A.TASKFORCE_LEAD),
    _t(
        S.DISCUSSED,
        S.SUBMITTED,
        _("Dem Verwaltungsvorstand vorlegen"),
        A.TASKFORCE_LEAD,
        guard=missing_for_board,
    ),
    _t(S.DISCUSSED, S.DRAFT, _("An die Arbeitsgruppe zurückgeben"), A.TASKFORCE_LEAD, note=True),
    _t(S.SUBMITTED, S.DECIDED, _("Beschluss: beschlossen"), A.BOARD, decision=True),
    _t(
        S.SUBMITTED,
        S.DECIDED_WITH_CONDITIONS,
        _("Beschluss: mit Auflagen beschlossen"),
        A.BOARD,
        decision=True,
    ),
    _t(S.SUBMITTED, S.REJECTED, _("Beschluss: abgelehnt"), A.BOARD, decision=True),
    _t(S.SUBMITTED, S.DEFERRED, _("Beschluss: zurückgestellt"), A.BOARD, decision=True),
    _t(
        S.SUBMITTED,
        S.DRAFT,
        _("Beschluss: an die Arbeitsgruppe zurückverwiesen"),
        A.BOARD,
        decision=True,
    ),
    _t(
        S.DEFERRED,
        S.SUBMITTED,
        _("Erneut vorlegen"),
        A.TASKFORCE_LEAD,
        guard=missing_for_board,
    ),
    _t(S.DEFERRED, S.DRAFT, _("An die Arbeitsgruppe zurückgeben"), A.TASKFORCE_LEAD, note=True),
    _t(
        S.DECIDED,
        S.IN_IMPLEMENTATION,
        _("Umsetzung beginnen"),
        A.GROUP_LEAD,
        A.TASKFORCE_LEAD,
    ),
    _t(
        S.DECIDED_WITH_CONDITIONS,
        S.IN_IMPLEMENTATION,
        _("Umsetzung beginnen"),
        A.GROUP_LEAD,
        A.TASKFORCE_LEAD,
    ),
    _t(
        S.IN_IMPLEMENTATION,
        S.COMPLETED,
        _("Umsetzung abschließen"),
        A.GROUP_LEAD,
        A.TASKFORCE_LEAD,
        guard=missing_for_completion,
    ),
    _t(
        S.COMPLETED,
        S.EVALUATED,
        _("Wirkung bewerten"),
        A.TASKFORCE_LEAD,
        guard=missing_for_evaluation,
        evaluation=True,
    ),
)

TRANSITION_MAP: Final[dict[tuple[str, str], Transition]] = {
    (t.source, t.target): t for t in TRANSITIONS
}

#: Board decision outcome for each state the board can move a recommendation to.
DECISION_OUTCOMES: Final[dict[str, str]] = {
    S.DECIDED: DecisionOutcome.DECIDED,
    S.DECIDED_WITH_CONDITIONS: DecisionOutcome.DECIDED_WITH_CONDITIONS,
    S.REJECTED: DecisionOutcome.REJECTED,
    S.DEFERRED: DecisionOutcome.DEFERRED,
    S.DRAFT: DecisionOutcome.RETURNED,
}

#: What the board's adoption leads to: the recommendation's goals come into force.
ADOPTED_STATES: Final = frozenset({S.DECIDED, S.DECIDED_WITH_CONDITIONS})
#: Content (text, indicators, measures, milestones) can be edited only in these states; from
#: the submission on it is what the board saw and decided.
EDITABLE_STATES: Final = frozenset({S.DRAFT, S.IN_COORDINATION, S.DISCUSSED})
#: Decided and being carried out: milestones are tracked.
TRACKED_STATES: Final = frozenset(
    {S.DECIDED, S.DECIDED_WITH_CONDITIONS, S.IN_IMPLEMENTATION, S.COMPLETED, S.EVALUATED}
)
#: Waiting for the Sonderstab (proposed for the agenda).
WAITING_FOR_TASKFORCE: Final = frozenset({S.IN_COORDINATION})
#: In the pipeline towards the board (what the groups propose next).
PIPELINE_STATES: Final = frozenset({S.IN_COORDINATION, S.DISCUSSED, S.SUBMITTED, S.DEFERRED})
TERMINAL_STATES: Final = frozenset({S.REJECTED, S.EVALUATED})


def transition(source: str, target: str) -> Transition | None:
    return TRANSITION_MAP.get((source, target))


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == state]


def state_label(state: str) -> str:
    return str(S(state).label)
