"""Retention of staff accounts (DOMAIN.md §4), registered with `stadtlage.audit.retention`.

An account that is deactivated, has no active membership and was not used (last login, or
creation if it never logged in) for ``RETENTION_DAYS["staff_account"]`` days is anonymised:
name, e-mail address, password, second factors (TOTP, recovery codes, passkeys) and links to
single sign-on identities go, the user name becomes ``geloescht-<id>``. The row stays, so
records keep pointing at "a deleted account" instead of losing who did something.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user

from stadtlage.accounts.models import ExternalIdentity, Membership, SignedInDevice, User
from stadtlage.audit.retention import PurgeContext, RetentionRule, register

ANONYMOUS_PREFIX = "geloescht-"


def _purge_accounts(ctx: PurgeContext) -> int:
    active_members = Membership.objects.filter(is_active=True).values("user_id")
    expired = (
        User.objects.filter(is_active=False)
        .exclude(pk__in=active_members)
        .exclude(username__startswith=ANONYMOUS_PREFIX)
        .annotate(_last_use=Coalesce("last_login", "date_joined"))
        .filter(Q(_last_use__lt=ctx.cutoff))
    )
    count = 0
    for user in expired:
        user.username = f"{ANONYMOUS_PREFIX}{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.password = make_password(None)
        user.save(update_fields=["username", "first_name", "last_name", "email", "password"])
        ExternalIdentity.objects.filter(user=user).delete()
        for device in devices_for_user(user, confirmed=None):  # second factors, passkeys
            device.delete()
        count += 1
    return count


register(
    RetentionRule(
        "staff_account",
        _("Konten ausgeschiedener Beschäftigter (anonymisiert)"),
        _("ab der letzten Anmeldung eines deaktivierten Kontos"),
        _purge_accounts,
        covers=(
            "accounts.User.username",
            "accounts.User.first_name",
            "accounts.User.last_name",
            "accounts.User.email",
            "accounts.User.password",
            "accounts.ExternalIdentity.subject",
        ),
    )
)


def _purge_signed_in_devices(ctx: PurgeContext) -> int:
    """Signed-out devices, and devices not seen since the cutoff (their session is long gone)."""
    expired = SignedInDevice.objects.filter(
        Q(ended_at__lt=ctx.cutoff) | Q(ended_at__isnull=True, last_seen_at__lt=ctx.cutoff)
    )
    return int(expired.delete()[0])


register(
    RetentionRule(
        "signed_in_device",
        _("Angemeldete Geräte (Gerätebezeichnung, Zeiten)"),
        _("ab der Abmeldung oder der letzten Aktivität"),
        _purge_signed_in_devices,
        covers=("accounts.SignedInDevice.label",),
    )
)
