"""View models of an indicator for pages, exports and the PDF report.

Turns a cached ``IndicatorSeries`` payload into German labels, formatted numbers, the SVG chart
(``charts.py``) and its text alternative. No aggregation happens here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from stadtlage.kpi import charts
from stadtlage.kpi import periods as P
from stadtlage.kpi import series as S
from stadtlage.kpi.models import Aggregation, Indicator, IndicatorSeries, IndicatorVersion
from stadtlage.kpi.queries import known_categories

FLAG_TEXT = {
    "common_cause": gettext_lazy("übliche Schwankung"),
    "special_cause_improvement": gettext_lazy("Signal: Verbesserung"),
    "special_cause_concern": gettext_lazy("Signal: Verschlechterung"),
    "special_cause_neutral_high": gettext_lazy("Signal: höher"),
    "special_cause_neutral_low": gettext_lazy("Signal: niedriger"),
    "missing": gettext_lazy("kein Wert"),
}
ICON_TEXT = {
    # The latest point only: earlier points may carry signals (coloured in the chart).
    "common_cause": gettext_lazy("übliche Schwankung"),
    "special_cause_improvement_high": gettext_lazy("Verbesserung (höhere Werte)"),
    "special_cause_improvement_low": gettext_lazy("Verbesserung (niedrigere Werte)"),
    "special_cause_concern_high": gettext_lazy("Verschlechterung (höhere Werte)"),
    "special_cause_concern_low": gettext_lazy("Verschlechterung (niedrigere Werte)"),
    "special_cause_neutral_high": gettext_lazy("Signal: höhere Werte"),
    "special_cause_neutral_low": gettext_lazy("Signal: niedrigere Werte"),
}
# What a change is measured against, in plain words per period length.
PREVIOUS_TEXT = {
    P.WEEK: gettext_lazy("ggü. Mittel der vier Vorwochen"),
    P.MONTH: gettext_lazy("ggü. Mittel der vier Vormonate"),
}
LAST_YEAR_TEXT = {
    P.WEEK: gettext_lazy("ggü. derselben Woche im Vorjahr"),
    P.MONTH: gettext_lazy("ggü. demselben Monat im Vorjahr"),
}


def previous_text(period: str) -> str:
    return str(PREVIOUS_TEXT.get(period, PREVIOUS_TEXT[P.WEEK]))


def last_year_text(period: str) -> str:
    return str(LAST_YEAR_TEXT.get(period, LAST_YEAR_TEXT[P.WEEK]))


ASSURANCE_TEXT = {
    "pass": gettext_lazy("Ziel wird verlässlich erreicht"),
    "fail": gettext_lazy("Ziel wird ohne Änderung verfehlt"),
    "inconsistent": gettext_lazy("Ziel wird mal erreicht, mal nicht"),
}
GOAL_TEXT = {
    S.GOAL_ACHIEVED: gettext_lazy("erreicht (verlässlich)"),
    S.GOAL_IMPROVING: gettext_lazy("Verbesserung erkennbar"),
    S.GOAL_POSSIBLE: gettext_lazy("offen: Ziel liegt im üblichen Schwankungsbereich"),
    S.GOAL_UNLIKELY: gettext_lazy("gefährdet: ohne Änderung nicht erreichbar"),
    S.GOAL_CONCERN: gettext_lazy("gefährdet: Verschlechterung"),
    S.GOAL_NO_DATA: gettext_lazy("noch keine Aussage (zu wenige Werte)"),
}
MILESTONE_TEXT = {
    S.MILESTONE_OPEN: gettext_lazy("offen"),
    S.MILESTONE_MET: gettext_lazy("erreicht"),
    S.MILESTONE_PARTLY: gettext_lazy("teilweise (mal erreicht, mal nicht)"),
    S.MILESTONE_MISSED: gettext_lazy("verfehlt"),
    S.MILESTONE_NO_DATA: gettext_lazy("keine Aussage"),
}


def category_names(version: IndicatorVersion) -> list[str]:
    """The definition's categories by their names (the codes are for machines only)."""
    names = known_categories(version.source)
    return [names.get(code, code) for code in version.category_codes or []]


def is_percent(version: IndicatorVersion) -> bool:
    return version.aggregation == Aggregation.PROPORTION


def fmt(value: float | None, version: IndicatorVersion, signed: bool = False) -> str:
    text = charts.format_value(value, is_percent(version))
    if signed and is_percent(version):
        text = text.replace(" %", " Pp.")  # a change of a share is in percentage points
    if signed and value is not None and not math.isnan(value) and value > 0:
        return f"+{text}"
    return text


@dataclass
class Row:
    label: str
    value: str
    mean: str
    lower: str
    upper: str
    flag: str
    version: int
    numerator: str = ""
    denominator: str = ""


@dataclass
class IndicatorView:
    indicator: Indicator
    version: IndicatorVersion
    series: IndicatorSeries | None
    data: dict[str, Any]
    chart_svg: str = ""
    icon_svg: str = ""
    icon_label: str = ""
    assurance_svg: str = ""
    assurance_label: str = ""
    latest: str = "–"
    latest_label: str = ""
    change_previous: str = "–"
    change_last_year: str = "–"
    change_previous_label: str = ""
    change_last_year_label: str = ""
    coverage: str = "–"
    rows: list[Row] = field(default_factory=list)
    description: str = ""

    @property
    def unit(self) -> str:
        """The unit beside a number ("" for proportions, which are shown with "%")."""
        return "" if is_percent(self.version) else self.version.unit

    @property
    def missing_submissions(self) -> int:
        return self.series.missing_submissions if self.series else 0

    @property
    def last_update(self) -> Any:
        value = (self.data.get("quality") or {}).get("last_update")
        return parse_datetime(value) if isinstance(value, str) else value

    @property
    def pending_versions(self) -> list[dict[str, Any]]:
        return [
            {"version": p["version"], "valid_from": _date(p["valid_from"])}
            for p in self.data.get("pending_versions", [])
        ]


def _date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def chart_data(data: dict[str, Any], version: IndicatorVersion) -> charts.ChartData:
    spc = data.get("spc") or {}
    return charts.ChartData(
        labels=data.get("labels", []),
        values=data.get("values", []),
        mean=spc.get("mean", []),
        lower=spc.get("lower", []),
        upper=spc.get("upper", []),
        flags=spc.get("flags", []),
        trial=spc.get("trial", []),
        group=spc.get("group", []),
        breaks=[
            charts.Break(b["index"], f"V{b['version']}", b.get("rebase", True))
            for b in data.get("breaks", [])
        ],
        target=spc.get("target"),
        percent=is_percent(version),
        show_limits=version.chart_type != "run",
        flag_text={k: str(v) for k, v in FLAG_TEXT.items()},
        target_text=_("Ziel"),
    )


def describe(view: IndicatorView) -> str:
    """The chart's text alternative in one paragraph."""
    data, version = view.data, view.version
    labels = data.get("labels", [])
    if not labels:
        return _("Noch keine Werte.")
    spc = data.get("spc") or {}
    parts = [
        _("%(chart)s, %(n)d Zeiträume von %(first)s bis %(last)s.")
        % {
            "chart": version.get_chart_type_display(),
            "n": len(labels),
            "first": labels[0],
            "last": labels[-1],
        },
        _("Letzter Wert: %(value)s (%(period)s).")
        % {"value": view.latest, "period": view.latest_label},
    ]
    mean, lower, upper = spc.get("mean") or [], spc.get("lower") or [], spc.get("upper") or []
    if mean and mean[-1] is not None:
        parts.append(_("Mittelwert %(mean)s") % {"mean": fmt(mean[-1], version)})
        if lower and upper and lower[-1] is not None and upper[-1] is not None:
            parts[-1] += _(", Prozessgrenzen %(lower)s bis %(upper)s") % {
                "lower": fmt(lower[-1], version),
                "upper": fmt(upper[-1], version),
            }
        parts[-1] += "."
    if view.icon_label:
        parts.append(_("Letzter Punkt: %(icon)s.") % {"icon": view.icon_label})
    signals = sum(1 for f in spc.get("flags") or [] if str(f).startswith("special_cause"))
    if signals:
        parts.append(
            ngettext(
                "%(n)d Punkt mit Signal (farbig markiert).",
                "%(n)d Punkte mit Signal (farbig markiert).",
                signals,
            )
            % {"n": signals}
        )
    for b in data.get("breaks", []):
        parts.append(
            _("Neue Definition V%(v)d ab %(period)s.")
            % {"v": b["version"], "period": labels[b["index"]]}
        )
    if spc.get("chart_type") == "run" and version.chart_type != "run":
        parts.append(_("Vorläufige Grenzen (weniger als 12 Werte)."))
    return " ".join(parts)


def indicator_view(
    indicator: Indicator, *, compact: bool, with_rows: bool = False
) -> IndicatorView:
    """Everything a tile or a detail page shows about one indicator."""
    version = indicator.current_version
    assert version is not None
    try:
        series: IndicatorSeries | None = indicator.series
    except IndicatorSeries.DoesNotExist:
        series = None
    data = series.data if series else {}
    view = IndicatorView(indicator=indicator, version=version, series=series, data=data)
    summary = data.get("summary") or {}
    spc = data.get("spc") or {}
    period = data.get("period", version.period)
    view.change_previous_label = previous_text(period)
    view.change_last_year_label = last_year_text(period)
    if summary.get("latest_period"):
        view.latest = fmt(summary.get("latest"), version)
        view.latest_label = P.period_label(date.fromisoformat(summary["latest_period"]), period)
        view.change_previous = fmt(summary.get("change_previous"), version, signed=True)
        view.change_last_year = fmt(summary.get("change_last_year"), version, signed=True)
    if data.get("periods"):
        view.coverage = f"{round(100 * (data.get('quality') or {}).get('coverage', 0))} %"
    icon = spc.get("variation_icon")
    if icon:
        view.icon_label = str(ICON_TEXT.get(icon, icon))
        view.icon_svg = charts.icon_svg(icon, view.icon_label)
    assurance = spc.get("assurance")
    if assurance:
        view.assurance_label = str(ASSURANCE_TEXT.get(assurance, assurance))
        view.assurance_svg = charts.icon_svg(assurance, view.assurance_label)
    view.description = describe(view)
    if data.get("labels"):
        chart = chart_data(data, version)
        if compact:
            keep = 26 if period == P.WEEK else 24
            chart = _tail(chart, keep)
        view.chart_svg = charts.spc_chart_svg(
            chart,
            title=version.name,
            description=view.description,
            chart_id=f"chart-{indicator.code}",
            width=320 if compact else 760,
            height=120 if compact else 280,
            compact=compact,
        )
    if with_rows:
        view.rows = rows(data, version)
    return view


def _tail(chart: charts.ChartData, keep: int) -> charts.ChartData:
    n = len(chart.values)
    if n <= keep:
        return chart
    cut = n - keep

    def tail(seq: Any) -> Any:
        return list(seq)[cut:] if seq else seq

    return charts.ChartData(
        labels=tail(chart.labels),
        values=tail(chart.values),
        mean=tail(chart.mean),
        lower=tail(chart.lower),
        upper=tail(chart.upper),
        flags=tail(chart.flags),
        trial=tail(chart.trial),
        group=tail(chart.group),
        breaks=[
            charts.Break(b.index - cut, b.label, b.rebase) for b in chart.breaks if b.index > cut
        ],
        target=chart.target,
        percent=chart.percent,
        show_limits=chart.show_limits,
        flag_text=chart.flag_text,
        target_text=chart.target_text,
    )


def rows(data: dict[str, Any], version: IndicatorVersion) -> list[Row]:
    """The data table: one row per period, newest first."""
    spc = data.get("spc") or {}
    labels = data.get("labels", [])
    out = []

    def col(key: str, i: int) -> Any:
        seq = spc.get(key) or []
        return seq[i] if i < len(seq) else None

    nums, dens = data.get("numerators") or [], data.get("denominators") or []
    for i, label in enumerate(labels):
        flag = col("flags", i) or ("missing" if data["values"][i] is None else "common_cause")
        out.append(
            Row(
                label=label,
                value=fmt(data["values"][i], version),
                mean=fmt(col("mean", i), version),
                lower=fmt(col("lower", i), version),
                upper=fmt(col("upper", i), version),
                flag=str(FLAG_TEXT.get(flag, flag)),
                version=data["versions"][i],
                numerator=charts.format_value(nums[i]) if i < len(nums) else "",
                denominator=charts.format_value(dens[i]) if i < len(dens) else "",
            )
        )
    return out[::-1]


def goal_views(indicator: Indicator, data: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """Active goals with their SPC-derived status and milestone states."""
    from stadtlage.kpi import spc as spc_module

    version = indicator.current_version
    assert version is not None
    spc = data.get("spc")
    periods = [date.fromisoformat(p) for p in data.get("periods", [])]
    result = None
    if spc:
        result = spc_module.SpcResult(
            chart_type=spc["chart_type"],
            direction=spc["direction"],
            target=spc["target"],
            values=_arr(spc["values"]),
            mean=_arr(spc["mean"]),
            lower=_arr(spc["lower"]),
            upper=_arr(spc["upper"]),
            flags=tuple(spc["flags"]),
            trial=tuple(spc["trial"]),
            group=tuple(spc["group"]),
            variation_icon=spc["variation_icon"],
            assurance=spc["assurance"],
        )
    out = []
    for goal in indicator.goals.all():
        if not goal.is_active:  # proposed with a recommendation the board has not adopted
            continue
        status = S.goal_status(result, goal.target_value) if result else S.GOAL_NO_DATA
        out.append(
            {
                "goal": goal,
                "status": status,
                "status_text": GOAL_TEXT[status],
                "baseline": fmt(goal.baseline_value, version),
                "target": fmt(goal.target_value, version),
                "milestones": [
                    {
                        "milestone": m,
                        "target": fmt(m.target_value, version),
                        "status": (
                            s := S.milestone_status(
                                result, periods, m.due_date, m.target_value, today
                            )
                            if result
                            else S.MILESTONE_NO_DATA
                        ),
                        "status_text": MILESTONE_TEXT[s],
                    }
                    for m in goal.milestones.all()
                ],
            }
        )
    return out


def _arr(values: list[float | None]) -> Any:
    import numpy as np

    return np.array([math.nan if v is None else v for v in values], dtype=np.float64)
