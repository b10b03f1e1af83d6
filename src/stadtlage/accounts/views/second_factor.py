"""Second step of the sign-in, guided enrolment, recovery codes and the own security page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.utils import get_credential_model

from stadtlage.accounts import services, twofactor
from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.forms import EnrolForm, SecondFactorForm
from stadtlage.accounts.models import SignedInDevice
from stadtlage.accounts.permissions import can_sign_out_others
from stadtlage.accounts.services import SIGNED_IN_DEVICE_SESSION_KEY
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record

RECOVERY_CODES_SESSION_KEY = "stadtlage_new_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _completed(request: HttpRequest, device: Device) -> None:
    """The session has its second factor now: bind it and renew the session key."""
    otp_login(request, device)
    request.session.cycle_key()


def _warn_recovery_code_used(request: HttpRequest) -> None:
    left = twofactor.recovery_codes_left(request.user)
    messages.warning(
        request,
        ngettext(
            "Wiederherstellungscode verwendet – noch %(count)d Code übrig. "
            "Richten Sie unter „Konto und Sicherheit“ eine neue App ein.",
            "Wiederherstellungscode verwendet – noch %(count)d Codes übrig. "
            "Richten Sie unter „Konto und Sicherheit“ eine neue App ein.",
            left,
        )
        % {"count": left},
    )


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Asks for a code (or a security key) after the password."""
    user: Any = request.user
    next_url = _next_url(request)
    if not twofactor.needs_second_factor_now(request):
        return HttpResponseRedirect(next_url)
    if not twofactor.confirmed_devices(user):
        return redirect(_with_next("accounts:enrol", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = twofactor.throttled_seconds(user)
        device = None if wait else twofactor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            _completed(request, device)
            audit_record(
                actor=user,
                action=Action.LOGIN,
                obj=user,
                note=f"zweiter Faktor bestätigt: {device.name}",
            )
            if isinstance(device, StaticDevice):
                _warn_recovery_code_used(request)
            return HttpResponseRedirect(next_url)
        audit_record(
            actor=None,
            action=Action.LOGIN_FAILED,
            obj=user,
            note="zweiter Faktor falsch" if not wait else "zweiter Faktor: Wartezeit",
        )
        form.add_error(
            "code",
            ngettext(
                "Zu viele falsche Codes. Bitte warten Sie %(seconds)d Sekunde.",
                "Zu viele falsche Codes. Bitte warten Sie %(seconds)d Sekunden.",
                wait,
            )
            % {"seconds": wait}
            if wait
            else _("Der Code ist falsch oder abgelaufen. Bitte geben Sie den aktuellen Code ein."),
        )
    return render(
        request,
        "accounts/second_factor.html",
        {
            "form": form,
            "next": next_url,
            "has_webauthn": twofactor.has_webauthn(user),
            "demo_code": twofactor.demo_code(user),
        },
    )


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Guided enrolment: scan the QR code (or type the key), confirm with a code."""
    user: Any = request.user
    next_url = _next_url(request)
    if not twofactor.requires_second_factor(user):
        messages.info(request, _("Für Ihre Rolle ist kein zweiter Faktor vorgesehen."))
        return redirect("accounts:security")
    if twofactor.confirmed_devices(user) and not twofactor.has_second_factor(request):
        # A new factor only after the existing one: a password alone must not add a device.
        return redirect(_with_next("accounts:second_factor", next_url))
    device = twofactor.pending_totp_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            services.second_factor_device_added(device=device, actor=acting_user(request))
            if not twofactor.has_second_factor(request):
                _completed(request, device)
            if not StaticDevice.objects.filter(user=user).exists():
                request.session[RECOVERY_CODES_SESSION_KEY] = twofactor.new_recovery_codes(user)
                return redirect(_with_next("accounts:recovery_codes", next_url))
            messages.success(request, _("Die Authenticator-App ist eingerichtet."))
            return HttpResponseRedirect(next_url)
        form.add_error(
            "code",
            _(
                "Der Code passt nicht. Prüfen Sie, ob die Uhrzeit des Telefons stimmt, "
                "und geben Sie den aktuellen Code ein."
            ),
        )
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": twofactor.qr_svg(device, _("QR-Code für die Authenticator-App")),
            "secret": twofactor.secret_for_display(device),
            "required": twofactor.requires_second_factor(user),
            "after_register": _with_next("accounts:recovery_codes", next_url),
        },
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows freshly made recovery codes once; POST replaces them. Reached only with the
    second factor (middleware); after a first passkey the codes are made here."""
    next_url = _next_url(request)
    user: Any = request.user
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION_KEY] = twofactor.new_recovery_codes(user)
        audit_record(
            actor=user,
            action=Action.CREATE,
            obj=user,
            note="neue Wiederherstellungscodes erzeugt (alte ungültig)",
        )
        return redirect(_with_next("accounts:recovery_codes", next_url))
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if (
        codes is None
        and twofactor.is_enrolled(user)
        and not StaticDevice.objects.filter(user=user).exists()
    ):
        codes = twofactor.new_recovery_codes(user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": [twofactor.format_recovery_code(c) for c in codes or []],
            "left": twofactor.recovery_codes_left(user),
            "next": next_url,
        },
    )


def _device_rows(user: Any) -> list[dict[str, Any]]:
    webauthn_model = get_credential_model()
    rows = []
    for device in twofactor.confirmed_devices(user):
        if isinstance(device, StaticDevice):
            continue
        kind = (
            _("Authenticator-App")
            if isinstance(device, TOTPDevice)
            else _("Sicherheitsschlüssel/Passkey")
        )
        rows.append(
            {
                "device": device,
                "kind": kind,
                "model": "totp" if isinstance(device, TOTPDevice) else "webauthn",
                "last_used": getattr(device, "last_used_at", None),
                "is_webauthn": isinstance(device, webauthn_model),
            }
        )
    return rows


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Own account: second factors, recovery codes, signed-in devices."""
    user: Any = request.user
    current_device = request.session.get(SIGNED_IN_DEVICE_SESSION_KEY)
    return render(
        request,
        "accounts/security.html",
        {
            "devices": _device_rows(user),
            "recovery_left": twofactor.recovery_codes_left(user),
            "required": twofactor.requires_second_factor(user),
            "signed_in": SignedInDevice.objects.filter(user=user, ended_at__isnull=True),
            "current_device": current_device,
            "security_url": reverse("accounts:security"),
            "can_sign_out_others": can_sign_out_others(user),
        },
    )


@login_required
@require_POST
def remove_device(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model: Any = TOTPDevice if kind == "totp" else get_credential_model()
    device = get_object_or_404(model, pk=pk, user=request.user, confirmed=True)
    others = [d for d in _device_rows(request.user) if d["device"] != device]
    if twofactor.requires_second_factor(request.user) and not others:
        messages.error(
            request,
            _(
                "Der letzte zweite Faktor kann nicht entfernt werden: richten Sie zuerst einen "
                "weiteren ein."
            ),
        )
    else:
        services.second_factor_device_remove(device=device, actor=acting_user(request))
        messages.success(request, _("Der zweite Faktor wurde entfernt."))
    return redirect("accounts:security")


@login_required
@require_POST
def sign_out_own_device(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign out one of one's own other devices (e.g. a phone left somewhere)."""
    user: Any = request.user
    device = get_object_or_404(SignedInDevice, pk=pk, user=user, ended_at__isnull=True)
    services.signed_in_devices_revoke(devices=[device], actor=acting_user(request))
    messages.success(
        request, _("Das Gerät „%(label)s“ wurde abgemeldet.") % {"label": device.label}
    )
    return redirect("accounts:security")
