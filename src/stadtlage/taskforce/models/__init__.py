"""Models of the Sonderstab (task force).

* ``WorkingGroup`` lives in ``organisations`` (the theme that figures and categories belong to);
  it is re-exported here for code written before the move — new code imports it from
  ``stadtlage.organisations.models``.
* ``recommendations``: recommendations, their indicators, measures, milestones, board
  decisions and history.
* ``meetings``: the weekly meeting with agenda, minutes, action items and attendance.
* ``mayor_reports``: the frozen reports to the Oberbürgermeister (``MayorReport``; "report"
  alone means a citizen report of the app ``reports``).
"""

from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce.models.mayor_reports import (
    MayorReport,
    MayorReportPeriod,
    MayorReportStatus,
    MayorReportTrigger,
)
from stadtlage.taskforce.models.meetings import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaKind,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
    MinutesAmendment,
    Weekday,
)
from stadtlage.taskforce.models.recommendations import (
    BoardDecision,
    DecisionOutcome,
    EventKind,
    ImplementationMeasure,
    MilestoneStatus,
    Recommendation,
    RecommendationEvent,
    RecommendationIndicator,
    RecommendationMilestone,
    RecommendationState,
)

__all__ = [
    "ActionItem",
    "ActionStatus",
    "AgendaItem",
    "AgendaKind",
    "Attendance",
    "AttendanceStatus",
    "BoardDecision",
    "DecisionOutcome",
    "EventKind",
    "ImplementationMeasure",
    "MayorReport",
    "MayorReportPeriod",
    "MayorReportStatus",
    "MayorReportTrigger",
    "Meeting",
    "MeetingSchedule",
    "MeetingStatus",
    "MilestoneStatus",
    "MinutesAmendment",
    "Recommendation",
    "RecommendationEvent",
    "RecommendationIndicator",
    "RecommendationMilestone",
    "RecommendationState",
    "Weekday",
    "WorkingGroup",
]
