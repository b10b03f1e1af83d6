"""The public report form: no login, every field checked with a German message at the field,
photos, honeypot, rate limit, and nothing stored half."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client

from stadtlage.audit.models import AuditEvent
from stadtlage.reports.models import (
    PhotoState,
    Report,
    ReportPhoto,
    ReportSource,
    ReportUpdate,
    ServiceCategory,
)
from tests.reports.factories import LAT, LON
from tests.reports.images import image_bytes, jpeg_with_gps

pytestmark = pytest.mark.django_db
URL = "/meldungen/neu/spritzen/"


def _valid(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lat": str(LAT),
        "lon": str(LON).replace(".", ","),  # German decimal comma is fine
        "address_string": "Westenhellweg 40",
        "description": "Drei Spritzen im Hauseingang.",
        "email": "melder@example.org",
        "attr_anzahl": "3",
        "attr_fundort": "gehweg",
        "website": "",
    }
    data.update(overrides)
    return data


def _photo(name: str = "foto.jpg", raw: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw if raw is not None else jpeg_with_gps(), "image/jpeg")


def _stored() -> tuple[int, int, int, int]:
    return (
        Report.objects.count(),
        ReportUpdate.objects.count(),
        ReportPhoto.objects.count(),
        AuditEvent.objects.count(),
    )


def _errors(response: Any) -> dict[str, list[str]]:
    return {k: list(v) for k, v in response.context["form"].errors.items()}


def test_choose_a_category_then_the_form(client: Client, syringes: ServiceCategory) -> None:
    body = client.get("/meldungen/neu/").content.decode()
    assert "Spritzenfund" in body and 'href="/meldungen/neu/spritzen/"' in body
    body = client.get(URL).content.decode()
    assert "Wie viele Spritzen? (Pflichtangabe)" in body
    assert "Bitte Spritzen nicht anfassen!" in body  # information-only question
    assert 'name="photos"' in body and "multiple" in body
    assert client.get("/meldungen/neu/gibtsnicht/").status_code == 404


def test_a_valid_report_with_photos_lands_on_the_receipt(
    client: Client, syringes: ServiceCategory, settings: Any
) -> None:
    response = client.post(
        URL, {**_valid(), "photos": [_photo("a.jpg"), _photo("b.png", image_bytes("PNG"))]}
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/meldungen/eingegangen/{report.uuid}/"
    assert report.source == ReportSource.WEB
    assert report.responsible.short_name == "EDG"
    assert report.attributes == {"anzahl": 3, "fundort": "gehweg"}
    assert report.reporter_email == "melder@example.org"
    photos = list(report.photos.all())
    assert [p.state for p in photos] == [PhotoState.PENDING] * 2
    assert all((Path(settings.MEDIA_ROOT) / p.image.name).is_file() for p in photos)
    body = client.get(response["Location"]).content.decode()
    assert "Ihre Meldung ist eingegangen" in body
    assert f'<dd id="report-number">{report.pk}</dd>' in body
    assert "EDG Entsorgung Dortmund" in body
    assert str(report.uuid) in body
    assert "melder@example.org" not in body


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"lat": "", "lon": "", "address_string": ""}, "lat", "Ort fehlt"),
        ({"lat": "nördlich"}, "lat", "Zahlen"),
        ({"lat": "48.1374", "lon": "11.5755"}, "lat", "außerhalb von Dortmund"),
        ({"description": "x" * 4001}, "description", "höchstens 4000 Zeichen (erhalten: 4001)"),
        ({"description": "<script>alert(1)</script>"}, "description", "kein HTML"),
        ({"address_string": "a" * 251}, "address_string", "höchstens 250"),
        ({"email": "keine-adresse"}, "email", "gültige Adresse"),
        ({"attr_anzahl": ""}, "attr_anzahl", "„Wie viele Spritzen?“ ist eine Pflichtangabe"),
        ({"attr_anzahl": "viele"}, "attr_anzahl", "bitte eine Zahl angeben"),
        ({"attr_fundort": "dach"}, "attr_fundort", "unzulässiger Wert"),
    ],
)
def test_each_problem_is_named_at_its_field_and_nothing_is_stored(
    client: Client,
    syringes: ServiceCategory,
    overrides: dict[str, str],
    field: str,
    fragment: str,
) -> None:
    response = client.post(URL, _valid(**overrides))
    assert response.status_code == 400
    errors = _errors(response)
    assert field in errors, errors
    assert fragment in " ".join(errors[field])
    assert _stored() == (0, 0, 0, 0)
    body = response.content.decode()
    assert fragment.split("„")[0] in body  # shown on the page
    assert "Bitte prüfen Sie die markierten Angaben." in body


def test_all_problems_at_once_and_the_input_is_kept(
    client: Client, syringes: ServiceCategory
) -> None:
    response = client.post(
        URL, _valid(description="<b>x</b>", email="nope", attr_anzahl="", address_string="Ecke")
    )
    assert response.status_code == 400
    errors = _errors(response)
    assert {"description", "email", "attr_anzahl"} <= set(errors)
    assert 'value="Ecke"' in response.content.decode()
    assert _stored() == (0, 0, 0, 0)


def test_exactly_4000_characters_are_fine(client: Client, syringes: ServiceCategory) -> None:
    assert client.post(URL, _valid(description="ä" * 4000)).status_code == 302
    assert Report.objects.get().description == "ä" * 4000


@pytest.mark.parametrize(
    ("files", "fragment"),
    [
        ([_photo(f"{i}.jpg") for i in range(4)], "höchstens 3 Fotos"),
        ([SimpleUploadedFile("brief.pdf", b"%PDF-1.4 ...", "application/pdf")], "„brief.pdf“"),
        ([_photo("gross.gif", image_bytes("GIF"))], "JPEG, PNG oder WebP"),
    ],
)
def test_too_many_or_invalid_photos(
    client: Client, syringes: ServiceCategory, files: list[Any], fragment: str
) -> None:
    response = client.post(URL, {**_valid(), "photos": files})
    assert response.status_code == 400
    assert fragment in " ".join(_errors(response)["photos"])
    assert _stored() == (0, 0, 0, 0)


def test_oversized_request_is_refused_before_reading(
    client: Client, syringes: ServiceCategory, settings: Any
) -> None:
    settings.REPORT_PHOTO_MAX_BYTES = 10
    settings.REPORT_PHOTO_MAX_COUNT = 1  # allowed: 1 × 10 bytes + 1 MB for the text fields
    response = client.post(URL, {**_valid(), "photos": [_photo(raw=b"\xff" * 2_000_000)]})
    assert response.status_code == 413
    assert "zu groß" in response.content.decode()
    assert _stored() == (0, 0, 0, 0)


def test_honeypot_stores_nothing(client: Client, syringes: ServiceCategory) -> None:
    response = client.post(URL, _valid(website="http://spam.example"))
    assert response.status_code == 400
    assert "konnte nicht angenommen werden" in response.content.decode()
    assert _stored() == (0, 0, 0, 0)


def test_rate_limit_per_address(client: Client, syringes: ServiceCategory, settings: Any) -> None:
    settings.REPORT_FORM_LIMIT_PER_HOUR = 2
    assert client.post(URL, _valid()).status_code == 302
    assert client.post(URL, _valid(attr_anzahl="")).status_code == 400  # counts as well
    response = client.post(URL, _valid())
    assert response.status_code == 429
    assert "zu viele Meldungen" in response.content.decode()
    assert Report.objects.count() == 1
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(URL, _valid()).status_code == 302


def test_a_failure_inside_the_transaction_stores_nothing_and_no_file(
    client: Client, syringes: ServiceCategory, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    from stadtlage.reports.services import photos

    original = photos.audit_record

    def broken_on_second_photo(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise DatabaseError("disk full")
        return original(**kwargs)

    monkeypatch.setattr("stadtlage.reports.services.photos.audit_record", broken_on_second_photo)
    response = client.post(URL, {**_valid(), "photos": [_photo("a.jpg"), _photo("b.jpg")]})
    assert response.status_code == 503
    assert "nicht gespeichert" in response.content.decode()
    assert _stored() == (0, 0, 0, 0)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_inactive_category_takes_no_reports(client: Client, syringes: ServiceCategory) -> None:
    syringes.is_active = False
    syringes.save()
    assert client.get(URL).status_code == 404
    assert client.post(URL, _valid()).status_code == 404
    assert _stored() == (0, 0, 0, 0)
    assert "Spritzenfund" not in client.get("/meldungen/neu/").content.decode()


def test_the_form_speaks_english(client: Client, syringes: ServiceCategory) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(URL).content.decode()
    assert '<html lang="en">' in body
    assert "Where is it?" in body and "Send report" in body and "Use my location" in body
