"""The result of an evaluation in plain language, with uncertainty, charts and warnings.

Results are stored as numbers (``compute``); this module words them in the reader's language
(German source texts, English catalogue) and draws the weekly series of target, buffer and
control with the start of the measure marked (``kpi.charts.lines_chart_svg``, the key figures'
SVG pipeline). The report to the Oberbürgermeister calls ``headline`` under German.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stadtlage.evaluation import compute as C
from stadtlage.evaluation.models import Evaluation, EvaluationDesign, EvaluationResult, Verdict
from stadtlage.kpi.charts import Line, format_value, lines_chart_svg

PLACES = {
    "target": gettext_lazy("Zielgebiet"),
    "buffer": gettext_lazy("Umgebung"),
    "control": gettext_lazy("Kontrollgebiet"),
    "displacement_control": gettext_lazy("Kontrolle der Umgebung"),
}
STYLE = {  # colour and dash: the lines differ by pattern as well as colour
    "target": ("#c2410c", ""),
    "buffer": ("#6d28d9", "6 3"),
    "control": ("#1d4ed8", "2 3"),
    "displacement_control": ("#4b5563", "8 3 2 3"),
}
MINUS = "\u2212"


def number(value: float | None, digits: int = 2) -> str:
    """German number with a real minus sign."""
    if value is None or not math.isfinite(value):
        return "–"
    return format_value(value, digits=digits).replace("-", MINUS)


def pvalue(p: float | None) -> str:
    """p-values as people read them: "p = 0,034", or "p < 0,001"."""
    if p is not None and math.isfinite(p) and p < 0.001:
        return "p < " + number(0.001, 3)
    return "p = " + number(p, 3)


def pct(share: float, *, signed: bool = False, unit: bool = True) -> str:
    """0.37 → "37 %" (signed: "+37 %", "−12 %")."""
    value = round(share * 100)
    text = f"{abs(value)}"
    if value < 0:
        text = MINUS + text
    elif signed and value > 0:
        text = "+" + text
    return f"{text} %" if unit else text


def _interval(low: float, high: float, *, signed: bool = False) -> dict[str, str]:
    return {"low": pct(low, signed=signed, unit=False), "high": pct(high, signed=signed)}


def effect_text(effect: dict[str, Any], verdict: str) -> str:
    irr, low, high = effect["irr"], effect["low"], effect["high"]
    if verdict == Verdict.NOT_ESTIMABLE or irr is None:
        return _("nicht schätzbar: im Ziel- oder Kontrollgebiet gab es keine Ereignisse")
    if verdict == Verdict.DECREASE:
        return _(
            "Rückgang um %(pct)s gegenüber dem Kontrollgebiet "
            "(95 %%-Konfidenzintervall %(low)s bis %(high)s)"
        ) % {"pct": pct(1 - irr), **_interval(1 - high, 1 - low)}
    if verdict == Verdict.INCREASE:
        return _(
            "Anstieg um %(pct)s gegenüber dem Kontrollgebiet "
            "(95 %%-Konfidenzintervall %(low)s bis %(high)s)"
        ) % {"pct": pct(irr - 1), **_interval(low - 1, high - 1)}
    return _(
        "keine Wirkung erkennbar: Veränderung %(pct)s gegenüber dem Kontrollgebiet "
        "(95 %%-Konfidenzintervall %(low)s bis %(high)s)"
    ) % {"pct": pct(irr - 1, signed=True), **_interval(low - 1, high - 1, signed=True)}


def displacement_text(displacement: dict[str, Any]) -> str:
    reading = displacement["reading"]
    test = displacement.get("buffer_test")
    change = pct(test["irr"] - 1, signed=True) if test and test["irr"] is not None else ""
    if reading == C.DISPLACEMENT:
        return _(
            "Verdrängung in die Umgebung erkennbar: dort %(change)s gegenüber dem Kontrollgebiet"
        ) % {"change": change}
    if reading == C.DIFFUSION:
        return _(
            "keine Verdrängung in die Umgebung erkennbar, eher positive Ausstrahlung "
            "(Umgebung %(change)s gegenüber dem Kontrollgebiet)"
        ) % {"change": change}
    if reading == C.NO_BUFFER_EFFECT:
        return _("keine Verdrängung in die Umgebung erkennbar")
    if reading == C.NOT_INTERPRETABLE:
        return _(
            "Verdrängung nicht beurteilbar, weil sich das Zielgebiet nicht nachweisbar besser "
            "entwickelt hat als das Kontrollgebiet"
        )
    return ""


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def outcome_headline(outcome: dict[str, Any]) -> str:
    parts = [effect_text(outcome["effect"], outcome["verdict"])]
    displacement = displacement_text(outcome["displacement"])
    if displacement:
        parts.append(displacement)
    return _capitalise("; ".join(parts)) + "."


def primary_outcome(data: dict[str, Any]) -> dict[str, Any]:
    return next(o for o in data["outcomes"] if o["code"] == data["primary"])


def headline(result: EvaluationResult) -> str:
    """One sentence for the primary outcome (the report to the OB words it in German)."""
    return outcome_headline(primary_outcome(result.data))


def warning_text(w: dict[str, Any], outcome_name: str = "") -> str:
    code = w["code"]
    if code == "enforcement":
        return _(
            "„%(name)s“ ist ein Kontrolldelikt: mehr Kontrollen erzeugen mehr Datensätze. Ein "
            "Rückgang kann auch weniger Kontrolle bedeuten – bitte zusammen mit „%(pair)s“ lesen."
        ) % {"name": outcome_name, "pair": w.get("pair") or "–"}
    if code == "few_events":
        if w.get("mde") is None:
            return _(
                "Zu wenige Ereignisse: mit diesen Fallzahlen ist kein realistischer Rückgang "
                "nachweisbar (erwartet: %(expected)s)."
            ) % {"expected": pct(w["expected"])}
        return _(
            "Zu wenige Ereignisse: nachweisbar wäre erst ein Rückgang um %(mde)s, erwartet sind "
            "%(expected)s. Ein Ergebnis ohne nachweisbare Wirkung heißt hier nicht „wirkungslos“."
        ) % {"mde": pct(w["mde"]), "expected": pct(w["expected"])}
    if code == "rtm":
        return _(
            "Regression zur Mitte möglich: der Vorzeitraum lag %(ratio)s-fach über dem Jahr davor "
            "(höher als %(percentile)s der gleich langen Zeiträume). Ein Teil des Rückgangs wäre "
            "auch ohne Maßnahme gekommen."
        ) % {"ratio": number(w["ratio"]), "percentile": pct(w["percentile"])}
    if code == "rtm_unchecked":
        return _(
            "Regression zur Mitte nicht prüfbar: vor dem Vorzeitraum gibt es nur %(weeks)s "
            "Wochen Daten."
        ) % {"weeks": w["baseline_weeks"]}
    if code == "pretrend":
        return _(
            "Die Trends vor der Maßnahme verliefen nicht parallel (Zielgebiet gegenüber "
            "Kontrollgebiet %(change)s je Woche, %(p)s); das Ergebnis ist mit Vorsicht zu "
            "lesen."
        ) % {"change": pct(w["ratio"] - 1, signed=True), "p": pvalue(w["p"])}
    if code == "zero_cells":
        return _(
            "Ein Gebiet hatte in einem Zeitraum keine Ereignisse; geschätzt mit der Korrektur "
            "+0,5, das Intervall ist entsprechend breit."
        )
    if code == "pre_before_data":
        return _("Für einen Teil des Vorzeitraums fehlen Daten (erste Daten ab %(day)s).") % {
            "day": _day(w.get("data_from", ""))
        }
    if code == "retrospective":
        return _(
            "Das Design wurde nachträglich festgelegt, als Daten des Nachzeitraums schon "
            "vorlagen. Begründung: %(reason)s"
        ) % {"reason": w.get("reason") or "–"}
    if code == "overlap":
        titles = "; ".join(f"{m['title']} ({_day(m['start'])})" for m in w["measures"])
        return _(
            "Andere Maßnahmen begannen im selben Zeitraum in diesen Gebieten: %(measures)s. "
            "Ihre Wirkung lässt sich von dieser nicht trennen."
        ) % {"measures": titles}
    return code


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else "–"


@dataclass
class OutcomeView:
    code: str
    name: str
    unit: str
    primary: bool
    enforcement_driven: bool
    headline: str
    details: list[str]
    warnings: list[str]
    chart_svg: str
    places: list[tuple[str, str]]  # (key, label) in table order
    rows: list[dict[str, Any]]  # weekly table
    sums: list[dict[str, Any]]


@dataclass
class ResultView:
    verdict: str
    verdict_label: str
    headline: str
    warnings: list[str]
    outcomes: list[OutcomeView] = field(default_factory=list)


def _details(o: dict[str, Any], data: dict[str, Any]) -> list[str]:
    out = []
    effect = o["effect"]
    if effect["method"] == "series":
        out.append(
            _(
                "Geschätzt aus den Wochenwerten (Poisson-Modell mit Wochen- und Gebietseffekten); "
                "Überdispersion: Faktor %(scale)s, %(p)s."
            )
            % {"scale": number(effect["scale"]), "p": pvalue(effect["p"])}
        )
    else:
        out.append(
            _("Geschätzt aus den Summen vor und nach dem Beginn, %(p)s.")
            % {"p": pvalue(effect["p"])}
        )
    pretrend = o.get("pretrend")
    if pretrend and pretrend["parallel"]:
        out.append(
            _(
                "Die Trends vor der Maßnahme verliefen parallel (Unterschied %(change)s je Woche, "
                "%(p)s)."
            )
            % {"change": pct(pretrend["ratio"] - 1, signed=True), "p": pvalue(pretrend["p"])}
        )
    disp = o["displacement"]
    if disp.get("wdq") is not None and disp["reading"] != C.NOT_INTERPRETABLE:
        out.append(
            _(
                "Gewichteter Verdrängungsquotient (WDQ, Bowers & Johnson): %(wdq)s; "
                "Gesamtnettoeffekt: %(tne)s Ereignisse weniger in Ziel und Umgebung."
            )
            % {"wdq": number(disp["wdq"]), "tne": number(disp["total_net_effect"], 0)}
        )
    wdd = o["wdd"]
    template = (
        _(
            "WDD-Test (Wheeler & Ratcliffe) mit Umgebung: %(wdd)s Ereignisse je Woche "
            "(95 %%-Konfidenzintervall %(low)s bis %(high)s; %(p)s)."
        )
        if wdd["with_displacement"]
        else _(
            "WDD-Test (Wheeler & Ratcliffe), nur Ziel gegenüber Kontrolle: %(wdd)s Ereignisse je "
            "Woche (95 %%-Konfidenzintervall %(low)s bis %(high)s; %(p)s)."
        )
    )
    out.append(
        template
        % {
            "wdd": number(wdd["wdd"], 1),
            "low": number(wdd["low"], 1),
            "high": number(wdd["high"], 1),
            "p": pvalue(wdd["p"]),
        }
    )
    mde = o["mde"]["reduction"]
    out.append(
        _("Mit diesen Fallzahlen nachweisbar (Power 80 %%, α = 5 %%): ein Rückgang ab %(mde)s.")
        % {"mde": pct(mde)}
        if mde is not None
        else _("Mit diesen Fallzahlen ist kein realistischer Rückgang nachweisbar.")
    )
    rtm = o.get("rtm")
    if rtm and not rtm["suspect"]:
        out.append(
            _(
                "Vorzeitraum gegenüber den %(weeks)s Wochen davor: %(ratio)s-fach (%(p)s) – "
                "kein Hinweis auf Regression zur Mitte."
            )
            % {
                "weeks": rtm["baseline_weeks"],
                "ratio": number(rtm["ratio"]),
                "p": pvalue(rtm["p"]),
            }
        )
    return out


def _labels(data: dict[str, Any]) -> list[str]:
    return [date.fromisoformat(d).strftime("%d.%m.") for d in data["week_starts"]]


def outcome_view(o: dict[str, Any], data: dict[str, Any], chart_id: str) -> OutcomeView:
    labels = _labels(data)
    keys = [k for k in ("target", "buffer", "control", "displacement_control") if k in o["series"]]
    lines = [
        Line(str(PLACES[k]), o["series"][k], STYLE[k][0], STYLE[k][1], css=f"line {k}")
        for k in keys
    ]
    start = date.fromisoformat(data["start"]).strftime("%d.%m.%Y")
    description = _(
        "Wochenwerte von %(places)s, %(pre)s Wochen vor und %(post)s Wochen nach dem Beginn "
        "der Maßnahme am %(start)s. %(headline)s"
    ) % {
        "places": ", ".join(str(PLACES[k]) for k in keys),
        "pre": data["pre_weeks"],
        "post": data["post_weeks"],
        "start": start,
        "headline": outcome_headline(o),
    }
    svg = lines_chart_svg(
        labels,
        lines,
        title=_("%(name)s je Woche") % {"name": o["name"]},
        description=description,
        chart_id=chart_id,
        marker_index=data["pre_weeks"],
        marker_label=_("Beginn"),
    )
    rows = [
        {"week": labels[i], "values": [number(o["series"][k][i], 1) for k in keys]}
        for i in range(len(labels))
    ]
    sums = [
        {
            "label": str(PLACES[k]),
            "pre": number(o["sums"][k][0], 0),
            "post": number(o["sums"][k][1], 0),
        }
        for k in keys
    ]
    return OutcomeView(
        code=o["code"],
        name=o["name"],
        unit=o["unit"],
        primary=o["primary"],
        enforcement_driven=o["enforcement_driven"],
        headline=outcome_headline(o),
        details=_details(o, data),
        warnings=[warning_text(w, o["name"]) for w in o["warnings"]],
        chart_svg=svg,
        places=[(k, str(PLACES[k])) for k in keys],
        rows=rows,
        sums=sums,
    )


def result_view(result: EvaluationResult, *, chart_prefix: str = "evaluation") -> ResultView:
    data = result.data
    main = primary_outcome(data)
    outcomes = [
        outcome_view(o, data, f"{chart_prefix}-{result.pk}-{i}")
        for i, o in enumerate(sorted(data["outcomes"], key=lambda o: not o["primary"]))
    ]
    return ResultView(
        verdict=result.verdict,
        verdict_label=str(Verdict(result.verdict).label),
        headline=outcome_headline(main),
        warnings=[warning_text(w) for w in data["warnings"]]
        + [warning_text(w, main["name"]) for w in main["warnings"]],
        outcomes=outcomes,
    )


def design_summary(design: EvaluationDesign) -> list[tuple[str, str]]:
    """The design as label/value rows: from the frozen snapshot, or from the draft."""
    if design.snapshot is not None:
        s = design.snapshot

        def names(key: str) -> str:
            part = s.get(key)
            if not part:
                return "–"
            text = ", ".join(part["areas"])
            if part.get("drawn"):
                text = (
                    f"{text} + {_('gezeichnetes Polygon')}" if text else _("gezeichnetes Polygon")
                )
            return text or "–"

        outcomes = [
            o["name"] + (f" ({_('Kontrolldelikt')})" if o["enforcement_driven"] else "")
            for o in s["outcomes"]
        ]
        start = date.fromisoformat(s["start_date"]) if s["start_date"] else None
        buffer_m, target, buffer = s["buffer_m"], names("target"), names("buffer")
        control, dcontrol = names("control"), names("displacement_control")
        pre, post, expected = s["pre_weeks"], s["post_weeks"], s["expected_reduction_pct"]
    else:
        from stadtlage.evaluation.design import DesignInput

        d = DesignInput.of(design)

        def joined(areas: list[Any], drawn: bool = False) -> str:
            text = ", ".join(a.name for a in areas)
            if drawn:
                text = (
                    f"{text} + {_('gezeichnetes Polygon')}" if text else _("gezeichnetes Polygon")
                )
            return text or "–"

        outcomes = [str(i) for i in d.outcomes]
        start = d.start_date
        buffer_m = d.buffer_m
        target = joined(d.target_areas, d.target_polygon is not None)
        buffer = joined(d.displacement_areas)
        control = joined(d.control_areas, d.control_polygon is not None)
        dcontrol = joined(d.displacement_control_areas)
        pre, post, expected = d.pre_weeks, d.post_weeks, d.expected_reduction_pct
    return [
        (_("Zielgebiet"), target),
        (
            _("Umgebung"),
            _("Ring von %(m)s m; zusätzlich: %(areas)s") % {"m": buffer_m, "areas": buffer},
        ),
        (_("Kontrollgebiet"), control),
        (_("Kontrollgebiet der Umgebung"), dcontrol),
        (_("Zielgrößen"), "; ".join(outcomes) or "–"),
        (_("Beginn der Maßnahme"), start.strftime("%d.%m.%Y") if start else "–"),
        (
            _("Vor- und Nachzeitraum"),
            _("je %(pre)s und %(post)s Wochen") % {"pre": pre, "post": post},
        ),
        (_("Erwarteter Rückgang"), f"{expected} %"),
    ]


def report_entries(until: date) -> list[dict[str, Any]]:
    """Evaluations for the report to the Oberbürgermeister (results computed by ``until``, and
    recorded reasons why none was possible), as plain strings in the active language."""
    from stadtlage.evaluation import selectors

    out = []
    for evaluation in selectors.completed():
        result = selectors.current_result(evaluation)
        assert result is not None
        if result.computed_at.date() > until:
            continue
        main = primary_outcome(result.data)
        out.append(
            {
                "title": evaluation.title,
                "recommendation": str(evaluation.recommendation or ""),
                "outcome": main["name"],
                "headline": outcome_headline(main),
                "verdict": result.verdict,
                "warnings": [warning_text(w) for w in result.data["warnings"]]
                + [warning_text(w, main["name"]) for w in main["warnings"]],
                "version": result.design.number,
                "sha256": result.design.sha256[:12],
            }
        )
    for evaluation in selectors.not_possible():
        out.append(
            {
                "title": evaluation.title,
                "recommendation": str(evaluation.recommendation or ""),
                "outcome": "",
                "headline": _("Keine Evaluation möglich: %(reason)s")
                % {"reason": evaluation.not_possible_reason},
                "verdict": "not_possible",
                "warnings": [],
                "version": 0,
                "sha256": "",
            }
        )
    return out


#: Public statements need at least this many events per area and window (DOMAIN.md §8).
PUBLIC_MIN_COUNT = 5


@dataclass(frozen=True)
class PublicResult:
    """What the public measures page may show of an evaluation: the sentence for the main
    outcome, without counts; ``suppressed`` when an area had fewer than five events in a
    window (then only that fact is shown)."""

    title: str
    outcome: str
    text: str
    suppressed: bool
    computed_on: date
    retrospective: bool


def public_result(recommendation_id: int) -> PublicResult | None:
    """The newest completed evaluation of a recommendation, for the public page (or None)."""
    return public_results([recommendation_id]).get(recommendation_id)


def public_results(recommendation_ids: Iterable[int]) -> dict[int, PublicResult]:
    """``public_result`` of several recommendations with a fixed number of queries (the
    recommendations without a completed evaluation are missing)."""
    from stadtlage.evaluation import selectors

    evaluations = selectors.with_versions(
        Evaluation.objects.filter(recommendation_id__in=list(recommendation_ids))
    )
    by_recommendation: dict[int, list[Evaluation]] = {}
    for evaluation in evaluations:
        key = evaluation.recommendation_id
        assert key is not None  # filtered by recommendation
        by_recommendation.setdefault(key, []).append(evaluation)
    out = {}
    for recommendation_id, found in by_recommendation.items():
        done = selectors.completed(found)
        if done:
            out[recommendation_id] = _public_result(done[0])
    return out


def _public_result(evaluation: Evaluation) -> PublicResult:
    from stadtlage.evaluation import selectors

    result = selectors.current_result(evaluation)
    assert result is not None
    main = primary_outcome(result.data)
    counts = [v for key in ("target", "control") for v in main["sums"][key]]
    suppressed = min(counts) < PUBLIC_MIN_COUNT
    text = (
        _("Zu wenige Ereignisse für eine öffentliche Aussage (weniger als 5).")
        if suppressed
        else outcome_headline(main)
    )
    return PublicResult(
        title=evaluation.title,
        outcome=main["name"],
        text=text,
        suppressed=suppressed,
        computed_on=result.computed_at.date(),
        retrospective=result.design.retrospective,
    )
