"""Writes on meetings: planning, agenda, minutes, action items, attendance, closing, amendments.

The Sonderstab lead runs the meeting (``permissions.can_run_meeting``). Once closed, the minutes
are frozen: every function here except ``action_item_set_status`` and ``minutes_amend`` refuses
to touch a closed meeting.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, snapshot
from stadtlage.taskforce import agenda
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.errors import FrozenError, NotAllowed, TaskforceError
from stadtlage.taskforce.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaKind,
    Attendance,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
    MinutesAmendment,
)
from stadtlage.taskforce.services.common import canonical_sha256, user_or_none


def _ensure_runs(actor: User | None) -> None:
    if actor is not None and not perm.can_run_meeting(actor):
        raise NotAllowed(
            _("Sitzungen, Tagesordnung und Protokoll führt die Leitung des Sonderstabs.")
        )


def _ensure_open(meeting: Meeting) -> None:
    """Refuse writes to frozen minutes; reads the status afresh (and locks the row)."""
    status = (
        Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("status", flat=True)
    ).first()
    meeting.status = status or meeting.status
    if meeting.is_frozen:
        raise FrozenError(
            _(
                "Das Protokoll der Sitzung vom %(date)s ist "
                "festgeschrieben. Korrekturen bitte als Nachtrag erfassen."
            )
            % {"date": f"{timezone.localtime(meeting.starts_at):%d.%m.%Y}"}
        )


def _audit(actor: User | None, action: str, obj: Any, before: Any, note: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=snapshot(obj) if action != Action.DELETE else None,
        note=note,
    )


# --- Planning -------------------------------------------------------------------------------


def meetings_plan(
    *, schedule: MeetingSchedule, until: date, actor: User | None, today: date | None = None
) -> list[Meeting]:
    """Create the schedule's meetings from today (or its start) up to ``until``, idempotently."""
    _ensure_runs(actor)
    tz = timezone.get_current_timezone()
    day = max(today or timezone.localdate(), schedule.valid_from)
    last = min(until, schedule.valid_until) if schedule.valid_until else until
    day += timedelta(days=(schedule.weekday - day.weekday()) % 7)
    created = []
    with transaction.atomic():
        while day <= last:
            starts = datetime.combine(day, schedule.start_time, tzinfo=tz)
            meeting, new = Meeting.objects.get_or_create(
                schedule=schedule,
                starts_at=starts,
                defaults={
                    "title": schedule.title,
                    "ends_at": starts + timedelta(minutes=schedule.duration_minutes),
                    "location": schedule.location,
                },
            )
            if new:
                created.append(meeting)
                _audit(actor, Action.CREATE, meeting, None, note="Sitzungsplanung")
            day += timedelta(days=7)
    return created


def meeting_create(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    schedule: MeetingSchedule | None = None,
    chair: User | None = None,
    actor: User | None,
) -> Meeting:
    _ensure_runs(actor)
    if ends_at <= starts_at:
        raise TaskforceError(_("Das Ende der Sitzung liegt vor ihrem Beginn."))
    meeting = Meeting(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        schedule=schedule,
        chair=chair if chair is not None else user_or_none(actor),
    )
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        _audit(actor, Action.CREATE, meeting, None)
    return meeting


def meeting_cancel(*, meeting: Meeting, actor: User | None) -> Meeting:
    _ensure_runs(actor)
    before = snapshot(meeting)
    with transaction.atomic():
        _ensure_open(meeting)
        meeting.status = MeetingStatus.CANCELLED
        meeting.save(update_fields=["status"])
        _audit(actor, Action.UPDATE, meeting, before, note="abgesagt")
    return meeting


# --- Agenda ---------------------------------------------------------------------------------


def _next_order(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("order"))["m"] or 0) + 1


def agenda_propose(*, meeting: Meeting, actor: User | None) -> list[AgendaItem]:
    """Add the proposed items (``agenda.propose``) that are not on the agenda yet.

    The items become part of the minutes, so their texts are made in the site's language
    (German), whatever language the person proposing them reads.
    """
    _ensure_runs(actor)
    with translation.override(settings.LANGUAGE_CODE):
        proposals = agenda.propose(meeting)
    with transaction.atomic():
        _ensure_open(meeting)
        existing = set(
            meeting.agenda_items.exclude(source_key="").values_list("source_key", flat=True)
        )
        order = _next_order(meeting)
        created = []
        for p in proposals:
            if p.source_key in existing:
                continue
            created.append(
                AgendaItem.objects.create(
                    meeting=meeting,
                    order=order,
                    kind=p.kind,
                    title=p.title[:250],
                    reason=p.reason[:500],
                    source_key=p.source_key,
                    recommendation_id=p.recommendation_id,
                    milestone_id=p.milestone_id,
                    decision_id=p.decision_id,
                    indicator_id=p.indicator_id,
                    action_item_id=p.action_item_id,
                )
            )
            order += 1
        meeting.agenda_proposed_at = timezone.now()
        meeting.save(update_fields=["agenda_proposed_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=meeting,
            note=f"Tagesordnung vorgeschlagen: {len(created)} neue Punkte",
            after={"agenda_items": [i.pk for i in created]},
        )
    return created


def agenda_item_save(
    *,
    meeting: Meeting,
    actor: User | None,
    title: str,
    reason: str = "",
    item: AgendaItem | None = None,
) -> AgendaItem:
    _ensure_runs(actor)
    obj = item or AgendaItem(meeting=meeting, kind=AgendaKind.OTHER, order=_next_order(meeting))
    before = snapshot(obj) if obj.pk else None
    obj.title, obj.reason = title, reason
    obj.full_clean()
    with transaction.atomic():
        _ensure_open(meeting)
        obj.save()
        _audit(actor, Action.UPDATE if before else Action.CREATE, obj, before)
    return obj


def agenda_item_move(*, item: AgendaItem, direction: int, actor: User | None) -> None:
    """Swap the item with its neighbour above (-1) or below (+1)."""
    _ensure_runs(actor)
    with transaction.atomic():
        _ensure_open(item.meeting)
        items = list(item.meeting.agenda_items.order_by("order", "id"))
        i = next(k for k, x in enumerate(items) if x.pk == item.pk)
        j = i + (1 if direction > 0 else -1)
        if not 0 <= j < len(items):
            return
        items[i], items[j] = items[j], items[i]
        for order, x in enumerate(items, start=1):
            if x.order != order:
                AgendaItem.objects.filter(pk=x.pk).update(order=order)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=item,
            note="Tagesordnung umgestellt",
            after={"order": [x.pk for x in items]},
        )


def agenda_item_remove(*, item: AgendaItem, actor: User | None) -> None:
    _ensure_runs(actor)
    with transaction.atomic():
        _ensure_open(item.meeting)
        before, pk, label = snapshot(item), item.pk, str(item)
        item.delete()
        audit_record(
            actor=actor,
            action=Action.DELETE,
            object_type=AgendaItem._meta.label_lower,
            object_id=pk,
            object_repr=label,
            before=before,
        )


# --- Minutes --------------------------------------------------------------------------------


def minutes_record(
    *,
    item: AgendaItem,
    minutes: str,
    outcome: str,
    actor: User | None,
) -> AgendaItem:
    _ensure_runs(actor)
    before = snapshot(item)
    item.minutes, item.outcome = minutes.strip(), outcome.strip()
    with transaction.atomic():
        _ensure_open(item.meeting)
        item.save(update_fields=["minutes", "outcome"])
        _audit(actor, Action.UPDATE, item, before, note="Protokoll")
    return item


def action_item_create(
    *,
    meeting: Meeting,
    title: str,
    owner: Any,
    due_date: date,
    actor: User | None,
    agenda_item: AgendaItem | None = None,
) -> ActionItem:
    _ensure_runs(actor)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise TaskforceError(_("Der Tagesordnungspunkt gehört zu einer anderen Sitzung."))
    obj = ActionItem(
        meeting=meeting, agenda_item=agenda_item, title=title, owner=owner, due_date=due_date
    )
    obj.full_clean()
    with transaction.atomic():
        _ensure_open(meeting)
        obj.save()
        _audit(actor, Action.CREATE, obj, None)
    return obj


def action_item_set_status(*, item: ActionItem, status: str, actor: User | None) -> ActionItem:
    """Completing an action item is allowed after the meeting (it is not part of the minutes)."""
    if actor is not None and not perm.can_complete_action_item(actor, item.owner_id):
        raise NotAllowed(_("Arbeitsaufträge haken die zuständige Person oder die Stabsleitung ab."))
    if status not in ActionStatus.values:
        raise TaskforceError(_("Unbekannter Status „%(status)s“.") % {"status": status})
    before = snapshot(item)
    item.status = status
    item.done_at = timezone.now() if status == ActionStatus.DONE else None
    with transaction.atomic():
        item.save(update_fields=["status", "done_at"])
        _audit(actor, Action.UPDATE, item, before)
    return item


def attendance_set(
    *,
    meeting: Meeting,
    person: Any,
    status: str,
    actor: User | None,
    organisation: Any = None,
) -> Attendance:
    _ensure_runs(actor)
    with transaction.atomic():
        _ensure_open(meeting)
        obj, created = Attendance.objects.get_or_create(
            meeting=meeting,
            person=person,
            defaults={"status": status, "organisation": organisation},
        )
        before = None if created else snapshot(obj)
        if not created:
            obj.status = status
            obj.organisation = organisation or obj.organisation
            obj.full_clean()
            obj.save()
        _audit(actor, Action.CREATE if created else Action.UPDATE, obj, before)
    return obj


def minutes_document(meeting: Meeting) -> dict[str, Any]:
    """The minutes as data: what is frozen (and hashed) when the meeting is closed."""
    items = meeting.agenda_items.order_by("order", "id")
    return {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "location": meeting.location,
        },
        "attendance": [
            {"person": str(a.person), "organisation": str(a.organisation or ""), "status": a.status}
            for a in meeting.attendance.select_related("person", "organisation")
        ],
        "agenda": [
            {
                "order": i.order,
                "kind": i.kind,
                "title": i.title,
                "reason": i.reason,
                "minutes": i.minutes,
                "outcome": i.outcome,
                "action_items": [
                    {"title": a.title, "owner": str(a.owner), "due_date": a.due_date}
                    for a in i.action_items.select_related("owner").order_by("id")
                ],
            }
            for i in items
        ],
        "action_items_without_item": [
            {"title": a.title, "owner": str(a.owner), "due_date": a.due_date}
            for a in meeting.action_items.filter(agenda_item__isnull=True).select_related("owner")
        ],
    }


def meeting_close(*, meeting: Meeting, actor: User | None) -> Meeting:
    """Close the meeting: the minutes are frozen as a snapshot with its SHA-256.

    Only a meeting that has begun can be closed; closing a planned one would freeze empty minutes.
    """
    _ensure_runs(actor)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _ensure_open(meeting)
        if meeting.starts_at > timezone.now():
            local = timezone.localtime(meeting.starts_at)
            raise TaskforceError(
                _(
                    "Die Sitzung beginnt erst am %(date)s um %(time)s Uhr; "
                    "abschließen lässt sie sich erst nach ihrem Beginn."
                )
                % {"date": f"{local:%d.%m.%Y}", "time": f"{local:%H:%M}"}
            )
        if not meeting.attendance.exists():
            raise TaskforceError(_("Vor dem Abschluss bitte die Anwesenheit erfassen."))
        document = json.loads(json.dumps(minutes_document(meeting), cls=DjangoJSONEncoder))
        before = snapshot(meeting)
        meeting.status = MeetingStatus.CLOSED
        meeting.closed_at = timezone.now()
        meeting.closed_by = user_or_none(actor)
        meeting.minutes_snapshot = document
        meeting.minutes_sha256 = canonical_sha256(document)
        meeting.save()
        _audit(actor, Action.UPDATE, meeting, before, note="Protokoll festgeschrieben")
    return meeting


def minutes_amend(
    *,
    meeting: Meeting,
    text: str,
    reason: str,
    actor: User | None,
    agenda_item: AgendaItem | None = None,
) -> MinutesAmendment:
    """Record a correction of closed minutes; the frozen minutes stay untouched."""
    _ensure_runs(actor)
    if meeting.status != MeetingStatus.CLOSED:
        raise TaskforceError(_("Nachträge gibt es nur zu abgeschlossenen Protokollen."))
    if not text.strip() or not reason.strip():
        raise TaskforceError(_("Für einen Nachtrag fehlen der Text oder der Grund."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise TaskforceError(_("Der Tagesordnungspunkt gehört zu einer anderen Sitzung."))
    obj = MinutesAmendment(
        meeting=meeting,
        agenda_item=agenda_item,
        text=text.strip(),
        reason=reason.strip(),
        created_by=user_or_none(actor),
    )
    with transaction.atomic():
        obj.save()
        _audit(actor, Action.CREATE, obj, None, note="Nachtrag zum Protokoll")
    return obj
