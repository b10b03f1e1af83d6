"""Operational areas as polygons (GeoJSON, WGS84)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("Einsatzbezirk")
    CITY_CORE = "city_core", _("Innenstadt")
    FOCUS = "focus", _("Schwerpunktbereich")


class Area(models.Model):
    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=60, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=AreaKind.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    geometry = models.JSONField(_("Geometrie (GeoJSON, WGS84)"))
    area_m2 = models.FloatField(_("Fläche (m²)"))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    is_active = models.BooleanField(_("aktiv"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("Gebiet")
        verbose_name_plural = _("Gebiete")

    def __str__(self) -> str:
        return self.name

    @property
    def area_ha(self) -> float:
        return self.area_m2 / 10_000
