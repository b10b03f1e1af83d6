"""The staff Lagebild's tiles, rendered once per change of the key figures.

A tile shows an indicator's current definition and its stored series (SPC chart, icons, quality);
all of it changes only when an indicator, a definition, a series or a working group is written
(the hourly recompute, a new definition, a release). The rendered tiles of a dashboard are kept
under the figures version and the language, so the page costs a cache read instead of loading
every series and drawing every chart per request. What depends on the person (the buttons, the
hot-spot layer) is rendered around them on every request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from stadtlage.db.versions import DataVersion

FIGURES_VERSION = DataVersion("kpi:figures-version")


def cache_seconds() -> int:
    return int(getattr(settings, "KPI_DASHBOARD_CACHE_SECONDS", 3600))


def dashboard_html(working_group_id: int | None, render: Callable[[], str]) -> str:
    """The tiles of a dashboard (all groups, or one working group's) for the current language."""
    seconds = cache_seconds()
    if seconds <= 0:
        return render()
    key = f"kpi:dashboard:{FIGURES_VERSION.current()}:{working_group_id or 0}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, seconds)
    return str(html)


def connect_invalidation() -> None:
    from stadtlage.kpi.models import Indicator, IndicatorSeries, IndicatorVersion
    from stadtlage.organisations.models import WorkingGroup

    FIGURES_VERSION.follow(Indicator, IndicatorVersion, IndicatorSeries, WorkingGroup)
