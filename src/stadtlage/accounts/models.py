"""People, their roles and memberships in organisations."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.personal import DataCategory, DataSubject, PersonalFields, personal


class Role(models.TextChoices):
    """What a person does in the platform. A person may hold several roles."""

    KOD_OFFICER = "kod_officer", _("KOD-Einsatzkraft")
    POLICE_OFFICER = "police_officer", _("Polizeibeamtin/-beamter")
    SHIFT_LEAD = "shift_lead", _("Schichtleitung")
    STREETWORKER = "streetworker", _("Streetwork")
    CLEANING_CREW = "cleaning_crew", _("Reinigung (EDG)")
    WG_MEMBER = "wg_member", _("Mitglied Arbeitsgruppe")
    WG_LEAD = "wg_lead", _("Leitung Arbeitsgruppe")
    TASKFORCE_LEAD = "taskforce_lead", _("Leitung Sonderstab")
    BOARD_MEMBER = "board_member", _("Verwaltungsvorstand")
    MAYOR_OFFICE = "mayor_office", _("Büro des Oberbürgermeisters")
    ANALYST = "analyst", _("Analyse")
    PARTNER_SUBMITTER = "partner_submitter", _("Partner-Kennzahlen")
    ADMIN = "admin", _("Administration")
    DATA_PROTECTION_OFFICER = "dpo", _("Datenschutzbeauftragte/r")


class User(AbstractUser):
    """A person with an account. Roles come from memberships, never from flags on the user."""

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "username": personal(DataCategory.STAFF_IDENTITY, DataSubject.STAFF),
        "first_name": personal(DataCategory.STAFF_IDENTITY, DataSubject.STAFF),
        "last_name": personal(DataCategory.STAFF_IDENTITY, DataSubject.STAFF),
        "email": personal(DataCategory.CONTACT, DataSubject.STAFF),
        "password": personal(DataCategory.CREDENTIALS, DataSubject.STAFF),
    }

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(
                self.memberships.filter(is_active=True).values_list("role", flat=True)
            )
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class Membership(models.Model):
    """A person's role in an organisation, optionally within a working group."""

    user = models.ForeignKey(
        User, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("Rolle"), max_length=30, choices=Role.choices)
    working_group = models.ForeignKey(
        "organisations.WorkingGroup",
        verbose_name=_("Arbeitsgruppe"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "working_group"],
                name="unique_membership_in_group",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(working_group__isnull=True),
                name="unique_membership_without_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation.short_name})"


class SignInMethod(models.TextChoices):
    PASSWORD = "password", _("Passwort")
    SSO = "sso", _("Single Sign-on")


class SignOutReason(models.TextChoices):
    LOGOUT = "logout", _("abgemeldet")
    REVOKED = "revoked", _("aus der Ferne abgemeldet")


class SignedInDevice(models.Model):
    """One signed-in session of a person on one device (browser or installed field app).

    The session carries the row's id; `accounts.middleware.SignedInDeviceMiddleware` ends a
    session whose row was ended, so a lost phone can be signed out from elsewhere, whatever the
    session engine. Only a coarse device label is kept (no full user agent, no address)."""

    user = models.ForeignKey(
        User, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="signed_in_devices"
    )
    label = models.CharField(_("Gerät"), max_length=80)
    method = models.CharField(
        _("Anmeldung über"), max_length=10, choices=SignInMethod.choices, default="password"
    )
    signed_in_at = models.DateTimeField(_("angemeldet seit"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("zuletzt aktiv"))
    ended_at = models.DateTimeField(_("beendet"), null=True, blank=True, db_index=True)
    ended_reason = models.CharField(
        _("beendet durch"), max_length=10, choices=SignOutReason.choices, blank=True
    )
    ended_by = models.ForeignKey(
        User,
        verbose_name=_("beendet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "label": personal(DataCategory.ONLINE_IDENTIFIER, DataSubject.STAFF),
    }

    class Meta:
        verbose_name = _("angemeldetes Gerät")
        verbose_name_plural = _("angemeldete Geräte")
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} – {self.label}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class IdentityProvider(models.Model):
    """An OpenID Connect provider through which members of some organisations sign in (single
    sign-on). It proves who someone is; what they may do comes from their memberships here."""

    slug = models.SlugField(_("Kürzel (in der Adresse)"), unique=True)
    name = models.CharField(
        _("Bezeichnung"),
        max_length=100,
        help_text=_("Steht auf der Anmeldeseite, z. B. „Dienstkonto Stadt Dortmund“."),
    )
    issuer = models.URLField(
        _("Aussteller (Issuer)"),
        help_text=_(
            "Die Einstellungen werden von <Issuer>/.well-known/openid-configuration gelesen."
        ),
    )
    client_id = models.CharField(_("Client-ID"), max_length=200)
    client_secret = models.CharField(_("Client-Geheimnis"), max_length=500, blank=True)
    scopes = models.CharField(_("Scopes"), max_length=200, default="openid profile email")
    username_claim = models.CharField(
        _("Claim mit dem Benutzernamen"),
        max_length=60,
        default="preferred_username",
        help_text=_(
            "Beim ersten Anmelden wird die Person über diesen Wert ihrem Konto in stadtlage "
            "zugeordnet; danach über die unveränderliche Kennung (sub)."
        ),
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("für Mitglieder von"),
        related_name="identity_providers",
        help_text=_("Nur Personen mit einer aktiven Mitgliedschaft hier können sich anmelden."),
    )
    trust_second_factor = models.BooleanField(
        _("zweiten Faktor des Anmeldedienstes anerkennen"),
        default=False,
        help_text=_(
            "Nur wenn der Dienst im ID-Token (amr) einen zweiten Faktor meldet; sonst fragt "
            "stadtlage selbst danach."
        ),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Anmeldedienst (OpenID Connect)")
        verbose_name_plural = _("Anmeldedienste (OpenID Connect)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExternalIdentity(models.Model):
    """Which identity at which provider is which account (the provider's `sub`)."""

    provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("Anmeldedienst"),
        on_delete=models.CASCADE,
        related_name="identities",
    )
    subject = models.CharField(_("Kennung beim Anmeldedienst (sub)"), max_length=255)
    user = models.ForeignKey(
        User, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="external_identities"
    )
    linked_at = models.DateTimeField(_("verknüpft am"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("zuletzt verwendet"), null=True, blank=True)

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "subject": personal(DataCategory.ONLINE_IDENTIFIER, DataSubject.STAFF),
    }

    class Meta:
        verbose_name = _("Verknüpfung mit einem Anmeldedienst")
        verbose_name_plural = _("Verknüpfungen mit Anmeldediensten")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="unique_external_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="one_identity_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} – {self.user}"
