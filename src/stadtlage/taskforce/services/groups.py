"""Writes on working groups: mission, lead and deputy (members are accounts.Membership rows)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from stadtlage.accounts.models import Role, User
from stadtlage.audit.services import audit_saved, snapshot
from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.errors import NotAllowed, TaskforceError


def _is_member(group: WorkingGroup, person: Any) -> bool:
    return group.memberships.filter(
        user=person, is_active=True, role__in=(Role.WG_MEMBER, Role.WG_LEAD)
    ).exists()


def working_group_update(
    *,
    group: WorkingGroup,
    actor: User | None,
    mission: str,
    lead: Any = None,
    deputy: Any = None,
) -> WorkingGroup:
    """Set the group's mission, lead and deputy; both persons must be members of the group."""
    if actor is not None and not perm.can_manage_group(actor, group):
        raise NotAllowed(
            _("Die Arbeitsgruppe bearbeiten ihre Leitung und die Leitung des Sonderstabs.")
        )
    for person, what in ((lead, _("Leitung")), (deputy, _("Stellvertretung"))):
        if person is not None and not _is_member(group, person):
            raise TaskforceError(
                _(
                    "%(role)s: %(person)s ist nicht Mitglied der Arbeitsgruppe „%(group)s“ "
                    "(Mitgliedschaft in der Verwaltung anlegen)."
                )
                % {"role": what, "person": person, "group": group}
            )
    if lead is not None and deputy is not None and lead.pk == deputy.pk:
        raise TaskforceError(_("Leitung und Stellvertretung müssen verschiedene Personen sein."))
    before = snapshot(group)
    group.mission, group.lead, group.deputy = mission.strip(), lead, deputy
    group.full_clean()
    with transaction.atomic():
        group.save()
        audit_saved(actor=actor, obj=group, before=before)
    return group
