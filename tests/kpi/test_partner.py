"""Partner figures: provenance, revisions, missing periods, plausibility, CSV and JSON API."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from stadtlage.audit.models import AuditEvent
from stadtlage.kpi.models import IndicatorSeries, PartnerValue
from stadtlage.kpi.partner_wire import Submission, WireError, parse_csv, parse_json
from stadtlage.kpi.selectors import partner_missing_periods
from stadtlage.kpi.services import partner as ps
from tests.factories import user_with_role
from tests.kpi.factories import PartnerSeriesFactory, PartnerValueFactory

pytestmark = pytest.mark.django_db
MONDAY = date(2025, 3, 3)


@pytest.fixture
def series(db: Any) -> Any:
    return PartnerSeriesFactory(code="kick-consumption", name="Konsumvorgänge")


@pytest.fixture
def submitter(series: Any) -> Any:
    return user_with_role("partner_submitter", username="kick-meldung")  # organisation KICK


def history(series: Any, values: list[float]) -> None:
    for i, value in enumerate(values):
        PartnerValueFactory(series=series, period_start=MONDAY + timedelta(weeks=i), value=value)


def submit(series: Any, actor: Any, period: date, value: float, **kw: Any) -> PartnerValue:
    return ps.partner_value_submit(
        series=series, period_start=period, value=value, channel="form", actor=actor, **kw
    )


def test_submission_keeps_provenance_and_is_audited(series: Any, submitter: Any) -> None:
    value = submit(series, submitter, MONDAY, 812, source_system="Dokumentation kick")
    assert (value.revision, value.is_current, value.submitted_by, value.channel) == (
        1,
        True,
        submitter,
        "form",
    )
    assert value.source_system == "Dokumentation kick"
    event = AuditEvent.objects.get(object_type="kpi.partnervalue", object_id=str(value.pk))
    assert event.action == "create" and event.data_domain == "addiction_help"


def test_correction_is_a_new_revision_and_history_stays(series: Any, submitter: Any) -> None:
    first = submit(series, submitter, MONDAY, 812)
    second = submit(series, submitter, MONDAY, 821, note="Tippfehler")
    first.refresh_from_db()
    assert (first.is_current, second.revision, second.is_current) == (False, 2, True)
    assert PartnerValue.objects.filter(series=series).count() == 2
    assert AuditEvent.objects.filter(action="update", object_type="kpi.partnervalue").exists()


def test_resending_the_same_value_changes_nothing(series: Any, submitter: Any) -> None:
    first = submit(series, submitter, MONDAY, 812)
    assert submit(series, submitter, MONDAY, 812) == first
    assert PartnerValue.objects.count() == 1


def test_other_organisations_may_not_submit(series: Any) -> None:
    police = user_with_role("police_officer")
    with pytest.raises(PermissionDenied):
        submit(series, police, MONDAY, 1)
    edg = user_with_role("cleaning_crew")
    with pytest.raises(PermissionDenied):
        submit(series, edg, MONDAY, 1)


@pytest.mark.parametrize(
    ("period", "value", "field"),
    [
        (date(2025, 3, 4), 5, "period_start"),
        (date(2099, 3, 2), 5, "period_start"),
        (MONDAY, -1, "value"),
    ],
)
def test_invalid_periods_and_values(
    series: Any, submitter: Any, period: date, value: float, field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        submit(series, submitter, period, value)
    assert field in exc.value.message_dict


def test_plausibility_message_uses_german_numbers(series: Any, submitter: Any) -> None:
    history(series, [100, 104, 98, 101, 99, 103, 97, 102, 100, 101])
    with pytest.raises(ps.ImplausibleValue) as exc:
        submit(series, submitter, MONDAY + timedelta(weeks=10), 315.1)
    message = exc.value.messages[0]
    assert re.search(r"315,1 liegt außerhalb der Prozessgrenzen \(\d+,\d bis \d+,\d\)", message)
    assert "315.1" not in message


def test_value_outside_process_limits_needs_confirmation(series: Any, submitter: Any) -> None:
    history(series, [100, 104, 98, 101, 99, 103, 97, 102, 100, 101])
    period = MONDAY + timedelta(weeks=10)
    with pytest.raises(ps.ImplausibleValue) as exc:
        submit(series, submitter, period, 400)
    assert exc.value.limits.upper < 400
    assert "außerhalb der Prozessgrenzen" in exc.value.messages[0]
    with pytest.raises(ValidationError) as missing_reason:
        submit(series, submitter, period, 400, confirm=True)
    assert "reason" in missing_reason.value.message_dict
    stored = submit(
        series, submitter, period, 400, confirm=True, reason="hours_changed", note="Sonderöffnung"
    )
    assert stored.confirmed_outside_limits and stored.reason == "hours_changed"
    assert (
        submit(series, submitter, period + timedelta(weeks=1), 101).confirmed_outside_limits
        is False
    )


def test_missing_submissions_respect_deadline_and_interval(series: Any) -> None:
    history(series, [1, 2])
    PartnerValueFactory(series=series, period_start=MONDAY + timedelta(weeks=4), value=3)
    today = MONDAY + timedelta(weeks=6, days=3)  # week 5 ended 3 days ago: not overdue yet
    assert partner_missing_periods(series, today=today) == [
        MONDAY + timedelta(weeks=2),
        MONDAY + timedelta(weeks=3),
    ]
    quarterly = PartnerSeriesFactory(code="survey", period="month", expected_every=3)
    PartnerValueFactory(series=quarterly, period_start=date(2025, 1, 1), value=70)
    assert partner_missing_periods(quarterly, today=date(2025, 8, 1)) == [date(2025, 4, 1)]


def test_csv_with_german_numbers_and_iso_weeks() -> None:
    rows = parse_csv(
        "\ufeffcode;zeitraum;wert;bemerkung\n"
        "kick-consumption;2025-W10;2.714,5;\n"
        "kick-consumption;10.03.2025;12;nachgemeldet\n"
    )
    assert [(r.period_start, r.value, r.row) for r in rows] == [
        (date(2025, 3, 3), 2714.5, 2),
        (date(2025, 3, 10), 12.0, 3),
    ]
    assert parse_csv("series,period_start,value\nx,2025-03-03,1.5\n")[0].value == 1.5


def test_csv_errors_name_the_line() -> None:
    with pytest.raises(WireError) as exc:
        parse_csv("code;zeitraum;wert\nkick;2025-03-03;viele\n")
    assert exc.value.errors[0][0] == 2
    with pytest.raises(WireError):
        parse_csv("code;wert\nkick;3\n")


def test_batch_is_all_or_nothing(series: Any, submitter: Any) -> None:
    rows = parse_csv("code;zeitraum;wert\nkick-consumption;2025-03-03;5\nunbekannt;2025-03-03;5\n")
    with pytest.raises(ValidationError):
        ps.partner_values_submit_many(submissions=rows, channel="csv", actor=submitter)
    assert PartnerValue.objects.count() == 0


def test_batch_stores_new_values_revisions_and_repeats_with_their_audit_rows(
    series: Any, submitter: Any
) -> None:
    kept = submit(series, submitter, MONDAY, 812)
    corrected = submit(series, submitter, MONDAY + timedelta(weeks=1), 800)
    week = [MONDAY + timedelta(weeks=i) for i in range(3)]
    rows = [
        Submission("kick-consumption", week[0], 812, row=1),  # unchanged: stores nothing
        Submission("kick-consumption", week[1], 805, note="Nachzählung", row=2),
        Submission("kick-consumption", week[2], 790, source_system="kick", row=3),
    ]
    result = ps.partner_values_submit_many(submissions=rows, channel="csv", actor=submitter)
    first, second, third = result.values
    assert first == kept and not result.implausible
    assert (second.revision, second.is_current, second.note_review) == (2, True, "pending")
    assert (third.revision, third.source_system, third.channel) == (1, "kick", "csv")
    corrected.refresh_from_db()
    assert not corrected.is_current
    assert PartnerValue.objects.filter(is_current=True).count() == 3
    events = {e.object_id: e for e in AuditEvent.objects.filter(object_type="kpi.partnervalue")}
    assert len(events) == 4  # two single submissions, the correction and the new week
    update, create = events[str(second.pk)], events[str(third.pk)]
    assert (update.action, update.note) == ("update", "Korrektur (Revision 2)")
    assert update.before["value"] == 800 and update.after["value"] == 805
    assert (create.action, create.note, create.before) == ("create", "", None)
    assert create.after["id"] == third.pk and create.actor == submitter
    assert create.data_domain == "addiction_help"


def test_batch_values_are_checked_against_the_limits_their_predecessors_set(
    series: Any, submitter: Any
) -> None:
    """Seven values give no limits yet; the batch's eighth sets them, its ninth lies outside:
    nothing is stored (unless confirmed)."""
    history(series, [100] * 7)
    rows = [
        Submission("kick-consumption", MONDAY + timedelta(weeks=7), 100, row=1),
        Submission("kick-consumption", MONDAY + timedelta(weeks=8), 500, row=2),
    ]
    with pytest.raises(ps.ImplausibleValue):
        ps.partner_values_submit_many(submissions=rows, channel="api", actor=submitter)
    assert PartnerValue.objects.count() == 7
    rows[1] = Submission("kick-consumption", MONDAY + timedelta(weeks=8), 500, reason="event")
    result = ps.partner_values_submit_many(
        submissions=rows, channel="api", actor=submitter, confirm=True
    )
    assert [v.confirmed_outside_limits for v in result.values] == [False, True]


def test_partner_value_recomputes_indicator(
    series: Any, submitter: Any, make_indicator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = make_indicator(
        source="partner", partner_series=series, aggregation="sum", quantity="value"
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(series, submitter, MONDAY, 812)
    assert IndicatorSeries.objects.get(indicator=indicator).data["values"][0] == 812


# --------------------------------------------------------------------------- API


@pytest.fixture
def token(submitter: Any) -> str:
    return ps.partner_token_create(user=submitter, label="kick-System", actor=None)[1]


def api(client: Client, body: Any, token: str | None = None, **extra: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        reverse("kpi:partner_api"),
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        **headers,
        **extra,
    )


def test_api_stores_values_with_a_token(client: Client, series: Any, token: str) -> None:
    response = api(
        client,
        {
            "values": [
                {
                    "series": "kick-consumption",
                    "period_start": "2025-03-03",
                    "value": 812,
                    "source": "Doku",
                }
            ]
        },
        token,
    )
    assert response.status_code == 201
    body = response.json()["values"][0]
    assert body["revision"] == 1 and body["submitted_by"] == "kick-meldung"
    assert body["channel"] == "api" and body["source"] == "Doku"
    listed = client.get(
        reverse("kpi:partner_api") + "?series=kick-consumption",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    assert listed["values"][0]["value"] == 812


def test_api_problem_details(client: Client, series: Any, token: str) -> None:
    response = api(client, {"series": "kick-consumption"}, "falsch")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem = response.json()
    assert problem["type"].endswith("/kennzahlen/api/probleme/#unauthenticated")
    assert {"type", "title", "status", "detail", "instance"} <= set(problem)

    assert api(client, "{kein json", token).json()["type"].endswith("#malformed")
    invalid = api(
        client, {"series": "kick-consumption", "period_start": "2025-03-04", "value": 1}, token
    )
    assert invalid.status_code == 400 and invalid.json()["errors"]
    unknown = api(
        client, {"series": "police-platzverweise", "period_start": "2025-03-03", "value": 1}, token
    )
    assert unknown.status_code == 400
    assert not PartnerValue.objects.exists()


def test_api_asks_to_confirm_implausible_values(client: Client, series: Any, token: str) -> None:
    history(series, [100, 104, 98, 101, 99, 103, 97, 102, 100, 101])
    body = {"series": "kick-consumption", "period_start": "2025-05-12", "value": 5}
    response = api(client, body, token)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("#implausible")
    assert problem["values"][0]["lower_limit"] > 5
    assert PartnerValue.objects.filter(period_start=date(2025, 5, 12)).count() == 0
    without_reason = api(client, {"values": [body], "confirm": True}, token)
    assert without_reason.status_code == 400
    assert "Grund" in without_reason.json()["errors"][0]["detail"]
    assert PartnerValue.objects.filter(period_start=date(2025, 5, 12)).count() == 0
    confirmed = api(client, {"values": [{**body, "reason": "closure"}], "confirm": True}, token)
    assert confirmed.status_code == 201
    assert confirmed.json()["values"][0]["confirmed_outside_limits"] is True
    stored = PartnerValue.objects.get(period_start=date(2025, 5, 12))
    assert (stored.value, stored.confirmed_outside_limits, stored.reason) == (5, True, "closure")


def test_api_with_session_needs_csrf(series: Any, submitter: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(submitter)
    body = {"series": "kick-consumption", "period_start": "2025-03-03", "value": 1}
    assert api(client, body).status_code == 403
    assert not PartnerValue.objects.exists()
    client.get(reverse("kpi:partner_list"))
    csrf = client.cookies["csrftoken"].value
    assert api(client, body, HTTP_X_CSRFTOKEN=csrf).status_code == 201
    assert PartnerValue.objects.get().submitted_by == submitter


def test_parse_json_rejects_booleans_and_missing_fields() -> None:
    with pytest.raises(WireError):
        parse_json({"series": "x", "period_start": "2025-03-03", "value": True})
    with pytest.raises(WireError):
        parse_json([1, 2])


# --------------------------------------------------------------------------- pages


def test_partner_pages_form_and_history(client: Client, series: Any, submitter: Any) -> None:
    client.force_login(submitter)
    response = client.post(
        reverse("kpi:partner_list"),
        {"series": series.pk, "period_start": "2025-03-03", "value": "812,5", "note": ""},
    )
    assert response.status_code == 302
    first = PartnerValue.objects.get()
    assert (first.period_start, first.value, first.submitted_by) == (
        date(2025, 3, 3),
        812.5,
        submitter,
    )
    client.post(
        reverse("kpi:partner_series", args=[series.code]),
        {"series": series.pk, "period_start": "2025-03-03", "value": "815", "note": "korrigiert"},
    )
    assert list(PartnerValue.objects.order_by("revision").values_list("value", "is_current")) == [
        (812.5, False),
        (815.0, True),
    ]
    html = client.get(reverse("kpi:partner_series", args=[series.code])).content.decode()
    assert 'class="superseded"' in html and "korrigiert" in html and "812,5" in html


def test_csv_upload_page(client: Client, series: Any, submitter: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(submitter)
    upload = SimpleUploadedFile(
        "werte.csv", b"code;zeitraum;wert\nkick-consumption;2025-W10;12\n", "text/csv"
    )
    response = client.post(reverse("kpi:partner_upload"), {"file": upload})
    assert response.status_code == 302
    stored = PartnerValue.objects.get()
    assert (stored.channel, stored.period_start, stored.value) == ("csv", date(2025, 3, 3), 12)
