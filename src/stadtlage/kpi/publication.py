"""Which key figures the public sees: four eyes, audited (issue 11).

An analyst proposes a figure for the public Lagebild (with a reason); a second person — another
analyst or the Sonderstab lead, never the proposer — confirms it. Only then is it public.
Withdrawing is one person's decision (analyst or Sonderstab lead) and takes effect at once.
Every step writes an audit event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.kpi import permissions
from stadtlage.kpi.models import Indicator

FIELDS = (
    "public_proposed_by",
    "public_proposed_at",
    "public_note",
    "public_confirmed_by",
    "public_confirmed_at",
)


def _state(indicator: Indicator) -> dict[str, Any]:
    return {
        "public_proposed_by": indicator.public_proposed_by_id,
        "public_proposed_at": indicator.public_proposed_at,
        "public_note": indicator.public_note,
        "public_confirmed_by": indicator.public_confirmed_by_id,
        "public_confirmed_at": indicator.public_confirmed_at,
    }


def _save(indicator: Indicator, actor: User | None, before: dict[str, Any], note: str) -> None:
    indicator.save(update_fields=list(FIELDS))
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=indicator,
        before=before,
        after=_state(indicator),
        note=note,
    )


def indicator_public_propose(*, indicator: Indicator, actor: User | None, note: str) -> Indicator:
    if not permissions.can_propose_public(actor, indicator):
        raise PermissionDenied
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": _("Bitte begründen, warum die Kennzahl öffentlich sein soll.")}
        )
    if indicator.is_public:
        raise ValidationError(_("Die Kennzahl ist bereits öffentlich."))
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        before = _state(indicator)
        indicator.public_proposed_by = actor
        indicator.public_proposed_at = timezone.now()
        indicator.public_note = note[:300]
        _save(indicator, actor, before, "Veröffentlichung vorgeschlagen")
    return indicator


def indicator_public_confirm(*, indicator: Indicator, actor: User | None) -> Indicator:
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if indicator.public_proposed_at is None:
            raise ValidationError(_("Es liegt kein Vorschlag zur Veröffentlichung vor."))
        if indicator.is_public:
            raise ValidationError(_("Die Kennzahl ist bereits öffentlich."))
        if indicator.public_proposed_by_id == getattr(actor, "pk", None):
            raise ValidationError(
                _("Vier-Augen-Prinzip: bestätigen muss eine zweite Person, nicht wer vorschlägt.")
            )
        if not permissions.can_confirm_public(actor, indicator):
            raise PermissionDenied
        before = _state(indicator)
        indicator.public_confirmed_by = actor
        indicator.public_confirmed_at = timezone.now()
        _save(indicator, actor, before, "Veröffentlichung bestätigt (zweite Person)")
    return indicator


def indicator_public_withdraw(*, indicator: Indicator, actor: User | None) -> Indicator:
    if not permissions.can_confirm_public(actor, indicator):
        raise PermissionDenied
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        before = _state(indicator)
        for name in FIELDS:
            setattr(indicator, name, "" if name == "public_note" else None)
        _save(indicator, actor, before, "Veröffentlichung zurückgenommen")
    return indicator
