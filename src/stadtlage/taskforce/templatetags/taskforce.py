"""Template helpers of the Sonderstab pages: local navigation and status styling."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce import progress as P

register = template.Library()

TABS = (
    (_("Übersicht"), "taskforce:index", perm.can_view_taskforce),
    (_("Empfehlungen"), "taskforce:recommendation_list", perm.can_view_taskforce),
    (_("Sitzungen"), "taskforce:meeting_list", perm.can_view_meetings),
    (_("Ergebnisse"), "taskforce:results", perm.can_view_taskforce),
    (_("Verwaltungsvorstand"), "taskforce:board", perm.can_view_board),
    (_("Berichte an den OB"), "taskforce:mayor_report_list", perm.can_read_mayor_reports),
)


@register.inclusion_tag("taskforce/_subnav.html", takes_context=True)
def taskforce_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    tabs = []
    for label, name, allowed in TABS:
        if not allowed(request.user):
            continue
        url = reverse(name)
        current = request.path == url if name == "taskforce:index" else request.path.startswith(url)
        tabs.append({"label": label, "url": url, "current": current})
    return {"tabs": tabs}


@register.filter
def status_label(status: str) -> str:
    return gettext(P.STATUS_LABELS[status]) if status in P.STATUS_LABELS else status


@register.filter
def milestone_label(state: str) -> str:
    return gettext(P.MILESTONE_LABELS[state]) if state in P.MILESTONE_LABELS else state
