"""The audit trail: who did what to which record, when, with the state before and after."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.personal import DataCategory, DataSubject, PersonalFields, personal


class Action(models.TextChoices):
    CREATE = "create", _("angelegt")
    UPDATE = "update", _("geändert")
    DELETE = "delete", _("gelöscht")
    TRANSITION = "transition", _("Statuswechsel")
    VIEW = "view", _("eingesehen")
    EXPORT = "export", _("exportiert")
    IMPORT = "import", _("importiert")
    LOGIN = "login", _("angemeldet")
    LOGOUT = "logout", _("abgemeldet")
    LOGIN_FAILED = "login_failed", _("Anmeldung fehlgeschlagen")
    LOCKOUT = "lockout", _("Anmeldung gesperrt")
    PURGE = "purge", _("Aufbewahrungsfrist: gelöscht")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("Person (Name)"), max_length=150, blank=True)
    action = models.CharField(_("Aktion"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("Objektart"), max_length=80, db_index=True)
    object_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("Objekt"), max_length=200, blank=True)
    data_domain = models.CharField(_("Datenbereich"), max_length=30, blank=True)
    before = models.JSONField(_("vorher"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("nachher"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.CharField(_("Bemerkung"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "actor_name": personal(DataCategory.STAFF_IDENTITY, DataSubject.STAFF),
        "object_repr": personal(DataCategory.STAFF_IDENTITY, DataSubject.STAFF),
        "note": personal(DataCategory.ONLINE_IDENTIFIER, DataSubject.STAFF),
        "ip_address": personal(DataCategory.ONLINE_IDENTIFIER, DataSubject.STAFF),
        "before": personal(
            DataCategory.RECORD_COPY,
            DataSubject.REPORTER,
            DataSubject.PERSON_CONCERNED,
            DataSubject.THIRD_PARTY,
            DataSubject.STAFF,
        ),
        "after": personal(
            DataCategory.RECORD_COPY,
            DataSubject.REPORTER,
            DataSubject.PERSON_CONCERNED,
            DataSubject.THIRD_PARTY,
            DataSubject.STAFF,
        ),
    }

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"
