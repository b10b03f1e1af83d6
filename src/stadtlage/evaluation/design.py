"""The rules of an evaluation design and its frozen snapshot.

``DesignInput`` is what a form or the demo seed hands to ``services.design_update``;
``validate`` returns German messages keyed by field; ``snapshot`` resolves areas and key
figures into the plain JSON that is frozen and hashed (geometries as they are, outcome
definitions as they are), so a later edit of an area or a key figure never moves a frozen design.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from stadtlage.evaluation import geometry, records
from stadtlage.evaluation.models import EvaluationDesign
from stadtlage.kpi.models import Indicator, IndicatorVersion
from stadtlage.places.geo import parse_area_geometry
from stadtlage.places.models import Area

WEEKS_RANGE: Final = (2, 52)
BUFFER_RANGE: Final = (0, 1000)
EXPECTED_RANGE: Final = (1, 90)

Errors = dict[str, list[str]]


@dataclass
class DesignInput:
    target_areas: list[Area] = field(default_factory=list)
    target_polygon: dict[str, Any] | None = None
    buffer_m: int = 200
    displacement_areas: list[Area] = field(default_factory=list)
    control_areas: list[Area] = field(default_factory=list)
    control_polygon: dict[str, Any] | None = None
    displacement_control_areas: list[Area] = field(default_factory=list)
    outcomes: list[Indicator] = field(default_factory=list)
    start_date: date | None = None
    pre_weeks: int = 12
    post_weeks: int = 12
    expected_reduction_pct: int = 20

    @classmethod
    def of(cls, design: EvaluationDesign) -> DesignInput:
        areas = Area.objects.in_bulk(
            [
                *design.target_area_ids,
                *design.displacement_area_ids,
                *design.control_area_ids,
                *design.displacement_control_area_ids,
            ]
        )
        indicators = {i.code: i for i in eligible_indicators(design.outcome_codes)}

        def pick(ids: list[int]) -> list[Area]:
            return [areas[i] for i in ids if i in areas]

        return cls(
            target_areas=pick(design.target_area_ids),
            target_polygon=design.target_polygon,
            buffer_m=design.buffer_m,
            displacement_areas=pick(design.displacement_area_ids),
            control_areas=pick(design.control_area_ids),
            control_polygon=design.control_polygon,
            displacement_control_areas=pick(design.displacement_control_area_ids),
            outcomes=[indicators[c] for c in design.outcome_codes if c in indicators],
            start_date=design.start_date,
            pre_weeks=design.pre_weeks,
            post_weeks=design.post_weeks,
            expected_reduction_pct=design.expected_reduction_pct,
        )

    def apply_to(self, design: EvaluationDesign) -> None:
        design.target_area_ids = [a.pk for a in self.target_areas]
        design.target_polygon = self.target_polygon
        design.buffer_m = self.buffer_m
        design.displacement_area_ids = [a.pk for a in self.displacement_areas]
        design.control_area_ids = [a.pk for a in self.control_areas]
        design.control_polygon = self.control_polygon
        design.displacement_control_area_ids = [a.pk for a in self.displacement_control_areas]
        design.outcome_codes = [i.code for i in ordered(self.outcomes)]
        design.start_date = self.start_date
        design.pre_weeks = self.pre_weeks
        design.post_weeks = self.post_weeks
        design.expected_reduction_pct = self.expected_reduction_pct


def eligible_indicators(codes: Iterable[str] | None = None) -> list[Indicator]:
    """Active key figures that count or sum records with a position (outcome candidates)."""
    qs = Indicator.objects.filter(
        is_active=True,
        current_version__source__in=records.SPATIAL_SOURCES,
        current_version__aggregation__in=records.COUNTABLE,
    ).select_related("current_version", "current_version__paired_indicator__current_version")
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    return list(qs.order_by("order", "code"))


def ordered(indicators: Iterable[Indicator]) -> list[Indicator]:
    return sorted(indicators, key=lambda i: (i.order, i.code))


def primary(indicators: list[Indicator]) -> Indicator | None:
    """The main outcome: the first demand-side (not enforcement-driven) key figure."""
    for indicator in ordered(indicators):
        version = indicator.current_version
        if version is not None and not version.enforcement_driven:
            return indicator
    return None


def _geometry(areas: list[Area], polygon: dict[str, Any] | None) -> BaseGeometry | None:
    return geometry.union([*(a.geometry for a in areas), polygon])


def parse_polygon(raw: str) -> dict[str, Any] | None:
    """A drawn polygon from the form (GeoJSON text); blank is None. Raises GeometryError."""
    if not raw.strip():
        return None
    return geometry.to_geojson(parse_area_geometry(raw))


@dataclass(frozen=True)
class Resolved:
    target: BaseGeometry | None
    buffer: BaseGeometry | None
    control: BaseGeometry | None
    displacement_control: BaseGeometry | None


def resolve(d: DesignInput) -> Resolved:
    target = _geometry(d.target_areas, d.target_polygon)
    extra = _geometry(d.displacement_areas, None)
    buffer = geometry.buffer_zone(target, d.buffer_m, extra) if target is not None else None
    return Resolved(
        target=target,
        buffer=buffer if buffer is not None and not buffer.is_empty else None,
        control=_geometry(d.control_areas, d.control_polygon),
        displacement_control=_geometry(d.displacement_control_areas, None),
    )


def validate(d: DesignInput, *, complete: bool = False) -> Errors:
    """German messages keyed by field. ``complete``: everything needed to freeze is there."""
    errors: Errors = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for key, (low, high) in (
        ("pre_weeks", WEEKS_RANGE),
        ("post_weeks", WEEKS_RANGE),
        ("buffer_m", BUFFER_RANGE),
        ("expected_reduction_pct", EXPECTED_RANGE),
    ):
        value = getattr(d, key)
        if not low <= value <= high:
            err(key, _("Bitte eine Zahl von %(low)d bis %(high)d.") % {"low": low, "high": high})
    places = resolve(d)
    around = unary_union([g for g in (places.target, places.buffer) if g is not None])
    if (
        places.control is not None
        and places.target is not None
        and places.control.intersects(around)
    ):
        err(
            "control_areas",
            _(
                "Das Kontrollgebiet berührt das Zielgebiet oder seine Umgebung "
                "(%(metres)d-m-Ring und gewählte Gebiete). Ein Kontrollgebiet muss getrennt "
                "liegen, sonst misst es die Wirkung mit."
            )
            % {"metres": d.buffer_m},
        )
    if places.displacement_control is not None and places.target is not None:
        if places.displacement_control.intersects(around):
            err(
                "displacement_control_areas",
                _("Das Kontrollgebiet der Umgebung berührt das Zielgebiet oder die Umgebung."),
            )
        elif places.control is not None and places.displacement_control.intersects(places.control):
            err(
                "displacement_control_areas",
                _("Das Kontrollgebiet der Umgebung muss vom Kontrollgebiet getrennt sein."),
            )
    _validate_outcomes(d, err)
    if complete:
        if places.target is None:
            err("target_areas", _("Bitte ein Zielgebiet wählen oder zeichnen."))
        if places.control is None:
            err("control_areas", _("Bitte ein Kontrollgebiet wählen oder zeichnen."))
        if not d.outcomes:
            err("outcomes", _("Bitte mindestens eine Zielgröße wählen."))
        if d.start_date is None:
            err("start_date", _("Bitte den Beginn der Maßnahme angeben."))
    return errors


def _validate_outcomes(d: DesignInput, err: Any) -> None:
    chosen = {i.code for i in d.outcomes}
    for indicator in d.outcomes:
        version = indicator.current_version
        if version is None:
            continue
        if version.source not in records.SPATIAL_SOURCES or (
            version.aggregation not in records.COUNTABLE
        ):
            err(
                "outcomes",
                _("„%(name)s“ zählt keine Datensätze mit Ort und taugt nicht als Zielgröße.")
                % {"name": version.name},
            )
            continue
        if not version.enforcement_driven:
            continue
        pair = version.paired_indicator
        if pair is None:
            err(
                "outcomes",
                _(
                    "„%(name)s“ ist ein Kontrolldelikt (mehr Kontrollen, mehr Datensätze) und hat "
                    "keine Vergleichskennzahl der Nachfrageseite; so ist es als Zielgröße nicht "
                    "aussagekräftig."
                )
                % {"name": version.name},
            )
        elif pair.code not in chosen:
            err(
                "outcomes",
                _(
                    "„%(name)s“ ist ein Kontrolldelikt: bitte auch die Vergleichskennzahl "
                    "„%(pair)s“ (Nachfrageseite) als Zielgröße wählen."
                )
                % {"name": version.name, "pair": pair},
            )
    if d.outcomes and primary(d.outcomes) is None:
        err("outcomes", _("Mindestens eine Zielgröße muss von der Nachfrageseite sein."))


def outcome_definition(indicator: Indicator, *, is_primary: bool) -> dict[str, Any]:
    version: IndicatorVersion | None = indicator.current_version
    assert version is not None
    pair = version.paired_indicator
    return {
        "code": indicator.code,
        "name": version.name,
        "version": version.number,
        "source": version.source,
        "category_codes": sorted(version.category_codes or []),
        "quantity": version.quantity if version.aggregation == "sum" else None,
        "hour_from": version.hour_from,
        "hour_to": version.hour_to,
        "unit": version.unit,
        "direction": version.direction,
        "enforcement_driven": version.enforcement_driven,
        "paired_code": pair.code if pair else "",
        "paired_name": str(pair) if pair else "",
        "primary": is_primary,
    }


def _place(areas: list[Area], drawn: bool, geom: BaseGeometry | None) -> dict[str, Any] | None:
    if geom is None:
        return None
    return {
        "areas": [a.name for a in areas],
        "area_ids": [a.pk for a in areas],
        "drawn": drawn,
        "geometry": geometry.to_geojson(geom),
    }


def snapshot(design: EvaluationDesign, d: DesignInput) -> dict[str, Any]:
    """The canonical JSON of a design as it is frozen (hashed together with its timestamp)."""
    places = resolve(d)
    main = primary(d.outcomes)
    evaluation = design.evaluation
    rec, measure = evaluation.recommendation, evaluation.measure
    return {
        "evaluation": evaluation.pk,
        "title": evaluation.title,
        "recommendation": {"id": rec.pk, "title": rec.title} if rec else None,
        "measure": {"id": measure.pk, "title": measure.title} if measure else None,
        "version": design.number,
        "start_date": d.start_date.isoformat() if d.start_date else None,
        "pre_weeks": d.pre_weeks,
        "post_weeks": d.post_weeks,
        "expected_reduction_pct": d.expected_reduction_pct,
        "buffer_m": d.buffer_m,
        "target": _place(d.target_areas, d.target_polygon is not None, places.target),
        "buffer": _place(d.displacement_areas, False, places.buffer),
        "control": _place(d.control_areas, d.control_polygon is not None, places.control),
        "displacement_control": _place(
            d.displacement_control_areas, False, places.displacement_control
        ),
        "outcomes": [
            outcome_definition(i, is_primary=main is not None and i.pk == main.pk)
            for i in ordered(d.outcomes)
        ],
    }
