"""Retention of cleaning tasks (DOMAIN.md §4), registered with `stadtlage.audit.retention`.

The task stays (it feeds the cleaning figures); its free texts ("what is to be removed", the
crew's outcome note) are blanked ``RETENTION_DAYS["cleaning_note"]`` days after the task was
closed, also in the audit trail's copies; the photo taken after cleaning is deleted with its
file ``RETENTION_DAYS["cleaning_photo"]`` days after closing. Open tasks keep both: the crew
still needs them.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.retention import (
    PurgeContext,
    RetentionRule,
    batched,
    delete_files_on_commit,
    register,
)
from stadtlage.audit.services import audit_scrub
from stadtlage.cleaning.models import CleaningTask


def _purge_cleaning_notes(ctx: PurgeContext) -> int:
    expired = CleaningTask.objects.filter(done_at__lt=ctx.cutoff).exclude(what="", outcome_note="")
    blanked = 0
    for keys in batched(list(expired.values_list("pk", flat=True))):
        blanked += CleaningTask.objects.filter(pk__in=keys).update(what="", outcome_note="")
        audit_scrub(
            object_type="cleaning.cleaningtask", object_ids=keys, keys=["what", "outcome_note"]
        )
    return blanked


def _purge_cleaning_photos(ctx: PurgeContext) -> int:
    expired = CleaningTask.objects.filter(done_at__lt=ctx.cutoff).exclude(
        Q(photo="") | Q(photo=None)
    )
    removed = 0
    for keys in batched(list(expired.values_list("pk", flat=True))):
        rows = CleaningTask.objects.filter(pk__in=keys)
        delete_files_on_commit(list(rows.values_list("photo", flat=True)))
        removed += rows.update(photo="")
    return removed


register(
    RetentionRule(
        "cleaning_note",
        _("Freitexte von Reinigungsaufträgen („was ist zu entfernen“, Rückmeldung)"),
        _("ab Abschluss des Auftrags"),
        _purge_cleaning_notes,
        covers=("cleaning.CleaningTask.what", "cleaning.CleaningTask.outcome_note"),
    )
)
register(
    RetentionRule(
        "cleaning_photo",
        _("Fotos nach der Reinigung"),
        _("ab Abschluss des Auftrags"),
        _purge_cleaning_photos,
        covers=("cleaning.CleaningTask.photo",),
    )
)
