"""Partner figures without a free-text channel for person or health data: reason codes, short
screened notes, review before others see them (DOMAIN.md §4)."""

from __future__ import annotations

import importlib
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from stadtlage.audit.models import AuditEvent
from stadtlage.kpi.models import PartnerValue
from stadtlage.kpi.partner_wire import parse_csv
from stadtlage.kpi.services import partner as ps
from tests.factories import user_with_role
from tests.kpi.factories import PartnerSeriesFactory, PartnerValueFactory

pytestmark = pytest.mark.django_db
MONDAY = date(2025, 3, 3)


@pytest.fixture
def series(db: Any) -> Any:
    return PartnerSeriesFactory(code="kick-consumption", name="Konsumvorgänge")


@pytest.fixture
def people(series: Any) -> dict[str, Any]:
    return {
        "submitter": user_with_role("partner_submitter", username="kick-meldung"),
        "colleague": user_with_role("partner_submitter", username="kick-kollegin"),
        "analyst": user_with_role("analyst", username="lagezentrum"),
    }


def submit(series: Any, actor: Any, **kw: Any) -> PartnerValue:
    kw.setdefault("value", 812)
    return ps.partner_value_submit(
        series=series, period_start=MONDAY, channel="form", actor=actor, **kw
    )


def test_a_note_about_a_person_or_their_health_is_refused(series: Any, people: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        submit(series, people["submitter"], note="Klient Max M., HIV-positiv")
    assert "„HIV“" in exc.value.message_dict["note"][0]
    assert not PartnerValue.objects.exists()


def test_a_long_note_is_refused_not_cut(series: Any, people: Any, settings: Any) -> None:
    settings.PARTNER_NOTE_MAX_CHARS = 20
    with pytest.raises(ValidationError) as exc:
        submit(series, people["submitter"], note="Zählanlage drei Tage ausgefallen")
    assert exc.value.message_dict["note"] == ["Bemerkung: höchstens 20 Zeichen (jetzt 32)."]
    assert not PartnerValue.objects.exists()


def test_contact_data_in_a_note_is_masked_and_waits_for_review(series: Any, people: Any) -> None:
    value = submit(series, people["submitter"], note="Rückfragen: zaehlung@example.org")
    assert (value.note, value.note_review) == ("Rückfragen: [entfernt]", "pending")
    event = AuditEvent.objects.get(object_type="kpi.partnervalue", object_id=str(value.pk))
    assert "example.org" not in json.dumps(event.after)


def test_other_needs_a_note_and_unknown_reasons_are_named(series: Any, people: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        submit(series, people["submitter"], reason="other")
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        submit(series, people["submitter"], reason="vollmond")
    assert exc.value.message_dict["reason"] == ["Unbekannter Grund „vollmond“."]


def _page(client: Client, user: Any) -> str:
    client.force_login(user)
    return client.get(reverse("kpi:partner_series", args=["kick-consumption"])).content.decode()


def _api_note(client: Client, user: Any) -> tuple[str, str]:
    client.force_login(user)
    body = client.get(reverse("kpi:partner_api"), {"series": "kick-consumption"}).json()
    return body["values"][0]["note"], body["values"][0]["note_review"]


def test_others_see_a_note_only_after_review(client: Client, series: Any, people: Any) -> None:
    submit(series, people["submitter"], reason="system_outage", note="Zählanlage ausgefallen")
    assert "Zählanlage ausgefallen" in _page(client, people["submitter"])
    colleague_page = _page(client, people["colleague"])
    assert "Zählanlage ausgefallen" not in colleague_page
    assert "Bemerkung wartet auf Prüfung" in colleague_page
    assert "Ausfall des Erfassungssystems" in colleague_page  # the reason code is never held back
    assert _api_note(client, people["colleague"]) == ("", "pending")
    assert "freigeben" not in colleague_page

    analyst_page = _page(client, people["analyst"])
    assert "Zählanlage ausgefallen" in analyst_page and "freigeben" in analyst_page
    value = PartnerValue.objects.get()
    response = client.post(
        reverse("kpi:partner_note_review", args=[value.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert "Zählanlage ausgefallen" in _page(client, people["colleague"])
    assert _api_note(client, people["colleague"]) == ("Zählanlage ausgefallen", "approved")
    value.refresh_from_db()
    assert value.note_reviewed_by == people["analyst"]


def test_a_rejected_note_is_deleted_and_only_reviewers_decide(
    client: Client, series: Any, people: Any
) -> None:
    value = submit(series, people["submitter"], note="Fest auf dem Platz")
    url = reverse("kpi:partner_note_review", args=[value.pk])
    client.force_login(people["colleague"])
    client.post(url, {"decision": "approve"})
    value.refresh_from_db()
    assert value.note_review == "pending"
    client.force_login(people["analyst"])
    client.post(url, {"decision": "reject"})
    value.refresh_from_db()
    assert (value.note, value.note_review) == ("", "")
    event = AuditEvent.objects.get(note="Bemerkung abgelehnt und gelöscht")
    assert event.before == {"note": "Fest auf dem Platz", "note_review": "pending"}
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "wartet nicht auf Prüfung" in response.content.decode()


def test_form_names_the_field_of_a_refused_note(client: Client, series: Any, people: Any) -> None:
    client.force_login(people["submitter"])
    response = client.post(
        reverse("kpi:partner_series", args=["kick-consumption"]),
        {
            "series": series.pk,
            "period_start": MONDAY.isoformat(),
            "value": "812",
            "note": "Patientin aus Hörde",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["note"][0].startswith("Bemerkung: keine Angaben")
    assert not PartnerValue.objects.exists()


def test_csv_carries_reason_codes_and_refuses_rows_with_health_data(
    series: Any, people: Any
) -> None:
    rows = parse_csv(
        "code;zeitraum;wert;grund;bemerkung\n"
        "kick-consumption;2025-03-03;812;event;Stadtfest\n"
        "kick-consumption;2025-03-10;790;;Klientin schwanger\n"
    )
    assert [r.reason for r in rows] == ["event", ""]
    with pytest.raises(ValidationError) as exc:
        ps.partner_values_submit_many(submissions=rows, channel="csv", actor=people["submitter"])
    assert exc.value.messages == [
        "Zeile 3: Bemerkung: keine Angaben zu einzelnen Personen oder zur Gesundheit "
        "(gefunden: „Klientin“, „schwanger“). Bitte nur Zahlen und die vorgesehenen Gründe."
    ]
    assert not PartnerValue.objects.exists()


def test_notes_stored_before_screening_are_deleted_or_held_back(series: Any) -> None:
    migration = importlib.import_module(
        "stadtlage.kpi.migrations.0004_partner_reason_and_note_review"
    )
    health = PartnerValueFactory(
        series=series, period_start=MONDAY, note="Klient Max M., HIV-positiv"
    )
    contact = PartnerValueFactory(
        series=series, period_start=MONDAY + timedelta(weeks=1), note="Mail an a@example.org"
    )
    migration.screen_existing_notes(django_apps, None)
    health.refresh_from_db()
    contact.refresh_from_db()
    assert (health.note, health.note_review) == ("", "")
    assert (contact.note, contact.note_review) == ("Mail an [entfernt]", "pending")
