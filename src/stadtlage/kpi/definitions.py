"""An indicator definition as a plain value, and its validation rules.

``Definition`` is what a form, the seed or a test hands to ``services.indicator_create`` /
``indicator_update``; the service turns it into an immutable ``IndicatorVersion``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from django.utils.translation import gettext as _

from stadtlage.kpi import periods as P
from stadtlage.kpi.models import (
    Aggregation,
    ChartType,
    Direction,
    Exposure,
    Indicator,
    IndicatorVersion,
    PartnerSeries,
    Quantity,
    Source,
)
from stadtlage.kpi.queries import QUANTITIES
from stadtlage.organisations.models import WorkingGroup
from stadtlage.places.models import Area

#: Fields whose change alters the numbers: a new version with any of them gets new limits.
COMPUTATION_FIELDS = (
    "source",
    "partner_series",
    "category_codes",
    "areas",
    "hour_from",
    "hour_to",
    "aggregation",
    "quantity",
    "exposure",
    "exposure_series",
    "rate_per",
    "within_hours",
    "period",
    "chart_type",
)

DURATION_SOURCES = (Source.REPORTS, Source.CLEANING)


@dataclass
class Definition:
    name: str
    counting_rule: str
    unit: str
    source: str
    aggregation: str
    period: str
    direction: str
    chart_type: str
    working_group: WorkingGroup | None = None
    owner: Any = None
    partner_series: PartnerSeries | None = None
    category_codes: list[str] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    hour_from: int | None = None
    hour_to: int | None = None
    quantity: str = Quantity.RECORDS
    exposure: str = ""
    exposure_series: PartnerSeries | None = None
    rate_per: float = 1.0
    within_hours: float | None = None
    enforcement_driven: bool = False
    paired_indicator: Indicator | None = None

    @classmethod
    def of_version(cls, version: IndicatorVersion) -> Definition:
        values = {f.name: getattr(version, f.name) for f in fields(cls) if f.name != "areas"}
        values["areas"] = list(version.areas.all())
        values["category_codes"] = list(version.category_codes or [])
        return cls(**values)

    def values(self) -> dict[str, Any]:
        """Field values as a dict (model instances kept as they are, unlike ``asdict``)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def key(self) -> tuple[Any, ...]:
        """Comparable form of the whole definition."""
        return self._key(tuple(f.name for f in fields(self)))

    def computation_key(self) -> tuple[Any, ...]:
        """Comparable form of the fields that determine the numbers."""
        return self._key(COMPUTATION_FIELDS)

    def _key(self, names: tuple[str, ...]) -> tuple[Any, ...]:
        out: list[Any] = []
        for name in names:
            value = getattr(self, name)
            if name == "areas":
                value = tuple(sorted(a.pk for a in value))
            elif name == "category_codes":
                value = tuple(sorted(value))
            elif hasattr(value, "pk"):
                value = value.pk
            out.append(value)
        return tuple(out)


def validate(d: Definition) -> dict[str, list[str]]:
    """German messages keyed by field; an empty dict means the definition is consistent."""
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for key, choices in (
        ("source", Source.values),
        ("aggregation", Aggregation.values),
        ("period", P.PERIODS),
        ("direction", Direction.values),
        ("chart_type", ChartType.values),
    ):
        if getattr(d, key) not in choices:
            err(key, _("Ungültiger Wert."))
    if errors:
        return errors
    if not d.name.strip():
        err("name", _("Bitte geben Sie eine Bezeichnung an."))
    if not d.counting_rule.strip():
        err("counting_rule", _("Jede Kennzahl braucht eine Zählregel in Klartext."))
    _validate_source(d, err)
    _validate_aggregation(d, err)
    if (d.hour_from is None) != (d.hour_to is None):
        err("hour_to", _("Bitte beide Uhrzeiten angeben oder keine."))
    for key in ("hour_from", "hour_to"):
        value = getattr(d, key)
        if value is not None and not 0 <= value <= 24:
            err(key, _("Stunde zwischen 0 und 24."))
    if d.chart_type == ChartType.LANEY_U and d.aggregation != Aggregation.RATE:
        err("chart_type", _("Die Laney-u′-Karte ist für Raten je Bezugsgröße."))
    if d.chart_type == ChartType.LANEY_P and d.aggregation != Aggregation.PROPORTION:
        err("chart_type", _("Die Laney-p′-Karte ist für Anteile."))
    return errors


def _validate_source(d: Definition, err: Any) -> None:
    if d.source == Source.PARTNER:
        if d.partner_series is None:
            err("partner_series", _("Bitte wählen Sie die Partner-Kennzahl."))
        elif not _period_fits(d.partner_series, d.period):
            err("period", _("Monatswerte eines Partners lassen sich nicht auf Wochen verteilen."))
        if d.category_codes or d.areas or d.hour_from is not None:
            err(
                "source",
                _(
                    "Partner-Kennzahlen sind bereits Summen: ohne Kategorie-, Gebiets- "
                    "oder Uhrzeitfilter."
                ),
            )
        if d.quantity != Quantity.VALUE:
            err("quantity", _("Bei Partner-Kennzahlen zählt der gemeldete Wert."))
        return
    if d.partner_series is not None:
        err("partner_series", _("Nur bei der Quelle „Partner-Kennzahl“."))
    if d.quantity not in QUANTITIES.get(d.source, ()):
        err("quantity", _("Diese Größe gibt es in der gewählten Quelle nicht."))
    if d.source == Source.PRESENCE and d.category_codes:
        err("category_codes", _("Präsenzzeiten haben keine Kategorien."))
    if d.source == Source.HOTSPOT_DOSAGE and d.category_codes:
        err("category_codes", _("Halte der Streifenpläne haben keine Kategorien."))


def _validate_aggregation(d: Definition, err: Any) -> None:
    agg = d.aggregation
    if agg == Aggregation.COUNT and d.quantity not in (Quantity.RECORDS, Quantity.VALUE):
        err("quantity", _("„Anzahl“ zählt Datensätze; für Personen oder Spritzen „Summe“ wählen."))
    if agg == Aggregation.RATE:
        if d.exposure not in Exposure.values:
            err("exposure", _("Eine Rate braucht eine Bezugsgröße."))
        if d.exposure == Exposure.PARTNER:
            if d.exposure_series is None:
                err("exposure_series", _("Bitte wählen Sie die Partner-Kennzahl der Bezugsgröße."))
            elif not _period_fits(d.exposure_series, d.period):
                err("period", _("Die Bezugsgröße wird monatlich gemeldet."))
        if not d.rate_per or d.rate_per <= 0:
            err("rate_per", _("Bitte eine positive Zahl, z. B. 100 oder 1000."))
    elif d.exposure or d.exposure_series is not None:
        err("exposure", _("Eine Bezugsgröße gibt es nur bei Raten."))
    if agg in (Aggregation.PROPORTION, Aggregation.MEDIAN_DURATION):
        if d.source not in DURATION_SOURCES:
            err("aggregation", _("Dauern gibt es nur bei Bürgermeldungen und Reinigungsaufträgen."))
        if d.quantity != Quantity.RECORDS:
            err("quantity", _("Anteile und Dauern beziehen sich auf Datensätze."))
    if agg == Aggregation.PROPORTION and not (d.within_hours and d.within_hours > 0):
        err("within_hours", _("Bitte die Frist in Stunden angeben, z. B. 4."))
    if agg != Aggregation.PROPORTION and d.within_hours is not None:
        err("within_hours", _("Eine Frist gibt es nur bei Anteilen."))


def _period_fits(series: PartnerSeries, period: str) -> bool:
    return not (series.period == P.MONTH and period == P.WEEK)
