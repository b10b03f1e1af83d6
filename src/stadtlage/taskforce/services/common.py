"""Helpers shared by the Sonderstab services."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from stadtlage.accounts.models import User


def user_or_none(actor: User | None) -> User | None:
    """The acting user for a foreign key, or None for the system (seed, commands)."""
    return actor if actor is not None and actor.is_authenticated else None


def canonical_sha256(data: Any) -> str:
    """SHA-256 of JSON data with sorted keys: the fingerprint of frozen minutes and reports."""
    raw = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
