"""Writes for citizen reports: create, change status, mark as duplicate, assign, forward.

Each write validates its input (German messages keyed by field), runs in one transaction and
leaves a timeline entry (ReportUpdate) plus an audit event. The reporter's e-mail address never
enters the audit trail: it has its own, shorter retention period (DOMAIN.md §4). Status e-mails
to the reporter are sent only after the transaction commits (`notifications`).

The other writes of citizen reports are services of their own in this package: `followup`
(the reporter's confirmations), `photos` (storing and moderating photos) and `moderation` (the
public description). Import them from their module. `timeline` records a change that leaves the
status as it is (assignment, moderation): an internal timeline entry with its audit event.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, snapshot
from stadtlage.cleaning.services import cleaning_task_for_report, cleaning_tasks_follow_report
from stadtlage.organisations.models import Organisation
from stadtlage.places.gazetteer import Located
from stadtlage.places.geo import in_dortmund
from stadtlage.places.selectors import areas_for_point
from stadtlage.privacy.screening import clean_short_text, mask_sensitive
from stadtlage.reports import notifications
from stadtlage.reports.models import (
    OPEN_STATES,
    LocationBasis,
    Report,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    ServiceCategory,
)
from stadtlage.reports.permissions import (
    can_assign_report_to,
    can_transition_report,
)
from stadtlage.reports.photos import CleanPhoto
from stadtlage.reports.redaction import redact
from stadtlage.reports.routing import route_for
from stadtlage.reports.services.photos import photos_discard, photos_store
from stadtlage.reports.services.timeline import internal_change_record
from stadtlage.reports.validation import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    STRING_ATTRIBUTE_MAX,
    TEXT_ATTRIBUTE_MAX,
    plain_text,
    validate_attributes,
)
from stadtlage.reports.workflow import (
    NOTE_REQUIRED,
    REPORTER_FOLLOW_UP_DAYS,
    TRANSITIONS,
    allowed_transitions,
    reporter_may_reopen,
    status_label,
)

__all__ = [
    "ADDRESS_MAX",
    "DESCRIPTION_MAX",
    "REPORTER_FOLLOW_UP_DAYS",
    "STRING_ATTRIBUTE_MAX",
    "TEXT_ATTRIBUTE_MAX",
    "TRANSITIONS",
    "allowed_transitions",
    "report_assign",
    "report_create",
    "report_forward",
    "report_input_errors",
    "report_mark_duplicate",
    "report_reopen_by_reporter",
    "report_transition",
    "reporter_may_reopen",
    "route_for",
    "validate_attributes",
]

_plain_text = plain_text
# Internal notes are working notes, not case files (DOMAIN.md §4): short and screened.
INTERNAL_NOTE_MAX = 500


def _audit_snapshot(report: Report) -> dict[str, Any]:
    return snapshot(report, exclude=("reporter_email",))


def _collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for field, messages in exc.message_dict.items():
        errors.setdefault(field, []).extend(messages)


def _clean_input(
    *,
    category: ServiceCategory,
    lat: float,
    lon: float,
    address_string: str,
    description: str,
    email: str,
    attributes: Mapping[str, str | list[str]] | None,
    source: str,
) -> dict[str, Any]:
    """Every check of a new report; all problems are raised together, keyed by field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if not category.is_active:
        errors["category"] = ["Diese Kategorie nimmt keine Meldungen mehr an."]
    if source not in ReportSource.values:
        errors["source"] = ["Unbekannter Eingangsweg."]
    if not (math.isfinite(lat) and math.isfinite(lon)):
        errors["location"] = ["Ort: Breite und Länge müssen Zahlen sein."]
    elif not in_dortmund(lat, lon):
        errors["location"] = ["Ort: Der Punkt liegt außerhalb von Dortmund."]
    try:
        cleaned["description"] = plain_text(
            description, field="description", label="Beschreibung", maximum=DESCRIPTION_MAX
        )
    except ValidationError as exc:
        _collect(errors, exc)
    try:
        cleaned["address_string"] = plain_text(
            address_string, field="address_string", label="Adresse", maximum=ADDRESS_MAX
        ).replace("\n", ", ")
    except ValidationError as exc:
        _collect(errors, exc)
    cleaned["email"] = email.strip()
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = ["E-Mail: Bitte geben Sie eine gültige Adresse an."]
    try:
        cleaned["attributes"] = validate_attributes(category, attributes)
    except ValidationError as exc:
        _collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    return cleaned


def report_input_errors(
    *,
    category: ServiceCategory,
    lat: float,
    lon: float,
    address_string: str = "",
    description: str = "",
    email: str = "",
    attributes: Mapping[str, str | list[str]] | None = None,
    source: str,
) -> dict[str, list[str]]:
    """What `report_create` would refuse, keyed by field, without writing anything (forms use
    it to show every problem at once)."""
    try:
        _clean_input(
            category=category,
            lat=lat,
            lon=lon,
            address_string=address_string,
            description=description,
            email=email,
            attributes=attributes,
            source=source,
        )
    except ValidationError as exc:
        return exc.message_dict
    return {}


# --- create ---------------------------------------------------------------------------------


def reporter_language(code: str) -> str:
    """A language of the site for the reporter's e-mails (the default for anything else)."""
    known = {language for language, _name in settings.LANGUAGES}
    base = code.split("-")[0].lower()
    return base if base in known else settings.LANGUAGE_CODE


def report_create(
    *,
    category: ServiceCategory,
    lat: float,
    lon: float,
    address_string: str = "",
    description: str = "",
    email: str = "",
    attributes: Mapping[str, str | list[str]] | None = None,
    photos: Sequence[CleanPhoto] = (),
    source: str,
    located: Located | None = None,
    language: str = "",
    actor: User | None = None,
    now: datetime | None = None,
    audit_note: str = "",
) -> Report:
    """Accept a new report: validate, route to the responsible organisation, assign areas.

    `located`: the point was looked up from address text (kept as location basis and key).
    Raises ValidationError (German messages, keyed by field) before anything is written.
    Photos must already be cleaned (`photos.clean_photos`); they are stored with the report
    or not at all.
    """
    now = now or timezone.now()
    cleaned = _clean_input(
        category=category,
        lat=lat,
        lon=lon,
        address_string=address_string,
        description=description,
        email=email,
        attributes=attributes,
        source=source,
    )
    # Everything that only reads happens before the transaction: with SQLite the write lock
    # is taken at BEGIN, so concurrent reports wait for each other only while writing.
    area_ids = areas_for_point(lat, lon)
    responsible_id, sla_hours = route_for(category, area_ids)
    report = Report(
        category=category,
        status=ReportStatus.NEW,
        lat=lat,
        lon=lon,
        address_string=cleaned["address_string"],
        location_basis=located.basis if located else LocationBasis.POINT,
        address_key=located.key if located else "",
        description=cleaned["description"],
        public_description=redact(cleaned["description"]),
        reporter_email=cleaned["email"],
        language=reporter_language(language),
        source=source,
        submitted_at=now,
        updated_at=now,
        due_at=now + timedelta(hours=sla_hours),
        responsible_id=responsible_id,
        attributes=cleaned["attributes"],
    )
    report.full_clean()
    data_domain = report.responsible.data_domain
    stored: list[str] = []
    try:
        with transaction.atomic():
            report.save()
            Report.areas.through.objects.bulk_create(
                [Report.areas.through(report_id=report.pk, area_id=area_id) for area_id in area_ids]
            )
            ReportUpdate.objects.create(
                report=report,
                at=now,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                from_status="",
                to_status=ReportStatus.NEW,
            )
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=report,
                after=_audit_snapshot(report),
                data_domain=data_domain,
                note=audit_note,
            )
            if photos:
                stored = photos_store(report=report, photos=photos, actor=actor, now=now)
            cleaning_task_for_report(report=report, area_ids=area_ids, actor=actor, now=now)
    except BaseException:
        photos_discard(stored)
        raise
    return report


# --- status changes -------------------------------------------------------------------------


def _apply_transition(
    *,
    report: Report,
    to_status: str,
    actor: User | None,
    public_note: str,
    internal_note: str,
    now: datetime | None,
    duplicate_of: Report | None = None,
    forward_to: Organisation | None = None,
    by_reporter: bool = False,
) -> Report:
    """The single guard of the workflow: every status change goes through here.

    `by_reporter`: the anonymous reporter reopens a "fixed" report through the signed link of
    their e-mail (no account); that is the only change a reporter can make.
    """
    if to_status not in ReportStatus.values:
        raise ValidationError({"to_status": f"Unbekannter Status „{to_status}“."})
    if by_reporter:
        if to_status != ReportStatus.REOPENED:
            raise PermissionDenied("Meldende können eine Meldung nur wieder öffnen.")
        actor = None
    elif actor is None or not can_transition_report(actor, report):
        raise PermissionDenied("Sie dürfen den Status dieser Meldung nicht ändern.")
    public_note = _plain_text(
        public_note, field="public_note", label="Öffentliche Notiz", maximum=DESCRIPTION_MAX
    )
    if by_reporter:  # words of the public: masked, not refused (report_reopen_by_reporter)
        internal_note = internal_note.strip()
    else:
        internal_note = clean_short_text(
            internal_note,
            field="internal_note",
            label="Interne Notiz",
            max_length=INTERNAL_NOTE_MAX,
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        from_status = locked.status
        if to_status not in allowed_transitions(from_status):
            raise ValidationError(
                {
                    "to_status": (
                        f"Der Status kann nicht von „{status_label(from_status)}“ "
                        f"zu „{status_label(to_status)}“ wechseln."
                    )
                }
            )
        if by_reporter and not reporter_may_reopen(locked, now):
            raise ValidationError(
                {
                    "to_status": (
                        f"Eine als erledigt gemeldete Meldung kann nur innerhalb von "
                        f"{REPORTER_FOLLOW_UP_DAYS} Tagen wieder geöffnet werden."
                    )
                }
            )
        if to_status in NOTE_REQUIRED and not public_note:
            raise ValidationError(
                {
                    "public_note": (
                        "Bitte beschreiben Sie in der öffentlichen Notiz, was erledigt wurde."
                    )
                }
            )
        before = _audit_snapshot(locked)
        locked.status = to_status
        locked.updated_at = now
        locked.closed_at = None if to_status in OPEN_STATES else now
        locked.duplicate_of = duplicate_of
        fields = ["status", "updated_at", "closed_at", "duplicate_of"]
        if forward_to is not None:
            locked.responsible = forward_to
            locked.assignee = None
            fields += ["responsible", "assignee"]
        locked.save(update_fields=fields)
        update = ReportUpdate.objects.create(
            report=locked,
            at=now,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            public_note=public_note,
            internal_note=internal_note,
            forwarded_to=forward_to,
        )
        audit_record(
            actor=actor,
            action=Action.TRANSITION,
            obj=locked,
            before=before,
            after=_audit_snapshot(locked),
            data_domain=locked.responsible.data_domain,
            note=f"{from_status} → {to_status}" + (" (meldende Person)" if by_reporter else ""),
        )
        if to_status == ReportStatus.FIXED or to_status == ReportStatus.REOPENED:
            cleaning_tasks_follow_report(
                report=locked,
                report_closed=to_status == ReportStatus.FIXED,
                actor=actor,
                now=now,
            )
        if locked.reporter_email and not by_reporter:
            transaction.on_commit(partial(notifications.notify_reporter, update_id=update.pk))
    for field in ("status", "updated_at", "closed_at", "duplicate_of_id", "responsible_id"):
        setattr(report, field, getattr(locked, field))
    return locked


def report_transition(
    *,
    report: Report,
    to_status: str,
    actor: User | None,
    public_note: str = "",
    internal_note: str = "",
    now: datetime | None = None,
) -> Report:
    """Move a report to `to_status` along TRANSITIONS. Raises ValidationError/PermissionDenied."""
    if to_status == ReportStatus.DUPLICATE:
        raise ValidationError(
            {"to_status": "Duplikate bitte über „Als Duplikat markieren“ mit der Originalmeldung."}
        )
    return _apply_transition(
        report=report,
        to_status=to_status,
        actor=actor,
        public_note=public_note,
        internal_note=internal_note,
        now=now,
    )


def report_mark_duplicate(
    *, report: Report, original: Report, actor: User | None, now: datetime | None = None
) -> Report:
    """Close `report` as a duplicate of `original` (or of the report that one duplicates)."""
    root = original
    seen = {report.pk}
    while root.duplicate_of_id is not None and root.pk not in seen:
        seen.add(root.pk)
        root = Report.objects.get(pk=root.duplicate_of_id)
    if root.pk in seen:
        raise ValidationError({"original": "Eine Meldung kann kein Duplikat von sich selbst sein."})
    return _apply_transition(
        report=report,
        to_status=ReportStatus.DUPLICATE,
        actor=actor,
        public_note=f"Diese Meldung liegt bereits vor (Meldung {root.pk}).",
        internal_note="",
        now=now,
        duplicate_of=root,
    )


def report_reopen_by_reporter(
    *, report: Report, note: str = "", now: datetime | None = None
) -> Report:
    """The reporter says a "fixed" report is not fixed (signed e-mail link, no account).

    Their words go into the internal note only, masked (``privacy.screening``): they may
    describe people.
    """
    note = mask_sensitive(
        _plain_text(note, field="note", label="Ihre Angaben", maximum=DESCRIPTION_MAX)
    )
    return _apply_transition(
        report=report,
        to_status=ReportStatus.REOPENED,
        actor=None,
        public_note="Die meldende Person gibt an, dass der Mangel noch besteht.",
        internal_note=f"Rückmeldung der meldenden Person: {note}" if note else "",
        now=now,
        by_reporter=True,
    )


def report_forward(
    *,
    report: Report,
    organisation: Organisation,
    actor: User | None,
    public_note: str = "",
    internal_note: str = "",
    now: datetime | None = None,
) -> Report:
    """Hand a report to another body. Status "forwarded"; the timeline keeps who had it."""
    if not organisation.is_active:
        raise ValidationError({"organisation": "Diese Organisation ist nicht mehr aktiv."})
    if organisation.pk == report.responsible_id:
        raise ValidationError({"organisation": "Die Meldung liegt bereits bei dieser Stelle."})
    return _apply_transition(
        report=report,
        to_status=ReportStatus.INTERNAL_REFERRAL,
        actor=actor,
        public_note=public_note.strip()
        or f"Ihre Meldung wurde an die zuständige Stelle weitergeleitet: {organisation.name}.",
        internal_note=internal_note,
        now=now,
        forward_to=organisation,
    )


def report_assign(
    *, report: Report, assignee: User | None, actor: User | None, now: datetime | None = None
) -> Report:
    """Give an open report to one person of the responsible organisation (None: nobody).

    An internal timeline entry: the public sees no names.
    """
    if actor is None or not can_transition_report(actor, report):
        raise PermissionDenied("Sie dürfen diese Meldung nicht zuweisen.")
    if assignee is not None and not can_assign_report_to(assignee, report):
        raise ValidationError(
            {"assignee": "Zuweisen lässt sich nur an die Arbeitsliste der zuständigen Stelle."}
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status not in OPEN_STATES:
            raise ValidationError({"assignee": "Abgeschlossene Meldungen werden nicht zugewiesen."})
        if locked.assignee_id == (assignee.pk if assignee else None):
            return locked
        before = _audit_snapshot(locked)
        locked.assignee = assignee
        locked.updated_at = now
        locked.save(update_fields=["assignee", "updated_at"])
        internal_change_record(
            report=locked,
            actor=actor,
            now=now,
            note=f"Zugewiesen an {assignee}" if assignee else "Zuweisung aufgehoben",
            audit_note="Zuweisung",
            assigned_to=assignee,
            before=before,
            after=_audit_snapshot(locked),
        )
    report.assignee_id = locked.assignee_id
    report.updated_at = locked.updated_at
    return locked
