"""Demo state of the Sonderstab: recommendations in several states, decisions, meetings.

``load_demo_taskforce(now=…)`` is idempotent (a recommendation whose title exists and a meeting
whose slot exists are left alone). It assumes the baseline (organisations, working groups,
areas) is loaded and loads the key-figure engine's seed indicators if they are missing. Every
write goes through the services (so the transition map and its guards apply); afterwards the
history timestamps are moved to the dates of the story, which starts with the presence concept
of September 2023. Demo accounts are used where they exist (attendance, action items). The
stories are data: `taskforce/data/stories.json` (days absolute or relative to today).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import Role, User
from stadtlage.kpi.models import Indicator
from stadtlage.organisations.models import Organisation, WorkingGroup
from stadtlage.packagedata import load_json
from stadtlage.places.models import Area
from stadtlage.taskforce import services
from stadtlage.taskforce.errors import TransitionError
from stadtlage.taskforce.models import (
    AttendanceStatus,
    BoardDecision,
    Meeting,
    MeetingSchedule,
    MilestoneStatus,
    Recommendation,
    RecommendationEvent,
    RecommendationState,
    Weekday,
)

S = RecommendationState


@dataclass(frozen=True)
class Target:
    code: str
    baseline: float
    target: float
    due: date
    label: str = ""


@dataclass(frozen=True)
class Step:
    """A status change on a date; board steps carry the decision's wording (and conditions)."""

    day: date
    to: str
    note: str = ""
    wording: str = ""
    conditions: str = ""
    evaluation: str = ""


@dataclass(frozen=True)
class Story:
    title: str
    group: str
    organisation: str
    problem: str
    effect: str
    resources: str
    costs: int | None
    areas: tuple[str, ...]
    targets: tuple[Target, ...]
    measures: tuple[tuple[str, str], ...]
    # (title, due date, completed on or None, index of the measure or None)
    milestones: tuple[tuple[str, date, date | None, int | None], ...]
    steps: tuple[Step, ...] = field(default=())


def _day(text: str, today: date) -> date:
    """An ISO date, or a day relative to the day the demo is loaded (``today+180``)."""
    if text.startswith("today"):
        return today + timedelta(days=int(text.removeprefix("today") or 0))
    return date.fromisoformat(text)


def _story(raw: dict[str, Any], today: date) -> Story:
    def day(text: str | None) -> date | None:
        return None if text is None else _day(text, today)

    return Story(
        title=raw["title"],
        group=raw["group"],
        organisation=raw["organisation"],
        problem=raw["problem"],
        effect=raw["effect"],
        resources=raw["resources"],
        costs=raw["costs"],
        areas=tuple(raw["areas"]),
        targets=tuple(Target(**{**t, "due": _day(t["due"], today)}) for t in raw["targets"]),
        measures=tuple((m["title"], m["note"]) for m in raw["measures"]),
        milestones=tuple(
            (m["title"], _day(m["due"], today), day(m["done"]), m["measure"])
            for m in raw["milestones"]
        ),
        steps=tuple(
            Step(**{**s, "day": _day(s["day"], today), "to": RecommendationState(s["to"])})
            for s in raw.get("steps", ())
        ),
    )


def _stories(today: date) -> list[Story]:
    """The demo recommendations (``taskforce/data/stories.json``), dated from `today`."""
    return [
        _story(raw, today) for raw in load_json("stadtlage.taskforce", "stories.json")["stories"]
    ]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _org(short: str) -> Organisation | None:
    return Organisation.objects.filter(short_name=short).first()


def _build(story: Story, today: date) -> Recommendation | None:
    group = WorkingGroup.objects.filter(slug=story.group).first()
    if group is None:
        return None
    created_on = (story.steps[0].day if story.steps else today) - timedelta(days=14)
    rec = services.recommendation_create(
        working_group=group,
        title=story.title,
        actor=None,
        data={
            "problem": story.problem,
            "expected_effect": story.effect,
            "resources": story.resources,
            "costs_eur": story.costs,
            "responsible_organisation": _org(story.organisation),
        },
        areas=Area.objects.filter(name__in=story.areas),
    )
    for t in story.targets:
        indicator = Indicator.objects.filter(code=t.code).first()
        if indicator is not None:
            services.indicator_link_save(
                recommendation=rec,
                actor=None,
                indicator=indicator,
                baseline=t.baseline,
                baseline_label=t.label,
                target=t.target,
                target_date=t.due,
            )
    measures = [
        services.measure_save(recommendation=rec, actor=None, title=title, description=text)
        for title, text in story.measures
    ]
    milestones = [
        (
            services.milestone_save(
                recommendation=rec,
                actor=None,
                title=title,
                due_date=due,
                measure=measures[k] if k is not None else None,
            ),
            done,
        )
        for title, due, done, k in story.milestones
    ]
    RecommendationEvent.objects.filter(recommendation=rec).update(at=_at(created_on))
    for step in story.steps:
        if step.to == S.COMPLETED:
            _complete(milestones, before=step.day)
        try:
            event = services.recommendation_transition(
                recommendation=rec,
                to_state=step.to,
                actor=None,
                note=step.note,
                decided_on=step.day if step.wording else None,
                wording=step.wording,
                conditions=step.conditions,
                evaluation=step.evaluation,
            )
        except TransitionError:  # e.g. a key figure of the story is not defined here
            break
        RecommendationEvent.objects.filter(pk=event.pk).update(at=_at(step.day))
        if event.decision_id:
            BoardDecision.objects.filter(pk=event.decision_id).update(recorded_at=_at(step.day, 15))
    if rec.state == S.IN_IMPLEMENTATION:
        _complete(milestones, before=today + timedelta(days=1))
    last = (
        RecommendationEvent.objects.filter(recommendation=rec, kind__in=("created", "transition"))
        .order_by("-at")
        .first()
    )
    Recommendation.objects.filter(pk=rec.pk).update(state_changed_at=last.at if last else None)
    return rec


def _complete(milestones: list[tuple[Any, date | None]], *, before: date) -> None:
    for milestone, done in milestones:
        if done is not None and done < before and milestone.status == MilestoneStatus.OPEN:
            services.milestone_set_status(
                milestone=milestone, status=MilestoneStatus.DONE, completed_on=done, actor=None
            )
            RecommendationEvent.objects.filter(
                recommendation_id=milestone.recommendation_id, data__milestone=milestone.pk
            ).update(at=_at(done, 16))


def _people() -> dict[str, list[User]]:
    out: dict[str, list[User]] = {}
    for role in (Role.TASKFORCE_LEAD, Role.WG_LEAD, Role.WG_MEMBER):
        out[role] = list(
            User.objects.filter(memberships__role=role, memberships__is_active=True, is_active=True)
            .distinct()
            .order_by("pk")
        )
    return out


def _meetings(today: date) -> None:
    schedule, _ = MeetingSchedule.objects.get_or_create(
        title="Wochensitzung des Sonderstabs „Ordnung und Stadtleben“",
        defaults={
            "weekday": Weekday.TUESDAY,
            "start_time": time(10, 0),
            "duration_minutes": 90,
            "location": "Kommunales Lagezentrum, Besprechungsraum 1",
            "valid_from": date(2023, 9, 5),
        },
    )
    last_tuesday = today - timedelta(days=(today.weekday() - Weekday.TUESDAY) % 7 or 7)
    services.meetings_plan(
        schedule=schedule, until=today + timedelta(weeks=6), actor=None, today=today
    )
    people = _people()
    everyone = [p for role in people.values() for p in role]
    lead = people[Role.TASKFORCE_LEAD][0] if people[Role.TASKFORCE_LEAD] else None
    owners = people[Role.WG_LEAD] or everyone
    owner = owners[0] if owners else None
    for weeks_back in (3, 2, 1):
        day = last_tuesday - timedelta(weeks=weeks_back - 1)
        starts = _at(day)
        if Meeting.objects.filter(schedule=schedule, starts_at=starts).exists():
            continue
        meeting = services.meeting_create(
            title=schedule.title,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=schedule.duration_minutes),
            location=schedule.location,
            schedule=schedule,
            chair=lead,
            actor=None,
        )
        for title, minutes, outcome in (
            (
                "Lage der Woche",
                "Kennzahlen der Arbeitsgruppen vorgestellt; keine neuen Signale außer bei den "
                "Spritzenfunden (Verbesserung).",
                "Lage zur Kenntnis genommen.",
            ),
            (
                "Bericht aus den Arbeitsgruppen",
                "AG Campieren reduzieren stellt den Entwurf zu Ruheplätzen vor.",
                "Entwurf wird in der AG abgestimmt.",
            ),
        ):
            item = services.agenda_item_save(meeting=meeting, actor=None, title=title)
            services.minutes_record(item=item, minutes=minutes, outcome=outcome, actor=None)
            if owner is not None and title.startswith("Bericht") and weeks_back == 3:
                services.action_item_create(
                    meeting=meeting,
                    agenda_item=item,
                    title="Meilensteine und Kennzahl für die Ruheplätze ergänzen",
                    owner=owner,
                    due_date=day + timedelta(days=14),
                    actor=None,
                )
        for person in everyone:
            membership = person.memberships.filter(is_active=True).first()
            services.attendance_set(
                meeting=meeting,
                person=person,
                status=AttendanceStatus.PRESENT,
                organisation=membership.organisation if membership else None,
                actor=None,
            )
        if everyone and weeks_back > 1:
            services.meeting_close(meeting=meeting, actor=None)
            Meeting.objects.filter(pk=meeting.pk).update(closed_at=_at(day, 12))


def _leads() -> None:
    """Name a lead and a deputy where the group has members and none is named yet."""
    for group in WorkingGroup.objects.filter(is_active=True, lead__isnull=True):
        members = {
            role: [
                m.user for m in group.memberships.filter(role=role, is_active=True).order_by("pk")
            ]
            for role in (Role.WG_LEAD, Role.WG_MEMBER)
        }
        candidates = members[Role.WG_LEAD] or members[Role.WG_MEMBER]
        lead = candidates[0] if candidates else None
        deputy = next((p for p in members[Role.WG_MEMBER] if p != lead), None)
        if lead is not None:
            services.working_group_update(
                group=group, actor=None, mission=group.mission, lead=lead, deputy=deputy
            )


def load_demo_taskforce(*, now: datetime) -> dict[str, int]:
    """Create the demo state of the Sonderstab (idempotent). Returns what was created."""
    from stadtlage.kpi.seed import load_indicators

    today = timezone.localdate(now)
    load_indicators()
    created = 0
    with transaction.atomic():
        for story in _stories(today):
            if Recommendation.objects.filter(title=story.title).exists():
                continue
            if _build(story, today) is not None:
                created += 1
        _leads()
        meetings_before = Meeting.objects.count()
        _meetings(today)
    return {"recommendations": created, "meetings": Meeting.objects.count() - meetings_before}
