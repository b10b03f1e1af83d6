"""Rights of reporters (Art. 15, 17, 20 GDPR) through the tracking key of their receipt.

The tracking key (``Report.uuid``, "Vorgangsschlüssel") is the only thing a reporter has: no
account, no name. Whoever holds it may see what is stored about the report and its reporter
(``reporter_data``), download it (``reporter_archive``: JSON plus the photos they sent) and
have the e-mail address deleted at once (``report_forget_email``); the report itself stays,
then anonymous. Reports entered by patrols have no reporter and no key given out.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.reports.models import Report, ReportSource, ReportStatus, ReportUpdate
from stadtlage.reports.workflow import status_label

# The reporter's own words in the timeline (their reply through the e-mail link).
REPORTER_REPLY = "Rückmeldung der meldenden Person: "


def report_for_key(key: uuid.UUID) -> Report | None:
    """The report a tracking key opens (never a patrol's report)."""
    return (
        Report.objects.select_related("category", "responsible")
        .exclude(source=ReportSource.FIELD)
        .filter(uuid=key)
        .first()
    )


def email_deleted_by(report: Report) -> datetime | None:
    """When the stored e-mail address will be deleted at the latest (retention settings)."""
    if not report.reporter_email:
        return None
    days = settings.RETENTION_DAYS
    latest = report.submitted_at + timedelta(days=days["reporter_email_max"])
    if report.closed_at is not None:
        latest = min(latest, report.closed_at + timedelta(days=days["reporter_email"]))
    return latest


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def reporter_data(report: Report) -> dict[str, Any]:
    """Everything stored about the report and its reporter, as the reporter may see it."""
    updates = ReportUpdate.objects.filter(report=report).order_by("at", "id")
    return {
        "nummer": report.pk,
        "vorgangsschluessel": str(report.uuid),
        "kategorie": report.category.name,
        "status": status_label(report.status),
        "eingang": report.get_source_display(),
        "gemeldet": _iso(report.submitted_at),
        "abgeschlossen": _iso(report.closed_at),
        "zustaendig": report.responsible.name,
        "ort": {"breite": report.lat, "laenge": report.lon, "adresse": report.address_string},
        "beschreibung": report.description,
        "oeffentliche_beschreibung": report.public_description,
        "zusatzangaben": report.attributes,
        "e_mail": report.reporter_email,
        "e_mail_geloescht_spaetestens": _iso(email_deleted_by(report)),
        "sprache": report.language,
        "fotos": [
            {
                "id": str(photo.uuid),
                "hochgeladen": _iso(photo.uploaded_at),
                "pruefung": photo.get_state_display(),
                "datei": bool(photo.image),
            }
            for photo in report.photos.all()
        ],
        "verlauf": [
            {
                "zeitpunkt": _iso(u.at),
                "status": status_label(u.to_status),
                "oeffentliche_notiz": u.public_note,
            }
            for u in updates
            if not u.internal_only
        ],
        "ihre_rueckmeldungen": [
            {"zeitpunkt": _iso(u.at), "text": u.internal_note.removeprefix(REPORTER_REPLY)}
            for u in updates
            if u.actor_id is None
            and u.to_status == ReportStatus.REOPENED
            and u.internal_note.startswith(REPORTER_REPLY)
        ],
        "bestaetigungen_anderer": report.confirmations.count(),
    }


def reporter_archive(report: Report) -> bytes:
    """A ZIP file: ``meldung-<nr>.json`` and the photos sent with the report."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        data = json.dumps(
            reporter_data(report), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        )
        archive.writestr(f"meldung-{report.pk}.json", data)
        for photo in report.photos.exclude(image=""):
            with photo.image.open("rb") as handle:
                archive.writestr(f"fotos/{photo.uuid}.jpg", handle.read())
    return buffer.getvalue()


def report_forget_email(*, report: Report) -> bool:
    """Delete the reporter's e-mail address now; the report stays, anonymous. Audited without
    the address. Returns False when none was stored."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if not locked.reporter_email:
            return False
        locked.reporter_email = ""
        locked.save(update_fields=["reporter_email"])
        audit_record(
            actor=None,
            action=Action.UPDATE,
            obj=locked,
            before={"reporter_email": "(gespeichert)"},
            after={"reporter_email": ""},
            data_domain=locked.responsible.data_domain,
            note="E-Mail-Adresse auf Wunsch der meldenden Person gelöscht",
        )
    report.reporter_email = ""
    return True
