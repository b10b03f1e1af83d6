"""A sensible starting set of indicators for the five working groups and presence.

``load_indicators()`` is idempotent: an indicator whose code exists is left as it is (analysts
may have changed it since). The indicators and their working groups are data
(``kpi/data/indicators.json``: enum fields hold the stored values, e.g. ``"source": "reports"``;
fields left out take the defaults of ``Spec``). It refers to catalogue entries by code
(``demo/data/catalogue.json``); a partner series that does not exist yet skips the indicators that
need it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from stadtlage.accounts.models import User
from stadtlage.kpi.definitions import Definition
from stadtlage.kpi.models import (
    Indicator,
    PartnerSeries,
    Quantity,
)
from stadtlage.kpi.services import indicator_create
from stadtlage.organisations.models import WorkingGroup
from stadtlage.packagedata import load_json
from stadtlage.places.models import Area


@dataclass(frozen=True)
class Spec:
    code: str
    group: str
    name: str
    rule: str
    unit: str
    source: str
    aggregation: str
    direction: str
    chart: str
    period: str = "week"
    codes: tuple[str, ...] = ()
    area: str = ""  # area slug or name
    hours: tuple[int, int] | None = None
    quantity: str = Quantity.RECORDS
    partner: str = ""
    exposure: str = ""
    exposure_partner: str = ""
    per: float = 1.0
    within: float | None = None
    enforcement: bool = False
    pair: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _spec(raw: dict[str, Any]) -> Spec:
    values = dict(raw)
    values["codes"] = tuple(values.get("codes", ()))
    if values.get("hours") is not None:
        values["hours"] = tuple(values["hours"])
    return Spec(**values)


_DATA = load_json("stadtlage.kpi", "indicators.json")
#: slug → (name, order) of the working groups the indicators belong to
WORKING_GROUPS: dict[str, tuple[str, int]] = {
    g["slug"]: (g["name"], g["order"]) for g in _DATA["working_groups"]
}
#: the seed indicators, in the order they are listed (``data/indicators.json``)
SPECS: tuple[Spec, ...] = tuple(_spec(raw) for raw in _DATA["indicators"])


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def _working_group(slug: str) -> WorkingGroup:
    name, order = WORKING_GROUPS[slug]
    found = WorkingGroup.objects.filter(Q(slug=slug) | Q(name=name)).first()
    return found or WorkingGroup.objects.create(slug=slug, name=name, order=order)


def _area(key: str) -> Area | None:
    return Area.objects.filter(Q(slug=key) | Q(name__iexact=key)).first()


def _definition(spec: Spec, result: SeedResult) -> Definition | None:
    partner = exposure_series = None
    for attr, code in (("partner", spec.partner), ("exposure", spec.exposure_partner)):
        if code:
            series = PartnerSeries.objects.filter(code=code).first()
            if series is None:
                result.skipped[spec.code] = f"Partner-Kennzahl {code} fehlt"
                return None
            if attr == "partner":
                partner = series
            else:
                exposure_series = series
    paired = Indicator.objects.filter(code=spec.pair).first() if spec.pair else None
    if spec.pair and paired is None:
        result.skipped[spec.code] = f"Vergleichskennzahl {spec.pair} fehlt"
        return None
    area = _area(spec.area) if spec.area else None
    rule = spec.rule
    if spec.area and area is None:
        rule += " (Gebiet fehlt noch: vorerst ganze Stadt.)"
    return Definition(
        name=spec.name,
        counting_rule=rule,
        unit=spec.unit,
        source=spec.source,
        aggregation=spec.aggregation,
        period=spec.period,
        direction=spec.direction,
        chart_type=spec.chart,
        working_group=_working_group(spec.group),
        partner_series=partner,
        category_codes=list(spec.codes),
        areas=[area] if area else [],
        hour_from=spec.hours[0] if spec.hours else None,
        hour_to=spec.hours[1] if spec.hours else None,
        quantity=spec.quantity,
        exposure=spec.exposure,
        exposure_series=exposure_series,
        rate_per=spec.per,
        within_hours=spec.within,
        enforcement_driven=spec.enforcement,
        paired_indicator=paired,
    )


def load_indicators(*, actor: User | None = None) -> SeedResult:
    """Create the seed indicators that do not exist yet (idempotent)."""
    result = SeedResult()
    with transaction.atomic():
        for order, spec in enumerate(SPECS):
            if Indicator.objects.filter(code=spec.code).exists():
                result.existing.append(spec.code)
                continue
            definition = _definition(spec, result)
            if definition is None:
                continue
            indicator_create(
                code=spec.code,
                definition=definition,
                actor=actor,
                order=order,
                strict_codes=False,
                check_permission=False,
            )
            result.created.append(spec.code)
    return result
