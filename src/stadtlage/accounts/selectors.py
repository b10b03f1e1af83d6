"""Reads of the accounts app."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from stadtlage.accounts.models import Role, SignedInDevice, User
from stadtlage.accounts.permissions import REMOTE_SIGN_OUT_ROLES


def people_with_devices_for(user: Any) -> QuerySet[User]:
    """People whose devices `user` may sign out, with their open signed-in devices: a shift
    lead's field staff (same organisation), everyone for administrators."""
    people = User.objects.filter(is_active=True)
    if not user.has_role(Role.ADMIN):
        lead_orgs = user.memberships.filter(is_active=True, role=Role.SHIFT_LEAD).values(
            "organisation_id"
        )
        people = people.filter(
            memberships__is_active=True,
            memberships__role__in=REMOTE_SIGN_OUT_ROLES,
            memberships__organisation_id__in=lead_orgs,
        )
    open_devices = SignedInDevice.objects.filter(ended_at__isnull=True).order_by("-last_seen_at")
    return (
        people.filter(signed_in_devices__ended_at__isnull=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
        .prefetch_related(Prefetch("signed_in_devices", open_devices, to_attr="open_devices"))
    )
