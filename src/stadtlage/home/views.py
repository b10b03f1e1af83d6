from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.generic import RedirectView

from stadtlage.accounts.permissions import is_staff_user
from stadtlage.audit.access import audit_access
from stadtlage.home.panels import panels_for
from stadtlage.places.models import Area
from stadtlage.public import cache as public_cache
from stadtlage.public import disclosure
from stadtlage.public.policy import current as disclosure_policy
from stadtlage.reports.models import OPEN_STATES, Report
from stadtlage.reports.selectors import PUBLIC_SOURCES


@public_cache.public_page("page-start")
def start(request: HttpRequest) -> HttpResponse:
    """Staff see the panels of their roles; everyone else the public start page."""
    if is_staff_user(request.user):
        panels = panels_for(request.user)
        for panel in panels:
            if panel.lists_records_of:
                audit_access(
                    request,
                    object_type=f"home.panel.{panel.key}",
                    data_domain=panel.lists_records_of,
                    note="Startseite",
                )
        items = [{"panel": panel, **panel.build(request.user)} for panel in panels]
        return render(request, "home/start.html", {"panels": items})
    open_reports = public_cache.cached_value(
        "open-reports",
        [],
        lambda: Report.objects.filter(status__in=OPEN_STATES, source__in=PUBLIC_SOURCES).count(),
    )
    context = {
        # a public figure: small counts are shown as "< 5" (stadtlage.public.disclosure)
        "open_reports": disclosure.single(open_reports, disclosure_policy().min_count),
        "areas": Area.objects.filter(is_active=True, kind="focus").count(),
    }
    return render(request, "home/public.html", context)


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico on their own: send them to the icon. The address is looked up
    per request, so importing the URLs needs no static manifest (collectstatic imports them)."""

    permanent = True

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return static("stadtlage/favicon.svg")


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
