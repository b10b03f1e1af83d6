"""Links that leave the site (e-mails, Open311 `media_url`) and the reporter's signed token.

The follow-up token is the report's UUID signed with SECRET_KEY: nothing is stored, and it
cannot be derived from a report number. How long it may act is decided by the report's state
(`services.reporter_may_reopen`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "stadtlage.reports.followup"


def absolute_url(path: str) -> str:
    base = str(getattr(settings, "STADTLAGE_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}{path}"


def report_url(report_id: int) -> str:
    return absolute_url(reverse("reports:detail", kwargs={"report_id": report_id}))


def photo_url(photo_uuid: uuid.UUID | str) -> str:
    return absolute_url(reverse("reports:photo", kwargs={"photo_uuid": photo_uuid}))


def reporter_data_url(report_uuid: uuid.UUID | str) -> str:
    """The reporter's own data (see, download, delete the e-mail address) by tracking key."""
    return absolute_url(reverse("reports:reporter_data", kwargs={"report_uuid": report_uuid}))


def followup_token(report_uuid: uuid.UUID) -> str:
    return signing.Signer(salt=SALT).sign(str(report_uuid))


def followup_url(report_uuid: uuid.UUID) -> str:
    token = followup_token(report_uuid)
    return absolute_url(reverse("reports:followup", kwargs={"token": token}))


def report_uuid_from_token(token: str) -> uuid.UUID | None:
    if len(token) > 200:
        return None
    try:
        return uuid.UUID(signing.Signer(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
