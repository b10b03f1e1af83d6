"""Writes on the milestones of a recommendation: planning them and ticking them off.

Planning follows the content rules (``recommendations.ensure_content_editable``) until the
submission; after the board's decision only the Sonderstab lead plans milestones, and the group
ticks them off. Each write appends a history row and an audit event in the same transaction.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from stadtlage.accounts.models import User
from stadtlage.audit.services import audit_saved, snapshot
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.errors import FrozenError, NotAllowed, TransitionError
from stadtlage.taskforce.models import (
    EventKind,
    ImplementationMeasure,
    MilestoneStatus,
    Recommendation,
    RecommendationMilestone,
    RecommendationState,
)
from stadtlage.taskforce.services.common import user_or_none
from stadtlage.taskforce.services.recommendations import (
    ensure_content_editable,
    history_event,
    remove_part,
)
from stadtlage.taskforce.workflow import EDITABLE_STATES, TRACKED_STATES, state_label


def _ensure_milestones_plannable(rec: Recommendation, actor: User | None) -> None:
    """Milestones are planned with the content; after the decision only the Sonderstab lead
    adds or moves them (e.g. for conditions of the board), and the history shows it."""
    if rec.state in EDITABLE_STATES:
        ensure_content_editable(rec, actor)
        return
    if rec.state not in TRACKED_STATES or rec.state == RecommendationState.EVALUATED:
        raise FrozenError(
            _("Im Status „%(state)s“ werden keine Meilensteine geplant.")
            % {"state": state_label(rec.state)}
        )
    if actor is not None and not perm.is_taskforce_lead(actor):
        raise NotAllowed(
            _("Nach dem Beschluss plant nur die Leitung des Sonderstabs Meilensteine nach.")
        )


def milestone_save(
    *,
    recommendation: Recommendation,
    actor: User | None,
    title: str,
    due_date: date,
    measure: ImplementationMeasure | None = None,
    milestone: RecommendationMilestone | None = None,
) -> RecommendationMilestone:
    _ensure_milestones_plannable(recommendation, actor)
    if measure is not None and measure.recommendation_id != recommendation.pk:
        raise TransitionError(
            _("Die Maßnahme „%(measure)s“ gehört zu einer anderen Empfehlung.")
            % {"measure": measure}
        )
    obj = milestone or RecommendationMilestone(recommendation=recommendation)
    if obj.status != MilestoneStatus.OPEN:
        raise FrozenError(
            _("Der Meilenstein „%(title)s“ ist nicht mehr offen.") % {"title": obj.title}
        )
    before = snapshot(obj) if obj.pk else None
    obj.title, obj.due_date, obj.measure = title, due_date, measure
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        history_event(
            recommendation,
            actor,
            EventKind.EDITED,
            note=f"Meilenstein „{title}“ zum {due_date:%d.%m.%Y}",
        )
        audit_saved(actor=actor, obj=obj, before=before)
    return obj


def _status_de(milestone: RecommendationMilestone) -> str:
    """The status in German: history notes are records, written in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(milestone.get_status_display())


def milestone_remove(*, milestone: RecommendationMilestone, actor: User | None) -> None:
    remove_part(milestone, milestone.recommendation, actor, "Meilenstein")


def milestone_set_status(
    *,
    milestone: RecommendationMilestone,
    status: str,
    actor: User | None,
    completed_on: date | None = None,
    note: str = "",
) -> RecommendationMilestone:
    """Mark a milestone of a decided recommendation as reached, cancelled or open again."""
    rec = milestone.recommendation
    if rec.state not in TRACKED_STATES or rec.state == RecommendationState.EVALUATED:
        raise FrozenError(
            _("Meilensteine werden erst nach dem Beschluss abgehakt (Status jetzt: „%(state)s“).")
            % {"state": state_label(rec.state)}
        )
    if actor is not None and not perm.can_update_milestones(actor, rec):
        raise NotAllowed(
            _(
                "Meilensteine hakt die Arbeitsgruppe „%(group)s“ oder die Leitung "
                "des Sonderstabs ab."
            )
            % {"group": rec.working_group}
        )
    if status not in MilestoneStatus.values:
        raise TransitionError(_("Unbekannter Status „%(status)s“.") % {"status": status})
    if status == MilestoneStatus.CANCELLED and not note.strip():
        raise TransitionError(_("Bitte begründen, warum der Meilenstein entfällt."))
    today = timezone.localdate()
    if status == MilestoneStatus.DONE and completed_on is not None and completed_on > today:
        raise TransitionError(_("Das Datum „erreicht am“ liegt in der Zukunft."))
    before = snapshot(milestone)
    milestone.status = status
    milestone.note = note or milestone.note
    if status == MilestoneStatus.DONE:
        milestone.completed_on = completed_on or today
        milestone.completed_by = user_or_none(actor)
    else:
        milestone.completed_on, milestone.completed_by = None, None
    milestone.full_clean()
    with transaction.atomic():
        milestone.save()
        history_event(
            rec,
            actor,
            EventKind.MILESTONE,
            note=f"Meilenstein „{milestone.title}“: {_status_de(milestone)}"
            + (f" – {note}" if note else ""),
            data={"milestone": milestone.pk, "status": status},
        )
        audit_saved(actor=actor, obj=milestone, before=before)
    return milestone
