"""Bad input to the partner API and form: problem details or a German field error, never a 500,
nothing stored."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from stadtlage.kpi.models import PartnerValue
from tests.factories import user_with_role
from tests.kpi.factories import PartnerSeriesFactory

pytestmark = pytest.mark.django_db
MONDAY = "2025-03-03"


@pytest.fixture
def series(db: Any) -> Any:
    return PartnerSeriesFactory(code="kick-consumption", name="Konsumvorgänge")


@pytest.fixture
def submitter(series: Any, client: Client) -> Any:
    user = user_with_role("partner_submitter", username="kick-meldung")
    client.force_login(user)
    return user


def _post(client: Client, body: str) -> Any:
    # A signed-in session without a CSRF check: the test client does not enforce it.
    return client.post(reverse("kpi:partner_api"), body, content_type="application/json")


def _value(**changes: Any) -> dict[str, Any]:
    return {"series": "kick-consumption", "period_start": MONDAY, "value": 5, **changes}


@pytest.mark.parametrize("field", ["series", "period_start", "note", "source", "reason"])
def test_a_lone_surrogate_is_400_for_that_value(client: Client, submitter: Any, field: str) -> None:
    good = _value(period_start="2025-03-10")
    body = json.dumps({"values": [good, _value(**{field: "a\ud800"})]})
    response = _post(client, body)
    assert response.status_code == 400, response.content[:300]
    body = json.dumps({"values": [good, _value(**{field: "a\x00"})]})
    response = _post(client, body)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"] == [{"index": 1, "detail": problem["errors"][0]["detail"]}]
    assert field in problem["errors"][0]["detail"]
    assert not PartnerValue.objects.exists()


def test_deep_nesting_is_400_like_the_sync_api(client: Client, submitter: Any) -> None:
    response = _post(client, '{"values": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert response.status_code == 400
    assert response.json()["type"].endswith("#malformed")
    assert not PartnerValue.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["1" * 5000, '{"values": [{"series": "kick-consumption", "value": ' + "9" * 5000 + "}]}"],
)
def test_numbers_beyond_reason_are_400(client: Client, submitter: Any, body: str) -> None:
    response = _post(client, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not PartnerValue.objects.exists()


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (_value(value=1e308), "unplausibel groß"),
        (_value(value=10**400), "„value“ (Zahl)"),
        (_value(value=1_000_000_001), "unplausibel groß"),
        (_value(period_start="0001-01-01"), "ab dem Jahr 2000"),
        (_value(period_start="0001-W01"), "ab dem Jahr 2000"),
        (_value(period_start="1999-12-27"), "ab dem Jahr 2000"),
    ],
)
def test_values_outside_plausible_ranges_are_400(
    client: Client, submitter: Any, value: dict[str, Any], fragment: str
) -> None:
    response = _post(client, json.dumps({"values": [value]}))
    assert response.status_code == 400, response.content[:300]
    assert fragment in json.dumps(response.json(), ensure_ascii=False)
    assert not PartnerValue.objects.exists()


def test_the_largest_plausible_value_is_stored(client: Client, submitter: Any) -> None:
    response = _post(client, json.dumps(_value(value=1_000_000_000)))
    assert response.status_code == 201, response.content[:300]
    stored = PartnerValue.objects.get()
    assert (stored.series.code, stored.period_start, stored.value) == (
        "kick-consumption",
        date(2025, 3, 3),
        1_000_000_000,
    )
    assert stored.submitted_by == submitter


@pytest.mark.parametrize(
    ("value", "period", "field", "fragment"),
    [
        ("1e308", "2025-03-03", "value", "unplausibel groß"),
        ("5", "0001-01-01", "period_start", "ab dem Jahr 2000"),
    ],
)
def test_the_form_names_the_field(
    client: Client,
    series: Any,
    submitter: Any,
    value: str,
    period: str,
    field: str,
    fragment: str,
) -> None:
    url = reverse("kpi:partner_series", args=[series.code])
    response = client.post(url, {"series": series.pk, "period_start": period, "value": value})
    assert response.status_code == 200
    form = response.context["form"]
    assert any(fragment in e for e in form.errors[field]), form.errors
    assert not PartnerValue.objects.exists()


def test_a_csv_upload_with_year_one_is_refused(client: Client, submitter: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("werte.csv", b"code;zeitraum;wert\nkick-consumption;01.01.0001;5\n")
    response = client.post(reverse("kpi:partner_upload"), {"file": upload})
    assert response.status_code == 200
    assert "ab dem Jahr 2000" in " ".join(response.context["form"].errors["file"])
    assert not PartnerValue.objects.exists()
