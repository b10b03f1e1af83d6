"""Writes on recommendations: content, indicators, measures, milestones and the status.

Every function is keyword-only, checks the person's right (``actor=None`` is the system: seed,
management commands), validates, writes, and appends a history row and an audit event in the
same transaction. ``recommendation_transition`` is the only writer of ``Recommendation.state``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, audit_saved, snapshot
from stadtlage.kpi import services as kpi_services
from stadtlage.kpi.models import Goal, Indicator
from stadtlage.organisations.models import WorkingGroup
from stadtlage.places.models import Area
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.errors import FrozenError, NotAllowed, TransitionError
from stadtlage.taskforce.models import (
    BoardDecision,
    EventKind,
    ImplementationMeasure,
    Meeting,
    Recommendation,
    RecommendationEvent,
    RecommendationIndicator,
    RecommendationState,
)
from stadtlage.taskforce.services.common import user_or_none
from stadtlage.taskforce.workflow import (
    ADOPTED_STATES,
    DECISION_OUTCOMES,
    EDITABLE_STATES,
    Actor,
    Transition,
    state_label,
    transition,
    transitions_from,
)

CONTENT_FIELDS = (
    "title",
    "problem",
    "expected_effect",
    "resources",
    "costs_eur",
    "responsible_organisation",
)


def history_event(
    rec: Recommendation, actor: User | None, kind: str, note: str = "", **extra: Any
) -> RecommendationEvent:
    return RecommendationEvent.objects.create(
        recommendation=rec,
        actor=user_or_none(actor),
        kind=kind,
        note=note,
        **extra,
    )


def _field_label(name: str) -> str:
    """The field's German name (history notes are records, written in the site's language)."""
    field = Recommendation._meta.get_field(name)
    with translation.override(settings.LANGUAGE_CODE):
        return str(getattr(field, "verbose_name", name))


def ensure_content_editable(rec: Recommendation, actor: User | None) -> None:
    if rec.state not in EDITABLE_STATES:
        raise FrozenError(
            _(
                "Die Empfehlung „%(title)s“ ist im Status „%(state)s“: "
                "ihr Inhalt ist so, wie ihn der Verwaltungsvorstand gesehen hat, und kann nicht "
                "mehr geändert werden."
            )
            % {"title": rec.title, "state": state_label(rec.state)}
        )
    if actor is not None and not perm.can_edit_recommendation(actor, rec):
        raise NotAllowed(
            _(
                "Bearbeiten darf nur die Arbeitsgruppe „%(group)s“ (im Entwurf) oder "
                "ihre Leitung bzw. die Leitung des Sonderstabs."
            )
            % {"group": rec.working_group}
        )


# --- Content --------------------------------------------------------------------------------


def recommendation_create(
    *,
    working_group: WorkingGroup,
    title: str,
    actor: User | None,
    data: Mapping[str, Any] | None = None,
    areas: Iterable[Area] = (),
) -> Recommendation:
    if actor is not None and not perm.can_create_recommendation(actor, working_group):
        raise NotAllowed(
            _("Empfehlungen der Arbeitsgruppe „%(group)s“ legen nur ihre Mitglieder an.")
            % {"group": working_group}
        )
    values = {k: v for k, v in (data or {}).items() if k in CONTENT_FIELDS and k != "title"}
    rec = Recommendation(
        working_group=working_group,
        title=title,
        created_by=user_or_none(actor),
        state_changed_at=timezone.now(),
        **values,
    )
    rec.full_clean()
    with transaction.atomic():
        rec.save()
        rec.areas.set(list(areas))
        history_event(rec, actor, EventKind.CREATED, to_state=rec.state)
        audit_saved(actor=actor, obj=rec)
    return rec


def recommendation_update(
    *,
    recommendation: Recommendation,
    actor: User | None,
    data: Mapping[str, Any],
    areas: Iterable[Area] | None = None,
) -> Recommendation:
    rec = recommendation
    ensure_content_editable(rec, actor)
    before = snapshot(rec)
    changed = []
    for name in CONTENT_FIELDS:
        if name in data and getattr(rec, name) != data[name]:
            setattr(rec, name, data[name])
            changed.append(name)
    rec.full_clean()
    with transaction.atomic():
        rec.save()
        if areas is not None:
            new_ids = {a.pk for a in areas}
            if new_ids != set(rec.areas.values_list("pk", flat=True)):
                rec.areas.set(list(new_ids))
                changed.append("areas")
        if "title" in changed:
            _retitle_own_goals(rec, actor)
        if changed:
            labels = [_field_label(n) for n in changed]
            history_event(rec, actor, EventKind.EDITED, note=", ".join(labels))
            audit_saved(actor=actor, obj=rec, before=before)
    return rec


def _retitle_own_goals(rec: Recommendation, actor: User | None) -> None:
    """The recommendation's own (not yet adopted) goals carry its title."""
    links = rec.indicator_links.filter(goal__is_active=False).select_related("goal", "indicator")
    for link in links:
        goal = link.goal
        assert goal is not None  # filtered above
        kpi_services.goal_propose(
            indicator=link.indicator,
            title=rec.title,
            baseline_value=goal.baseline_value,
            baseline_label=goal.baseline_label,
            target_value=goal.target_value,
            target_date=goal.target_date,
            actor=actor,
            goal=goal,
        )


def indicator_link_save(
    *,
    recommendation: Recommendation,
    actor: User | None,
    indicator: Indicator,
    goal: Goal | None = None,
    baseline: float | None = None,
    baseline_label: str = "",
    target: float | None = None,
    target_date: date | None = None,
    link: RecommendationIndicator | None = None,
) -> RecommendationIndicator:
    """Link (or update the link to) a key figure; its target is stored on the figure's goal.

    ``goal`` is a goal chosen from the key figures: blanks are taken from it, and if no value
    differs the link names it as it is. Other values become the recommendation's own goal,
    created or updated through ``kpi.services.goal_propose``: titled like the recommendation and
    inactive until the Verwaltungsvorstand adopts it. Without any value the link names the
    figure without a target (and an own goal it had is discarded).
    """
    ensure_content_editable(recommendation, actor)
    if goal is not None and goal.indicator_id != indicator.pk:
        raise TransitionError(
            _("Das Ziel „%(goal)s“ gehört nicht zur Kennzahl „%(indicator)s“.")
            % {"goal": goal, "indicator": indicator}
        )
    baseline_label = baseline_label.strip()
    if goal is not None:
        baseline = goal.baseline_value if baseline is None else baseline
        baseline_label = baseline_label or goal.baseline_label
        target = goal.target_value if target is None else target
        target_date = target_date or goal.target_date
    values = (baseline, baseline_label, target, target_date)
    current = link.goal if link is not None else None
    own = current if current is not None and not current.is_active else None
    obj = link or RecommendationIndicator(recommendation=recommendation)
    before = snapshot(obj) if obj.pk else None
    with transaction.atomic():
        if goal is not None and values == _goal_values(goal):
            new_goal: Goal | None = goal
        elif values == (None, "", None, None):
            new_goal = None
        else:
            if target is None or target_date is None:
                raise ValidationError(_incomplete_target(target, target_date))
            new_goal = kpi_services.goal_propose(
                indicator=indicator,
                title=recommendation.title,
                baseline_value=baseline,
                baseline_label=baseline_label,
                target_value=target,
                target_date=target_date,
                actor=actor,
                goal=own,
            )
        obj.indicator = indicator
        obj.goal = new_goal
        obj.full_clean()
        obj.save()
        if own is not None and own != new_goal:
            _discard_own_goal(own, actor)
        history_event(recommendation, actor, EventKind.EDITED, note=f"Kennzahl: {indicator}")
        audit_saved(actor=actor, obj=obj, before=before)
    return obj


def _goal_values(goal: Goal) -> tuple[float | None, str, float, date]:
    return (goal.baseline_value, goal.baseline_label, goal.target_value, goal.target_date)


def _incomplete_target(target: float | None, target_date: date | None) -> dict[str, str]:
    """German messages naming the missing part of a target (field names of the link form)."""
    errors = {}
    if target is None:
        errors["target"] = _("Zielwert: Zu einem Ziel gehört ein Zielwert.")
    if target_date is None:
        errors["target_date"] = _("Zieldatum: Zu einem Ziel gehört ein Zieldatum.")
    return errors


def _discard_own_goal(goal: Goal, actor: User | None) -> None:
    """An own (inactive) goal no link names any more goes with it."""
    if not goal.is_active and not goal.taskforce_links.exists():
        kpi_services.goal_proposal_discard(goal=goal, actor=actor)


def remove_part(obj: Any, rec: Recommendation, actor: User | None, what: str) -> None:
    ensure_content_editable(rec, actor)
    with transaction.atomic():
        before, pk, label = snapshot(obj), obj.pk, str(obj)
        obj.delete()
        history_event(rec, actor, EventKind.EDITED, note=f"{what} entfernt: {label}")
        audit_record(
            actor=actor,
            action=Action.DELETE,
            object_type=obj._meta.label_lower,
            object_id=pk,
            object_repr=label,
            before=before,
        )


def indicator_link_remove(*, link: RecommendationIndicator, actor: User | None) -> None:
    goal = link.goal
    with transaction.atomic():
        remove_part(link, link.recommendation, actor, "Kennzahl")
        if goal is not None:
            _discard_own_goal(goal, actor)


def measure_save(
    *,
    recommendation: Recommendation,
    actor: User | None,
    title: str,
    description: str = "",
    responsible_organisation: Any = None,
    measure: ImplementationMeasure | None = None,
) -> ImplementationMeasure:
    ensure_content_editable(recommendation, actor)
    obj = measure or ImplementationMeasure(
        recommendation=recommendation, order=recommendation.measures.count() + 1
    )
    before = snapshot(obj) if obj.pk else None
    obj.title, obj.description = title, description
    obj.responsible_organisation = responsible_organisation
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        history_event(recommendation, actor, EventKind.EDITED, note=f"Maßnahme: {title}")
        audit_saved(actor=actor, obj=obj, before=before)
    return obj


def measure_remove(*, measure: ImplementationMeasure, actor: User | None) -> None:
    remove_part(measure, measure.recommendation, actor, "Maßnahme")


# --- Status ---------------------------------------------------------------------------------

ACTOR_WORDS = {
    Actor.GROUP_MEMBER: gettext_lazy("die Mitglieder der Arbeitsgruppe"),
    Actor.GROUP_LEAD: gettext_lazy("die Leitung der Arbeitsgruppe"),
    Actor.TASKFORCE_LEAD: gettext_lazy("die Leitung des Sonderstabs"),
    Actor.BOARD: gettext_lazy("Mitglieder des Verwaltungsvorstands"),
}


def _refuse_unknown_edge(source: str, target: str) -> TransitionError:
    options = transitions_from(source)
    if not options:
        return TransitionError(
            _("Aus dem Status „%(state)s“ ist kein Statuswechsel mehr vorgesehen.")
            % {"state": state_label(source)}
        )
    possible = ", ".join(_("„%(state)s“") % {"state": state_label(t.target)} for t in options)
    return TransitionError(
        _(
            "Ein Wechsel von „%(source)s“ nach „%(target)s“ ist nicht "
            "vorgesehen. Möglich ist: %(possible)s."
        )
        % {"source": state_label(source), "target": state_label(target), "possible": possible}
    )


def _check_inputs(
    edge: Transition,
    *,
    note: str,
    decided_on: date | None,
    wording: str,
    conditions: str,
    evaluation: str,
) -> None:
    missing: list[str] = []
    if edge.needs_decision:
        if decided_on is None:
            missing.append(_("das Datum der Sitzung des Verwaltungsvorstands"))
        elif decided_on > timezone.localdate():
            raise TransitionError(_("Das Datum des Beschlusses liegt in der Zukunft."))
        if not wording.strip():
            missing.append(_("der Wortlaut des Beschlusses"))
        if edge.target == RecommendationState.DECIDED_WITH_CONDITIONS and not conditions.strip():
            missing.append(_("die Auflagen"))
    if edge.needs_note and not note.strip():
        missing.append(_("eine Begründung für die Arbeitsgruppe"))
    if edge.needs_evaluation and not evaluation.strip():
        missing.append(_("die Bewertung der Wirkung"))
    if missing:
        raise _not_possible(edge, missing)


def _not_possible(edge: Transition, missing: list[str]) -> TransitionError:
    return TransitionError(
        _("„%(step)s“ ist nicht möglich – es fehlt: %(missing)s.")
        % {"step": edge.label, "missing": "; ".join(missing)},
        missing=missing,
    )


def recommendation_transition(
    *,
    recommendation: Recommendation,
    to_state: str,
    actor: User | None,
    note: str = "",
    decided_on: date | None = None,
    wording: str = "",
    conditions: str = "",
    evaluation: str = "",
    meeting: Meeting | None = None,
) -> RecommendationEvent:
    """Move a recommendation along the transition map (``workflow.TRANSITIONS``).

    Refuses edges that are not in the map, persons without the edge's role, missing board
    decision data or reasons, and failing guards, each with a German message naming the missing
    piece. Writes the board decision, the history row and the audit event in one transaction;
    the board's adoption puts the recommendation's goals in force in it (``ADOPTED_STATES``).
    """
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        source = rec.state
        edge = transition(source, to_state)
        if edge is None:
            raise _refuse_unknown_edge(source, to_state)
        if actor is not None and not perm.can_take(actor, rec, edge):
            who = f" {_('oder')} ".join(sorted(str(ACTOR_WORDS[a]) for a in edge.actors))
            raise NotAllowed(_("„%(step)s“ dürfen nur %(who)s.") % {"step": edge.label, "who": who})
        _check_inputs(
            edge,
            note=note,
            decided_on=decided_on,
            wording=wording,
            conditions=conditions,
            evaluation=evaluation,
        )
        if edge.guard is not None:
            missing = edge.guard(rec)
            if missing:
                raise _not_possible(edge, missing)
        decision = None
        if edge.needs_decision:
            assert decided_on is not None  # checked above
            decision = BoardDecision.objects.create(
                recommendation=rec,
                outcome=DECISION_OUTCOMES[edge.target],
                decided_on=decided_on,
                wording=wording.strip(),
                conditions=conditions.strip(),
                recorded_by=user_or_none(actor),
            )
        rec.state = edge.target
        rec.state_changed_at = timezone.now()
        fields = ["state", "state_changed_at", "updated_at"]
        if edge.needs_evaluation:
            rec.evaluation = evaluation.strip()
            fields.append("evaluation")
        rec.save(update_fields=fields)
        if edge.target in ADOPTED_STATES:
            kpi_services.goals_activate(
                goals=Goal.objects.filter(taskforce_links__recommendation=rec, is_active=False),
                actor=actor,
                note=f"Beschluss des Verwaltungsvorstands zur Empfehlung „{rec.title}“",
            )
        event = history_event(
            rec,
            actor,
            EventKind.TRANSITION,
            note=note.strip(),
            from_state=source,
            to_state=edge.target,
            decision=decision,
            meeting=meeting,
        )
        audit_record(
            actor=actor,
            action=Action.TRANSITION,
            obj=rec,
            before={"state": source},
            after={
                "state": edge.target,
                "decision": snapshot(decision) if decision else None,
                "meeting": meeting.pk if meeting else None,
            },
            note=note.strip(),
        )
    recommendation.state = rec.state
    recommendation.state_changed_at = rec.state_changed_at
    recommendation.evaluation = rec.evaluation
    return event
