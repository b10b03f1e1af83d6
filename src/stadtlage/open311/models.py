"""Registered Open311 client applications and their API keys.

A key is shown once when it is issued; only its SHA-256 hash is stored. Keys are 256-bit random
tokens, so a fast hash is enough (nothing to brute-force as with passwords).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.personal import DataCategory, DataSubject, PersonalFields, personal

DEFAULT_RATE_LIMIT_PER_HOUR = 600


class ClientApplication(models.Model):
    """An app or system that submits reports through Open311 (e.g. a city app, Mängelmelder)."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    contact_email = models.EmailField(_("Kontakt (E-Mail)"), blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    rate_limit_per_hour = models.PositiveIntegerField(
        _("Meldungen je Stunde (höchstens)"), default=DEFAULT_RATE_LIMIT_PER_HOUR
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("registriert"), auto_now_add=True)

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "contact_email": personal(DataCategory.CONTACT, DataSubject.APP_CONTACT),
    }

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311-Anwendung")
        verbose_name_plural = _("Open311-Anwendungen")

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    client = models.ForeignKey(
        ClientApplication,
        verbose_name=_("Anwendung"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    prefix = models.CharField(
        _("Anfang des Schlüssels"),
        max_length=12,
        help_text=_("Zum Wiedererkennen; der vollständige Schlüssel wird nicht gespeichert."),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("ausgegeben"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("widerrufen"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API-Schlüssel")
        verbose_name_plural = _("API-Schlüssel")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.client})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RequestDocument(models.Model):
    """A public report's Open311 JSON, kept ready for the GET requests list (`open311.stored`).

    Not a source of truth: database triggers (migration 0002) mark it stale (`body` empty, `rev`
    one higher) on every write to its report, the report's timeline and photos, and the names
    and codes of its category and organisation; readers render it again and store it only if
    `rev` is unchanged. Deleting the report deletes it. It holds only what the public GET
    answer shows, so it follows the report's retention.
    """

    report = models.OneToOneField(
        "reports.Report",
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the database trigger deletes it with the report
        db_constraint=False,
        related_name="open311_document",
    )
    rev = models.BigIntegerField(default=0)
    fingerprint = models.CharField(max_length=16, blank=True)
    body = models.BinaryField(null=True)  # UTF-8, as it is sent

    # A copy of what the public answer shows (moderated description, address); emptied with
    # the report's texts by the trigger when `report_text` is purged (reports.retention).
    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "body": personal(DataCategory.FREE_TEXT, DataSubject.REPORTER, DataSubject.THIRD_PARTY),
    }

    class Meta:
        verbose_name = _("Open311-Dokument")
        verbose_name_plural = _("Open311-Dokumente")

    def __str__(self) -> str:
        return f"{self.report_id} (rev {self.rev})"
