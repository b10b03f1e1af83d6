"""Signed-in devices: a shift lead signs out a lost phone; everyone sees their own devices."""

from __future__ import annotations

import pytest
from django.test import Client

from stadtlage.accounts.models import Role, SignedInDevice
from stadtlage.accounts.services import device_label
from stadtlage.audit.models import AuditEvent
from tests.accounts.helpers import password_step
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (PHONE, "Chrome · Android"),
        (DESKTOP, "Firefox · Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari · iPhone",
        ),
        ("curl/8.5", "unbekanntes Gerät"),
        ("", "unbekanntes Gerät"),
    ],
)
def test_device_label_is_coarse(agent: str, label: str) -> None:
    assert device_label(agent) == label


def _sign_in(user: object, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    password_step(client, user)
    return client


def test_shift_lead_signs_out_a_lost_phone(client: Client) -> None:
    officer = user_with_role(Role.KOD_OFFICER, username="kod-1")
    lead = user_with_role(Role.SHIFT_LEAD, username="lead")
    phone = _sign_in(officer, PHONE)
    desktop = _sign_in(officer, DESKTOP)
    assert phone.get("/streife/api/v1/catalogue").status_code == 200
    devices = {d.label: d for d in SignedInDevice.objects.filter(user=officer)}
    assert set(devices) == {"Chrome · Android", "Firefox · Windows"}

    client.force_login(lead)
    page = client.get("/konto/geraete/").content.decode()
    assert "Chrome · Android" in page and "Firefox · Windows" in page
    response = client.post("/konto/geraete/", {"device": devices["Chrome · Android"].pk})
    assert response.status_code == 302

    # The phone's next call: the session is gone, the field app's API answers 401.
    api = phone.post("/streife/api/v1/sync", data={"records": []}, content_type="application/json")
    assert api.status_code == 401
    assert phone.get("/streife/app/")["Location"].startswith("/konto/anmelden/")
    # The desktop stays signed in.
    assert desktop.get("/streife/app/").status_code == 200
    revoked = SignedInDevice.objects.get(pk=devices["Chrome · Android"].pk)
    assert revoked.ended_reason == "revoked" and revoked.ended_by == lead
    event = AuditEvent.objects.get(action="logout", actor=lead)
    assert event.object_id == str(officer.pk)
    assert event.note.startswith("aus der Ferne abgemeldet: Chrome · Android")

    client.post("/konto/geraete/", {"person": officer.pk})
    assert desktop.get("/streife/app/").status_code == 302
    assert not SignedInDevice.objects.filter(user=officer, ended_at__isnull=True).exists()


def test_a_shift_lead_reaches_only_the_own_organisations_staff(client: Client) -> None:
    officer = user_with_role(Role.POLICE_OFFICER, username="pol-1")
    _sign_in(officer, PHONE)
    lead = user_with_role(Role.SHIFT_LEAD, username="lead")  # KOD
    client.force_login(lead)
    assert "pol-1" not in client.get("/konto/geraete/").content.decode()
    device = SignedInDevice.objects.get(user=officer)
    assert client.post("/konto/geraete/", {"device": device.pk}).status_code == 403
    assert client.post("/konto/geraete/", {"person": officer.pk}).status_code == 403
    assert SignedInDevice.objects.get(pk=device.pk).ended_at is None

    police_lead = UserFactory(username="pol-lead")
    MembershipFactory(
        user=police_lead,
        organisation=OrganisationFactory(
            short_name=officer.memberships.get().organisation.short_name
        ),
        role=Role.SHIFT_LEAD,
    )
    other = Client()
    other.force_login(police_lead)
    assert other.post("/konto/geraete/", {"device": device.pk}).status_code == 302
    assert SignedInDevice.objects.get(pk=device.pk).ended_reason == "revoked"


@pytest.mark.parametrize("role", [Role.KOD_OFFICER, Role.ANALYST, Role.TASKFORCE_LEAD])
def test_other_roles_cannot_sign_out_others(client: Client, role: str) -> None:
    client.force_login(user_with_role(role))
    assert client.get("/konto/geraete/").status_code == 403


def test_administrators_can_sign_out_anyone(client: Client) -> None:
    person = user_with_role(Role.ANALYST, username="analyse")
    _sign_in(person, DESKTOP)
    client.force_login(user_with_role(Role.ADMIN))
    device = SignedInDevice.objects.get(user=person)
    assert client.post("/konto/geraete/", {"device": device.pk}).status_code == 302
    assert SignedInDevice.objects.get(pk=device.pk).ended_at is not None


def test_own_devices_and_signing_out_the_other_one() -> None:
    person = user_with_role(Role.WG_MEMBER)
    phone = _sign_in(person, PHONE)
    desktop = _sign_in(person, DESKTOP)
    page = desktop.get("/konto/sicherheit/").content.decode()
    assert "Chrome · Android" in page and "dieses Gerät" in page
    phone_device = SignedInDevice.objects.get(user=person, label="Chrome · Android")
    desktop.post(f"/konto/sicherheit/geraet/{phone_device.pk}/abmelden/")
    assert phone.get("/kennzahlen/")["Location"].startswith("/konto/anmelden/")
    assert desktop.get("/konto/sicherheit/").status_code == 200


def test_signing_out_ends_the_own_device() -> None:
    person = user_with_role(Role.BOARD_MEMBER)
    browser = _sign_in(person, DESKTOP)
    browser.post("/konto/abmelden/")
    assert SignedInDevice.objects.get(user=person).ended_reason == "logout"


def test_retention_deletes_old_signed_out_and_stale_devices() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from stadtlage.audit.retention import run_retention

    person = user_with_role(Role.KOD_OFFICER)
    now = timezone.now()
    old = now - timedelta(days=91)

    def device(**fields: object) -> SignedInDevice:
        row = SignedInDevice.objects.create(user=person, label="Chrome · Android", last_seen_at=now)
        SignedInDevice.objects.filter(pk=row.pk).update(**fields)
        return row

    ended_long_ago = device(ended_at=old, last_seen_at=old)
    stale = device(last_seen_at=old)
    ended_recently = device(ended_at=now - timedelta(days=3))
    active = device()
    assert run_retention(now=now).counts()["signed_in_device"] == 2
    remaining = set(SignedInDevice.objects.values_list("pk", flat=True))
    assert remaining == {ended_recently.pk, active.pk}
    assert ended_long_ago.pk not in remaining and stale.pk not in remaining
