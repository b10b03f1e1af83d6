"""Retention of Open311 client contacts, registered with `stadtlage.audit.retention`.

The contact address of a client application is needed while the application may submit
reports; once it is deactivated it is blanked ``RETENTION_DAYS["api_client_contact"]`` days
after its registration (the application and its hashed keys stay for the history).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from stadtlage.audit.retention import PurgeContext, RetentionRule, register
from stadtlage.open311.models import ClientApplication


def _purge_contacts(ctx: PurgeContext) -> int:
    return (
        ClientApplication.objects.filter(is_active=False, created_at__lt=ctx.cutoff)
        .exclude(contact_email="")
        .update(contact_email="")
    )


register(
    RetentionRule(
        "api_client_contact",
        _("Kontaktadressen deaktivierter Open311-Anwendungen"),
        _("ab der Registrierung, sobald die Anwendung deaktiviert ist"),
        _purge_contacts,
        covers=("open311.ClientApplication.contact_email",),
    )
)
