"""Writes for Open311 clients: register an application, issue, check and revoke API keys."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.apitools import token_hash, token_issue
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, audit_saved, snapshot
from stadtlage.open311.models import ApiKey, ClientApplication

# last_used_at is refreshed at most this often, so authenticating is not a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def api_key_issue(*, client: ClientApplication, actor: User | None = None) -> tuple[ApiKey, str]:
    """Issue a new key for `client`. The raw key is returned once and never stored."""
    issued = token_issue()
    with transaction.atomic():
        key = ApiKey.objects.create(client=client, prefix=issued.prefix, key_hash=issued.hash)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=key,
            after=snapshot(key, exclude=("key_hash",)),
            note=f"API-Schlüssel für {client.name}",
        )
    return key, issued.raw


def api_key_revoke(*, key: ApiKey, actor: User | None = None) -> ApiKey:
    if key.revoked_at is not None:
        return key
    with transaction.atomic():
        before = snapshot(key, exclude=("key_hash",))
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=key,
            before=before,
            after=snapshot(key, exclude=("key_hash",)),
            note="API-Schlüssel widerrufen",
        )
    return key


def client_create(
    *, name: str, contact_email: str = "", description: str = "", actor: User | None = None
) -> tuple[ClientApplication, str]:
    """Register a client application with its first key; returns (client, raw key)."""
    client = ClientApplication(
        name=name.strip(), contact_email=contact_email.strip(), description=description
    )
    client.full_clean()
    with transaction.atomic():
        client.save()
        audit_saved(actor=actor, obj=client)
        _key, raw = api_key_issue(client=client, actor=actor)
    return client, raw


def client_rotate_key(*, client: ClientApplication, actor: User | None = None) -> str:
    """Revoke every active key of `client` and issue a new one."""
    with transaction.atomic():
        for key in client.api_keys.filter(revoked_at__isnull=True):
            api_key_revoke(key=key, actor=actor)
        _key, raw = api_key_issue(client=client, actor=actor)
    return raw


def api_key_authenticate(raw_key: str | None) -> ClientApplication | None:
    """The active client owning the active key `raw_key`, or None."""
    if not raw_key or len(raw_key) > 200:
        return None
    key = (
        ApiKey.objects.select_related("client")
        .filter(key_hash=token_hash(raw_key), revoked_at__isnull=True, client__is_active=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.client
