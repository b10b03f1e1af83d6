"""Shift lead: sign out a lost phone (or every device) of the own field staff remotely."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stadtlage.accounts import services
from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.models import SignedInDevice, User
from stadtlage.accounts.permissions import can_sign_out_devices_of, can_sign_out_others
from stadtlage.accounts.selectors import people_with_devices_for


def _posted_id(request: HttpRequest, name: str) -> int:
    """A database id from a form field; anything else finds nothing (0)."""
    raw = str(request.POST.get(name, "")).strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0


@login_required
def team_devices(request: HttpRequest) -> HttpResponse:
    if not can_sign_out_others(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if request.POST.get("device"):
            device = get_object_or_404(
                SignedInDevice, pk=_posted_id(request, "device"), ended_at__isnull=True
            )
            person, devices = device.user, [device]
        else:
            person = get_object_or_404(User, pk=_posted_id(request, "person"))
            devices = list(person.signed_in_devices.filter(ended_at__isnull=True))
        if not can_sign_out_devices_of(request.user, person):
            raise PermissionDenied
        ended = services.signed_in_devices_revoke(devices=devices, actor=acting_user(request))
        messages.success(
            request,
            ngettext(
                "%(person)s: %(count)d Gerät abgemeldet. Noch nicht gesendete Daten bleiben "
                "auf dem Gerät und werden nach der nächsten Anmeldung dort gesendet.",
                "%(person)s: %(count)d Geräte abgemeldet. Noch nicht gesendete Daten bleiben "
                "auf den Geräten und werden nach der nächsten Anmeldung dort gesendet.",
                ended,
            )
            % {"person": person, "count": ended},
        )
        return redirect("accounts:team_devices")
    return render(
        request,
        "accounts/team_devices.html",
        {"people": people_with_devices_for(request.user), "title": _("Geräte abmelden")},
    )
