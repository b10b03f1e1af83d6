"""Access-log classification of the key figures and partner figures (see
`stadtlage.audit.access`).

Indicator pages show aggregates only. Partner figures come from partners' non-public domains
(addiction help, police): their pages and the API are logged with the series' data domain;
exports of any figure are logged.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stadtlage.audit.access import logged, no_records, public, register
from stadtlage.audit.models import Action
from stadtlage.kpi.models import PartnerSeries, PartnerValue

AGGREGATES = "Kennzahlen: Aggregate je Zeitraum, keine Einzeldatensätze"


def _series_domain(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    code = kwargs.get("code") or request.GET.get("series", "")
    domain = (
        PartnerSeries.objects.filter(code=code)
        .values_list("organisation__data_domain", flat=True)
        .first()
    )
    return domain or ""


def _value_domain(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    domain = (
        PartnerValue.objects.filter(pk=kwargs.get("pk", 0))
        .values_list("series__organisation__data_domain", flat=True)
        .first()
    )
    return domain or ""


def _api_series(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return request.GET.get("series", "")[:64]


register(
    {
        "kpi:lagebild": no_records(AGGREGATES),
        "kpi:working_group": no_records(AGGREGATES),
        "kpi:indicator": no_records(AGGREGATES),
        "kpi:indicator_create": no_records("Definition einer Kennzahl (keine Datensätze)"),
        "kpi:indicator_edit": no_records("Definition einer Kennzahl (keine Datensätze)"),
        "kpi:indicator_export": logged("kpi.indicator", action=Action.EXPORT),
        "kpi:goal_create": no_records("Ziel anlegen (Änderung im Protokoll)"),
        "kpi:goal_edit": no_records("Ziel ändern (Änderung im Protokoll)"),
        "kpi:milestone_create": no_records("Meilenstein anlegen (Änderung im Protokoll)"),
        "kpi:indicator_publication": no_records("Freigabe einer Kennzahl (Änderung im Protokoll)"),
        "kpi:reclassifications": logged("kpi.reclassifications"),
        "kpi:partner_list": logged("kpi.partnerseries"),
        "kpi:partner_upload": logged("kpi.partnervalue"),
        "kpi:partner_series": logged("kpi.partnerseries", data_domain=_series_domain),
        "kpi:partner_note_review": logged("kpi.partnervalue", data_domain=_value_domain),
        "kpi:partner_api": logged(
            "kpi.partnerseries",
            data_domain=_series_domain,
            object_id=_api_series,
            methods=("GET",),
        ),
        "kpi:problems": public("Beschreibung der Fehlerarten der Schnittstelle"),
        "kpi:partner_openapi": public("Beschreibung der Schnittstelle (OpenAPI), keine Daten"),
    }
)
