"""Retention of cleaning tasks (DOMAIN.md §4), registered with `stadtlage.audit.retention`.

The task stays (it feeds the cleaning figures); its free text "what is to be removed" is
blanked ``RETENTION_DAYS["cleaning_note"]`` days after the task was done, also in the audit
trail's copies. Open tasks keep it: the crew still needs it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from stadtlage.audit.retention import PurgeContext, RetentionRule, batched, register
from stadtlage.audit.services import audit_scrub
from stadtlage.cleaning.models import CleaningTask


def _purge_cleaning_notes(ctx: PurgeContext) -> int:
    expired = CleaningTask.objects.filter(done_at__lt=ctx.cutoff).exclude(what="")
    blanked = 0
    for keys in batched(list(expired.values_list("pk", flat=True))):
        blanked += CleaningTask.objects.filter(pk__in=keys).update(what="")
        audit_scrub(object_type="cleaning.cleaningtask", object_ids=keys, keys=["what"])
    return blanked


register(
    RetentionRule(
        "cleaning_note",
        _("Freitext von Reinigungsaufträgen („was ist zu entfernen“)"),
        _("ab Erledigung des Auftrags"),
        _purge_cleaning_notes,
        covers=("cleaning.CleaningTask.what",),
    )
)
