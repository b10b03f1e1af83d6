"""Address lookup for the public form: text → point from the address register (JSON)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from stadtlage.places.gazetteer import AddressNotFound, locate_text, message_for
from stadtlage.ratelimit import throttled

QUERY_MAX = 250


@require_GET
def address_lookup(request: HttpRequest) -> JsonResponse:
    """`?q=Kampstraße 12` → {"result": {label, lat, lon, basis, approximate}} or
    {"message": …} (400: nothing to look up; 404: not in the register; 429: too many)."""
    text = request.GET.get("q", "").strip()
    if not text or len(text) > QUERY_MAX:
        return JsonResponse(
            {"message": _("Bitte eine Adresse mit höchstens 250 Zeichen eingeben.")}, status=400
        )
    limit = int(getattr(settings, "ADDRESS_LOOKUP_LIMIT_PER_HOUR", 300))
    if throttled(request, "address-lookup", limit):
        return JsonResponse({"message": _("Zu viele Suchanfragen. Bitte später.")}, status=429)
    try:
        located = locate_text(text)
    except AddressNotFound as exc:
        return JsonResponse({"message": message_for(exc)}, status=404)
    return JsonResponse(
        {
            "result": {
                "label": located.label,
                "lat": located.lat,
                "lon": located.lon,
                "basis": located.basis,
                "approximate": located.approximate,
            }
        }
    )
