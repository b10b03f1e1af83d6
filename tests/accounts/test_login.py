from __future__ import annotations

import pytest
from django.test import Client

from stadtlage.audit.models import AuditEvent
from tests.factories import user_with_role

LOGIN = "/konto/anmelden/"


@pytest.mark.django_db
def test_login_lands_on_the_start_page(client: Client, password: str) -> None:
    user = user_with_role("kod_officer")
    response = client.post(LOGIN, {"username": user.username, "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Heute im Einsatz" in response.content.decode()
    assert AuditEvent.objects.filter(action="login", actor=user).exists()


@pytest.mark.django_db
def test_wrong_password_gives_a_german_message(client: Client) -> None:
    user = user_with_role("kod_officer")
    response = client.post(LOGIN, {"username": user.username, "password": "falsch"})
    assert response.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in response.content.decode()
    event = AuditEvent.objects.get(action="login_failed")
    assert event.object_repr == user.username


@pytest.mark.django_db
def test_repeated_failures_are_throttled_and_logged(client: Client, password: str) -> None:
    user = user_with_role("kod_officer")
    statuses = [
        client.post(LOGIN, {"username": user.username, "password": f"falsch{i}"}).status_code
        for i in range(6)
    ]
    assert statuses[:4] == [200] * 4
    assert statuses[-1] == 429
    # Even the right password is refused while locked out.
    response = client.post(LOGIN, {"username": user.username, "password": password})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert AuditEvent.objects.filter(action="lockout", object_repr=user.username).exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_form_needs_csrf(password: str) -> None:
    user = user_with_role("kod_officer")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"username": user.username, "password": password})
    assert response.status_code == 403


@pytest.mark.django_db
def test_logout_is_a_post_and_audited(client: Client) -> None:
    user = user_with_role("analyst")
    client.force_login(user)
    response = client.post("/konto/abmelden/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=user).exists()
