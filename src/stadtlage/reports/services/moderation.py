"""Moderation of a report's public description (work queue).

The citizen's `description` is internal; the public sees `public_description`, which starts as
the automatically masked description (`redaction.redact`, in `services.report_create`). The
staff who approve the report's photos can edit the public text or reset it to the masked
original. Each change is validated (plain text, ≤ 4,000 characters, no control characters;
German messages keyed by field), masked again (a moderator cannot publish an e-mail address or
phone number by accident either) and written in one transaction together with an internal
timeline entry and an audit event with the text before and after.

`Report.save` sends `post_save`, which bumps the Open311 response cache (`open311.cache`):
the next read after the commit sees the new text.

Every moderation action counts as a review (`description_reviewed_at`); saving the text
unchanged approves it. With `REPORT_DESCRIPTION_REVIEW` on, the public sees a description only
after such a review (`selectors`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.reports.models import Report
from stadtlage.reports.permissions import can_moderate_report_text
from stadtlage.reports.redaction import redact
from stadtlage.reports.services.timeline import internal_change_record
from stadtlage.reports.validation import DESCRIPTION_MAX, plain_text

FIELD = "public_description"
LABEL = "Öffentliche Beschreibung"
# C0 and C1 control characters except tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class ModerationResult:
    report: Report
    changed: bool  # False: the public text already was this text, nothing was written
    masked: bool  # True: the automatic masking changed the text the moderator entered


def clean_public_description(text: str) -> str:
    """The moderator's text as it would be published, or ValidationError keyed by FIELD."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(normalised):
        raise ValidationError({FIELD: f"{LABEL}: bitte ohne Steuerzeichen."})
    return plain_text(normalised, field=FIELD, label=LABEL, maximum=DESCRIPTION_MAX)


def _store(
    *, report: Report, text: str | None, actor: User | None, now: datetime | None
) -> ModerationResult:
    """`text` None: reset to the masked original description."""
    if actor is None or not can_moderate_report_text(actor, report):
        raise PermissionDenied(
            "Sie dürfen die öffentliche Beschreibung dieser Meldung nicht ändern."
        )
    cleaned = None if text is None else clean_public_description(text)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        source = locked.description if cleaned is None else cleaned
        published = redact(source)
        unchanged = published == locked.public_description
        if unchanged and locked.description_reviewed_at is not None:
            return ModerationResult(report=locked, changed=False, masked=published != source)
        before = locked.public_description
        locked.public_description = published
        locked.description_reviewed_at = now
        locked.updated_at = now
        locked.save(update_fields=["public_description", "description_reviewed_at", "updated_at"])
        if unchanged:
            note = "Öffentliche Beschreibung geprüft und freigegeben"
        elif cleaned is None:
            note = (
                "Öffentliche Beschreibung auf den Originaltext zurückgesetzt "
                "(automatisch geschwärzt)"
            )
        else:
            note = "Öffentliche Beschreibung bearbeitet"
        internal_change_record(
            report=locked,
            actor=actor,
            now=now,
            note=note,
            before={FIELD: before},
            after={FIELD: published},
        )
    report.public_description = locked.public_description
    report.description_reviewed_at = locked.description_reviewed_at
    report.updated_at = locked.updated_at
    return ModerationResult(report=locked, changed=True, masked=published != source)


def report_public_description_edit(
    *, report: Report, text: str, actor: User | None, now: datetime | None = None
) -> ModerationResult:
    """Replace the public description by the moderator's `text` (masked again).

    Raises PermissionDenied, or ValidationError (German, keyed by "public_description") before
    anything is written. An empty text publishes no description at all.
    """
    return _store(report=report, text=text, actor=actor, now=now)


def report_public_description_reset(
    *, report: Report, actor: User | None, now: datetime | None = None
) -> ModerationResult:
    """Publish the citizen's original description again, automatically masked."""
    return _store(report=report, text=None, actor=actor, now=now)
