"""Writes for citizen reports: create, change status, mark as duplicate.

Each write validates its input (German messages keyed by field), runs in one transaction and
leaves a timeline entry (ReportUpdate) plus an audit event. The reporter's e-mail address never
enters the audit trail: it has its own, shorter retention period (DOMAIN.md §4).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, snapshot
from stadtlage.places.geo import in_dortmund
from stadtlage.places.selectors import areas_for_point
from stadtlage.reports.models import (
    OPEN_STATES,
    AttributeDatatype,
    Report,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    ServiceAttribute,
    ServiceCategory,
)
from stadtlage.reports.permissions import can_transition_report

S = ReportStatus
DESCRIPTION_MAX = 4000
ADDRESS_MAX = 250
STRING_ATTRIBUTE_MAX = 250
TEXT_ATTRIBUTE_MAX = 4000

# The report workflow. A state not listed as a key has no way out; NEW is never a target.
# Closed states only lead back to REOPENED ("fixed" that is not fixed must be reopenable).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset(
        {
            S.INVESTIGATING,
            S.ACTION_SCHEDULED,
            S.IN_PROGRESS,
            S.INTERNAL_REFERRAL,
            S.FIXED,
            S.DUPLICATE,
            S.NOT_RESPONSIBLE,
            S.NO_FURTHER_ACTION,
        }
    ),
    S.INVESTIGATING: frozenset(
        {
            S.ACTION_SCHEDULED,
            S.IN_PROGRESS,
            S.INTERNAL_REFERRAL,
            S.FIXED,
            S.DUPLICATE,
            S.NOT_RESPONSIBLE,
            S.NO_FURTHER_ACTION,
        }
    ),
    S.ACTION_SCHEDULED: frozenset(
        {S.INVESTIGATING, S.IN_PROGRESS, S.INTERNAL_REFERRAL, S.FIXED, S.NO_FURTHER_ACTION}
    ),
    S.IN_PROGRESS: frozenset(
        {S.ACTION_SCHEDULED, S.INTERNAL_REFERRAL, S.FIXED, S.NO_FURTHER_ACTION}
    ),
    S.INTERNAL_REFERRAL: frozenset(
        {
            S.INVESTIGATING,
            S.ACTION_SCHEDULED,
            S.IN_PROGRESS,
            S.FIXED,
            S.DUPLICATE,
            S.NOT_RESPONSIBLE,
            S.NO_FURTHER_ACTION,
        }
    ),
    S.REOPENED: frozenset(
        {
            S.INVESTIGATING,
            S.ACTION_SCHEDULED,
            S.IN_PROGRESS,
            S.INTERNAL_REFERRAL,
            S.FIXED,
            S.DUPLICATE,
            S.NOT_RESPONSIBLE,
            S.NO_FURTHER_ACTION,
        }
    ),
    S.FIXED: frozenset({S.REOPENED}),
    S.DUPLICATE: frozenset({S.REOPENED}),
    S.NOT_RESPONSIBLE: frozenset({S.REOPENED}),
    S.NO_FURTHER_ACTION: frozenset({S.REOPENED}),
}
NOTE_REQUIRED = frozenset({S.FIXED})

_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]*>")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _audit_snapshot(report: Report) -> dict[str, Any]:
    return snapshot(report, exclude=("reporter_email",))


def _plain_text(value: str, *, field: str, label: str, maximum: int) -> str:
    """Normalise line breaks, drop control characters; refuse HTML and overlong text."""
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) > maximum:
        raise ValidationError(
            {field: f"{label}: höchstens {maximum} Zeichen (erhalten: {len(text)})."}
        )
    if _HTML_TAG.search(text):
        raise ValidationError({field: f"{label}: bitte nur Text, kein HTML oder Code."})
    return text


# --- attributes -----------------------------------------------------------------------------


def _attribute_value(attribute: ServiceAttribute, raw: str | list[str]) -> Any:
    """One answer, checked against its definition; returns the value to store."""
    label = f"„{attribute.description}“"
    values = [raw] if isinstance(raw, str) else list(raw)
    values = [str(v).strip() for v in values if str(v).strip()]
    datatype = attribute.datatype
    if datatype == AttributeDatatype.MULTIVALUELIST:
        allowed = attribute.allowed_keys()
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValidationError(f"{label}: unzulässiger Wert „{unknown[0]}“.")
        return list(dict.fromkeys(values))
    if len(values) != 1:
        raise ValidationError(f"{label}: bitte genau einen Wert angeben.")
    value = values[0]
    if datatype == AttributeDatatype.SINGLEVALUELIST:
        if value not in attribute.allowed_keys():
            raise ValidationError(f"{label}: unzulässiger Wert „{value[:40]}“.")
        return value
    if datatype == AttributeDatatype.NUMBER:
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError(f"{label}: bitte eine Zahl angeben.") from exc
        if not number.is_finite():
            raise ValidationError(f"{label}: bitte eine Zahl angeben.")
        return int(number) if number == number.to_integral_value() else float(number)
    if datatype == AttributeDatatype.DATETIME:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError(
                f"{label}: bitte Datum und Uhrzeit nach ISO 8601 angeben "
                "(z. B. 2025-05-01T14:30+02:00)."
            ) from exc
        if moment.tzinfo is None:
            moment = timezone.make_aware(moment)
        return moment.isoformat()
    maximum = TEXT_ATTRIBUTE_MAX if datatype == AttributeDatatype.TEXT else STRING_ATTRIBUTE_MAX
    text = _plain_text(value, field="attributes", label=label, maximum=maximum)
    if datatype == AttributeDatatype.STRING and "\n" in text:
        raise ValidationError(f"{label}: bitte ohne Zeilenumbruch.")
    return text


def validate_attributes(
    category: ServiceCategory, answers: Mapping[str, str | list[str]] | None
) -> dict[str, Any]:
    """Check answers against the category's questions; all problems are reported at once."""
    answers = dict(answers or {})
    every = {a.code: a for a in category.attributes.all()}
    # variable=False attributes are information shown to the reporter; answers are dropped.
    definitions = {code: a for code, a in every.items() if a.variable}
    errors: list[str] = []
    cleaned: dict[str, Any] = {}
    for code in answers:
        if code not in every:
            errors.append(f"Unbekannte Zusatzangabe „{code[:60]}“ für diese Kategorie.")
    for code, attribute in sorted(definitions.items(), key=lambda item: item[1].order):
        raw = answers.get(code)
        empty = raw is None or (not raw.strip() if isinstance(raw, str) else not any(raw))
        if empty:
            if attribute.required:
                errors.append(f"„{attribute.description}“ ist eine Pflichtangabe.")
            continue
        assert raw is not None
        try:
            cleaned[code] = _attribute_value(attribute, raw)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attributes": errors})
    return cleaned


# --- create ---------------------------------------------------------------------------------


def report_create(
    *,
    category: ServiceCategory,
    lat: float,
    lon: float,
    address_string: str = "",
    description: str = "",
    email: str = "",
    attributes: Mapping[str, str | list[str]] | None = None,
    source: str,
    actor: Any = None,
    now: datetime | None = None,
    audit_note: str = "",
) -> Report:
    """Accept a new report: validate, route to the responsible organisation, assign areas.

    Raises ValidationError (German messages, keyed by field) before anything is written.
    """
    now = now or timezone.now()
    if not category.is_active:
        raise ValidationError({"category": "Diese Kategorie nimmt keine Meldungen mehr an."})
    if source not in ReportSource.values:
        raise ValidationError({"source": "Unbekannter Eingangsweg."})
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValidationError({"location": "Ort: Breite und Länge müssen Zahlen sein."})
    if not in_dortmund(lat, lon):
        raise ValidationError({"location": "Ort: Der Punkt liegt außerhalb von Dortmund."})
    description = _plain_text(
        description, field="description", label="Beschreibung", maximum=DESCRIPTION_MAX
    )
    address_string = _plain_text(
        address_string, field="address_string", label="Adresse", maximum=ADDRESS_MAX
    ).replace("\n", ", ")
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError(
                {"email": "E-Mail: Bitte geben Sie eine gültige Adresse an."}
            ) from exc
    cleaned_attributes = validate_attributes(category, attributes)

    with transaction.atomic():
        report = Report(
            category=category,
            status=ReportStatus.NEW,
            lat=lat,
            lon=lon,
            address_string=address_string,
            description=description,
            reporter_email=email,
            source=source,
            submitted_at=now,
            updated_at=now,
            due_at=now + timedelta(hours=category.sla_hours),
            responsible_id=category.responsible_id,
            attributes=cleaned_attributes,
        )
        report.full_clean()
        report.save()
        report.areas.set(areas_for_point(lat, lon))
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
            data_domain=category.responsible.data_domain,
            note=audit_note,
        )
    return report


# --- status changes -------------------------------------------------------------------------


def allowed_transitions(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


def _status_label(status: str) -> str:
    return str(ReportStatus(status).label) if status in ReportStatus.values else status


def _apply_transition(
    *,
    report: Report,
    to_status: str,
    actor: Any,
    public_note: str,
    internal_note: str,
    now: datetime | None,
    duplicate_of: Report | None = None,
) -> Report:
    """The single guard of the workflow: every status change goes through here."""
    if to_status not in ReportStatus.values:
        raise ValidationError({"to_status": f"Unbekannter Status „{to_status}“."})
    if actor is None or not can_transition_report(actor, report):
        raise PermissionDenied("Sie dürfen den Status dieser Meldung nicht ändern.")
    public_note = _plain_text(
        public_note, field="public_note", label="Öffentliche Notiz", maximum=DESCRIPTION_MAX
    )
    internal_note = internal_note.strip()
    now = now or timezone.now()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        from_status = locked.status
        if to_status not in allowed_transitions(from_status):
            raise ValidationError(
                {
                    "to_status": (
                        f"Der Status kann nicht von „{_status_label(from_status)}“ "
                        f"zu „{_status_label(to_status)}“ wechseln."
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
        locked.save(update_fields=["status", "updated_at", "closed_at", "duplicate_of"])
        ReportUpdate.objects.create(
            report=locked,
            at=now,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            public_note=public_note,
            internal_note=internal_note,
        )
        audit_record(
            actor=actor,
            action=Action.TRANSITION,
            obj=locked,
            before=before,
            after=_audit_snapshot(locked),
            data_domain=locked.responsible.data_domain,
            note=f"{from_status} → {to_status}",
        )
    for field in ("status", "updated_at", "closed_at", "duplicate_of_id"):
        setattr(report, field, getattr(locked, field))
    return locked


def report_transition(
    *,
    report: Report,
    to_status: str,
    actor: Any,
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
    *, report: Report, original: Report, actor: Any, now: datetime | None = None
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
