"""`{% hotspot_layer working_group %}`: the hot-spot layer of the Lagebild and AG dashboards."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

from stadtlage.hotspots import dosage, permissions
from stadtlage.hotspots.forms import default_window
from stadtlage.hotspots.maps import GI_LABELS
from stadtlage.hotspots.selectors import Source, working_group_categories

register = template.Library()


@register.inclusion_tag("hotspots/_layer.html", takes_context=True)
def hotspot_layer(context: dict[str, Any], working_group: Any = None) -> dict[str, Any]:
    """Gi* hot spots of the patrols' observations in the last four weeks (the working group's
    categories on its dashboard); nothing for people who may not see hot-spot maps."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not permissions.can_view_hotspots(user):
        return {"show": False}
    start, end = default_window()
    params: list[tuple[str, str]] = [
        ("source", Source.OBSERVATIONS),
        ("start", start.isoformat()),
        ("end", end.isoformat()),
        ("cell", "100"),
        ("method", "gi"),
    ]
    if working_group is not None:
        codes = working_group_categories(working_group.pk)
        if not codes:
            return {"show": False}
        params += [("categories", code) for code in codes]
    query = urlencode(params)
    return {
        "show": True,
        "query": query,
        "geojson_url": f"{reverse('hotspots:geojson')}?{query}",
        "page_url": f"{reverse('hotspots:map')}?{query}",
        "legend": [(k, label) for k, label in GI_LABELS.items() if k > 0],
        "start": start,
        "end": end,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


@register.inclusion_tag("hotspots/_patrol_dosage.html")
def patrol_dosage(patrol: Any) -> dict[str, Any]:
    """Planned against delivered minutes at the hot spots of the patrol's plans (shift report)."""
    return {"rows": dosage.patrol_dosage(patrol)}
