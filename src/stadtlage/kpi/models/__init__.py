"""Models of the key-figure engine (Kennzahlen).

* ``partner``: aggregated figures submitted by partner organisations (revisions, provenance).
* ``indicator``: indicator definitions as versioned data, goals and milestones.
* ``series``: the computed series per indicator (a cache the dashboards render from) and the
  sealed closed periods that outlive their deleted raw records.
"""

from stadtlage.kpi.models.indicator import (
    Aggregation,
    ChartType,
    Direction,
    Exposure,
    Goal,
    GoalMilestone,
    Indicator,
    IndicatorVersion,
    Quantity,
    Source,
)
from stadtlage.kpi.models.partner import (
    NoteReview,
    PartnerApiToken,
    PartnerReason,
    PartnerSeries,
    PartnerValue,
    Period,
    SubmissionChannel,
)
from stadtlage.kpi.models.series import IndicatorSeries, SealedPeriod

__all__ = [
    "Aggregation",
    "ChartType",
    "Direction",
    "Exposure",
    "Goal",
    "GoalMilestone",
    "Indicator",
    "IndicatorSeries",
    "IndicatorVersion",
    "NoteReview",
    "PartnerApiToken",
    "PartnerReason",
    "PartnerSeries",
    "PartnerValue",
    "Period",
    "Quantity",
    "SealedPeriod",
    "Source",
    "SubmissionChannel",
]
