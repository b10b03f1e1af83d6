"""Operational areas as polygons (GeoJSON, WGS84) and the address register."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.places.names import search_key


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


class AddressKind(models.TextChoices):
    ADDRESS = "address", _("Hausadresse")
    STREET = "street", _("Straße")
    PLACE = "place", _("Ortsname")


class AddressPoint(models.Model):
    """One entry of the address register (gazetteer): a house coordinate, a street or a named
    place, with the point a text location resolves to.

    Filled by `stadtlage import_addresses` from the official house coordinates (ALKIS/
    Hauskoordinaten, EPSG:25832) or any CSV with street, number and coordinates; the demo city
    carries named places and street points only.
    """

    key = models.CharField(_("Schlüssel"), max_length=64, unique=True)
    kind = models.CharField(_("Art"), max_length=10, choices=AddressKind.choices)
    street = models.CharField(_("Straße"), max_length=120, blank=True)
    house_number = models.CharField(_("Hausnummer"), max_length=16, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=5, blank=True)
    name = models.CharField(_("Ortsname"), max_length=120, blank=True)
    search_key = models.CharField(_("Suchschlüssel"), max_length=160, db_index=True, editable=False)
    lat = models.FloatField(_("Breite"))
    lon = models.FloatField(_("Länge"))
    source = models.CharField(_("Quelle"), max_length=80)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["search_key", "house_number"]
        verbose_name = _("Adresse")
        verbose_name_plural = _("Adressverzeichnis")
        indexes = [models.Index(fields=["search_key", "house_number"])]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = search_key(self.street or self.name)[:160]
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        if self.kind == AddressKind.PLACE:
            return self.name
        text = f"{self.street} {self.house_number}".strip()
        return f"{text}, {self.postcode} Dortmund" if self.postcode else text
