"""Server-side SVG charts for SPC series: one pure pipeline for pages and the PDF report.

``spc_chart_svg`` turns plain numbers (a series and its SPC columns) into a self-contained,
accessible SVG string: ``role="img"`` with ``<title>`` and ``<desc>``, a ``<title>`` on every
point, and signals told by shape as well as colour. Free of Django: the caller passes the
(translated) texts; pages add a data table as the text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

COLOURS = {
    "common_cause": "#6b7280",
    "special_cause_improvement": "#1d4ed8",
    "special_cause_concern": "#c2410c",
    "special_cause_neutral_high": "#6d28d9",
    "special_cause_neutral_low": "#6d28d9",
}
INK, GRID, LIMIT, TARGET, BREAK = "#1f2937", "#e5e7eb", "#6b7280", "#166534", "#92400e"

DEFAULT_FLAG_TEXT = {
    "common_cause": "übliche Schwankung",
    "special_cause_improvement": "Signal: Verbesserung",
    "special_cause_concern": "Signal: Verschlechterung",
    "special_cause_neutral_high": "Signal: höher",
    "special_cause_neutral_low": "Signal: niedriger",
    "missing": "kein Wert",
}


@dataclass(frozen=True)
class Break:
    index: int  # first point of the new definition
    label: str  # e.g. "V2"
    rebase: bool = True


@dataclass(frozen=True)
class ChartData:
    labels: Sequence[str]
    values: Sequence[float | None]
    mean: Sequence[float | None] = ()
    lower: Sequence[float | None] = ()
    upper: Sequence[float | None] = ()
    flags: Sequence[str] = ()
    trial: Sequence[bool] = ()
    group: Sequence[int] = ()
    breaks: Sequence[Break] = ()
    target: float | None = None
    percent: bool = False
    show_limits: bool = True
    flag_text: Mapping[str, str] = field(default_factory=lambda: DEFAULT_FLAG_TEXT)
    target_text: str = "Ziel"  # label of the target line (translated by the caller)


def _num(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def format_value(value: float | None, percent: bool = False, digits: int | None = None) -> str:
    """German number format: ``1.234,5``; proportions as ``12,3 %``."""
    value = _num(value)
    if value is None:
        return "–"
    if percent:
        value *= 100
    if digits is None:
        magnitude = abs(value)
        digits = (
            0 if magnitude >= 100 or float(value).is_integer() else (1 if magnitude >= 10 else 2)
        )
    text = f"{value:,.{digits}f}".replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return f"{text} %" if percent else text


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _runs(n: int, ok: Sequence[bool], groups: Sequence[int]) -> list[list[int]]:
    """Maximal runs of consecutive indexes that are ``ok`` and in the same group."""
    runs: list[list[int]] = []
    for i in range(n):
        if not ok[i]:
            continue
        if runs and runs[-1][-1] == i - 1 and groups[i] == groups[i - 1]:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    span = high - low
    step = 10 ** math.floor(math.log10(span / count)) if span > 0 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if span / (step * factor) <= count:
            step *= factor
            break
    start = math.ceil(low / step) * step
    ticks, value = [], start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def spc_chart_svg(
    data: ChartData,
    *,
    title: str,
    description: str,
    chart_id: str,
    width: int = 720,
    height: int = 260,
    compact: bool = False,
) -> str:
    """An SPC chart (values, centre line, process limits, signals, version breaks, target)."""
    n = len(data.values)
    values = [_num(v) for v in data.values]
    mean = [_num(v) for v in data.mean] or [None] * n
    lower = [_num(v) for v in data.lower] or [None] * n
    upper = [_num(v) for v in data.upper] or [None] * n
    flags = list(data.flags) or ["common_cause" if v is not None else "missing" for v in values]
    trial = list(data.trial) or [False] * n
    groups = list(data.group) or [0] * n
    for b in data.breaks:  # a version break always splits the lines
        groups = [g + (1000 if i >= b.index else 0) for i, g in enumerate(groups)]

    left, right, top, bottom = (34, 8, 8, 16) if compact else (56, 16, 22, 40)
    pw, ph = width - left - right, height - top - bottom
    pool = [v for v in values if v is not None]
    if data.show_limits:
        pool += [v for v in (*lower, *upper) if v is not None]
    pool += [v for v in mean if v is not None]
    if data.target is not None:
        pool.append(data.target)
    lo, hi = (min(pool), max(pool)) if pool else (0.0, 1.0)
    if hi - lo < 1e-12:
        lo, hi = lo - 1.0, hi + 1.0
    pad = (hi - lo) * 0.08
    lo, hi = (0.0 if lo >= 0 and lo - pad < 0 else lo - pad), hi + pad

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo))

    cid = escape(chart_id, quote=True)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart{" compact" if compact else ""}"'
        f' viewBox="0 0 {width} {height}" width="100%" role="img"'
        f' aria-labelledby="{cid}-title {cid}-desc" font-family="system-ui, sans-serif"'
        f' font-size="{10 if compact else 12}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]
    # Axes and grid.
    ticks = _nice_ticks(lo, hi, 3 if compact else 5)
    for t in ticks:
        ty = _fmt(y(t))
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{ty}" y2="{ty}" stroke="{GRID}"'
            ' aria-hidden="true"/>'
        )
        out.append(
            f'<text x="{left - 4}" y="{ty}" text-anchor="end" dominant-baseline="middle"'
            f' fill="{INK}" aria-hidden="true">'
            f"{escape(format_value(t, data.percent))}</text>"
        )
    if n and not compact:
        step = max(1, math.ceil(n / 8))
        shown = [i for i in range(0, n, step) if n - 1 - i >= step * 0.8 or i == n - 1]
        if n - 1 not in shown:
            shown.append(n - 1)
        for i in shown:
            anchor = "end" if i == n - 1 and n > 1 else "middle"
            out.append(
                f'<text x="{_fmt(x(i))}" y="{height - bottom + 16}" text-anchor="{anchor}"'
                f' fill="{INK}" aria-hidden="true">{escape(data.labels[i])}</text>'
            )
    elif n:
        for i in (0, n - 1):
            anchor = "start" if i == 0 else "end"
            out.append(
                f'<text x="{_fmt(x(i))}" y="{height - 3}" text-anchor="{anchor}" fill="{INK}"'
                f' aria-hidden="true">{escape(data.labels[i])}</text>'
            )

    def polyline(series: Sequence[float | None], css: str, stroke: str, dash: str = "") -> None:
        ok = [v is not None for v in series]
        for run in _runs(n, ok, groups):
            points = " ".join(f"{_fmt(x(i))},{_fmt(y(series[i]))}" for i in run)  # type: ignore[arg-type]
            if len(run) == 1:
                i = run[0]
                points = (
                    f"{_fmt(x(i) - 3)},{_fmt(y(series[i]))} {_fmt(x(i) + 3)},{_fmt(y(series[i]))}"  # type: ignore[arg-type]
                )
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<polyline class="{css}" points="{points}" fill="none" stroke="{stroke}"'
                f'{dash_attr} stroke-width="1.2" aria-hidden="true"/>'
            )

    # Centre line and limits; trial limits dotted.
    polyline(mean, "mean", LIMIT)
    if data.show_limits:
        for series, css in ((lower, "limit lower"), (upper, "limit upper")):
            final = [v if not trial[i] else None for i, v in enumerate(series)]
            provisional = [v if trial[i] else None for i, v in enumerate(series)]
            polyline(final, css, LIMIT, "6 4")
            polyline(provisional, f"{css} trial", LIMIT, "2 3")
    if data.target is not None:
        ty = _fmt(y(data.target))
        out.append(
            f'<line class="target" x1="{left}" x2="{left + pw}" y1="{ty}" y2="{ty}"'
            f' stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="10 3 2 3"'
            ' aria-hidden="true"/>'
        )
        if not compact:
            out.append(
                f'<text x="{left + pw}" y="{_fmt(y(data.target) - 4)}" text-anchor="end"'
                f' fill="{TARGET}" aria-hidden="true">{escape(data.target_text)}</text>'
            )
    # Version breaks.
    for b in data.breaks:
        bx = _fmt((x(b.index - 1) + x(b.index)) / 2 if b.index > 0 else x(0))
        out.append(
            f'<g class="version-break" data-version="{escape(b.label, quote=True)}">'
            f'<line x1="{bx}" x2="{bx}" y1="{top}" y2="{top + ph}" stroke="{BREAK}"'
            ' stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{bx}" y="{top - 2 if not compact else top + 8}" text-anchor="middle"'
            f' fill="{BREAK}" font-weight="600">{escape(b.label)}</text></g>'
        )
    # Values and points.
    polyline(values, "values", INK)
    for i, v in enumerate(values):
        label = escape(data.labels[i]) if i < len(data.labels) else str(i)
        if v is None:
            out.append(
                f'<text class="point missing" x="{_fmt(x(i))}" y="{top + ph - 2}"'
                f' text-anchor="middle" fill="{LIMIT}"><title>{label}: '
                f"{escape(data.flag_text.get('missing', 'kein Wert'))}</title>×</text>"
            )
            continue
        flag = flags[i] if i < len(flags) else "common_cause"
        colour = COLOURS.get(flag, COLOURS["common_cause"])
        tip = (
            f"{label}: {escape(format_value(v, data.percent))} – "
            f"{escape(data.flag_text.get(flag, flag))}"
        )
        cx, cy = _fmt(x(i)), _fmt(y(v))
        r = (2.5 if compact else 3.5) if flag == "common_cause" else (3.5 if compact else 5)
        if flag == "special_cause_concern":  # a square: the signal is not told by colour alone
            out.append(
                f'<rect class="point {flag}" x="{_fmt(x(i) - r)}" y="{_fmt(y(v) - r)}"'
                f' width="{_fmt(2 * r)}" height="{_fmt(2 * r)}" fill="{colour}">'
                f"<title>{tip}</title></rect>"
            )
        else:
            out.append(
                f'<circle class="point {flag}" cx="{cx}" cy="{cy}" r="{_fmt(r)}"'
                f' fill="{colour}"><title>{tip}</title></circle>'
            )
    out.append("</svg>")
    return "".join(out)


ICON_SHAPES = {
    # variation icon -> (colour, letter, arrow)
    "common_cause": (COLOURS["common_cause"], "", "—"),
    "special_cause_improvement_high": (COLOURS["special_cause_improvement"], "H", "↑"),
    "special_cause_improvement_low": (COLOURS["special_cause_improvement"], "L", "↓"),
    "special_cause_concern_high": (COLOURS["special_cause_concern"], "H", "↑"),
    "special_cause_concern_low": (COLOURS["special_cause_concern"], "L", "↓"),
    "special_cause_neutral_high": (COLOURS["special_cause_neutral_high"], "H", "↑"),
    "special_cause_neutral_low": (COLOURS["special_cause_neutral_low"], "L", "↓"),
    # assurance
    "pass": ("#1d4ed8", "P", ""),
    "fail": ("#c2410c", "F", ""),
    "inconsistent": ("#6b7280", "?", ""),
}


def icon_svg(key: str, label: str, size: int = 28) -> str:
    """A round icon (NHS "Making Data Count" style) with an accessible label."""
    colour, letter, arrow = ICON_SHAPES.get(key, ("#9ca3af", "", "·"))
    text = f"{arrow}{letter}" if letter or arrow else "·"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-icon" viewBox="0 0 28 28"'
        f' width="{size}" height="{size}" role="img" aria-label="{escape(label, quote=True)}">'
        f"<title>{escape(label)}</title>"
        f'<circle cx="14" cy="14" r="12.5" fill="#fff" stroke="{colour}" stroke-width="2.5"/>'
        f'<text x="14" y="15" text-anchor="middle" dominant-baseline="middle" fill="{colour}"'
        f' font-family="system-ui, sans-serif" font-size="11" font-weight="700">'
        f"{escape(text)}</text></svg>"
    )


@dataclass(frozen=True)
class Line:
    """One series of a line chart (e.g. target, buffer, control of an evaluation)."""

    name: str
    values: Sequence[float | None]
    colour: str
    dash: str = ""  # stroke-dasharray: lines differ by pattern as well as colour
    css: str = ""


def lines_chart_svg(
    labels: Sequence[str],
    lines: Sequence[Line],
    *,
    title: str,
    description: str,
    chart_id: str,
    marker_index: int | None = None,
    marker_label: str = "",
    width: int = 720,
    height: int = 260,
) -> str:
    """Several series over the same periods, a legend, and a dashed marker before
    ``marker_index`` (e.g. the start of a measure). Same conventions as ``spc_chart_svg``."""
    n = len(labels)
    left, right, top, bottom = 56, 16, 30, 40
    pw, ph = width - left - right, height - top - bottom
    pool = [v for line in lines for v in (_num(x) for x in line.values) if v is not None]
    lo, hi = (min([*pool, 0.0]), max(pool)) if pool else (0.0, 1.0)
    if hi - lo < 1e-12:
        hi = lo + 1.0
    hi += (hi - lo) * 0.08

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo))

    cid = escape(chart_id, quote=True)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lines-chart" viewBox="0 0 {width}'
        f' {height}" width="100%" role="img" aria-labelledby="{cid}-title {cid}-desc"'
        ' font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]
    for t in _nice_ticks(lo, hi, 5):
        ty = _fmt(y(t))
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{ty}" y2="{ty}" stroke="{GRID}"'
            ' aria-hidden="true"/>'
            f'<text x="{left - 4}" y="{ty}" text-anchor="end" dominant-baseline="middle"'
            f' fill="{INK}" aria-hidden="true">{escape(format_value(t))}</text>'
        )
    step = max(1, math.ceil(n / 8)) if n else 1
    for i in range(0, n, step):
        out.append(
            f'<text x="{_fmt(x(i))}" y="{height - bottom + 16}" text-anchor="middle"'
            f' fill="{INK}" aria-hidden="true">{escape(labels[i])}</text>'
        )
    if marker_index is not None and 0 < marker_index < n:
        mx = _fmt((x(marker_index - 1) + x(marker_index)) / 2)
        out.append(
            f'<g class="marker"><line x1="{mx}" x2="{mx}" y1="{top}" y2="{top + ph}"'
            f' stroke="{BREAK}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{mx}" y="{top - 4}" text-anchor="middle" fill="{BREAK}"'
            f' font-weight="600">{escape(marker_label)}</text></g>'
        )
    legend_x = left
    for line in lines:
        values = [_num(v) for v in line.values]
        css = escape(line.css or "line", quote=True)
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        points = " ".join(
            f"{_fmt(x(i))},{_fmt(y(v))}" for i, v in enumerate(values) if v is not None
        )
        out.append(
            f'<polyline class="{css}" points="{points}" fill="none" stroke="{line.colour}"'
            f' stroke-width="1.8"{dash}><title>{escape(line.name)}</title></polyline>'
        )
        for i, v in enumerate(values):
            if v is None:
                continue
            out.append(
                f'<circle class="{css}" cx="{_fmt(x(i))}" cy="{_fmt(y(v))}" r="2.2"'
                f' fill="{line.colour}"><title>{escape(line.name)}, {escape(labels[i])}:'
                f" {escape(format_value(v))}</title></circle>"
            )
        out.append(
            f'<g aria-hidden="true"><line x1="{legend_x}" x2="{legend_x + 18}" y1="10" y2="10"'
            f' stroke="{line.colour}" stroke-width="2"{dash}/>'
            f'<text x="{legend_x + 22}" y="10" dominant-baseline="middle" fill="{INK}">'
            f"{escape(line.name)}</text></g>"
        )
        legend_x += 36 + 8 * len(line.name)
    out.append("</svg>")
    return "".join(out)
