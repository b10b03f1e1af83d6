"""Key figures as the public sees them: suppressed small counts, the SPC reading in words.

Works on the stored series (``IndicatorSeries.data``, see docs/kennzahlen.md); nothing is
aggregated here. A value whose underlying count (the numerator: reports, persons, cases) lies
between 1 and k−1 is "< k". Anything computed from several values — the change against earlier
periods, the centre line and the limits of the chart — is shown only when none of those values
is hidden (it would let a reader recompute a hidden one); the SPC reading in words is always
shown, because it reveals no number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from stadtlage.kpi import display
from stadtlage.kpi import series as S
from stadtlage.kpi.models import Aggregation, Goal, Indicator, IndicatorVersion, Quantity
from stadtlage.public import disclosure

IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"
NEUTRAL_HIGH = "special_cause_neutral_high"
NEUTRAL_LOW = "special_cause_neutral_low"
MISSING = "missing"
#: Rows of the public data table (the newest periods).
TABLE_PERIODS = 12


def reading(labels: list[str], flags: list[str], trial: list[bool]) -> str:
    """The SPC reading of the latest value in plain German, e.g. "deutliche Verbesserung seit
    KW 12/2026" (the start of the current run of signals) or "keine auffällige Veränderung"."""
    present = [i for i, f in enumerate(flags) if f != MISSING]
    if not present:
        return _("noch keine Werte")
    last = present[-1]
    if last < len(trial) and trial[last]:
        return _("noch zu wenige Werte für eine sichere Aussage")
    flag = flags[last]
    if flag not in (IMPROVEMENT, CONCERN, NEUTRAL_HIGH, NEUTRAL_LOW):
        return _("keine auffällige Veränderung")
    start = last
    for i in reversed(present[:-1]):
        if flags[i] != flag:
            break
        start = i
    since = labels[start]
    return {
        IMPROVEMENT: _("deutliche Verbesserung seit %(since)s"),
        CONCERN: _("deutliche Verschlechterung seit %(since)s"),
        NEUTRAL_HIGH: _("auffällig höher seit %(since)s"),
        NEUTRAL_LOW: _("auffällig niedriger seit %(since)s"),
    }[flag] % {"since": since}


GOAL_READING = {
    S.GOAL_ACHIEVED: gettext_noop("Ziel wird verlässlich erreicht"),
    S.GOAL_IMPROVING: gettext_noop("Ziel wird voraussichtlich erreicht"),
    S.GOAL_POSSIBLE: gettext_noop("Ziel kann erreicht werden, ist aber noch nicht sicher"),
    S.GOAL_UNLIKELY: gettext_noop("Ziel wird ohne weitere Maßnahmen voraussichtlich verfehlt"),
    S.GOAL_CONCERN: gettext_noop("Ziel gefährdet: die Lage verschlechtert sich"),
    S.GOAL_NO_DATA: gettext_noop("zum Ziel noch keine Aussage"),
}


def hidden_periods(data: dict[str, Any], version: IndicatorVersion, min_count: int) -> list[bool]:
    """Per period: is the value withheld because its underlying count is small?"""
    values = data.get("values") or []
    nums = data.get("numerators") or [None] * len(values)
    dens = data.get("denominators") or [None] * len(values)
    counts_people = not (
        version.quantity == Quantity.HOURS
        and version.aggregation in (Aggregation.SUM, Aggregation.COUNT)
    )
    out = []
    for value, num, den in zip(values, nums, dens, strict=False):
        if value is None or num is None or not counts_people:
            out.append(False)
            continue
        n = round(float(num))
        small = disclosure.is_small(n, min_count)
        if version.aggregation == Aggregation.PROPORTION and den is not None:
            d = round(float(den))
            small = small or disclosure.is_small(d, min_count)
            small = small or disclosure.is_small(d - n, min_count)
        out.append(small)
    return out


@dataclass
class PublicFigure:
    indicator: Indicator
    version: IndicatorVersion
    latest: str
    latest_label: str
    change: str  # "" when not publishable
    reading: str
    goals: list[str]
    coverage: str
    missing_submissions: int
    last_update: datetime | None
    chart_svg: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    hidden_any: bool = False
    signal: str = ""  # SPC flag of the latest value (special_cause_improvement, …) or ""
    change_label: str = ""  # "ggü. Mittel der vier Vorwochen"

    @property
    def unit(self) -> str:
        return "" if display.is_percent(self.version) else self.version.unit

    @property
    def code(self) -> str:
        return self.indicator.code


def _goal_title(goal: Goal) -> str:
    """A goal adopted with a Sonderstab recommendation carries its title; the public reads it
    only once the recommendation's public summary is approved (reads prefetched links)."""
    links = list(goal.taskforce_links.all())
    if links and not any(link.recommendation.public_summary_approved for link in links):
        return _("Ziel einer beschlossenen Maßnahme")
    return goal.title


def public_figure(indicator: Indicator, *, min_count: int, today: date) -> PublicFigure:
    """Everything the public Lagebild shows of one (publicly released) indicator."""
    version = indicator.current_version
    assert version is not None
    view = display.indicator_view(indicator, compact=True)
    data = view.data
    values: list[float | None] = data.get("values") or []
    labels: list[str] = data.get("labels") or []
    hidden = hidden_periods(data, version, min_count)
    spc = data.get("spc") or {}
    flags = list(spc.get("flags") or [MISSING if v is None else "common_cause" for v in values])
    trial = list(spc.get("trial") or [True] * len(values))

    def text(i: int) -> str:
        if hidden[i]:
            return f"< {min_count}"
        return display.fmt(values[i], version)

    present = [i for i, v in enumerate(values) if v is not None]
    latest, latest_label, change = "–", "", ""
    if present:
        i = present[-1]
        latest, latest_label = text(i), labels[i]
        before = [j for j in present if i - 4 <= j < i]
        if before and not any(hidden[j] for j in (*before, i)):
            mean = sum(float(values[j] or 0) for j in before) / len(before)
            change = display.fmt(float(values[i] or 0) - mean, version, signed=True)
    goals = []
    for goal in display.goal_views(indicator, data, today):
        goals.append(f"{_goal_title(goal['goal'])}: {_(GOAL_READING[goal['status']])}")
    quality = data.get("quality") or {}
    last_update = quality.get("last_update")
    return PublicFigure(
        indicator=indicator,
        version=version,
        latest=latest,
        latest_label=latest_label,
        change=change,
        change_label=view.change_previous_label,
        reading=reading(labels, flags, trial),
        goals=goals,
        coverage=view.coverage,
        missing_submissions=view.missing_submissions,
        last_update=parse_datetime(last_update) if isinstance(last_update, str) else last_update,
        # The chart draws every value and the limits computed from all of them: only when
        # nothing is hidden.
        chart_svg="" if any(hidden) else view.chart_svg,
        rows=[(labels[i], text(i)) for i in reversed(present[-TABLE_PERIODS:])],
        hidden_any=any(hidden),
        signal=latest_signal(flags, trial),
    )


def latest_signal(flags: list[str], trial: list[bool]) -> str:
    present = [i for i, f in enumerate(flags) if f != MISSING]
    if not present or (present[-1] < len(trial) and trial[present[-1]]):
        return ""
    flag = flags[present[-1]]
    return flag if flag in (IMPROVEMENT, CONCERN, NEUTRAL_HIGH, NEUTRAL_LOW) else ""


def published_value(value: float | None, hidden: bool) -> float | None:
    """The value as open data carries it (None when withheld or missing)."""
    if hidden or value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value
