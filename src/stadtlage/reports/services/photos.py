"""Storing and moderating the photos of citizen reports (cleaned by `reports.photos`).

Storing happens inside the report's transaction (`photos_store`); a rejected photo's file is
deleted after the commit. Every write appends its audit record in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.images import CleanPhoto
from stadtlage.reports.models import PhotoState, Report, ReportPhoto
from stadtlage.reports.permissions import can_moderate_report_photos


def photos_store(
    *, report: Report, photos: Sequence[CleanPhoto], actor: User | None, now: datetime
) -> list[str]:
    """Save cleaned photos for a report (call inside its transaction); returns the file names.

    If saving fails half-way, the files already written are removed before re-raising.
    """
    names: list[str] = []
    try:
        for clean in photos:
            photo = ReportPhoto(
                report=report,
                width=clean.width,
                height=clean.height,
                size_bytes=len(clean.jpeg),
                uploaded_at=now,
            )
            photo.image.save(f"{photo.uuid}.jpg", ContentFile(clean.jpeg), save=False)
            names.append(photo.image.name)
            photo.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=photo,
                after={"report": report.pk, "bytes": len(clean.jpeg), "state": photo.state},
                data_domain=report.responsible.data_domain,
                note="Foto zur Meldung",
            )
    except BaseException:
        photos_discard(names)
        raise
    return names


def photos_discard(names: Iterable[str]) -> None:
    for name in names:
        default_storage.delete(name)


def photo_moderate(
    *, photo: ReportPhoto, approve: bool, actor: User | None, now: datetime | None = None
) -> ReportPhoto:
    """Approve (publish) or reject a photo. A rejected photo's file is deleted for good."""
    if actor is None or not can_moderate_report_photos(actor, photo.report):
        raise PermissionDenied("Sie dürfen die Fotos dieser Meldung nicht prüfen.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = ReportPhoto.objects.select_for_update().get(pk=photo.pk)
        if locked.state == PhotoState.REJECTED:
            raise ValidationError({"state": "Das Foto wurde bereits abgelehnt und gelöscht."})
        target = PhotoState.APPROVED if approve else PhotoState.REJECTED
        if locked.state == target:
            return locked
        before = {"state": locked.state}
        locked.state = target
        locked.moderated_at = now
        locked.moderated_by = actor
        name = locked.image.name
        if target == PhotoState.REJECTED:
            locked.image = ""
            transaction.on_commit(lambda: photos_discard([name]))
        locked.save(update_fields=["state", "moderated_at", "moderated_by", "image"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            before=before,
            after={"state": target},
            data_domain=photo.report.responsible.data_domain,
            note="Foto freigegeben" if approve else "Foto abgelehnt und gelöscht",
        )
    photo.state, photo.moderated_at, photo.image = locked.state, locked.moderated_at, locked.image
    return locked
