"""Progress of decided measures, from milestone dates and the indicators' assurance.

Pure Python over plain values (free of the ORM) so that the rules can be read and tested alone;
labels are marked for translation with ``gettext_noop`` (translated where shown) and the date
flags are translated when they are made:

* a milestone is **done**, **late** (open and past its date), **due** (open, date within the
  look-ahead) or **planned**;
* a measure or recommendation is **late** if a milestone is late; **at risk** if a milestone is
  due soon or an indicator says the target is not reached by the process as it is (SPC
  assurance "fail", or a concerning special cause); otherwise **on track**;
* milestones after the latest target date or before the board's decision are **flagged**.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

DONE: Final = "done"
LATE: Final = "late"
DUE: Final = "due"
PLANNED: Final = "planned"
CANCELLED: Final = "cancelled"

ON_TRACK: Final = "on_track"
AT_RISK: Final = "at_risk"
LATE_STATUS: Final = "late"
NOT_STARTED: Final = "not_started"
FINISHED: Final = "finished"

#: German labels (msgids); pages translate them with ``gettext``, the report keeps German.
STATUS_LABELS: Final = {
    ON_TRACK: gettext_noop("im Plan"),
    AT_RISK: gettext_noop("gefährdet"),
    LATE_STATUS: gettext_noop("verspätet"),
    NOT_STARTED: gettext_noop("noch nicht begonnen"),
    FINISHED: gettext_noop("abgeschlossen"),
}
MILESTONE_LABELS: Final = {
    DONE: gettext_noop("erreicht"),
    LATE: gettext_noop("überfällig"),
    DUE: gettext_noop("fällig"),
    PLANNED: gettext_noop("geplant"),
    CANCELLED: gettext_noop("entfallen"),
}

#: Open milestones due within this many days count as "due" (and put a measure at risk).
DUE_WITHIN_DAYS: Final = 14
ASSURANCE_FAIL: Final = "fail"
CONCERN_FLAG: Final = "special_cause_concern"


@dataclass(frozen=True)
class MilestoneFacts:
    title: str
    due_date: date
    status: str  # "open" / "done" / "cancelled" (MilestoneStatus values)
    completed_on: date | None = None


def milestone_state(m: MilestoneFacts, today: date, *, due_within: int = DUE_WITHIN_DAYS) -> str:
    if m.status == "done":
        return DONE
    if m.status == "cancelled":
        return CANCELLED
    if m.due_date < today:
        return LATE
    if m.due_date <= today + timedelta(days=due_within):
        return DUE
    return PLANNED


@dataclass(frozen=True)
class Progress:
    done: int
    total: int  # without cancelled milestones
    late: int
    due: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress(milestones: Iterable[MilestoneFacts], today: date) -> Progress:
    states = [milestone_state(m, today) for m in milestones]
    counted = [s for s in states if s != CANCELLED]
    return Progress(
        done=counted.count(DONE),
        total=len(counted),
        late=counted.count(LATE),
        due=counted.count(DUE),
    )


def tracking_status(
    milestones: Sequence[MilestoneFacts],
    today: date,
    *,
    assurances: Iterable[str | None] = (),
    flags: Iterable[str | None] = (),
    started: bool = True,
    finished: bool = False,
) -> str:
    """On track / at risk / late from milestone dates and the indicators' SPC."""
    if finished:
        return FINISHED
    if not started:
        return NOT_STARTED
    p = progress(milestones, today)
    if p.late:
        return LATE_STATUS
    if p.due or any(a == ASSURANCE_FAIL for a in assurances):
        return AT_RISK
    if any(f == CONCERN_FLAG for f in flags):
        return AT_RISK
    return ON_TRACK


@dataclass(frozen=True)
class DateFlag:
    milestone: str
    message: str


def _d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def milestone_flags(
    milestones: Iterable[MilestoneFacts],
    *,
    target_dates: Iterable[date | None],
    decided_on: date | None,
    today: date | None = None,
) -> list[DateFlag]:
    """Milestones after the latest target date, or before the board's decision.

    Without a decision yet (``decided_on`` None), ``today`` stands in for the earliest
    possible decision date: an open milestone dated before it cannot be realistic.
    """
    dates = [d for d in target_dates if d is not None]
    latest_target = max(dates) if dates else None
    out: list[DateFlag] = []
    for m in milestones:
        if m.status == "cancelled":
            continue
        if latest_target is not None and m.due_date > latest_target:
            out.append(
                DateFlag(
                    m.title,
                    _(
                        "Meilenstein „%(title)s“ (%(due)s) liegt nach dem Zieldatum "
                        "der Kennzahlen (%(target)s)."
                    )
                    % {"title": m.title, "due": _d(m.due_date), "target": _d(latest_target)},
                )
            )
        if decided_on is not None and m.due_date < decided_on:
            out.append(
                DateFlag(
                    m.title,
                    _(
                        "Meilenstein „%(title)s“ (%(due)s) liegt vor dem Beschluss "
                        "des Verwaltungsvorstands (%(decided)s)."
                    )
                    % {"title": m.title, "due": _d(m.due_date), "decided": _d(decided_on)},
                )
            )
        elif decided_on is None and today is not None and m.status == "open" and m.due_date < today:
            out.append(
                DateFlag(
                    m.title,
                    _(
                        "Meilenstein „%(title)s“ (%(due)s) liegt vor einem möglichen "
                        "Beschluss des Verwaltungsvorstands."
                    )
                    % {"title": m.title, "due": _d(m.due_date)},
                )
            )
    return out
