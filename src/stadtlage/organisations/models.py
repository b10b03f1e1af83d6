"""Organisations of the Ordnungspartnerschaft and the Sonderstab, and the data domains they own."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataDomain(models.TextChoices):
    """Separate data domains with separate responsibility (DOMAIN.md §4)."""

    CITY_OPERATIONS = "city_operations", _("Städtischer Ordnungsdienst")
    POLICE = "police", _("Polizei")
    ADDICTION_HELP = "addiction_help", _("Suchthilfe")
    PUBLIC = "public", _("Öffentlich")


class OrganisationKind(models.TextChoices):
    CITY = "city", _("Stadtverwaltung")
    CITY_DEPARTMENT = "city_department", _("Städtisches Amt")
    POLICE = "police", _("Polizei")
    UTILITY = "utility", _("Städtisches Unternehmen")
    SOCIAL_SERVICE = "social_service", _("Freier Träger / Hilfeeinrichtung")
    BUSINESS = "business", _("Wirtschaft / Stadtmarketing")


class Organisation(models.Model):
    name = models.CharField(_("Name"), max_length=200, unique=True)
    short_name = models.CharField(_("Kurzname"), max_length=40, unique=True)
    kind = models.CharField(_("Art"), max_length=30, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
    )
    data_domain = models.CharField(
        _("Datenbereich"),
        max_length=30,
        choices=DataDomain.choices,
        help_text=_("Der Datenbereich, für den diese Organisation verantwortlich ist."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")

    def __str__(self) -> str:
        return self.name
