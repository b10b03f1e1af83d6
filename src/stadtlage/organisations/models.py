"""Organisations of the Ordnungspartnerschaft and the Sonderstab, and the data domains they own."""

from __future__ import annotations

from django.conf import settings
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


class WorkingGroup(models.Model):
    """A working group of the Sonderstab; also the theme that figures and categories belong to.

    It lives here, on the floor below the street, figures and decisions, because memberships,
    report and observation categories, indicators and partner series all belong to one; the
    Sonderstab (``taskforce``) builds its meetings and recommendations on top of it.

    Five at start; administrators add more (e.g. "Präsenz verstärken") without code. Who belongs
    to a group (and from which organisation) is an ``accounts.Membership`` with this group;
    ``lead`` and ``deputy`` name the persons who speak for the group (both must be members).
    """

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=60, unique=True)
    mission = models.TextField(_("Auftrag"), blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Leitung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Stellvertretung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        # The table keeps the name it had when the model lived in ``taskforce`` (moved with
        # ``SeparateDatabaseAndState``, organisations migration 0002): no data was copied.
        db_table = "taskforce_workinggroup"
        ordering = ["order", "name"]
        verbose_name = _("Arbeitsgruppe")
        verbose_name_plural = _("Arbeitsgruppen")

    def __str__(self) -> str:
        return self.name
