"""Template helpers of the Sonderstab pages: local navigation and status styling."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce import progress as P

register = template.Library()

TABS = (
    ("Übersicht", "taskforce:index", perm.can_view_taskforce),
    ("Empfehlungen", "taskforce:recommendation_list", perm.can_view_taskforce),
    ("Sitzungen", "taskforce:meeting_list", perm.can_view_meetings),
    ("Ergebnisse", "taskforce:results", perm.can_view_taskforce),
    ("Verwaltungsvorstand", "taskforce:board", perm.can_view_board),
    ("Berichte an den OB", "taskforce:report_list", perm.can_read_reports),
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
    return P.STATUS_LABELS.get(status, status)


@register.filter
def milestone_label(state: str) -> str:
    return P.MILESTONE_LABELS.get(state, state)
