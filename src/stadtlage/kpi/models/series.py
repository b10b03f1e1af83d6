"""The computed series of each indicator, persisted so that pages never aggregate raw rows."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorSeries(models.Model):
    """Cache of one indicator's series, SPC result and data-quality figures.

    Written only by ``stadtlage.kpi.compute.indicator_recompute``; ``data`` holds the per-period
    columns (see ``docs/kennzahlen.md``), the summary fields make the dashboards cheap.
    """

    indicator = models.OneToOneField(
        "kpi.Indicator", on_delete=models.CASCADE, related_name="series"
    )
    version_number = models.PositiveIntegerField(_("Definitionsversion"))
    computed_at = models.DateTimeField(_("berechnet am"))
    data = models.JSONField(encoder=DjangoJSONEncoder)
    latest_period = models.DateField(_("letzter Zeitraum"), null=True, blank=True)
    latest_value = models.FloatField(_("letzter Wert"), null=True, blank=True)
    variation_icon = models.CharField(max_length=40, blank=True)
    assurance = models.CharField(max_length=20, blank=True)
    coverage = models.FloatField(_("Abdeckung"), default=0.0)
    missing_submissions = models.PositiveIntegerField(_("fehlende Meldungen"), default=0)
    last_data_at = models.DateTimeField(_("letzte Daten"), null=True, blank=True)

    class Meta:
        verbose_name = _("berechnete Zeitreihe")
        verbose_name_plural = _("berechnete Zeitreihen")

    def __str__(self) -> str:
        return f"{self.indicator.code} V{self.version_number}"


class SealedPeriod(models.Model):
    """The figures of one closed period of an indicator, kept when the raw records behind it
    are deleted after their retention period (DOMAIN.md §4).

    Written only by ``stadtlage.kpi.retention`` right before `stadtlage purge` deletes rows;
    ``compute.build_series`` takes a sealed period as it is instead of aggregating, so figures
    already published do not change when the records go.
    """

    indicator = models.ForeignKey(
        "kpi.Indicator", on_delete=models.CASCADE, related_name="sealed_periods"
    )
    period_start = models.DateField(_("Beginn des Zeitraums"))
    version_number = models.PositiveIntegerField(_("Definitionsversion"))
    value = models.FloatField(_("Wert"), null=True, blank=True)
    numerator = models.FloatField(_("Zähler"), null=True, blank=True)
    denominator = models.FloatField(_("Nenner"), null=True, blank=True)
    sealed_at = models.DateTimeField(_("festgeschrieben am"))

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name = _("festgeschriebener Zeitraum")
        verbose_name_plural = _("festgeschriebene Zeiträume")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="kpi_sealed_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start:%d.%m.%Y} = {self.value}"
