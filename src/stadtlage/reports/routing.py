"""Routing: which organisation answers a report, and how fast (category rule or area route)."""

from __future__ import annotations

from collections.abc import Sequence

from stadtlage.reports.models import CategoryRoute, ServiceCategory


def route_for(category: ServiceCategory, area_ids: Sequence[int]) -> tuple[int, int]:
    """(responsible organisation id, response time in hours) for a report in these areas.

    An area-specific route of the category wins over the category's default; of several, the
    one with the smallest area (the most specific rule).
    """
    route = (
        CategoryRoute.objects.filter(category=category, area_id__in=area_ids, area__is_active=True)
        .order_by("area__area_m2", "id")
        .values("responsible_id", "sla_hours")
        .first()
        if area_ids
        else None
    )
    if route is None:
        return category.responsible_id, category.sla_hours
    return route["responsible_id"], route["sla_hours"] or category.sla_hours
