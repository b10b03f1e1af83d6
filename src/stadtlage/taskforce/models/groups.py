"""The Sonderstab "Ordnung und Stadtleben" and its working groups (themes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkingGroup(models.Model):
    """A working group of the Sonderstab; also the theme that figures and categories belong to.

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
        ordering = ["order", "name"]
        verbose_name = _("Arbeitsgruppe")
        verbose_name_plural = _("Arbeitsgruppen")

    def __str__(self) -> str:
        return self.name
