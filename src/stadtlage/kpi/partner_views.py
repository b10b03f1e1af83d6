"""Partner-figure pages (form, CSV upload, history) and the JSON API.

The API accepts a bearer token (``Authorization: Bearer …``) or a signed-in session (then with
CSRF protection) and answers errors as RFC 9457 problem details (``application/problem+json``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from stadtlage import apitools
from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section, can_access_section
from stadtlage.apitools import BodyError, Refusal
from stadtlage.kpi import partner_wire, permissions, selectors
from stadtlage.kpi.forms import PartnerUploadForm, PartnerValueForm
from stadtlage.kpi.models import NoteReview, PartnerSeries, PartnerValue, SubmissionChannel
from stadtlage.kpi.partner_openapi import openapi_document
from stadtlage.kpi.services import partner


def _series_rows(queryset: Any) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for series in queryset:
        values = selectors.partner_current_values(series)
        rows.append(
            {
                "series": series,
                "last": values[max(values)] if values else None,
                "missing": selectors.partner_missing_periods(
                    series, today=today, values=set(values)
                ),
            }
        )
    return rows


def _submit_form(request: HttpRequest, form: PartnerValueForm) -> tuple[bool, Any]:
    """Run the service for a bound, valid form; returns (stored, implausible error)."""
    data = form.cleaned_data
    try:
        partner.partner_value_submit(
            series=data["series"],
            period_start=data["period_start"],
            value=data["value"],
            channel=SubmissionChannel.FORM,
            actor=acting_user(request),
            note=data.get("note") or "",
            source_system=data.get("source_system") or "",
            reason=data.get("reason") or "",
            confirm=bool(data.get("confirm")),
        )
    except partner.ImplausibleValue as exc:
        form.add_error("value", exc.messages)
        return False, exc
    except ValidationError as exc:
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
        return False, None
    except PermissionDenied:
        form.add_error("series", _("Für diese Kennzahl dürfen Sie keine Werte melden."))
        return False, None
    messages.success(request, _("Wert gespeichert."))
    return True, None


@section_required(Section.PARTNER_FIGURES)
def partner_overview(request: HttpRequest) -> HttpResponse:
    queryset = permissions.partner_series_for(request.user)
    form = PartnerValueForm(
        request.POST or None, series_queryset=queryset, initial=request.GET.dict() or None
    )
    implausible = None
    if request.method == "POST" and form.is_valid():
        stored, implausible = _submit_form(request, form)
        if stored:
            return redirect("kpi:partner_series", code=form.cleaned_data["series"].code)
    return render(
        request,
        "kpi/partner_list.html",
        {"rows": _series_rows(queryset), "form": form, "implausible": implausible},
    )


@section_required(Section.PARTNER_FIGURES)
def partner_series_detail(request: HttpRequest, code: str) -> HttpResponse:
    series = get_object_or_404(permissions.partner_series_for(request.user), code=code)
    queryset = PartnerSeries.objects.filter(pk=series.pk)
    form = PartnerValueForm(
        request.POST or None, series_queryset=queryset, initial={"series": series.pk}
    )
    implausible = None
    if request.method == "POST" and form.is_valid():
        stored, implausible = _submit_form(request, form)
        if stored:
            return redirect("kpi:partner_series", code=series.code)
    history = selectors.partner_history(series)
    reviewer = permissions.can_review_partner_notes(request.user, series)
    for value in history:
        value.visible_note = (  # type: ignore[attr-defined]
            value.note if permissions.can_read_partner_note(request.user, value) else ""
        )
        value.awaits_review = reviewer and value.note_review == NoteReview.PENDING  # type: ignore[attr-defined]
    return render(
        request,
        "kpi/partner_series.html",
        {
            "series": series,
            "history": history,
            "missing": selectors.partner_missing_periods(series),
            "limits": partner.partner_limits(series),
            "form": form,
            "implausible": implausible,
            "indicators": selectors.indicators_using_partner_series(series.pk),
        },
    )


@section_required(Section.PARTNER_FIGURES)
@require_POST
def partner_note_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Release or reject a partner's note (reviewers of the Lagezentrum)."""
    value = get_object_or_404(
        PartnerValue.objects.select_related("series__organisation"),
        pk=pk,
        series__in=permissions.partner_series_for(request.user),
    )
    decision = request.POST.get("decision", "")
    if decision not in {"approve", "reject"}:
        messages.error(request, _("Bitte „freigeben“ oder „ablehnen“ wählen."))
        return redirect("kpi:partner_series", code=value.series.code)
    try:
        partner.partner_note_review(
            value=value, approve=decision == "approve", actor=acting_user(request)
        )
    except PermissionDenied:
        messages.error(request, _("Bemerkungen prüft das Lagezentrum (Analyse)."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Bemerkung freigegeben.") if decision == "approve" else _("Bemerkung gelöscht."),
        )
    return redirect("kpi:partner_series", code=value.series.code)


@section_required(Section.PARTNER_FIGURES)
def partner_upload(request: HttpRequest) -> HttpResponse:
    form = PartnerUploadForm(request.POST or None, request.FILES or None)
    implausible: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = partner.partner_values_submit_many(
                submissions=partner_wire.parse_csv(form.cleaned_data["file"]),
                channel=SubmissionChannel.CSV,
                actor=acting_user(request),
                confirm=form.cleaned_data["confirm"],
            )
        except partner_wire.WireError as exc:
            for row, message in exc.errors:
                form.add_error("file", f"{_('Zeile')} {row}: {message}" if row else message)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if result.implausible:
                implausible = result.implausible
                form.add_error(
                    "confirm",
                    _("Nichts gespeichert: bitte die auffälligen Werte prüfen und bestätigen."),
                )
            else:
                messages.success(request, _("%(n)d Werte gespeichert.") % {"n": len(result.values)})
                return redirect("kpi:partner_list")
    return render(request, "kpi/partner_upload.html", {"form": form, "implausible": implausible})


# --------------------------------------------------------------------------- JSON API

PROBLEM_TITLES = {
    "unauthenticated": (401, gettext_lazy("Anmeldung erforderlich")),
    "forbidden": (403, gettext_lazy("Keine Berechtigung")),
    "malformed": (400, gettext_lazy("Anfrage nicht lesbar")),
    "invalid": (400, gettext_lazy("Werte ungültig")),
    "implausible": (422, gettext_lazy("Werte außerhalb der Prozessgrenzen")),
    "not-found": (404, gettext_lazy("Kennzahl nicht gefunden")),
    "method": (405, gettext_lazy("Methode nicht erlaubt")),
}


def problem(request: HttpRequest, kind: str, detail: str, **extra: Any) -> JsonResponse:
    """An RFC 9457 problem-details response."""
    status, title = PROBLEM_TITLES[kind]
    body = apitools.problem(
        status,
        detail,
        type=request.build_absolute_uri(reverse("kpi:problems")) + f"#{kind}",
        title=str(title),
        instance=request.path,
        **extra,
    )
    challenge = {"WWW-Authenticate": 'Bearer realm="stadtlage"'} if status == 401 else None
    return apitools.problem_response(body, challenge)


def _api_user(request: HttpRequest) -> tuple[Any, JsonResponse | None]:
    """A bearer token (no CSRF needed) or the session (with the CSRF check on writes)."""
    user, refusal = apitools.api_user(request, token_user=partner.partner_token_user)
    if refusal is Refusal.BAD_TOKEN:
        return None, problem(request, "unauthenticated", _("Der API-Schlüssel ist ungültig."))
    if refusal is Refusal.SIGNED_OUT:
        return None, problem(
            request,
            "unauthenticated",
            _("Bitte mit API-Schlüssel (Bearer) oder angemeldet aufrufen."),
        )
    if refusal is Refusal.CSRF:
        return None, problem(request, "forbidden", _("CSRF-Prüfung fehlgeschlagen."))
    return user, None


@csrf_exempt
def partner_api_values(request: HttpRequest) -> HttpResponse:
    """GET ``?series=CODE`` lists current values; POST submits values (see docs/kennzahlen.md)."""
    user, error = _api_user(request)
    if error is not None:
        return error
    if not can_access_section(user, Section.PARTNER_FIGURES):
        return problem(
            request, "forbidden", _("Diese Person darf keine Partner-Kennzahlen melden.")
        )
    if request.method == "GET":
        series = permissions.partner_series_for(user).filter(code=request.GET.get("series", ""))
        found = series.first()
        if found is None:
            return problem(request, "not-found", _("Unbekannte oder nicht freigegebene Kennzahl."))
        values = [
            partner_wire.to_json(v, show_note=permissions.can_read_partner_note(user, v))
            for v in selectors.partner_history(found)
            if v.is_current or request.GET.get("history") == "1"
        ]
        return JsonResponse({"series": found.code, "values": values})
    if request.method != "POST":
        return problem(request, "method", _("Erlaubt sind GET und POST."))
    try:
        payload = apitools.read_json(request)
    except BodyError as exc:
        if exc.reason == BodyError.TOO_LARGE:
            detail = _("Der Inhalt ist zu groß; bitte in Teilen senden.")
        elif exc.reason == BodyError.DEPTH:
            detail = _("Der Inhalt ist zu tief verschachtelt.")
        else:  # not UTF-8, not JSON, an integer of more than 4300 digits
            detail = _("Der Inhalt ist kein gültiges JSON (UTF-8).")
        return problem(request, "malformed", detail)
    try:
        submissions, confirm = partner_wire.parse_json(payload)
    except partner_wire.WireError as exc:
        return problem(
            request, "invalid", str(exc), errors=[{"index": i, "detail": m} for i, m in exc.errors]
        )
    try:
        result = partner.partner_values_submit_many(
            submissions=submissions, channel=SubmissionChannel.API, actor=user, confirm=confirm
        )
    except ValidationError as exc:
        return problem(
            request,
            "invalid",
            _("Nichts gespeichert."),
            errors=[{"detail": m} for m in exc.messages],
        )
    if result.implausible:
        return problem(
            request,
            "implausible",
            _('Nichts gespeichert. Bitte prüfen und mit "confirm": true erneut senden.'),
            values=[
                {
                    "series": e.series.code,
                    "period_start": e.period_start.isoformat(),
                    "value": e.value,
                    "lower_limit": e.limits.lower,
                    "upper_limit": e.limits.upper,
                }
                for e in result.implausible
            ],
        )
    return JsonResponse(
        {"values": [partner_wire.to_json(v) for v in result.values]},
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt  # any other method gets problem details, not the CSRF page
def openapi_view(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 description of the partner API (public: it contains no data)."""
    if request.method not in ("GET", "HEAD"):
        return problem(request, "method", _("Erlaubt ist GET."))
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


def problem_types(request: HttpRequest) -> HttpResponse:
    """Human-readable descriptions of the API's problem types (the ``type`` URIs point here)."""
    return render(request, "kpi/problems.html", {"problems": PROBLEM_TITLES})
