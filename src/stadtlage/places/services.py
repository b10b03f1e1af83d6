"""Writes for areas: create, update, import. Each write is validated, atomic and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from stadtlage.accounts.models import User
from stadtlage.audit.services import audit_saved, snapshot
from stadtlage.places import geo
from stadtlage.places.models import Area, AreaKind
from stadtlage.places.selectors import invalidate_area_index


def _apply_geometry(area: Area, geom: Any) -> None:
    area.geometry = geo.to_geojson(geom)
    area.area_m2 = round(geo.area_m2(geom), 1)
    area.min_lon, area.min_lat, area.max_lon, area.max_lat = geom.bounds


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "gebiet"
    slug, n = base, 2
    while Area.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_kind(kind: str) -> None:
    if kind not in AreaKind.values:
        raise ValidationError({"kind": _("Unbekannte Gebietsart.")})


def area_create(
    *, name: str, geometry: Any, kind: str, description: str = "", actor: User | None
) -> Area:
    """Create an area from a GeoJSON geometry (text or dict). Raises ValidationError."""
    _check_kind(kind)
    try:
        geom = geo.parse_area_geometry(geometry)
    except geo.GeometryError as exc:
        raise ValidationError({"geometry": str(exc)}) from exc
    with transaction.atomic():
        area = Area(name=name.strip(), kind=kind, description=description)
        area.slug = _unique_slug(area.name)
        _apply_geometry(area, geom)
        area.full_clean()
        area.save()
        audit_saved(actor=actor, obj=area)
        transaction.on_commit(invalidate_area_index)
    return area


def area_update(
    *,
    area: Area,
    actor: User | None,
    name: str | None = None,
    geometry: Any = None,
    kind: str | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Area:
    with transaction.atomic():
        area = Area.objects.select_for_update().get(pk=area.pk)
        before = snapshot(area)
        if name is not None:
            area.name = name.strip()
        if kind is not None:
            _check_kind(kind)
            area.kind = kind
        if description is not None:
            area.description = description
        if is_active is not None:
            area.is_active = is_active
        if geometry is not None:
            try:
                _apply_geometry(area, geo.parse_area_geometry(geometry))
            except geo.GeometryError as exc:
                raise ValidationError({"geometry": str(exc)}) from exc
        area.full_clean()
        area.save()
        audit_saved(actor=actor, obj=area, before=before)
        transaction.on_commit(invalidate_area_index)
    return area


def areas_import_geojson(*, text: str, kind: str, actor: User | None) -> list[Area]:
    """Import a FeatureCollection; all features or none. Existing names are updated."""
    _check_kind(kind)
    try:
        parsed = geo.parse_area_collection(text)
    except geo.GeometryError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    names = [p.name for p in parsed]
    if len(set(names)) != len(names):
        raise ValidationError({"file": _("Ein Gebietsname kommt mehrfach vor.")})
    result = []
    with transaction.atomic():
        for item in parsed:
            existing = Area.objects.filter(name=item.name).first()
            if existing:
                result.append(
                    area_update(area=existing, actor=actor, geometry=geo.to_geojson(item.geometry))
                )
            else:
                feature_kind = item.properties.get("kind")
                result.append(
                    area_create(
                        name=item.name,
                        geometry=geo.to_geojson(item.geometry),
                        kind=feature_kind if feature_kind in AreaKind.values else kind,
                        description=str(item.properties.get("description") or ""),
                        actor=actor,
                    )
                )
    return result
