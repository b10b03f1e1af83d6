"""Legal pages: Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit (with feedback).

Operator, contacts and retention periods come from the settings (``PUBLIC_*``,
``RETENTION_DAYS`` with ``RETENTION_BASIS`` via ``audit.retention.rules``), so the pages say what
this installation really does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from stadtlage.audit import retention
from stadtlage.public import cache as public_cache
from stadtlage.reports.views.common import throttled

FEEDBACK_LIMIT_PER_HOUR = 5


def _operator() -> dict[str, Any]:
    return {
        "operator": settings.PUBLIC_OPERATOR,
        "contact_email": settings.PUBLIC_CONTACT_EMAIL,
        "contact_phone": settings.PUBLIC_CONTACT_PHONE,
        "editor": settings.PUBLIC_EDITOR,
        "dpo": settings.PUBLIC_DPO_CONTACT,
        "accessibility_email": settings.PUBLIC_ACCESSIBILITY_EMAIL,
    }


@require_GET
@public_cache.public_page("page-impressum")
def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "public/legal/impressum.html", _operator())


def retention_periods() -> list[dict[str, Any]]:
    """Every data class with its period, purpose and legal basis (from the settings)."""
    out = []
    for rule in retention.rules():
        basis = retention.basis(rule.data_class)
        out.append(
            {
                "label": rule.label,
                "starts": rule.starts,
                "days": retention.retention_days(rule.data_class),
                "purpose": basis.get("purpose", ""),
                "legal_basis": basis.get("legal_basis", ""),
            }
        )
    return out


@require_GET
@public_cache.public_page("page-datenschutz")
def privacy(request: HttpRequest) -> HttpResponse:
    tiles = urlsplit(settings.MAP_TILE_URL).hostname if settings.MAP_TILE_URL else ""
    context = {
        **_operator(),
        "periods": retention_periods(),
        "tile_host": tiles,
        "min_count": settings.PUBLIC_MIN_COUNT,
        "cell_m": settings.PUBLIC_CELL_METRES,
    }
    return render(request, "public/legal/datenschutz.html", context)


class FeedbackForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Welche Barriere ist Ihnen aufgefallen?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    page = forms.CharField(
        label=gettext_lazy("Auf welcher Seite? (freiwillig)"), max_length=300, required=False
    )
    email = forms.EmailField(
        label=gettext_lazy("E-Mail für eine Antwort (freiwillig)"), required=False
    )


@require_http_methods(["GET", "POST"])
@public_cache.public_page("page-barrierefreiheit")
def accessibility(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if throttled(request, "accessibility-feedback", FEEDBACK_LIMIT_PER_HOUR):
            form.add_error(None, _("Zu viele Rückmeldungen von Ihrem Anschluss. Bitte später."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            body = (
                f"Rückmeldung zur Barrierefreiheit\n\nSeite: {data['page'] or '–'}\n"
                f"Antwort an: {data['email'] or '– (keine Adresse angegeben)'}\n\n"
                f"{data['message']}\n"
            )
            EmailMessage(
                subject="stadtlage: Rückmeldung zur Barrierefreiheit",
                body=body,
                to=[settings.PUBLIC_ACCESSIBILITY_EMAIL],
                reply_to=[data["email"]] if data["email"] else None,
            ).send()
            messages.success(
                request,
                _(
                    "Danke! Ihre Rückmeldung ist angekommen. "
                    "Wir antworten innerhalb von sechs Wochen."
                ),
            )
            return redirect("public:accessibility")
        else:
            status = 400
    return render(
        request, "public/legal/barrierefreiheit.html", {**_operator(), "form": form}, status=status
    )
