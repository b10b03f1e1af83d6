"""The Sonderstab "Ordnung und Stadtleben" and its working groups (themes)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkingGroup(models.Model):
    """A working group of the Sonderstab; also the theme that figures and categories belong to.

    Five at start; administrators add more (e.g. "Präsenz verstärken") without code.
    """

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=60, unique=True)
    mission = models.TextField(_("Auftrag"), blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Arbeitsgruppe")
        verbose_name_plural = _("Arbeitsgruppen")

    def __str__(self) -> str:
        return self.name
