"""The public summary of a recommendation: drafted by the Sonderstab, approved by the board.

Only the approved text appears on the public page ``/massnahmen/``. Editing the draft never
changes the public page; an approval publishes the draft as it is at that moment. Both steps
write a history row and an audit event in one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.errors import NotAllowed, TransitionError
from stadtlage.taskforce.models import EventKind, Recommendation
from stadtlage.taskforce.services.common import user_or_none
from stadtlage.taskforce.services.recommendations import history_event
from stadtlage.taskforce.workflow import TRACKED_STATES

SUMMARY_MAX = 2000


def recommendation_public_summary_draft(
    *, recommendation: Recommendation, text: str, actor: User | None
) -> Recommendation:
    """Write the draft of the public summary (Sonderstab lead or the group's lead)."""
    rec = recommendation
    if actor is not None and not perm.can_draft_public_summary(actor, rec):
        raise NotAllowed(
            _(
                "Die öffentliche Zusammenfassung schreiben die Leitung des Sonderstabs und die "
                "Leitung der Arbeitsgruppe."
            )
        )
    text = text.strip()
    if len(text) > SUMMARY_MAX:
        raise TransitionError(
            _("Die öffentliche Zusammenfassung ist zu lang (höchstens %(n)d Zeichen).")
            % {"n": SUMMARY_MAX}
        )
    if text == rec.public_summary:
        return rec
    before = {"public_summary": rec.public_summary}
    with transaction.atomic():
        rec.public_summary = text
        rec.save(update_fields=["public_summary", "updated_at"])
        history_event(rec, actor, EventKind.EDITED, note="Öffentliche Zusammenfassung (Entwurf)")
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=rec,
            before=before,
            after={"public_summary": text},
            note="Öffentliche Zusammenfassung: Entwurf",
        )
    return rec


def recommendation_public_summary_approve(
    *, recommendation: Recommendation, actor: User | None
) -> Recommendation:
    """Publish the current draft (a member of the Verwaltungsvorstand; decided recommendations)."""
    rec = recommendation
    if actor is None or not perm.can_approve_public_summary(actor, rec):
        raise NotAllowed(
            _("Die öffentliche Zusammenfassung gibt ein Mitglied des Verwaltungsvorstands frei.")
        )
    if rec.state not in TRACKED_STATES:
        raise TransitionError(
            _("Öffentlich werden nur Empfehlungen, die der Verwaltungsvorstand beschlossen hat.")
        )
    if not rec.public_summary.strip():
        raise TransitionError(_("Es gibt noch keinen Entwurf der öffentlichen Zusammenfassung."))
    before = {
        "public_summary_approved": rec.public_summary_approved,
        "public_summary_approved_at": rec.public_summary_approved_at,
    }
    with transaction.atomic():
        rec.public_summary_approved = rec.public_summary
        rec.public_summary_approved_at = timezone.now()
        rec.public_summary_approved_by = user_or_none(actor)
        rec.save(
            update_fields=[
                "public_summary_approved",
                "public_summary_approved_at",
                "public_summary_approved_by",
                "updated_at",
            ]
        )
        history_event(rec, actor, EventKind.EDITED, note="Öffentliche Zusammenfassung freigegeben")
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=rec,
            before=before,
            after={
                "public_summary_approved": rec.public_summary_approved,
                "public_summary_approved_at": rec.public_summary_approved_at,
            },
            note="Öffentliche Zusammenfassung: Freigabe",
        )
    return rec
