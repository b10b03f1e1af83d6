"""Registering client applications: keys are shown once and stored only as a hash."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.test import Client

from stadtlage.apitools import token_hash
from stadtlage.audit.models import AuditEvent
from stadtlage.open311.models import ApiKey, ClientApplication
from stadtlage.open311.services import api_key_authenticate, client_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("open311_client", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_command_prints_a_working_key_once() -> None:
    key, messages = _command("Mängelmelder", "--contact", "betrieb@example.org")
    assert "nur jetzt angezeigt" in messages
    client = ClientApplication.objects.get()
    assert client.name == "Mängelmelder"
    assert client.contact_email == "betrieb@example.org"
    stored = ApiKey.objects.get()
    assert stored.key_hash == token_hash(key) != key
    assert stored.prefix == key[:8]
    assert len(key) >= 40
    assert api_key_authenticate(key) == client
    # the raw key is nowhere in the database
    assert not ApiKey.objects.filter(key_hash=key).exists()
    assert key not in str(list(AuditEvent.objects.values("before", "after", "note")))


def test_command_refuses_a_second_registration_and_rotates_on_request() -> None:
    old, _ = _command("Dortmund-App")
    with pytest.raises(CommandError, match="bereits registriert"):
        _command("Dortmund-App")
    new, messages = _command("Dortmund-App", "--rotate")
    assert "widerrufen" in messages
    assert api_key_authenticate(old) is None
    assert api_key_authenticate(new) is not None
    assert ApiKey.objects.count() == 2


def test_command_rejects_an_invalid_contact() -> None:
    with pytest.raises(CommandError):
        _command("App", "--contact", "kein-kontakt")
    assert not ClientApplication.objects.exists()


def test_authentication_records_last_use() -> None:
    client, raw = client_create(name="App")
    assert ApiKey.objects.get().last_used_at is None
    assert api_key_authenticate(raw) == client
    assert ApiKey.objects.get().last_used_at is not None
    assert api_key_authenticate(raw + "x") is None
    assert api_key_authenticate("") is None
    assert api_key_authenticate("x" * 1000) is None


@pytest.fixture
def superuser_client(client: Client) -> Client:
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def _key_from_messages(response: Any) -> str:
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    [text] = [t for t in texts if "API-Schlüssel für" in t]
    return text.split(": ", 1)[1].split(" – ", 1)[0]


def test_admin_registers_a_client_and_shows_the_key_once(superuser_client: Client) -> None:
    response = superuser_client.post(
        "/verwaltung/open311/clientapplication/add/",
        {
            "name": "Stadt-App",
            "contact_email": "app@example.org",
            "description": "",
            "rate_limit_per_hour": "600",
            "is_active": "on",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
            "api_keys-MIN_NUM_FORMS": "0",
            "api_keys-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    key = _key_from_messages(response)
    client = ClientApplication.objects.get(name="Stadt-App")
    assert api_key_authenticate(key) == client
    assert AuditEvent.objects.filter(object_type="open311.clientapplication").exists()
    # shown on the next page once, afterwards the key is listed by its prefix only
    change_page = f"/verwaltung/open311/clientapplication/{client.pk}/change/"
    assert key in superuser_client.get(change_page).content.decode()
    content = superuser_client.get(change_page).content.decode()
    assert key[:8] in content
    assert key not in content


def test_admin_rotates_keys(superuser_client: Client) -> None:
    client, old = client_create(name="App")
    response = superuser_client.post(
        "/verwaltung/open311/clientapplication/",
        {"action": "rotate_keys", "_selected_action": [client.pk]},
    )
    assert response.status_code == 302
    new = _key_from_messages(response)
    assert api_key_authenticate(old) is None
    assert api_key_authenticate(new) == client
