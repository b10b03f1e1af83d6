"""The four-eyes publication of a key figure (buttons on the indicator page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.kpi import publication
from stadtlage.kpi.models import Indicator


@section_required(Section.FIGURES)
@require_POST
def indicator_publication(request: HttpRequest, code: str, action: str) -> HttpResponse:
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise Http404
    try:
        if action == "vorschlagen":
            publication.indicator_public_propose(
                indicator=indicator,
                actor=acting_user(request),
                note=request.POST.get("note", ""),
            )
            messages.success(
                request,
                _("Vorgeschlagen. Eine zweite Person muss die Veröffentlichung bestätigen."),
            )
        elif action == "bestaetigen":
            publication.indicator_public_confirm(indicator=indicator, actor=acting_user(request))
            messages.success(
                request, _("Bestätigt: die Kennzahl steht jetzt im öffentlichen Lagebild.")
            )
        elif action == "zuruecknehmen":
            publication.indicator_public_withdraw(indicator=indicator, actor=acting_user(request))
            messages.success(request, _("Die Kennzahl ist nicht mehr öffentlich."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("kpi:indicator", code=code)
